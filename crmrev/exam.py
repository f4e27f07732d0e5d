"""Exam mode, pure: the exam plan (which cards get a final review, how fast new cards come), and
predicted recall on exam day from the memory model (memory.py).

While an exam date is ahead, SM-2 still schedules every card; the plan only adds to it:
- a card whose SM-2 due date falls on or after the exam, and which the memory model predicts will be
  recalled on exam day with a probability below the target (the exam-target-recall setting, 0.90),
  gets one final review in the run-up (the last RUN_UP_DAYS days), on a day picked by a stable hash of
  its id so the final reviews are spread out. A card that is safe gets no extra review;
- new cards come at least fast enough that every card is seen LEAD_DAYS before the exam (first
  sight, then SM-2's 1- and 6-day reviews), within the daily budget (queue.py, projection.py).
The stored SM-2 state is never changed: clearing the exam date restores every SM-2 date.
"""

from __future__ import annotations

import datetime as dt
import math
import zlib
from collections.abc import Mapping
from typing import NamedTuple, TypeVar

from crmrev.memory import Memory, recall
from crmrev.model import CardState

Day = TypeVar("Day", dt.date, str)
RUN_UP_DAYS = 7  # final reviews are spread over (at most) the last week before the exam
LEAD_DAYS = 8    # every card is first seen at least this long before the exam (see pace_new)
DEFAULT_TARGET = 0.9
# An exam further ahead is a typo (2207 for 2027): `crmrev exam` refuses it, and one already stored
# (older versions took any date) gets no plan, whose projection would play out centuries.
MAX_EXAM_DAYS = 3653  # ten years


class ExamPlan(NamedTuple):
    date: dt.date
    memory: Mapping[str, Memory]  # each seen card's memory state (Progress.memory)
    target: float = DEFAULT_TARGET  # 1.0: every card due after the exam gets a final review

    def recall_on_exam_day(self, card_id: str) -> float:
        """Predicted recall on exam day with no further study (0 for a card never seen)."""
        return recall(self.memory.get(card_id), self.date)


def upcoming(exam: dt.date | None, today: dt.date) -> dt.date | None:
    """The exam date while it is still ahead. Once it has passed it caps nothing and predicts
    nothing: schedules are plain SM-2 again until the learner sets the next one."""
    return exam if exam is not None and exam > today else None


def plan_for(exam: dt.date | None, today: dt.date, memory: Mapping[str, Memory],
             target: float = DEFAULT_TARGET) -> ExamPlan | None:
    """The plan while an exam date is ahead, else None (plain SM-2)."""
    day = upcoming(exam, today)
    if day is None or (day - today).days > MAX_EXAM_DAYS:
        return None
    return ExamPlan(day, memory, target)


def is_due(due: Day, last_review: Day | None, day: Day) -> bool:
    """The one definition of "due on `day`": its (planned) due date has come, and it was not
    already answered that day. Days are dates, or ISO text, which sorts the same way."""
    return due <= day and last_review != day


def effective_due(card_id: str, state: CardState, plan: ExamPlan | None) -> dt.date:
    memory = plan.memory.get(card_id) if plan is not None else None
    return capped_due(card_id, state.due, state.last_review, plan, memory)


def capped_due(card_id: str, due: dt.date, last: dt.date | None, plan: ExamPlan | None,
               memory: Memory | None = None) -> dt.date:
    """The due date the queue uses: SM-2's, or a day in the run-up for a card that needs a final
    review (see the module's docstring). `memory` is the card's memory state (after the answer,
    when previewing one)."""
    if plan is None or due < plan.date or last is None:
        return due
    exam = plan.date
    run_up_start = exam - dt.timedelta(days=RUN_UP_DAYS)
    if last >= run_up_start:
        return due  # it has had its final review
    if recall(memory, exam) >= plan.target:
        return due  # safe on exam day without one
    first = max(run_up_start, last + dt.timedelta(days=1))
    span = (exam - first).days  # the days first … exam − 1
    return first + dt.timedelta(days=zlib.crc32(card_id.encode("utf-8")) % span)


def pace_new(unseen: int, today: dt.date, exam: dt.date) -> int:
    """New cards a day that introduce all `unseen` cards by LEAD_DAYS before the exam (all of them
    at once when that day has passed)."""
    days = (exam - dt.timedelta(days=LEAD_DAYS) - today).days + 1
    return unseen if days <= 0 else math.ceil(unseen / days)


def recall_on(state: CardState | None, day: dt.date) -> float:
    """crmrev's predictor before the memory model, R = 0.9^(t / I) over SM-2's state, kept for
    benchmarks/calibration.py to compare against (it did worse than a constant there)."""
    if state is None or state.last_review is None or state.interval <= 0:
        return 0.0
    elapsed = max(0, (day - state.last_review).days)
    return 0.9 ** (elapsed / state.interval)
