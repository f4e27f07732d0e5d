"""The review log: one JSON line per answer or exam-date change, and the one validator for a line."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from crmrev.errors import ProgressError
from crmrev.model import Review, parse_day
from crmrev.progress.snapshot import _LINE_DECODER


def encode_entry(entry: Review | dict) -> bytes:
    data = entry.to_dict() if isinstance(entry, Review) else entry
    return json.dumps(data, allow_nan=False, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"


class ExamEvent(NamedTuple):
    date: dt.date | None  # None: the exam date was cleared


def parse_entry(entry: object, days: dict[str, dt.date] | None = None) -> Review | ExamEvent:
    """The one validator for a decoded log line, of every kind: a review, or an exam event.
    Anything else raises ValueError, so every reader skips it as a damaged line."""
    if entry.__class__ is not dict:
        raise ValueError("a log line is not an object")
    assert isinstance(entry, dict)
    if "event" not in entry:
        return Review.from_dict(entry, days)
    if entry["event"] == "exam" and set(entry) <= {"event", "date"}:
        date = entry.get("date")
        return ExamEvent(None if date is None else parse_day(date))
    raise ValueError(f"unknown log event {entry['event']!r}")


_BACKWARD_BLOCK = 64 * 1024


def _review_from(line: bytes) -> Review | None:
    try:
        entry = parse_entry(_LINE_DECODER.decode(line.decode("utf-8")))
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        return None  # damaged, empty or an unfinished last line
    return entry if isinstance(entry, Review) else None


def iter_reviews(path: Path, end: int | None = None) -> Iterator[Review]:
    """The answers in the log, oldest first, streamed line by line so a million-line log is never
    held in memory; up to byte `end` if given. Damaged lines are skipped, as on load; an unfinished
    last line was never acknowledged."""
    days: dict[str, dt.date] = {}
    decode = _LINE_DECODER.decode
    try:
        handle = open(path, "rb")  # noqa: SIM115 (a generator: closed by the with below)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise ProgressError(f"cannot read the review log: {exc.strerror}", path=str(path)) from None
    with handle:
        position = 0
        for line in handle:
            position += len(line)
            if not line.endswith(b"\n") or (end is not None and position > end):
                return
            try:
                entry = parse_entry(decode(line.decode("utf-8")), days)
            except (ValueError, KeyError, TypeError, UnicodeDecodeError, RecursionError):
                continue
            if isinstance(entry, Review):
                yield entry


class LogRead(NamedTuple):
    entries: list[Review | ExamEvent]
    end: int            # offset just after the last complete line
    damaged: list[int]  # 1-based line numbers (counted from the start offset) that were skipped


def read_log(path: Path, start: int = 0) -> LogRead:
    try:
        with open(path, "rb") as handle:
            handle.seek(start)
            data = handle.read()
    except FileNotFoundError:
        return LogRead([], start, [])
    except OSError as exc:
        raise ProgressError(f"cannot read the review log: {exc.strerror}", path=str(path)) from None
    complete = data.rfind(b"\n") + 1  # a crash mid-append leaves an unacknowledged partial line
    entries, damaged = [], []
    for number, line in enumerate(data[:complete].split(b"\n")[:-1], start=1):
        try:
            entries.append(parse_entry(_LINE_DECODER.decode(line.decode("utf-8"))))
        except (ValueError, KeyError, TypeError, UnicodeDecodeError):
            damaged.append(number)
    return LogRead(entries, start + complete, damaged)


