"""Opening progress: the location check, the one-writer lock, and repair (a damaged or older
snapshot, an unfinished log line) before the store is handed over."""

from __future__ import annotations

import datetime as dt
import os
import stat
from pathlib import Path
from typing import NamedTuple

from crmrev.errors import ProgressError
from crmrev.fsutil import atomic_write, read_regular
from crmrev.history import History
from crmrev.memory import Memory, memories_of
from crmrev.progress.identity import Identities
from crmrev.progress.lock import WriterLock
from crmrev.progress.log import LogTail, iter_reviews
from crmrev.progress.paths import (
    LONGEST_SUFFIX,
    NAME_MAX,
    backup_path,
    legacy_log_path,
    lock_path_for,
    log_path_for,
)
from crmrev.progress.snapshot import MIGRATIONS, VERSION, decode_snapshot, validate
from crmrev.progress.store import BACKUPS, Progress


def _check_location(path: Path, explicit: bool, writable: bool) -> bool:
    """Refuse a location crmrev cannot use, before anything is read or locked. False: a read-only
    command on a fresh install, whose data folder does not exist yet (there is nothing to read)."""
    if path.is_dir():
        raise ProgressError("the progress path is a folder, not a file", path=str(path),
                            hint="pass a file path such as progress.json")
    name_length = len(os.fsencode(path.name))
    if name_length + len(LONGEST_SUFFIX) > NAME_MAX:
        raise ProgressError(f"the progress file name is too long ({name_length} bytes): crmrev names its "
                            "log, lock and backups after it", path=str(path),
                            hint=f"choose a name of at most {NAME_MAX - len(LONGEST_SUFFIX)} characters")
    for candidate in (path, log_path_for(path), legacy_log_path(path)):
        _refuse_special(candidate)
    if not path.parent.is_dir():
        if not writable and not explicit:
            return False
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
    return True


