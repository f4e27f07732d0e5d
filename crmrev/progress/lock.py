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

import contextlib
import errno
import os
from collections.abc import Callable
from pathlib import Path

from crmrev.errors import ProgressError, ProgressInUse


class WriterLock:
    """Held from acquire() until release() or the end of the process."""

    def __init__(self, path: Path, progress: Path) -> None:
        self.path = path
        self._progress = progress
        self._fd: int | None = None
        self._unlock: Callable[[int], None] | None = None

    def acquire(self) -> None:
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise ProgressError(f"cannot create the lock file: {exc.strerror}", path=str(self.path)) from None
        try:
            unlock = _try_lock(fd)
        except OSError as exc:  # a file system without locks (some network and FUSE mounts)
            os.close(fd)
            raise ProgressError(f"cannot lock {self.path.name}: {exc.strerror}", path=str(self.path),
                                hint="keep progress on a local disk, or choose another --progress "
                                "path") from None
        except BaseException:
            os.close(fd)
            raise
        if unlock is None:
            os.close(fd)
            raise ProgressInUse("progress is in use by another crmrev session", path=str(self._progress),
                                hint="finish or quit the other session first; read-only commands "
                                "such as `crmrev due` still work")
        self._fd, self._unlock = fd, unlock

    def release(self) -> None:
        if self._fd is not None:
            if self._unlock is not None:
                with contextlib.suppress(OSError):  # closing frees it anyway, where the OS can
                    self._unlock(self._fd)
            os.close(self._fd)
            self._fd = self._unlock = None


def _try_lock(fd: int) -> Callable[[int], None] | None:
    """Take the lock without waiting. Returns how to let it go, or None when another process
    holds it; any other failure raises OSError."""
    try:
        import fcntl
    except ModuleNotFoundError:
        return _try_lock_windows(fd)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return None
    return lambda held: fcntl.flock(held, fcntl.LOCK_UN)


# What msvcrt.locking raises when another process holds the byte: EACCES, or EDEADLOCK (36) after
# its ten internal retries.
_HELD_ELSEWHERE = (errno.EACCES, getattr(errno, "EDEADLOCK", 36), 36)


def _try_lock_windows(fd: int) -> Callable[[int], None] | None:
    try:
        import msvcrt
    except ModuleNotFoundError:
        raise ProgressError("this system offers no file locking (neither fcntl nor msvcrt), so "
                            "crmrev cannot keep two sessions from writing at once") from None
    os.lseek(fd, 0, os.SEEK_SET)  # msvcrt locks bytes from the current position
    try:
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
    except OSError as exc:
        if exc.errno in _HELD_ELSEWHERE:
            return None
        raise

    def unlock(held: int) -> None:
        # Microsoft asks for a range to be unlocked before its file is closed: the OS frees it after
        # a close only "as resources allow", which could refuse the next command for a moment.
        os.lseek(held, 0, os.SEEK_SET)
        msvcrt.locking(held, msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined]

    return unlock
