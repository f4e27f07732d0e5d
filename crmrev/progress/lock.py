"""The one-writer lock: an operating-system lock on progress.json.lock.

The OS frees it when the holding process ends, however it ends, so a crash or `kill -9` never leaves
progress locked. POSIX systems lock with flock, Windows with msvcrt.locking; both are imported when a
lock is taken, so read-only commands never pay for them.

Why not the filelock package (used before): version 4 costs 16 ms to import (logging, secrets,
hashlib and eleven modules of its own), which put `crmrev review`'s first card at 1.37× the import
floor against a target of 1.3 (benchmarks/run.py, first_card_ratio). The two calls it wraps for us
are these few lines. Both crmrev versions flock the same file on POSIX, so they exclude each other.
"""

from __future__ import annotations

import os
from pathlib import Path

from crmrev.errors import ProgressError, ProgressInUse


class WriterLock:
    """Held from acquire() until release() or the end of the process."""

    def __init__(self, path: Path, progress: Path) -> None:
        self.path = path
        self._progress = progress
        self._fd: int | None = None

    def acquire(self) -> None:
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise ProgressError(f"cannot create the lock file: {exc.strerror}", path=str(self.path)) from None
        try:
            taken = _try_lock(fd)
        except BaseException:
            os.close(fd)
            raise
        if not taken:
            os.close(fd)
            raise ProgressInUse("progress is in use by another crmrev session", path=str(self._progress),
                                hint="finish or quit the other session first; read-only commands "
                                "such as `crmrev due` still work")
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor frees the lock on every OS
            self._fd = None


def _try_lock(fd: int) -> bool:
    """Take the lock without waiting: True if taken, False if another process holds it."""
    try:
        import fcntl
    except ModuleNotFoundError:
        return _try_lock_windows(fd)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _try_lock_windows(fd: int) -> bool:
    try:
        import msvcrt
    except ModuleNotFoundError:
        raise ProgressError("this system offers no file locking (neither fcntl nor msvcrt), so "
                            "crmrev cannot keep two sessions from writing at once") from None
    os.lseek(fd, 0, os.SEEK_SET)  # msvcrt locks bytes from the current position
    try:
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
    except OSError:
        return False  # Windows raises PermissionError (or OSError 36) when another process holds it
    return True
