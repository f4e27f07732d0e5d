"""Plain data: the types every other module passes around. Standard library only.

Immutable values are NamedTuples: every command imports this module and big decks make a hundred
thousand of them, and tuples are the cheapest Python objects to define and to build."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from enum import StrEnum
from typing import ClassVar, NamedTuple


class CardType(StrEnum):
    CONCEPT = "concept"
    MISCONCEPTION = "misconception"
    EXAM_TIP = "exam-tip"
    MARKING_POINT = "marking-point"
    CLOZE = "cloze"
    SCENARIO = "scenario"


CARD_TYPES: tuple[str, ...] = tuple(t.value for t in CardType)


# The SM-2 quality scale, as the review legend shows it.
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


def group_of(note: str) -> str:
    """The sibling group of every card made from one note: a short hash of the note's text, so
    identical notes in two decks are one group (their cards would answer each other)."""
    digest = hashlib.sha1(" ".join(note.split()).casefold().encode("utf-8")).hexdigest()
    return f"n-{digest[:10]}"


class Card(NamedTuple):
    id: str
    type: str
    front: str
    back: str
    source: str | None = None
    note: str | None = None    # the seed bullet the card was made from: its identity on rebuild
    group: str | None = None   # sibling group: cards of one note are never shown on the same day

    def to_dict(self) -> dict:
        data = {"id": self.id, "type": self.type, "front": self.front, "back": self.back}
        for key in ("source", "note", "group"):
            value = getattr(self, key)
            if value is not None:
                data[key] = value
        return data

    @property
    def sibling_key(self) -> str:
        """Cards with the same key are siblings; a card with no recorded group is its own."""
        return self.group or f"card:{self.id}"


class Deck(NamedTuple):
    id: str
    title: str
    cards: tuple[Card, ...]
    source: str | None = None
    path: str | None = None

    @property
    def card_ids(self) -> tuple[str, ...]:
        return tuple(card.id for card in self.cards)


class DeckIndex(NamedTuple):
    """What counting needs of a deck: `crmrev due` loads only this, even for huge decks."""

    id: str
    title: str
    card_ids: tuple[str, ...]


class Sm2Core:
    """The SM-2 part of a card's state: (repetitions, interval, easiness), interned so that equal
    cores are the same object. `next` lets the scheduler remember each core's successor per grade,
    which makes a review a list lookup instead of arithmetic (see scheduler.review)."""

    __slots__ = ("days", "easiness", "ef_centi", "interval", "next", "repetitions")
    _interned: ClassVar[dict[tuple[int, int, int], Sm2Core]] = {}

    def __init__(self, repetitions: int, interval: int, ef_centi: int) -> None:
        self.repetitions = repetitions
        self.interval = interval
        self.ef_centi = ef_centi
        self.easiness = ef_centi / 100
        self.days = dt.timedelta(days=interval)
        self.next: list[tuple[Sm2Core, bool] | None] = [None] * 6

    @classmethod
    def of(cls, repetitions: int, interval: int, ef_centi: int) -> Sm2Core:
        key = (repetitions, interval, ef_centi)
        core = cls._interned.get(key)
        if core is None:
            core = cls._interned[key] = cls(repetitions, interval, ef_centi)
        return core

    def __repr__(self) -> str:
        return f"Sm2Core({self.repetitions}, {self.interval}, {self.easiness})"


class _CardStateFields(NamedTuple):
    core: Sm2Core
    due: dt.date
    last_review: dt.date | None
    first_seen: dt.date | None
    lapses: int
    reviews: int


class CardState(_CardStateFields):
    """SM-2 state of one card plus the bookkeeping stats and queues need.

    Built as CardState(repetitions, interval, easiness, due, last_review, first_seen, lapses,
    reviews) and read by those names. Inside, the SM-2 fields are one interned Sm2Core: the
    scheduler makes a state per answer and the store one per card on load, and a six-item tuple
    with a shared core is the cheapest thing Python can build (see benchmarks/)."""

    __slots__ = ()

    def __new__(cls, repetitions: int, interval: int, easiness: float, due: dt.date,
                last_review: dt.date | None = None, first_seen: dt.date | None = None,
                lapses: int = 0, reviews: int = 0) -> CardState:
        core = Sm2Core.of(int(repetitions), int(interval), round(float(easiness) * 100))
        return tuple.__new__(cls, (core, due, last_review, first_seen, lapses, reviews))

    def __getnewargs__(self) -> tuple:
        return (self.repetitions, self.interval, self.easiness, *self[1:])

    @property
    def repetitions(self) -> int:
        return self[0].repetitions

    @property
    def interval(self) -> int:
        return self[0].interval

    @property
    def easiness(self) -> float:
        return self[0].easiness

    def __repr__(self) -> str:
        return (f"CardState(repetitions={self.repetitions}, interval={self.interval}, "
                f"easiness={self.easiness}, due={self.due!r}, last_review={self.last_review!r}, "
                f"first_seen={self.first_seen!r}, lapses={self.lapses}, reviews={self.reviews})")

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
            return parse_day(value) if value else None

        return cls(
            int(data["repetitions"]),
            int(data["interval"]),
            float(data["easiness"]),
            parse_day(data["due"]),
            day(data.get("last_review")),
            day(data.get("first_seen")),
            int(data.get("lapses", 0)),
            int(data.get("reviews", 0)),
        )


class ReviewKind(StrEnum):
    FIRST = "first"     # the first grade of the day: the only one that moves the schedule
    REPEAT = "repeat"   # a same-day re-show after a grade below 4
    CRAM = "cram"       # exam practice beyond the schedule


_KINDS = frozenset(kind.value for kind in ReviewKind)
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_day(text: object) -> dt.date:
    """The one rule for a stored date, wherever it is read: YYYY-MM-DD and a real day. (Python's
    fromisoformat alone also takes "20260302", and a pattern alone takes "2026-02-30".)"""
    try:
        if isinstance(text, str) and _ISO_DAY.fullmatch(text):
            return dt.date.fromisoformat(text)
    except ValueError:
        pass
    raise ValueError(f"{text!r} is not a YYYY-MM-DD date")


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
    def from_dict(cls, data: dict, days: dict[str, dt.date] | None = None) -> Review:
        """Validate one log entry. `days` memoises date parsing across a long log."""
        grade = data["grade"]
        if grade.__class__ is not int or not 0 <= grade <= 5:
            raise ValueError(f"grade {grade!r} is not 0-5")
        kind = data.get("kind", "first")
        if kind not in _KINDS:
            raise ValueError(f"unknown review kind {kind!r}")
        card = data["card"]
        if card.__class__ is not str:
            raise ValueError("card id is not text")
        text = data["day"]
        day = days.get(text) if days is not None else None
        if day is None:
            day = parse_day(text)
            if days is not None:
                days[text] = day
        return tuple.__new__(cls, (card, str(data["at"]), day, grade, kind))
