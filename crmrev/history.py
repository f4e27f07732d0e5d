"""What stats needs from the whole review log, as a tally per day, kept up to date answer by answer.

A heavy user's log holds a million answers. Reading it made `crmrev stats` take seconds. The store
keeps these tallies in the snapshot instead, adds each new answer to them (O(1)), and takes them back on
undo. They are derived data: a snapshot without them (format version 1) has them rebuilt from the log
once. Pure: no I/O.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from crmrev.model import Review, ReviewKind, parse_day
from crmrev.scheduler import PASSING_GRADE

# Per day: [answers, recalls, recalls passed, timed answers, their milliseconds]. A recall is the first
# answer of a day on a card that was answered on an earlier day: what retention measures. Timed
# answers are those whose duration was logged (older logs have none).
ANSWERS, RECALLS, PASSED, TIMED, MS = range(5)
# An answer counts for at most this long in time estimates, as in Anki: a learner who left a card on
# screen over lunch did not take an hour to answer it.
MAX_COUNTED_MS = 60_000
# Until the learner has this many timed answers in the window, estimates use DEFAULT_SECONDS_PER_CARD.
ENOUGH_TIMED = 20
ESTIMATE_DAYS = 30
DEFAULT_SECONDS_PER_CARD = 10.0


class History:
    def __init__(self, days: dict[dt.date, list[int]] | None = None) -> None:
        self.days: dict[dt.date, list[int]] = days if days is not None else {}

    @classmethod
    def of_reviews(cls, reviews: Iterable[Review]) -> History:
        """Tallies from a log read from its start, in order."""
        history, seen = cls(), set()
        for review in reviews:
            history.add(review, seen_before=review.card in seen)
            if review.kind == ReviewKind.FIRST:
                seen.add(review.card)
        return history

    def add(self, review: Review, seen_before: bool) -> None:
        """seen_before: the card had been answered on an earlier day (it had a schedule)."""
        self._count(review, seen_before, 1)

    def remove(self, review: Review, seen_before: bool) -> None:
        """The inverse of add, for undo."""
        self._count(review, seen_before, -1)
        if not self.days[review.day][ANSWERS]:
            del self.days[review.day]

    def _count(self, review: Review, seen_before: bool, step: int) -> None:
        tally = self.days.setdefault(review.day, [0, 0, 0, 0, 0])
        tally[ANSWERS] += step
        if review.ms is not None:
            tally[TIMED] += step
            tally[MS] += step * min(review.ms, MAX_COUNTED_MS)
        if review.kind == ReviewKind.FIRST and seen_before:
            tally[RECALLS] += step
            tally[PASSED] += step * (review.grade >= PASSING_GRADE)

    @property
    def total(self) -> int:
        return sum(tally[ANSWERS] for tally in self.days.values())

    def per_day(self) -> dict[dt.date, int]:
        return {day: tally[ANSWERS] for day, tally in self.days.items()}

    def retention(self, today: dt.date, days: int) -> float | None:
        """The share of recalls passed in the last `days` days, today included; None without any."""
        start = today - dt.timedelta(days=days - 1)
        window = [tally for day, tally in self.days.items() if start <= day <= today]
        recalls = sum(tally[RECALLS] for tally in window)
        return sum(tally[PASSED] for tally in window) / recalls if recalls else None

    def seconds_per_card(self, today: dt.date, days: int = ESTIMATE_DAYS) -> tuple[float, bool]:
        """(seconds an answer takes this learner, from their own timed answers): the mean over the
        last `days` days, or (DEFAULT_SECONDS_PER_CARD, False) until there are ENOUGH_TIMED of them."""
        start = today - dt.timedelta(days=days - 1)
        window = [tally for day, tally in self.days.items() if start <= day <= today]
        timed = sum(tally[TIMED] for tally in window)
        if timed < ENOUGH_TIMED:
            return DEFAULT_SECONDS_PER_CARD, False
        return sum(tally[MS] for tally in window) / timed / 1000, True

    def to_json(self) -> dict[str, list[int]]:
        return {day.isoformat(): list(tally) for day, tally in sorted(self.days.items())}

    @classmethod
    def from_json(cls, data: object) -> History:
        """The inverse of to_json, validating (ValueError): a damaged tally is a damaged snapshot."""
        if not isinstance(data, dict):
            raise ValueError("'history' is not an object")
        days = {}
        for text, stored in data.items():
            # Three figures were written before answers were timed.
            tally = [*stored, 0, 0] if isinstance(stored, list) and len(stored) == 3 else stored
            if not (isinstance(tally, list) and len(tally) == 5
                    and all(n.__class__ is int for n in tally)
                    and tally[ANSWERS] >= tally[RECALLS] >= tally[PASSED] >= 0 and tally[ANSWERS] > 0
                    and tally[ANSWERS] >= tally[TIMED] >= 0 and tally[MS] >= 0):
                raise ValueError(f"the history tally of {text!r} is impossible")
            days[parse_day(text)] = list(tally)
        return cls(days)
