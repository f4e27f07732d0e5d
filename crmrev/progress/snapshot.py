"""The snapshot's format: decoding and checking it, its columns, migrations, and encoding it."""

from __future__ import annotations

import datetime as dt
import json
from typing import NamedTuple

from crmrev.history import History
from crmrev.memory import MAX_DIFFICULTY, MIN_DIFFICULTY, Memory
from crmrev.model import CardState, parse_day
from crmrev.progress.identity import Identities
from crmrev.scheduler import MAX_INTERVAL

FORMAT = "crmrev-progress"
# 2: per-day history tallies (history.py), log-line identities (identity.py)
# 3: the memory model's per-card state (memory.py)
VERSION = 3

def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number")


# One decoder for every log line: json.loads(..., parse_constant=...) builds a new one per call,
# which was a fifth of reading a million-line log.
_LINE_DECODER = json.JSONDecoder(parse_constant=_reject_constant)


def decode_snapshot(data: bytes) -> dict:
    """Bytes → a snapshot dict of any known version, or ValueError saying what is wrong."""
    text = data.decode("utf-8")
    doc = json.loads(text, parse_constant=_reject_constant)
    if not isinstance(doc, dict):
        raise ValueError("top level is not an object")
    version = doc.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 0:
        raise ValueError("missing or invalid 'version'")
    if version >= 1 and doc.get("format") != FORMAT:
        raise ValueError(f"'format' is not {FORMAT!r}")
    if version > VERSION:
        return doc  # refused by the caller, which must not touch the file
    if not isinstance(doc.get("cards"), dict):
        raise ValueError("'cards' is not an object")
    return doc


# The snapshot stores card states as columns: one list per field, in the same order as "id".
# Why not a plain object per card: at a heavy user's 20,000 cards, decoding and building the states
# takes 37 ms from columns and 79 ms from objects (the file is 1.4 MB instead of 3.5 MB), which would
# put `stats --json` past its target of 3x the bundled decks (benchmarks/run.py, heavy_stats_json_ratio);
# `due` reads the date columns without building any state (DueView).
COLUMNS = ("id", "repetitions", "interval", "easiness", "due", "last_review", "first_seen", "lapses",
           "reviews")


def _kinds(column: list) -> set[type]:
    return set(map(type, column))


def _named_columns(section: dict, names: tuple[str, ...], what: str) -> dict[str, list]:
    """The section's columns by name, each a list as long as the "id" column (ValueError)."""
    try:
        columns = {name: section[name] for name in names}
    except KeyError as exc:
        raise ValueError(f"{what} column {exc} is missing") from None
    ids = columns["id"]
    if not all(isinstance(column, list) and len(column) == len(ids) for column in columns.values()):
        raise ValueError(f"{what} columns differ in length")
    return columns


def _checked_columns(cards: dict) -> dict[str, list]:
    """Type-check every column without building objects (C-speed set/map/min), so a damaged
    snapshot is caught on load even when nothing asks for the states."""
    columns = _named_columns(cards, COLUMNS, "card")
    ids = columns["id"]
    ints = [columns[name] for name in ("repetitions", "interval", "lapses", "reviews")]
    if _kinds(ids) - {str} or len(set(ids)) != len(ids):
        raise ValueError("card ids are not unique text")
    if any(_kinds(column) - {int} for column in ints) or (ids and min(map(min, ints)) < 0):
        raise ValueError("a count or interval is not a whole number ≥ 0")
    if ids and max(columns["interval"]) > MAX_INTERVAL:
        raise ValueError(f"an interval is longer than {MAX_INTERVAL} days")
    easiness = columns["easiness"]
    if _kinds(easiness) - {float, int} or (ids and not 1.3 <= min(easiness) <= max(easiness) <= 100):
        raise ValueError("an easiness is impossible")
    dates = columns["due"], columns["last_review"], columns["first_seen"]
    if _kinds(dates[0]) - {str} or _kinds(dates[1]) - {str, type(None)} or \
            _kinds(dates[2]) - {str, type(None)}:
        raise ValueError("a date is not text")
    for text in (set(dates[0]) | set(dates[1]) | set(dates[2])) - {None}:  # distinct days: few
        parse_day(text)
    return columns


