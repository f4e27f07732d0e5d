"""Plain data: the types every other module passes around. Standard library only.

Immutable values are NamedTuples: every command imports this module and big decks make a hundred
thousand of them, and tuples are the cheapest Python objects to define and to build."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple


class CardType(StrEnum):
    CONCEPT = "concept"
    MISCONCEPTION = "misconception"
    EXAM_TIP = "exam-tip"
    MARKING_POINT = "marking-point"
    CLOZE = "cloze"
    SCENARIO = "scenario"


CARD_TYPES: tuple[str, ...] = tuple(t.value for t in CardType)


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
    import hashlib  # here, not at the top: it costs every command 3 ms of start-up, and only build needs it

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

    @property
    def fronts(self) -> tuple[str, ...]:
        return tuple(card.front for card in self.cards)

    def as_index(self) -> DeckIndex:
        return DeckIndex(self.id, self.title, self.card_ids, self.fronts)


class DeckIndex(NamedTuple):
    """What counting and stats need of a deck: `due` and `stats` load only this, from a small
    cache, so a heavy user's 20,000 cards are never built as objects for them (benchmarks/)."""

    id: str
    title: str
    card_ids: tuple[str, ...]
    fronts: tuple[str, ...]  # in the order of card_ids


@dataclass(frozen=True, slots=True)
class CardState:
    """The SM-2 state of one card, and the bookkeeping stats and queues need. Easiness is kept to
    two decimals: the scheduler computes it in whole hundredths (see scheduler.py)."""

    repetitions: int
    interval: int
    easiness: float
    due: dt.date
    last_review: dt.date | None = None
    first_seen: dt.date | None = None
    lapses: int = 0
    reviews: int = 0

    def to_dict(self) -> dict:
        return {"repetitions": self.repetitions, "interval": self.interval, "easiness": self.easiness,
                "due": self.due.isoformat(), "last_review": _iso(self.last_review),
                "first_seen": _iso(self.first_seen), "lapses": self.lapses, "reviews": self.reviews}

    @classmethod
    def from_dict(cls, data: dict) -> CardState:
        """The inverse of to_dict, validating as it goes (ValueError, KeyError or TypeError)."""
        def day(value: object) -> dt.date | None:
            return None if value is None else parse_day(value)

        due = parse_day(data["due"])
        counts = [data[key] for key in ("repetitions", "interval", "lapses", "reviews")]
        if any(value.__class__ is not int or value < 0 for value in counts):
            raise ValueError("a count or interval is not a whole number ≥ 0")
        easiness = data["easiness"]
        if easiness.__class__ not in (int, float) or not 1.3 <= easiness <= 100:
            raise ValueError(f"easiness {easiness!r} is impossible")
        return cls(data["repetitions"], data["interval"], float(easiness), due, day(data["last_review"]),
                   day(data["first_seen"]), data["lapses"], data["reviews"])


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


class ReviewKind(StrEnum):
    FIRST = "first"     # the first grade of the day: the only one that moves the schedule
    REPEAT = "repeat"   # a same-day re-show after a grade below 4
    CRAM = "cram"       # exam practice beyond the schedule


_KINDS = frozenset(kind.value for kind in ReviewKind)
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


# Stored days stay where date arithmetic cannot overflow: --today runs from 1970 to 9000 (clock.py)
# and an interval is at most a century (scheduler.MAX_INTERVAL).
EARLIEST_DAY = dt.date(1900, 1, 1)
LATEST_DAY = dt.date(9200, 12, 31)


def parse_day(text: object) -> dt.date:
    """The one rule for a stored date, wherever it is read: YYYY-MM-DD, a real day, and one crmrev
    can compute with. (Python's fromisoformat alone also takes "20260302", and a pattern alone takes
    "2026-02-30".)"""
    try:
        if isinstance(text, str) and _ISO_DAY.fullmatch(text):
            day = dt.date.fromisoformat(text)
            if EARLIEST_DAY <= day <= LATEST_DAY:
                return day
    except ValueError:
        pass
    raise ValueError(f"{text!r} is not a YYYY-MM-DD date from {EARLIEST_DAY.year} to {LATEST_DAY.year}")


def parse_identity(data: dict) -> tuple[str | None, int | None]:
    """A log line's identity: which progress store wrote it (`writer`, random) and its number there
    (`seq`, counting up). Replay counts a line once however often it appears (a log copied onto
    itself by a sync conflict). Lines written before crmrev had identities have neither."""
    writer, seq = data.get("writer"), data.get("seq")
    if writer is None and seq is None:
        return None, None
    if writer.__class__ is not str or not 0 < len(writer) <= 32 or seq.__class__ is not int or seq < 1:
        raise ValueError("the line's writer and seq are not an identity")
    return writer, seq


class Review(NamedTuple):
    card: str
    at: str            # local date-time, ISO 8601 to the second, with its UTC offset (older logs: none)
    day: dt.date       # the study day the answer counts for (clock.study_day)
    grade: int
    kind: str
    writer: str | None = None  # the identity the store gives it when it is logged (parse_identity)
    seq: int | None = None
    ms: int | None = None      # how long the answer took, card shown to grade (older logs: unknown)

    def to_dict(self) -> dict:
        data: dict[str, object] = {"card": self.card, "at": self.at, "day": self.day.isoformat(),
                                   "grade": self.grade, "kind": self.kind}
        if self.ms is not None:
            data["ms"] = self.ms
        if self.writer is not None:
            data["writer"], data["seq"] = self.writer, self.seq
        return data

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
        ms = data.get("ms")
        if ms is not None and (ms.__class__ is not int or ms < 0):
            raise ValueError(f"answer time {ms!r} is not a whole number of milliseconds")
        return cls(card, str(data["at"]), day, grade, kind, *parse_identity(data), ms)
