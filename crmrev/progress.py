"""The progress store: one JSON snapshot plus an append-only review log beside it.

    progress.json               snapshot: format, version, exam date, per-card state, log offset
    progress.reviews.jsonl      every answer ever given, one JSON object per line (the full history)
    progress.json.lock          held with flock by the one writer
    progress.json.bak.1 … .5    rotating backups of earlier snapshots

Why two files: saving an answer must cost the same at 10 reviews and at a million. An answer is one
appended line, flushed and fsynced before the next card shows, so `kill -9` loses nothing. The snapshot
is rewritten atomically (temp file, fsync, rename) only when a session ends; on load, the log lines
after the snapshot's offset are replayed through the same scheduler. The per-card state is therefore
always rebuildable from the log, and a damaged snapshot loses nothing: the newest valid backup is
restored and the log replayed from that backup's offset.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from crmrev import scheduler
from crmrev.errors import ProgressError, ProgressInUse
from crmrev.fsutil import atomic_write, full_fsync
from crmrev.model import CardState, Review, ReviewKind, parse_day

if TYPE_CHECKING:
    from filelock import BaseFileLock

FORMAT = "crmrev-progress"
VERSION = 1
BACKUPS = 5


# ---------------------------------------------------------------- where it lives


def default_progress_path() -> Path:
    """The platform's user data folder: ~/.local/share/crmrev (or $XDG_DATA_HOME), ~/Library/
    Application Support/crmrev, or %APPDATA%\\crmrev."""
    from platformdirs import user_data_path

    return user_data_path("crmrev", appauthor=False, roaming=True) / "progress.json"


def resolve_path(option: Path | None) -> tuple[Path, bool]:
    """--progress (or CRMREV_PROGRESS, which typer reads into it), else the default. Returns (path,
    chosen by the user)."""
    if option is not None:
        return option, True
    return default_progress_path(), False


def log_path_for(path: Path) -> Path:
    return path.with_name(f"{path.stem}.reviews.jsonl")


def lock_path_for(path: Path) -> Path:
    return path.with_name(path.name + ".lock")


def backup_path(path: Path, number: int) -> Path:
    return path.with_name(f"{path.name}.bak.{number}")


# ---------------------------------------------------------------- snapshot format


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
# A hundred thousand cards parse in a tenth of the time a dict per card takes (benchmarks/).
COLUMNS = ("id", "repetitions", "interval", "easiness", "due", "last_review", "first_seen", "lapses",
           "reviews")


def _kinds(column: list) -> set[type]:
    return set(map(type, column))


def _checked_columns(cards: dict) -> dict[str, list]:
    """Type-check every column without building objects (C-speed set/map/min), so a damaged
    snapshot is caught on load even when nothing asks for the states."""
    try:
        columns = {name: cards[name] for name in COLUMNS}
    except KeyError as exc:
        raise ValueError(f"card column {exc} is missing") from None
    ids = columns["id"]
    if not all(isinstance(column, list) and len(column) == len(ids) for column in columns.values()):
        raise ValueError("card columns differ in length")
    ints = [columns[name] for name in ("repetitions", "interval", "lapses", "reviews")]
    if _kinds(ids) - {str} or len(set(ids)) != len(ids):
        raise ValueError("card ids are not unique text")
    if any(_kinds(column) - {int} for column in ints) or (ids and min(map(min, ints)) < 0):
        raise ValueError("a count or interval is not a whole number ≥ 0")
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
    """The three dates counting needs, per seen card, as ISO text (which sorts like the date)."""

    rows: dict[str, int]  # card id → its row in the columns
    due: list[str]
    last_review: list[str | None]
    first_seen: list[str | None]

    @classmethod
    def of_columns(cls, columns: dict[str, list]) -> DueView:
        ids = columns["id"]
        return cls(dict(zip(ids, range(len(ids)), strict=True)), columns["due"], columns["last_review"],
                   columns["first_seen"])

    def introduced_on(self, day: dt.date) -> int:
        """New cards first seen on `day`: what the daily new-card allowance counts."""
        return self.first_seen.count(day.isoformat())

    @classmethod
    def of_states(cls, states: dict[str, CardState]) -> DueView:
        return cls.of_columns(encode_columns(states))


def _validate_v1(doc: dict) -> tuple[dict[str, list], dt.date | None, int]:
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
    return columns, exam_date, offset


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


MIGRATIONS = {0: _migrate_0_to_1}


def encode_snapshot(states: dict[str, CardState], exam: dt.date | None, offset: int) -> bytes:
    return encode_snapshot_columns(encode_columns(states), exam, offset)


def encode_snapshot_columns(columns: dict[str, list], exam: dt.date | None, offset: int) -> bytes:
    doc = {
        "format": FORMAT,
        "version": VERSION,
        "exam": exam.isoformat() if exam else None,
        "log": {"offset": offset},
        "cards": columns,
    }
    return json.dumps(doc, allow_nan=False, ensure_ascii=False, separators=(",", ":")).encode()


# ---------------------------------------------------------------- the log


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


# ---------------------------------------------------------------- the store


class _Undo(NamedTuple):
    offset: int
    card: str
    previous: CardState | None


class Progress:
    """Per-card state and the review log. Open with open_progress()."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.log_path = log_path_for(path)
        # Card states stay as the snapshot's columns until something needs CardState objects:
        # counting what is due reads the columns directly (see DueView).
        self._columns: dict[str, list] | None = None
        self._states: dict[str, CardState] | None = None
        self.exam: dt.date | None = None
        self.notices: list[str] = []
        self.snapshot_offset = 0
        self.log_end = 0
        self.writable = False
        self._lock: BaseFileLock | None = None
        self._log_fd: int | None = None
        self._undo: list[_Undo] = []
        self._dirty = False

    # -- reading

    @property
    def states(self) -> dict[str, CardState]:
        if self._states is None:
            self._states = states_from_columns(self._columns) if self._columns else {}
            self._columns = None
        return self._states

    def due_view(self) -> DueView:
        if self._states is None and self._columns is not None:
            return DueView.of_columns(self._columns)
        return DueView.of_states(self.states)

    def iter_reviews(self) -> Iterator[Review]:
        """The full history, oldest first, streamed line by line (only stats needs it). Damaged
        lines are skipped, as on load; an unfinished last line was never acknowledged."""
        if not self.log_path.exists():
            return
        days: dict[str, dt.date] = {}
        decode = _LINE_DECODER.decode
        with open(self.log_path, "rb") as handle:
            for line in handle:
                if not line.endswith(b"\n"):
                    return
                try:
                    entry = parse_entry(decode(line.decode("utf-8")), days)
                except (ValueError, KeyError, TypeError, UnicodeDecodeError):
                    continue
                if isinstance(entry, Review):
                    yield entry

    def reviews_on(self, day: dt.date) -> list[Review]:
        """The answers given on `day`, oldest first. The log is read backwards from its end, a block
        at a time, only as far as the day goes back: a session starts in the same time whatever the
        history's length. Damaged lines are skipped, as everywhere."""
        if not self.log_path.exists():
            return []
        found: list[Review] = []
        with open(self.log_path, "rb") as handle:
            end = min(handle.seek(0, os.SEEK_END), self.log_end or handle.tell())
            data, position = b"", end
            while position > 0:
                step = min(_BACKWARD_BLOCK, position)
                position -= step
                handle.seek(position)
                data = handle.read(step) + data
                lines = data.split(b"\n")
                data = lines[0] if position > 0 else b""  # the first line may be cut: read it next time
                older = False
                for line in reversed(lines[1:] if position > 0 else lines):
                    review = _review_from(line)
                    if review is None:
                        continue
                    if review.day < day:
                        older = True
                        break
                    if review.day == day:
                        found.append(review)
                if older:
                    break
        found.reverse()
        return found

    def introduced_on(self, day: dt.date) -> int:
        return self.due_view().introduced_on(day)

    # -- writing

    def _append(self, entry: Review | dict) -> int:
        if not self.writable:
            raise ProgressError("progress was opened read-only", path=str(self.path))
        line = encode_entry(entry)
        before = self.log_end
        try:
            if self._log_fd is None:
                self._log_fd = os.open(self.log_path, os.O_WRONLY | os.O_CREAT, 0o644)
                os.ftruncate(self._log_fd, before)  # drop an unacknowledged partial line
            os.lseek(self._log_fd, before, os.SEEK_SET)
            written = 0
            while written < len(line):
                written += os.write(self._log_fd, line[written:])
            full_fsync(self._log_fd)
        except OSError as exc:
            self._rollback_log(before)
            raise ProgressError(f"could not save your answer: {exc.strerror}. It was not recorded; "
                                "every earlier answer is safe", path=str(self.log_path),
                                hint="free some disk space or fix the folder's permissions, "
                                "then review again") from None
        self.log_end = before + len(line)
        self._dirty = True
        return before

    def _rollback_log(self, offset: int) -> None:
        try:
            if self._log_fd is not None:
                os.ftruncate(self._log_fd, offset)
        except OSError:
            pass  # an unterminated partial line is ignored by read_log anyway

    def record(self, review: Review) -> CardState | None:
        """Save one answer durably, then update the state. Returns the card's new state."""
        previous = self.states.get(review.card)
        offset = self._append(review)
        self._undo.append(_Undo(offset, review.card, previous))
        if review.kind == ReviewKind.FIRST:
            self.states[review.card] = scheduler.review(previous, review.grade, review.day)
        return self.states.get(review.card)

    def undo(self) -> str | None:
        """Take back the last answer of this session: its state and its log line."""
        if not self._undo:
            return None
        step = self._undo.pop()
        assert self._log_fd is not None
        try:
            os.ftruncate(self._log_fd, step.offset)
            full_fsync(self._log_fd)
        except OSError as exc:
            self._undo.append(step)
            raise ProgressError(f"could not undo: {exc.strerror}", path=str(self.log_path)) from None
        self.log_end = step.offset
        if step.previous is None:
            self.states.pop(step.card, None)
        else:
            self.states[step.card] = step.previous
        return step.card

    def set_exam(self, day: dt.date | None) -> None:
        self._append({"event": "exam", "date": day.isoformat() if day else None})
        self.exam = day
        self.save()

    def save(self) -> None:
        """Fold the log into a new snapshot, keeping rotating backups of the old one."""
        if not self.writable:
            return
        if self._states is None and self._columns is not None:
            data = encode_snapshot_columns(self._columns, self.exam, self.log_end)
        else:
            data = encode_snapshot(self.states, self.exam, self.log_end)
        try:
            self._rotate_backups()
            atomic_write(self.path, data)
        except OSError as exc:
            raise ProgressError(f"could not write the progress snapshot: {exc.strerror}. Your "
                                "answers are safe in the review log and will be folded in next "
                                "time", path=str(self.path)) from None
        self.snapshot_offset = self.log_end
        self._undo.clear()
        self._dirty = False

    def _rotate_backups(self) -> None:
        if not self.path.exists():
            return
        current = self.path.read_bytes()
        for number in range(BACKUPS - 1, 0, -1):
            older = backup_path(self.path, number)
            if older.exists():
                os.replace(older, backup_path(self.path, number + 1))
        atomic_write(backup_path(self.path, 1), current)

    def close(self) -> None:
        if self._dirty:
            self.save()
        if self._log_fd is not None:
            os.close(self._log_fd)
            self._log_fd = None
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self.close()
        except ProgressError:
            if exc[0] is None:
                raise