def states_from_columns(columns: dict[str, list]) -> dict[str, CardState]:
    # Each distinct day is parsed once: a hundred thousand cards share a few hundred days.
    due_days = {text: parse_day(text) for text in set(columns["due"])}
    days: dict[str | None, dt.date | None] = {None: None}
    for name in ("last_review", "first_seen"):
        days.update((text, parse_day(text)) for text in set(columns[name]) - days.keys())
    rows = zip(columns["id"], columns["repetitions"], columns["interval"], columns["easiness"],
               columns["due"], columns["last_review"], columns["first_seen"], columns["lapses"],
               columns["reviews"], strict=True)
    return {card_id: CardState(repetitions, interval, float(easiness), due_days[due], days[last],
                               days[first], lapses, reviews)
            for card_id, repetitions, interval, easiness, due, last, first, lapses, reviews in rows}


class DueView(NamedTuple):
    """What counting and stats need, per seen card, straight from the columns: the three dates as
    ISO text (which sorts like the date), and the interval, easiness and lapses. Building 20,000
    CardStates for these took `stats --json` 22 ms."""

    rows: dict[str, int]  # card id → its row in the columns
    due: list[str]
    last_review: list[str | None]
    first_seen: list[str | None]
    interval: list[int]
    easiness: list[float]
    lapses: list[int]

    @classmethod
    def of_columns(cls, columns: dict[str, list]) -> DueView:
        ids = columns["id"]
        return cls(dict(zip(ids, range(len(ids)), strict=True)), columns["due"], columns["last_review"],
                   columns["first_seen"], columns["interval"], columns["easiness"], columns["lapses"])

    def introduced_on(self, day: dt.date) -> int:
        """New cards first seen on `day`: what the daily new-card allowance counts."""
        return self.first_seen.count(day.isoformat())

    @classmethod
    def of_states(cls, states: dict[str, CardState]) -> DueView:
        return cls.of_columns(encode_columns(states))


class Validated(NamedTuple):
    columns: dict[str, list]
    exam: dt.date | None
    offset: int
    history: History | None  # None: unknown (an older snapshot), rebuilt from the log up to offset
    identities: Identities
    memory: dict[str, list] | None  # columns, as for the cards; None: rebuilt from the log


# The memory model's state is kept as columns too, apart from the SM-2 columns: a card crammed
# (memory updated, SM-2 not) and a card migrated from before the model are both ordinary rows.
MEMORY_COLUMNS = ("id", "stability", "difficulty", "last")


def _checked_memory(memory: object, card_ids: list[str]) -> dict[str, list] | None:
    """The memory columns, checked; every card with an SM-2 state must have a memory state (crmrev
    writes one for each: store.py)."""
    if memory is None:
        return None
    if not isinstance(memory, dict):
        raise ValueError("'memory' is not an object")
    columns = _named_columns(memory, MEMORY_COLUMNS, "memory")
    ids = columns["id"]
    distinct = set(ids)
    if _kinds(ids) - {str} or len(distinct) != len(ids):
        raise ValueError("memory card ids are not unique text")
    if not distinct.issuperset(card_ids):
        raise ValueError("the memory model has no state for some cards")
    stability, difficulty = columns["stability"], columns["difficulty"]
    if _kinds(stability) - {float, int} or (ids and not 0 < min(stability) <= max(stability) <= 1e9):
        raise ValueError("a memory stability is not a number of days above 0")
    if _kinds(difficulty) - {float, int} or \
            (ids and not MIN_DIFFICULTY <= min(difficulty) <= max(difficulty) <= MAX_DIFFICULTY):
        raise ValueError("a memory difficulty is not a number from 1 to 10")
    if _kinds(columns["last"]) - {str}:
        raise ValueError("a memory date is not text")
    for text in set(columns["last"]):
        parse_day(text)
    return columns


