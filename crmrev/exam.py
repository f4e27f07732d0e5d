"""Exam mode, pure: the due-date cap before an exam, predicted recall on exam day, cram order."""

from __future__ import annotations

import datetime as dt
import zlib
from typing import TypeVar

from crmrev.model import CardState

Day = TypeVar("Day", dt.date, str)
RUN_UP_DAYS = 7  # capped reviews are spread over (at most) the last week before the exam


def upcoming(exam: dt.date | None, today: dt.date) -> dt.date | None:
    """The exam date while it is still ahead. Once it has passed it caps nothing and predicts
    nothing: schedules are plain SM-2 again until the learner sets the next one."""
    return exam if exam is not None and exam > today else None


def is_due(due: Day, last_review: Day | None, day: Day) -> bool:
    """The one definition of "due on `day`": its (exam-capped) due date has come, and it was not
    already answered that day. Days are dates, or ISO text, which sorts the same way."""
    return due <= day and last_review != day


def effective_due(card_id: str, state: CardState, exam: dt.date | None) -> dt.date:
    return capped_due(card_id, state.due, state.last_review, exam)


def capped_due(card_id: str, due: dt.date, last: dt.date | None, exam: dt.date | None) -> dt.date:
    """The due date the queue uses. With an exam set, a card whose SM-2 due date would fall on or
    after the exam, and which has not been reviewed in the run-up (the last RUN_UP_DAYS days before
    the exam), is instead due on one day of the run-up, chosen by a stable hash of its id, so the
    final reviews are spread out rather than piled onto one day. The stored SM-2 state is never
    changed: clearing the exam date restores every SM-2 date."""
    if exam is None or due < exam or last is None:
        return due
    run_up_start = exam - dt.timedelta(days=RUN_UP_DAYS)
    if last >= run_up_start:
        return due  # it has had its final review
    first = max(run_up_start, last + dt.timedelta(days=1))
    span = (exam - first).days  # the days first … exam − 1
    return first + dt.timedelta(days=zlib.crc32(card_id.encode("utf-8")) % span)


def recall_on(state: CardState | None, day: dt.date) -> float:
    """Predicted recall R = 0.9^(t / I): t days since the last review, I the interval.
    This is the mapping the open spaced-repetition benchmark uses for SM-2. Unseen: 0."""
    if state is None or state.last_review is None or state.interval <= 0:
        return 0.0
    elapsed = max(0, (day - state.last_review).days)
    return 0.9 ** (elapsed / state.interval)
