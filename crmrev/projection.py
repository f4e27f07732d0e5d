"""Where the learner stands for the exam, pure: readiness now, and the plan played forward to the
exam day with the memory model.

Readiness now is the mean predicted recall on exam day if the learner stopped studying today
(unseen cards count 0). The projection plays the exam plan forward a day at a time, as `crmrev
review` would queue it: every due card (with the plan's final reviews), then new cards at the plan's
pace within the daily budget. Each answer's outcome is drawn with the memory model's predicted
recall for that day: recalled → Good, forgotten → Again and a same-day repeat answered Good, as
SM-2's same-day rule asks. A card's first sight is drawn too: a real learner (benchmarks/data, 1,205
cards) knew FIRST_SIGHT_KNOWN of them at first sight; the rest start with Again. The draws come from
a hash of the card, the day and the run, so the figure is the same every time; it is the mean over
SAMPLES runs (one run for large collections). The sibling rule is ignored: it moves a card by a
day, which changes little a week or more ahead.

Cost: one step per projected answer, found through a calendar of due dates, not by scanning every
card every day (20,000 cards and 60 days would be 1.2 million checks per run).
"""

from __future__ import annotations

import datetime as dt
import zlib
from collections import defaultdict
from collections.abc import Mapping, Sequence

from crmrev import scheduler
from crmrev.exam import ExamPlan, capped_due, pace_new
from crmrev.memory import Memory, recall, remember
from crmrev.model import CardState

# Runs averaged. One run's share has sampling noise of about 1/(2√N) over N cards: 2 points at 124
# cards, under 1 point from 2,000. So small collections average SAMPLES runs, large ones take one:
# at 20,000 cards one run is 0.4 s, and `stats` should not make a learner wait for four.
SAMPLES = 4
ONE_RUN_FROM = 2_000
RECALLED, FORGOTTEN, SEEN_AGAIN = 4, 1, 4  # the grades of the four buttons Good and Again
FIRST_SIGHT_KNOWN = 0.28  # Good on 28% of first sights, Again on 72%, in that learner's log


def readiness_now(card_ids: Sequence[str], plan: ExamPlan) -> float | None:
    return _mean([plan.recall_on_exam_day(card_id) for card_id in card_ids])


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _chance(card_id: str, day: dt.date, run: int) -> float:
    """A fixed pseudo-random number in [0, 1) for this card, day and run."""
    return zlib.crc32(f"{card_id}|{day.isoformat()}|{run}".encode()) / 2**32


class _Run:
    """One play of the plan, on copies of the states."""

    def __init__(self, states: Mapping[str, CardState], memory: Mapping[str, Memory], plan: ExamPlan,
                 run: int) -> None:
        self.states = dict(states)
        self.memory = dict(memory)
        self.plan = plan
        self.run = run
        self.calendar: defaultdict[dt.date, list[str]] = defaultdict(list)
        self.answers = 0

    def schedule(self, card_id: str, today: dt.date) -> None:
        state = self.states[card_id]
        when = capped_due(card_id, state.due, state.last_review, self.plan, self.memory.get(card_id))
        if when < self.plan.date:
            self.calendar[max(when, today)].append(card_id)

    def answer(self, card_id: str, day: dt.date) -> None:
        mind = self.memory.get(card_id)
        chance = recall(mind, day) if mind is not None else FIRST_SIGHT_KNOWN
        grade = RECALLED if _chance(card_id, day, self.run) < chance else FORGOTTEN
        self.states[card_id] = scheduler.review(self.states.get(card_id), grade, day)
        self.memory[card_id] = remember(mind, grade, day)
        self.answers += 1
        if grade < scheduler.REPEAT_BELOW:
            self.memory[card_id] = remember(self.memory[card_id], SEEN_AGAIN, day)
            self.answers += 1
        self.schedule(card_id, day + dt.timedelta(days=1))


def project(decks: Sequence[tuple[str, Sequence[str]]], states: Mapping[str, CardState], plan: ExamPlan,
            today: dt.date, per_day: int, budget_cards: int | None = None,
            answered_today: int = 0, introduced_today: int = 0) -> dict:
    """decks: (deck id, card ids) in deck order. answered_today and introduced_today: today's cards
    already answered (they count against the budget) and new cards already introduced (against the
    day's allowance). Returns the projected exam-day recall overall and per deck, the answers it
    takes, and the cards the budget leaves unseen on exam day, per deck."""
    all_ids = [card_id for _, ids in decks for card_id in ids]
    samples = 1 if len(all_ids) >= ONE_RUN_FROM else SAMPLES
    runs = [_play(decks, states, plan, today, per_day, budget_cards, answered_today, introduced_today, run)
            for run in range(samples)]

    def projected(card_ids: Sequence[str]) -> float | None:
        return _mean([_mean([recall(run.memory.get(card_id), plan.date) for card_id in card_ids]) or 0.0
                      for run in runs]) if card_ids else None

    # The mean over runs, as for the recall beside it (a budget's room depends on the draws).
    unseen_at_exam = {deck_id: round(_mean([sum(1 for card_id in ids if card_id not in run.memory)
                                            for run in runs]) or 0)
                      for deck_id, ids in decks}
    return {
        "projected": projected(all_ids),
        "answers": round(sum(run.answers for run in runs) / len(runs)),
        "decks": {deck_id: {"projected": projected(ids), "unseen_at_exam": unseen_at_exam[deck_id]}
                  for deck_id, ids in decks},
    }


def _play(decks: Sequence[tuple[str, Sequence[str]]], states: Mapping[str, CardState], plan: ExamPlan,
          today: dt.date, per_day: int, budget_cards: int | None, answered_today: int,
          introduced_today: int, run: int) -> _Run:
    play = _Run(states, plan.memory, plan, run)
    all_ids = [card_id for _, ids in decks for card_id in ids]
    for card_id in all_ids:  # cards of decks no longer loaded are not studied
        if card_id in play.states:
            play.schedule(card_id, today)
    unseen = [card_id for card_id in all_ids if card_id not in play.states]
    unseen.reverse()  # popped from the end: deck order
    day = today
    while day < plan.date:
        due = list(dict.fromkeys(play.calendar.pop(day, ())))
        for card_id in due:
            play.answer(card_id, day)
        done_before = answered_today if day == today else 0
        introduced = introduced_today if day == today else 0
        new = new_for_day(len(unseen), introduced, day, plan, per_day,
                          budget_room(budget_cards, len(due), done_before))
        for _ in range(min(new, len(unseen))):
            play.answer(unseen.pop(), day)
        # Days with nothing to do are skipped: an exam years ahead costs its reviews, not its days.
        day = day + dt.timedelta(days=1) if unseen else min(play.calendar, default=plan.date)
    return play


def budget_room(budget_cards: int | None, due: int, answered: int) -> int | None:
    """Cards left in the day's budget for new ones: the budget less the cards due and the cards
    already answered that day (None: no budget)."""
    return None if budget_cards is None else budget_cards - due - answered


def new_for_day(unseen: int, introduced: int, day: dt.date, plan: ExamPlan, per_day: int,
                room: int | None) -> int:
    """New cards still allowed on `day` under the plan: the learner's new-per-day, or more when the
    exam needs a faster pace (exam.pace_new), but never past the budget's `room` (cards left in
    the day's budget once the due cards are counted; None: no budget). `introduced`: new cards
    already introduced that day."""
    allowed = max(per_day, pace_new(unseen + introduced, day, plan.date)) - introduced
    if room is not None:
        allowed = min(allowed, room)
    return max(0, allowed)