# ---------------------------------------------------------------- opening


def _check_location(path: Path, explicit: bool, writable: bool) -> None:
    if path.is_dir():
        raise ProgressError("the progress path is a folder, not a file", path=str(path),
                            hint="pass a file path such as progress.json")
    if not path.parent.is_dir():
        if explicit or not writable:
            raise ProgressError(f"folder {path.parent} does not exist", path=str(path),
                                hint="create the folder first, or choose another --progress path")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ProgressError(f"cannot create folder {path.parent}: {exc.strerror}",
                                path=str(path)) from None
    if writable:
        import tempfile

        try:
            fd, probe = tempfile.mkstemp(prefix=".crmrev-probe-", dir=path.parent)
            os.close(fd)
            os.unlink(probe)
        except OSError as exc:
            raise ProgressError(f"cannot write in folder {path.parent}: {exc.strerror}",
                                path=str(path), hint="fix the folder's permissions or choose "
                                "another --progress path") from None


def _acquire_lock(progress: Progress) -> None:
    """One writer at a time. filelock uses flock on POSIX and msvcrt locking on Windows, both freed
    by the operating system when a process dies, so a crash never leaves the progress locked."""
    from filelock import FileLock, Timeout

    lock_path = lock_path_for(progress.path)
    lock = FileLock(str(lock_path), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise ProgressInUse("progress is in use by another crmrev session", path=str(progress.path),
                            hint="finish or quit the other session first; read-only commands "
                            "such as `crmrev due` still work") from None
    except OSError as exc:
        raise ProgressError(f"cannot create the lock file: {exc.strerror}",
                            path=str(lock_path)) from None
    progress._lock = lock


class _Snapshot(NamedTuple):
    version: int
    columns: dict[str, list]
    exam: dt.date | None
    offset: int


def _read_snapshot(data: bytes) -> _Snapshot:
    """Bytes → a validated snapshot of any known version; ValueError (or KeyError, TypeError)
    says it is damaged; ProgressError refuses a newer version."""
    doc = decode_snapshot(data)
    version = doc["version"]
    if version > VERSION:
        raise _TooNew(version)
    columns, exam, offset = _validate_v1(_migrate(doc))
    return _Snapshot(version, columns, exam, offset)


class _TooNew(Exception):
    pass


def _load_snapshot(progress: Progress) -> tuple[_Snapshot | None, bool]:
    """Returns (a valid snapshot or None, whether it came from a backup)."""
    path = progress.path
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        data = None
    except OSError as exc:
        raise ProgressError(f"cannot read progress: {exc.strerror}", path=str(path)) from None
    if data is not None:
        try:
            return _read_snapshot(data), False
        except _TooNew as exc:
            raise ProgressError(
                f"progress was written by a newer crmrev (format version {exc.args[0]}; this one "
                f"knows {VERSION}). It was left untouched", path=str(path),
                hint="upgrade crmrev: pip install --upgrade crmrev") from None
        except (ValueError, UnicodeDecodeError, RecursionError, KeyError, TypeError, AttributeError) as exc:
            reason = str(exc) or type(exc).__name__
            if not progress.writable:
                progress.notices.append(f"{path} is damaged ({reason}); showing the newest backup. "
                                        "The next review session will repair it")
            else:
                aside = _move_aside(path)
                progress.notices.append(f"{path} was damaged ({reason}); the damaged file was "
                                        f"kept as {aside.name}")
    return _newest_backup(progress, after_damage=data is not None)


def _move_aside(path: Path) -> Path:
    from crmrev.clock import stamp as clock_stamp

    stamp = clock_stamp()
    aside = path.with_name(f"{path.name}.corrupt-{stamp}")
    counter = 1
    while aside.exists():
        counter += 1
        aside = path.with_name(f"{path.name}.corrupt-{stamp}-{counter}")
    os.replace(path, aside)
    return aside


def _newest_backup(progress: Progress, after_damage: bool) -> tuple[_Snapshot | None, bool]:
    for number in range(1, BACKUPS + 1):
        candidate = backup_path(progress.path, number)
        try:
            snapshot = _read_snapshot(candidate.read_bytes())
        except (OSError, ValueError, UnicodeDecodeError, KeyError, TypeError, RecursionError,
                AttributeError, _TooNew):
            continue
        progress.notices.append(f"restored progress from backup {candidate.name}; answers since "
                                "then were replayed from the review log")
        return snapshot, True
    if after_damage:
        progress.notices.append("no valid backup was found; progress was rebuilt from the review "
                                "log alone")
    return None, False


def _migrate(doc: dict) -> dict:
    while doc["version"] < VERSION:
        doc = MIGRATIONS[doc["version"]](doc)
    return doc


def open_progress(path: Path, *, writable: bool, explicit: bool = True) -> Progress:
    """Load progress. writable=True takes the one-writer lock for the life of the object and
    repairs what it finds (damaged snapshot, unfinished log line, older version)."""
    progress = Progress(path)
    _check_location(path, explicit, writable)
    progress.writable = writable
    if writable:
        _acquire_lock(progress)
    try:
        _load(progress)
    except BaseException:
        progress.writable = False
        progress._dirty = False
        progress.close()
        raise
    return progress


def _load(progress: Progress) -> None:
    snapshot, from_backup = _load_snapshot(progress)
    migrated = False
    offset = 0
    if snapshot is not None:
        if snapshot.version < VERSION:
            migrated = True
            if progress.writable and not from_backup:
                kept = progress.path.with_name(f"{progress.path.name}.v{snapshot.version}.bak")
                atomic_write(kept, progress.path.read_bytes())  # the old file, before any change
                progress.notices.append(f"progress was upgraded from format version "
                                        f"{snapshot.version} to {VERSION}; the old file is kept "
                                        f"as {kept.name}")
        progress._columns, progress.exam, offset = snapshot.columns, snapshot.exam, snapshot.offset
    log_size = progress.log_path.stat().st_size if progress.log_path.exists() else 0
    if offset > log_size:
        progress.notices.append("the review log is shorter than the snapshot expects; the snapshot "
                                "was kept and the log continues from its current end")
        offset = log_size
        migrated = True
    tail = read_log(progress.log_path, offset)
    for entry in tail.entries:
        if isinstance(entry, ExamEvent):
            progress.exam = entry.date
        elif entry.kind == ReviewKind.FIRST:  # only the first grade of a day moves the schedule
            progress.states[entry.card] = scheduler.review(progress.states.get(entry.card), entry.grade,
                                                           entry.day)
    if tail.damaged:
        progress.notices.append(f"{len(tail.damaged)} damaged line(s) in {progress.log_path.name} "
                                "were skipped (they are still in the file)")
    progress.snapshot_offset = offset
    progress.log_end = tail.end
    if progress.writable and (from_backup or migrated or tail.entries
                              or (snapshot is None and tail.end > 0)):
        progress._dirty = True
        progress.save()
