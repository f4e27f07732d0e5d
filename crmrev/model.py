"""Plain data: the types every other module passes around. Standard library only.

Immutable values are NamedTuples: every command imports this module and big decks make a hundred
thousand of them, and tuples are the cheapest Python objects to define and to build."""

from __future__ import annotations

import datetime as dt
from enum import IntEnum, StrEnum
from typing import NamedTuple


class CardType(StrEnum):
    CONCEPT = "concept"
    MISCONCEPTION = "misconception"
    EXAM_TIP = "exam-tip"
    MARKING_POINT = "marking-point"
    CLOZE = "cloze"


CARD_TYPES: tuple[str, ...] = tuple(t.value for t in CardType)


class Grade(IntEnum):
    """The SM-2 quality scale, as shown in the review legend."""

    BLACKOUT = 0
    WRONG_FAMILIAR = 1
    WRONG_EASY_RECALL = 2
    HARD = 3
    HESITANT = 4
    PERFECT = 5


GRADE_LABELS = {
    0: "blackout",
    1: "wrong, but familiar",
    2: "wrong, answer felt easy",
    3: "right, with effort",
    4: "right, after a pause",
    5: "perfect",
}


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


class Problem(NamedTuple):
    """One finding about an input file, in the shape linters use."""

    path: str
    line: int
    column: int
    severity: Severity
    code: str
    message: str

    def to_dict(self) -> dict:
        return {"file": self.path, "line": self.line, "column": self.column,
                "severity": str(self.severity), "code": self.code, "message": self.message}

    def render(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.severity}: {self.message} [{self.code}]"


class Bullet(NamedTuple):
    text: str
    line: int


class Card(NamedTuple):
    id: str
    type: str
    front: str
    back: str
    source: str | None = None

    def to_dict(self) -> dict:
        data = {"id": self.id, "type": self.type, "front": self.front, "back": self.back}
        if self.source is not None:
            data["source"] = self.source
        return data


class Deck(NamedTuple):
    id: str
    title: str
    cards: tuple[Card, ...]
    source: str | None = None
    path: str | None = None


class CardState(NamedTuple):
    """SM-2 state of one card plus the bookkeeping stats and queues need.

    A NamedTuple rather than a frozen dataclass: the scheduler makes one per answer and one per card
    on every load, and a tuple is several times cheaper to build (see benchmarks/)."""

    repetitions: int
    interval: int
    easiness: float
    due: dt.date
    last_review: dt.date | None = None
    first_seen: dt.date | None = None
    lapses: int = 0
    reviews: int = 0

    def to_dict(self) -> dict:
        return {
            "repetitions": self.repetitions,
            "interval": self.interval,
            "easiness": self.easiness,
            "due": self.due.isoformat(),
            "last_review": self.last_review.isoformat() if self.last_review else None,
            "first_seen": self.first_seen.isoformat() if self.first_seen else None,
            "lapses": self.lapses,
            "reviews": self.reviews,
        }

    @classmethod
    def from_dict(cls, data: dict) -> CardState:
        def day(value: str | None) -> dt.date | None:
            return dt.date.fromisoformat(value) if value else None

        return cls(
            int(data["repetitions"]),
            int(data["interval"]),
            float(data["easiness"]),
            dt.date.fromisoformat(data["due"]),
            day(data.get("last_review")),
            day(data.get("first_seen")),
            int(data.get("lapses", 0)),
            int(data.get("reviews", 0)),
        )


class ReviewKind(StrEnum):
    FIRST = "first"     # the first grade of the day: the only one that moves the schedule
    REPEAT = "repeat"   # a same-day re-show after a grade below 4
    CRAM = "cram"       # exam practice beyond the schedule


class Review(NamedTuple):
    card: str
    at: str            # local date-time, ISO 8601, seconds
    day: dt.date       # the calendar day the answer counts for
    grade: int
    kind: str

    def to_dict(self) -> dict:
        return {"card": self.card, "at": self.at, "day": self.day.isoformat(),
                "grade": self.grade, "kind": self.kind}

    @classmethod
    def from_dict(cls, data: dict) -> Review:
        grade = data["grade"]
        if not isinstance(grade, int) or isinstance(grade, bool) or not 0 <= grade <= 5:
            raise ValueError(f"grade {grade!r} is not 0-5")
        kind = data.get("kind", ReviewKind.FIRST)
        if kind not in ReviewKind.__members__.values():
            raise ValueError(f"unknown review kind {kind!r}")
        if not isinstance(data["card"], str):
            raise ValueError("card id is not text")
        return cls(card=data["card"], at=str(data["at"]), day=dt.date.fromisoformat(data["day"]),
                   grade=grade, kind=kind)
