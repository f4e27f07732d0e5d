"""The review log: one JSON line per answer or exam-date change, and the one validator for a line."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from crmrev.errors import ProgressError
from crmrev.model import Review, parse_day, parse_identity
from crmrev.progress.snapshot import _LINE_DECODER


def encode_entry(entry: Review | ExamEvent) -> bytes:
    data = entry.to_dict()
    return json.dumps(data, allow_nan=False, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"


class ExamEvent(NamedTuple):
    date: dt.date | None  # None: the exam date was cleared
    writer: str | None = None  # the line's identity (model.parse_identity)
    seq: int | None = None

    def to_dict(self) -> dict:
        data: dict[str, object] = {"event": "exam", "date": self.date.isoformat() if self.date else None}
        if self.writer is not None:
            data["writer"], data["seq"] = self.writer, self.seq
        return data


Entry = Review | ExamEvent

# Everything a damaged line can raise while it is decoded and checked, caught in one place by every
# reader: a deeply nested line raises RecursionError from the JSON decoder.
LINE_ERRORS = (ValueError, KeyError, TypeError, UnicodeDecodeError, RecursionError)


def parse_entry(entry: object, days: dict[str, dt.date] | None = None) -> Entry:
    """The one validator for a decoded log line, of every kind: a review, or an exam event.
    Anything else raises ValueError, so every reader skips it as a damaged line."""
    if entry.__class__ is not dict:
        raise ValueError("a log line is not an object")
    assert isinstance(entry, dict)
    if "event" not in entry:
        return Review.from_dict(entry, days)
    if entry["event"] == "exam" and set(entry) <= {"event", "date", "writer", "seq"}:
        date = entry.get("date")
        return ExamEvent(None if date is None else parse_day(date), *parse_identity(entry))
    raise ValueError(f"unknown log event {entry['event']!r}")


def parse_line(line: bytes, days: dict[str, dt.date] | None = None) -> Entry:
    """One line of the log (LINE_ERRORS if it is damaged)."""
    return parse_entry(_LINE_DECODER.decode(line.decode("utf-8")), days)


_BACKWARD_BLOCK = 64 * 1024


def _review_from(line: bytes) -> Review | None:
    try:
        entry = parse_line(line)
    except LINE_ERRORS:
        return None  # damaged, empty or an unfinished last line
    return entry if isinstance(entry, Review) else None


def _open(path: Path):
    try:
        return open(path, "rb")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ProgressError(f"cannot read the review log: {exc.strerror}", path=str(path)) from None


class LogTail:
    """The log from byte `start` to its last complete line, read line by line as it is iterated, so
    that memory stays bounded by the cards, not by the length of the log (a 200 MB log rebuilt
    from scratch once took 2.2 GB). After iterating: `end` is the offset after the last complete line
    (a crash mid-append leaves an unacknowledged partial line), `damaged` the 1-based numbers,
    counted from `start`, of the lines that were skipped."""

    def __init__(self, path: Path, start: int = 0, stop: int | None = None) -> None:
        self.path, self.start, self.stop = path, start, stop
        self.end = start
        self.damaged: list[int] = []

    def __iter__(self) -> Iterator[Entry]:
        handle = _open(self.path)
        if handle is None:
            return
        days: dict[str, dt.date] = {}
        with handle:
            handle.seek(self.start)
            position = self.start
            for number, line in enumerate(handle, start=1):
                if not line.endswith(b"\n"):
                    break
                if self.stop is not None and position + len(line) > self.stop:
                    break
                position += len(line)
                self.end = position
                try:
                    entry = parse_line(line, days)
                except LINE_ERRORS:
                    self.damaged.append(number)
                    continue
                yield entry


def iter_reviews(path: Path, end: int | None = None) -> Iterator[Review]:
    """The answers in the log, oldest first, streamed; up to byte `end` if given. Damaged lines are
    skipped, as on load, and a line seen before is counted once (identity.py)."""
    from crmrev.progress.identity import Identities

    seen = Identities()
    return (entry for entry in LogTail(path, 0, end) if isinstance(entry, Review) and seen.first_time(entry))
