"""Crash-safe file replacement, shared by deck writing, the progress store and exports."""

from __future__ import annotations

import errno
import functools
import os
import stat
from pathlib import Path


def full_fsync(fd: int) -> None:
    """fsync, and on macOS F_FULLFSYNC: there fsync reaches the drive but not its platters, and
    Apple's documentation says only F_FULLFSYNC makes the data survive a power cut."""
    command = _full_fsync_command()
    if command is not None:
        import fcntl

        try:
            fcntl.fcntl(fd, command)
            return
        except OSError:
            pass  # some filesystems refuse it; a plain fsync is the best left
    os.fsync(fd)  # on Windows this is FlushFileBuffers, which is already full


@functools.cache
def _full_fsync_command() -> int | None:
    """Looked up once, not per answer: F_FULLFSYNC where fcntl has it (macOS), else None."""
    try:
        import fcntl
    except ImportError:
        return None
    return getattr(fcntl, "F_FULLFSYNC", None)


def fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some filesystems cannot fsync a directory; the rename is still atomic
    finally:
        os.close(fd)


def _mode_for(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0o022)
        os.umask(umask)
        return 0o666 & ~umask


def atomic_write(path: Path, data: bytes) -> None:
    """Write data to path so that a crash leaves either the old file or the new one, never a mix.

    Temp file in the same directory, flush, fsync, os.replace, fsync the directory. On any error the
    temp file is removed and the old file is untouched; the OSError propagates for the caller to word.
    """
    import tempfile

    # The temporary name is cut short: a final name near the 255-byte limit must still have one.
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name[:64]}.", suffix=".tmp", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        # mkstemp makes 0600 files; keep the old file's mode, or use what the umask allows.
        # (os.fchmod is missing on Windows before Python 3.13; chmod by name does the same there.)
        if hasattr(os, "fchmod"):
            os.fchmod(fd, _mode_for(path))
        else:
            os.chmod(tmp, _mode_for(path))
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            full_fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def read_regular(path: Path) -> bytes:
    """The bytes of a regular file. A FIFO, device or socket raises OSError instead of hanging the
    read forever: the file is opened without blocking and checked before anything is read."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        return handle.read()


def write_new_file(path: Path, data: bytes, *, force: bool) -> None:
    """Write an output file the learner named (an export): never over an existing file unless
    `force`, and atomically, so a failed write leaves whatever was there."""
    from crmrev.errors import OutputFileError, UsageError

    try:
        is_folder, exists, parent_exists = path.is_dir(), os.path.lexists(path), path.parent.is_dir()
        regular = not exists or stat.S_ISREG(os.lstat(path).st_mode)
    except OSError as exc:  # a folder on the way that this user may not enter
        raise OutputFileError(f"cannot reach the file: {exc.strerror or exc}", path=str(path),
                              hint="choose a folder you can write to with --out; nothing was changed"
                              ) from None
    if is_folder:
        raise UsageError(f"{path} is a folder", hint="give a file name with --out")
    if not regular:
        # Replacing it would turn a device into a file, cut a pipe's reader off, or break a link.
        raise UsageError(f"{path} is not a regular file (a device, pipe or link), and crmrev writes "
                         "exports only as new files or over regular ones",
                         hint="give a plain file name with --out (for the CSV on standard output: --out -)")
    if exists and not force:
        raise UsageError(f"{path} already exists", hint="pass --force to replace it, or choose another --out")
    if not parent_exists:
        raise OutputFileError(f"the folder {path.parent} does not exist", path=str(path),
                              hint="create it first, or choose another --out")
    try:
        atomic_write(path, data)
    except OSError as exc:
        raise OutputFileError(f"cannot write the file: {exc.strerror or exc}", path=str(path),
                              hint="choose a folder you can write to with --out; nothing was changed"
                              ) from None