def _refuse_special(path: Path) -> None:
    """A FIFO, a device or a socket where a progress file belongs would hang every read."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return
    if not stat.S_ISREG(mode):
        raise ProgressError(f"{path.name} is not a regular file (a pipe, a device or a socket)",
                            path=str(path), hint="move it aside: crmrev keeps progress in ordinary files")


def _acquire_lock(path: Path) -> WriterLock:
    lock = WriterLock(lock_path_for(path), path)
    lock.acquire()
    return lock


class _Snapshot(NamedTuple):
    version: int
    columns: dict[str, list]
    exam: dt.date | None
    offset: int
    history: History | None
    identities: Identities
    memory: dict[str, list] | None


def _read_snapshot(data: bytes) -> _Snapshot:
    """Bytes → a validated snapshot of any known version; ValueError (or KeyError, TypeError)
    says it is damaged; ProgressError refuses a newer version."""
    doc = decode_snapshot(data)
    version = doc["version"]
    if version > VERSION:
        raise _TooNew(version)
    return _Snapshot(version, *validate(_migrate(doc)))


class _TooNew(Exception):
    pass


def _load_snapshot(path: Path, writable: bool, notices: list[str]) -> tuple[_Snapshot | None, bool]:
    """Returns (a valid snapshot or None, whether it came from a backup)."""
    try:
        data = read_regular(path)
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
        except SNAPSHOT_ERRORS as exc:
            reason = describe_damage(exc)
            if not writable:
                notices.append(f"{path} is damaged ({reason}); showing the newest backup. "
                                        "The next review session will repair it")
            else:
                aside = _move_aside(path)
                notices.append(f"{path} was damaged ({reason}); the damaged file was "
                                        f"kept as {aside.name}")
    return _newest_backup(path, notices, after_damage=data is not None)


# Everything decoding and checking a damaged snapshot can raise.
SNAPSHOT_ERRORS = (ValueError, UnicodeDecodeError, RecursionError, KeyError, TypeError, AttributeError,
                   IndexError)


def describe_damage(exc: BaseException) -> str:
    """What is wrong with a damaged snapshot, in the file's terms rather than Python's."""
    if isinstance(exc, UnicodeDecodeError):
        return f"byte {exc.start} is not UTF-8 text"
    if isinstance(exc, RecursionError):
        return "it is nested too deeply to be a crmrev progress file"
    if isinstance(exc, KeyError):
        return f"the field {exc.args[0]!r} is missing"
    if isinstance(exc, ValueError):
        return str(exc)  # crmrev's own checks, and the JSON decoder's line and column
    return "a field holds the wrong kind of value (a list, text or number where crmrev wrote another)"


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


def _newest_backup(path: Path, notices: list[str], after_damage: bool) -> tuple[_Snapshot | None, bool]:
    for number in range(1, BACKUPS + 1):
        candidate = backup_path(path, number)
        try:
            snapshot = _read_snapshot(read_regular(candidate))
        except (OSError, _TooNew, *SNAPSHOT_ERRORS):
            continue
        notices.append(f"restored progress from backup {candidate.name}; answers since "
                                "then were replayed from the review log")
        return snapshot, True
    if after_damage:
        notices.append("no valid backup was found; progress was rebuilt from the review "
                                "log alone")
    return None, False


def _migrate(doc: dict) -> dict:
    while doc["version"] < VERSION:
        doc = MIGRATIONS[doc["version"]](doc)
    return doc


def _log_in_use(path: Path, snapshot: _Snapshot | None, writable: bool, notices: list[str]) -> Path:
    """The log named from the snapshot's full name. A version-1 snapshot's log is named from its stem
    (which `X.json` and `X.txt` shared): a review session moves it, a read-only command reads it there."""
    log_path, legacy = log_path_for(path), legacy_log_path(path)
    if snapshot is None or snapshot.version >= 2 or legacy == log_path or log_path.exists() \
            or not legacy.is_file():
        return log_path
    if not writable:
        return legacy
    try:
        os.replace(legacy, log_path)
    except OSError as exc:
        raise ProgressError(f"cannot rename the review log {legacy.name} to {log_path.name}: "
                            f"{exc.strerror}", path=str(legacy)) from None
    notices.append(f"the review log {legacy.name} is now {log_path.name}: each progress file has "
                   "its own log")
    return log_path


def open_progress(path: Path, *, writable: bool, explicit: bool = True) -> Progress:
    """Load progress. writable=True takes the one-writer lock for the life of the store and
    repairs what it finds (damaged snapshot, unfinished log line, older version). A symbolic link
    is followed once, so the snapshot, its log and its lock live together at the real location."""
    path = Path(os.path.realpath(path))
    if not _check_location(path, explicit, writable):
        return Progress(path)  # a fresh install: nothing has been saved yet
    lock = _acquire_lock(path) if writable else None
    notices: list[str] = []
    try:
        snapshot, from_backup = _load_snapshot(path, writable, notices)
        repaired = from_backup
        offset = 0
        if snapshot is not None:
            offset = snapshot.offset
            if snapshot.version < VERSION:
                repaired = True
                if writable and not from_backup:
                    kept = path.with_name(f"{path.name}.v{snapshot.version}.bak")
                    atomic_write(kept, read_regular(path))  # the old file, before any change
                    notices.append(f"progress was upgraded from format version {snapshot.version} "
                                   f"to {VERSION}; the old file is kept as {kept.name}")
        log_path = _log_in_use(path, snapshot, writable, notices)
        log_size = log_path.stat().st_size if log_path.exists() else 0
        if offset > log_size:
            notices.append("the review log is shorter than the snapshot expects; the snapshot was "
                           "kept and the log continues from its current end")
            offset, repaired = log_size, True
        history = snapshot.history if snapshot else History()
        covered = offset  # an older snapshot's tallies come from the log it covers, when needed

        def count_history() -> History:
            return History.of_reviews(iter_reviews(log_path, end=covered))

        def rebuild_memory() -> dict[str, Memory]:
            return memories_of(iter_reviews(log_path, end=covered))

        progress = Progress(path, columns=snapshot.columns if snapshot else None,
                            exam=snapshot.exam if snapshot else None, history=history,
                            count_history=count_history if history is None else None,
                            memory=snapshot.memory if snapshot else None,
                            rebuild_memory=rebuild_memory if snapshot and snapshot.memory is None else None,
                            identities=snapshot.identities if snapshot else None,
                            snapshot_offset=offset, log_end=offset, lock=lock, notices=notices,
                            log_path=log_path)
    except BaseException:
        if lock is not None:
            lock.release()
        raise
    try:
        tail = LogTail(log_path, offset)
        replayed = progress.replay(tail)  # streamed: memory grows with the cards, not the log
        progress.log_end = tail.end
        _report_tail(progress, tail)
        if writable and (repaired or replayed or (snapshot is None and tail.end > 0)):
            progress.save()  # the repair (or the replayed answers) becomes the new snapshot
    except BaseException:
        progress.abandon()
        raise
    return progress


def _report_tail(progress: Progress, tail: LogTail) -> None:
    name = progress.log_path.name
    if tail.damaged:
        progress.notices.append(f"{len(tail.damaged)} damaged line(s) in {name} were skipped (they are "
                                "still in the file)")
    if progress.repeated_lines:
        progress.notices.append(f"{progress.repeated_lines} line(s) in {name} had been counted already "
                                "(a copy of the log, or a snapshot behind it); each answer was counted once")
