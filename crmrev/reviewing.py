"""A review session from start to summary, as a library function: the CLI calls it, and so can tests.

It builds today's queue (owed same-day repeats, due cards, new cards), drives the key loop in a
terminal or the line protocol otherwise, saves, and returns the summary. Signals that end a session
(SIGTERM, SIGHUP where it exists) are turned into ReviewInterrupted, after the answers are saved.
"""

from __future__ import annotations

import datetime as dt
import signal
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TextIO

from crmrev.errors import EXIT_INTERRUPTED, UsageError
from crmrev.exam import DEFAULT_TARGET, ExamPlan
from crmrev.model import Deck
from crmrev.progress import Progress
from crmrev.queue import DEFAULT_NEW_PER_DAY, Item, build_queue, cram_queue, new_allowed, select_cards
from crmrev.session import Session, pending_repeats
from crmrev.settings import Budget
from crmrev.stats import Dues, ExamOutlook, all_ids, new_today, session_summary, time_estimate


@dataclass(frozen=True)
class ReviewOptions:
    deck_ids: Sequence[str] = ()
    types: Sequence[str] = ()
    new: int | None = None     # new cards this session; None: what is left of the daily allowance
    limit: int | None = None   # at most this many cards
    cram: bool = False         # after the due cards, practise the cards weakest for the exam
    per_day: int = DEFAULT_NEW_PER_DAY  # the new-per-day setting
    grading: str = "six"       # the grading setting: "four" buttons or "six" grades (keys only)
    target: float = DEFAULT_TARGET  # the exam-target-recall setting (exam.ExamPlan)
    budget: Budget | None = None    # the daily-budget setting: it paces new cards before an exam


@dataclass(frozen=True)
class ReviewResult:
    summary: dict
    finished: bool       # the queue was worked through (not quit early)
    empty: bool          # there was nothing to review today


class ReviewInterrupted(Exception):
    """Ctrl-C or a signal ended the session; every answer given was saved first."""

    def __init__(self, answers: int, exit_code: int) -> None:
        super().__init__(answers, exit_code)
        self.answers = answers
        self.exit_code = exit_code


class Signalled(Exception):
    """SIGTERM or SIGHUP arrived (signals_interrupt turns them into this exception)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _raise_signalled(signum: int, _frame: object) -> None:
    raise Signalled(signum)


@contextmanager
def signals_interrupt() -> Iterator[None]:
    # SIGHUP (a closed terminal) exists only on POSIX; Windows delivers SIGTERM at most.
    signals = [signal.SIGTERM] + ([signal.SIGHUP] if hasattr(signal, "SIGHUP") else [])
    handlers = {sig: signal.signal(sig, _raise_signalled) for sig in signals}
    try:
        yield
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)


def run_review(decks: Sequence[Deck], store: Progress, options: ReviewOptions, today: dt.date,
               now: Callable[[], dt.datetime], stdin: TextIO | None, console=None) -> ReviewResult:
    """One session over `decks` with an open, writable store. A terminal stdin gets the key loop
    (drawn on `console`), anything else the line protocol."""
    from crmrev.ui.console import make_console
    from crmrev.ui.interactive import run_interactive
    from crmrev.ui.keys import cbreak
    from crmrev.ui.scripted import run_scripted

    started = time.monotonic()
    cards = select_cards(decks, options.deck_ids, options.types)
    plan = store.exam_plan(today, options.target)
    # On exam day the plan schedules nothing more, but the morning of the exam is when cramming helps.
    cram_for = plan or (ExamPlan(today, store.memory, options.target) if store.exam == today else None)
    if options.cram and cram_for is None:
        passed = store.exam is not None and store.exam < today
        raise UsageError("--cram needs an exam date, today or later" + (
            f": the exam on {store.exam} has passed" if passed else ""),
            hint="set the next one with `crmrev exam YYYY-MM-DD`" if passed
            else "set one with `crmrev exam YYYY-MM-DD`")
    seconds_per_card = time_estimate(1, store.known_history(), today)["seconds_per_card"]
    budget_cards = options.budget.cards(seconds_per_card) if options.budget else None
    repeats = pending_repeats(store.reviews_on(today))
    queue = build_queue(cards, store.states, today,
                        new_limit=_new_limit(decks, store, options, plan, today, budget_cards, repeats),
                        limit=options.limit, exam=plan, repeats=repeats)
    crammer: Callable[[set[str]], list[Item]] | None = None
    if options.cram and cram_for is not None:
        cram_plan = cram_for
        crammer = lambda seen: cram_queue(cards, store.states, cram_plan, seen, today).items  # noqa: E731
    session = Session.start(queue.items, store, today, now, crammer)
    session.seconds_per_card = seconds_per_card
    session.exam = plan
    outlook = ExamOutlook(store.states, options.per_day, budget_cards,
                          str(options.budget) if options.budget else None)
    if session.current is None:
        summary = session_summary([], 0, decks, store.due_view(), today, plan, queue.waiting_after(()),
                                  outlook=outlook)
        return ReviewResult(summary, finished=True, empty=True)
    with signals_interrupt():
        try:
            if stdin is not None and stdin.isatty():
                with cbreak(stdin.fileno()) as keys:
                    finished = run_interactive(session, console or make_console(), keys, options.grading)
            else:
                lines = iter(stdin.readline, "") if stdin is not None else iter(())
                session.timed = False
                finished = run_scripted(session, lines)
        except (KeyboardInterrupt, Signalled) as exc:
            store.close()
            code = EXIT_INTERRUPTED if isinstance(exc, KeyboardInterrupt) else 128 + exc.signum
            raise ReviewInterrupted(len(session.reviews), code) from None
    store.save()
    summary = session_summary(session.reviews, time.monotonic() - started, decks, store.due_view(), today,
                              plan, queue.waiting_after(session.reviewed_cards()),
                              len(pending_repeats(store.reviews_on(today))), store.known_history(),
                              new_left=_new_left(session), outlook=outlook)
    return ReviewResult(summary, finished, empty=False)


def _new_left(session: Session) -> int:
    """New cards still queued and never answered (a failed new card's repeat is not a new card)."""
    answered = {review.card for review in session.reviews}
    return sum(1 for item in session.pending if item.is_new and item.card.id not in answered)


def _new_limit(decks: Sequence[Deck], store: Progress, options: ReviewOptions, plan: ExamPlan | None,
               today: dt.date, budget_cards: int | None, repeats: Sequence[str]) -> int:
    """New cards for this session: --new, else what is left of the day's allowance; with an exam
    ahead, the plan's pace within the daily budget, counted over every deck (stats.new_today)."""
    if options.new is not None or plan is None:
        return new_allowed(store.introduced_on(today), options.new, options.per_day)
    view = store.due_view()
    ids = all_ids(decks)
    due, unseen = Dues(view, plan).count_due_by(ids, today)
    return new_today(plan, view, today, options.per_day, unseen, due + len(repeats), budget_cards)