def memory_from_columns(columns: dict[str, list]) -> dict[str, Memory]:
    days = {text: parse_day(text) for text in set(columns["last"])}
    return {card_id: Memory(float(stability), float(difficulty), days[last])
            for card_id, stability, difficulty, last in zip(columns["id"], columns["stability"],
                                                            columns["difficulty"], columns["last"],
                                                            strict=True)}


def encode_memory(memory: dict[str, Memory]) -> dict[str, list]:
    rows = list(memory.values())
    return {"id": list(memory), "stability": [row.stability for row in rows],
            "difficulty": [row.difficulty for row in rows], "last": [row.last.isoformat() for row in rows]}


def validate(doc: dict) -> Validated:
    """A snapshot of the current version, checked field by field (ValueError, KeyError, TypeError)."""
    cards = doc["cards"]
    if not isinstance(cards, dict):
        raise ValueError("'cards' is not an object")
    columns = _checked_columns(cards)
    exam = doc.get("exam")
    exam_date = parse_day(exam) if exam is not None else None
    log = doc.get("log", {})
    offset = log.get("offset", 0) if isinstance(log, dict) else None
    if not isinstance(offset, int) or isinstance(offset, bool) or offset < 0:
        raise ValueError("'log.offset' is not a byte offset")
    history = doc["history"]
    memory = _checked_memory(doc["memory"], columns["id"])
    return Validated(columns, exam_date, offset, None if history is None else History.from_json(history),
                     Identities.from_json(log), memory)


def encode_columns(states: dict[str, CardState]) -> dict[str, list]:
    rows = list(states.values())

    def iso(day: dt.date | None) -> str | None:
        return day.isoformat() if day is not None else None

    return {
        "id": list(states),
        "repetitions": [row.repetitions for row in rows],
        "interval": [row.interval for row in rows],
        "easiness": [row.easiness for row in rows],
        "due": [row.due.isoformat() for row in rows],
        "last_review": [iso(row.last_review) for row in rows],
        "first_seen": [iso(row.first_seen) for row in rows],
        "lapses": [row.lapses for row in rows],
        "reviews": [row.reviews for row in rows],
    }


def _migrate_0_to_1(doc: dict) -> dict:
    """Version 0 (pre-release builds) kept one object per card, with SM-2 fields under short
    names, and had no log."""
    states = {}
    for card_id, raw in doc["cards"].items():
        last = dt.date.fromisoformat(raw["last"]) if raw.get("last") else None
        states[card_id] = CardState(int(raw["reps"]), int(raw["interval"]), float(raw["ef"]),
                                    dt.date.fromisoformat(raw["due"]), last, last,
                                    int(raw.get("lapses", 0)), int(raw["reps"]))
    return {"format": FORMAT, "version": 1, "exam": None, "log": {"offset": 0},
            "cards": encode_columns(states)}


def _migrate_1_to_2(doc: dict) -> dict:
    """Version 1 had no history tallies (opening rebuilds them from the log, once) and no log-line
    identities (identity.py): its lines are counted as they come, and the log named from the
    snapshot's stem moves to one named from its full name (opening.py)."""
    return {**doc, "version": 2, "history": None}


def _migrate_2_to_3(doc: dict) -> dict:
    """Version 2 had no memory model: opening rebuilds it from the log, once (store.py)."""
    return {**doc, "version": 3, "memory": None}


MIGRATIONS = {0: _migrate_0_to_1, 1: _migrate_1_to_2, 2: _migrate_2_to_3}


def encode_snapshot(states: dict[str, CardState], exam: dt.date | None, offset: int,
                    history: History, identities: Identities, memory: dict[str, list]) -> bytes:
    return encode_snapshot_columns(encode_columns(states), exam, offset, history, identities, memory)


def encode_snapshot_columns(columns: dict[str, list], exam: dt.date | None, offset: int,
                            history: History, identities: Identities, memory: dict[str, list]) -> bytes:
    doc = {
        "format": FORMAT,
        "version": VERSION,
        "exam": exam.isoformat() if exam else None,
        "log": {"offset": offset, **identities.to_json()},
        "history": history.to_json(),
        "cards": columns,
        "memory": memory,
    }
    return json.dumps(doc, allow_nan=False, ensure_ascii=False, separators=(",", ":")).encode()


