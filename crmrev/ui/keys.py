"""Single keypresses from a terminal: termios cbreak mode on POSIX, Click's getchar elsewhere."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager

# ESC [ parameters final-byte (arrows, Home, F5…), ESC O x (F1-F4 on many terminals), or ESC alone.
_ESCAPE_SEQUENCE = re.compile(rb"\x1b(?:\[[0-?]*[ -/]*[@-~]|O.)?")


class Keys:
    """Single keypresses from a terminal in cbreak mode (no Enter needed; Ctrl-C still works)."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self._pending = b""

    def read(self) -> str:
        """One key. Whatever one read returns is kept, so keys typed quickly are not lost, and
        an escape sequence (an arrow or function key) is dropped whole; a lone Esc, which is all
        one read returns, is dropped alone rather than waiting for more bytes that never come."""
        if not self._pending:
            self._pending = os.read(self.fd, 32)
        data = self._pending
        if not data or data[:1] == b"\x04":
            return "q"  # end of input or Ctrl-D: save and quit
        if data[:1] == b"\x1b":
            sequence = _ESCAPE_SEQUENCE.match(data)
            self._pending = data[sequence.end() if sequence else 1:]
            return ""
        self._pending = data[1:]
        return data[:1].decode("latin-1")


class GetcharKeys:
    """Single keys where there is no termios (Windows): Click's getchar, which reads the console
    with msvcrt. Special keys arrive as a prefix and a code ("\\xe0H" for up), Esc alone."""

    def __init__(self, getchar: Callable[[], str]) -> None:
        self.getchar = getchar

    def read(self) -> str:
        key = self.getchar()
        if not key or key in ("\x04", "\x1a"):
            return "q"  # Ctrl-D or Ctrl-Z: save and quit
        if key[0] in ("\x1b", "\x00", "\xe0"):
            return ""
        return key[0]


@contextmanager
def cbreak(fd: int) -> Iterator[Keys | GetcharKeys]:
    try:
        import termios
        import tty
    except ImportError:
        import typer

        yield GetcharKeys(typer.getchar)
        return

    saved = termios.tcgetattr(fd)
    try:
        tty.setcbreak(fd)
        yield Keys(fd)
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)
