"""One review session as a small state machine: what is shown, what a grade or an undo does.

No terminal code here; crmrev.ui drives it with keys or lines. Every grade goes through
Progress.record, which is on disk before the next card is returned.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from crmrev import memory, scheduler
from crmrev.exam import ExamPlan, capped_due
from crmrev.history import DEFAULT_SECONDS_PER_CARD, MAX_COUNTED_MS
from crmrev.model import Card, Review, ReviewKind
from crmrev.progress import Progress
from crmrev.queue import Item
from crmrev.scheduler import REPEAT_BELOW


def pending_repeats(reviews_today: Iterable[Review]) -> list[str]:
    """Cards whose latest answer today (outside cramming) was below REPEAT_BELOW: they must come
    back today, even in a later session (the SM-2 same-day rule), in the order they were failed."""
    latest: dict[str, int] = {}
    for review in reviews_today:
        if review.kind != ReviewKind.CRAM:
            latest.pop(review.card, None)  # re-inserted: ordered by the latest answer
            latest[review.card] = review.grade
    return [card for card, grade in latest.items() if grade < REPEAT_BELOW]


# After this many timed answers a session's own pace predicts the rest of it better than history.
PACE_AFTER = 5


@dataclass
class _Step:
    pending: deque[Item]
    shown: int
    review: Review
    cramming: bool  # whether cramming had begun before this answer


@dataclass
class Session:
    pending: deque[Item]
    progress: Progress
    today: dt.date
    now: Callable[[], dt.datetime]
    cram: Callable[[set[str]], list[Item]] | None = None
    reviews: list[Review] = field(default_factory=list)
    _steps: list[_Step] = field(default_factory=list)
    _cram_started: bool = False
    _graded: dict[str, Card] = field(default_factory=dict)
    stopwatch: Callable[[], float] = time.monotonic
    seconds_per_card: float = DEFAULT_SECONDS_PER_CARD  # this learner's, for "about 3 min left"
    # Only a person at the keys is timed: in scripted mode the time between the card and the line
    # is the script's, and it would teach the estimates that this learner answers in 0 s.
    timed: bool = True
    exam: ExamPlan | None = None  # while set, previews show the planned due date (exam.capped_due)
    _shown_at: float = 0.0

    @classmethod
    def start(cls, queue: list[Item], progress: Progress, today: dt.date,
              now: Callable[[], dt.datetime],
              cram: Callable[[set[str]], list[Item]] | None = None,
              stopwatch: Callable[[], float] = time.monotonic) -> Session:
        session = cls(deque(queue), progress, today, now, cram, stopwatch=stopwatch)
        session._cram_when_done()
        session.restart_stopwatch()
        return session

    def restart_stopwatch(self) -> None:
        """The card on show starts being timed now (after a grade, an undo, or a pause)."""
        self._shown_at = self.stopwatch()

    def _elapsed_ms(self) -> int:
        # Bounded to a day: a stopwatch reading from a suspended laptop is not an answer time.
        return max(0, min(round((self.stopwatch() - self._shown_at) * 1000), 86_400_000))

    @property
    def current(self) -> Item | None:
        """The card on show; reading it changes nothing."""
        return self.pending[0] if self.pending else None

    def _cram_when_done(self) -> None:
        """With --cram, once the due cards are done the weakest cards for the exam follow."""
        if not self.pending and self.cram is not None and not self._cram_started:
            self._cram_started = True
            seen = {review.card for review in self.reviews}
            self.pending.extend(self.cram(seen))

    def next_due(self, card_id: str) -> dt.date | None:
        """When a card comes back, after the answers so far, exam plan included."""
        state = self.progress.states.get(card_id)
        if state is None:
            return None
        if self.exam is None:
            return state.due
        return capped_due(card_id, state.due, state.last_review, self.exam, self.progress.memory.get(card_id))

    @property
    def position(self) -> tuple[int, int]:
        """(n, m) for "card n of m": answers so far + 1, answers so far + cards still to show."""
        done = len(self.reviews)
        return done + 1, done + len(self.pending)

    @property
    def seconds_left(self) -> int:
        """About how long the cards still queued will take (repeats of failed cards come on top): at
        this session's own pace once it has timed a few answers, else at the learner's usual one."""
        times = [min(review.ms, MAX_COUNTED_MS) for review in self.reviews if review.ms is not None]
        per_card = sum(times) / len(times) / 1000 if len(times) >= PACE_AFTER else self.seconds_per_card
        return round(len(self.pending) * per_card)

    def preview(self, quality: int) -> tuple[int, bool] | None:
        """What grading the card on show `quality` would do: (days until it is due again, whether it
        also comes back today). None while cramming, which never moves a schedule."""
        item = self.current
        if item is None or self._cram_started:
            return None
        state = self.progress.states.get(item.card.id)
        again_today = quality < REPEAT_BELOW
        if self.kind_for(item) == ReviewKind.REPEAT and state is not None:
            after = state  # only the day's first grade moves the schedule
        else:
            after = scheduler.review(state, quality, self.today)
        due = after.due
        if self.exam is not None:  # the plan judges the card by its memory after this grade
            mind = memory.remember(self.progress.memory.get(item.card.id), quality, self.today)
            due = capped_due(item.card.id, after.due, after.last_review, self.exam, mind)
        return (due - self.today).days, again_today

    def reviewed_cards(self) -> list[Card]:
        """The cards answered in this session (after any undo), once each."""
        answered = {review.card for review in self.reviews}
        return [card for card_id, card in self._graded.items() if card_id in answered]

    @property
    def cramming(self) -> bool:
        return self._cram_started

    def kind_for(self, item: Item) -> str:
        if self._cram_started:
            return ReviewKind.CRAM
        state = self.progress.states.get(item.card.id)
        if state is not None and state.last_review == self.today:
            return ReviewKind.REPEAT  # only the first grade of the day moves the schedule
        return ReviewKind.FIRST

    def grade(self, quality: int) -> Review:
        item = self.current
        if item is None:
            raise RuntimeError("no card to grade")
        review = Review(card=item.card.id, at=self.now().isoformat(timespec="seconds"),
                        day=self.today, grade=quality, kind=self.kind_for(item),
                        ms=self._elapsed_ms() if self.timed else None)
        self.progress.record(review)
        self._graded[item.card.id] = item.card
        self._steps.append(_Step(deque(self.pending), len(self.reviews), review, self._cram_started))
        self.pending.popleft()
        if quality < REPEAT_BELOW and review.kind != ReviewKind.CRAM:
            self.pending.append(item)
        self.reviews.append(review)
        self._cram_when_done()
        self.restart_stopwatch()
        return review

    def undo(self) -> Review | None:
        if not self._steps:
            return None
        step = self._steps.pop()
        self.progress.undo()
        self.pending = step.pending
        # Undoing the last due card's answer from the first cram card brings back a due card, to be
        # answered as one; cramming begins again once it is done.
        self._cram_started = step.cramming
        del self.reviews[step.shown:]
        self.restart_stopwatch()
        return step.review
