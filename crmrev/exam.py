"""Exam mode, pure: the due-date cap before an exam, predicted recall on exam day, cram order."""

from __future__ import annotations

import datetime as dt
import zlib

from crmrev.model import CardState

RUN_UP_DAYS = 7  # capped reviews are spread over (at most) the last week before the exam


def run_up_window(last_review: dt.date, exam: dt.date) -> int:
    return max(1, min(RUN_UP_DAYS, (exam - dt.timedelta(days=1) - last_review).days))


def effective_due(card_id: str, state: CardState, exam: dt.date | None) -> dt.date:
    return capped_due(card_id, state.due, state.last_review, exam)


def capped_due(card_id: str, due: dt.date, last: dt.date | None, exam: dt.date | None) -> dt.date:
    """The due date the queue uses. With an exam set, a card whose SM-2 due date would fall on or
    after the exam is instead due on a day in the run-up, chosen by a stable hash of its id so the
    final reviews are spread out rather than piled onto one day. A card already reviewed in the
    run-up has had its final review and keeps its SM-2 date."""
    if exam is None or due < exam:
        return due
    if last is None or last >= exam - dt.timedelta(days=1):
        return due
    window = run_up_window(last, exam)
    if last >= exam - dt.timedelta(days=window):
        return due
    offset = zlib.crc32(card_id.encode("utf-8")) % window
    return exam - dt.timedelta(days=1 + offset)


def recall_on(state: CardState | None, day: dt.date) -> float:
    """Predicted recall R = 0.9^(t / I): t days since the last review, I the interval.
    This is the mapping the open spaced-repetition benchmark uses for SM-2. Unseen: 0."""
    if state is None or state.last_review is None or state.interval <= 0:
        return 0.0
    elapsed = max(0, (day - state.last_review).days)
    return 0.9 ** (elapsed / state.interval)
