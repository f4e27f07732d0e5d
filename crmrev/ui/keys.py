"""Single keypresses from a terminal: termios cbreak mode on POSIX, Click's getchar elsewhere."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager

# ESC [ parameters final-byte (arrows, Home, F5…), ESC O x (F1-F4 on many terminals), or ESC alone.
_ESCAPE_SEQUENCE = re.compile(rb"\x1b(?:\[[0-?]*[ -/]*[@-~]|O.)?")


class Redraw(Exception):
    """The terminal was resized, or came back after Ctrl-Z: draw the screen again."""


class Keys:
    """Single keypresses from a terminal in cbreak mode (no Enter needed; Ctrl-C still works)."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self._pending = b""
        self._waiting = False   # blocked in os.read: the one place a signal may interrupt
        self._redraw = False    # a resize or resume arrived while the screen was being drawn

    def interrupt(self) -> None:
        """From a signal handler: ask for a redraw. Raises only while waiting for a key, never in
        the middle of saving an answer or drawing."""
        if self._waiting:
            raise Redraw
        self._redraw = True

    def drop_typed_ahead(self) -> None:
        """Keys typed while crmrev was stopped went to a line-mode terminal; they are not grades."""
        self._pending = b""

    def read(self) -> str:
        """One key. Whatever one read returns is kept, so keys typed quickly are not lost, and
        an escape sequence (an arrow or function key) is dropped whole; a lone Esc, which is all
        one read returns, is dropped alone rather than waiting for more bytes that never come."""
        if self._redraw:
            self._redraw = False
            raise Redraw
        if not self._pending:
            self._waiting = True
            try:
                self._pending = os.read(self.fd, 32)
            finally:
                self._waiting = False
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
    keys = Keys(fd)

    def resumed(_signum: int, _frame: object) -> None:
        # After Ctrl-Z and `fg` the shell has put the terminal back in line mode: keys would echo
        # and wait for Enter, then fire at once on later cards. Back to cbreak, and drop what was
        # typed meanwhile.
        tty.setcbreak(fd)
        termios.tcflush(fd, termios.TCIFLUSH)
        keys.drop_typed_ahead()
        keys.interrupt()

    def resized(_signum: int, _frame: object) -> None:
        keys.interrupt()

    import signal

    handlers = {sig: signal.signal(sig, handler) for sig, handler in
                ((signal.SIGCONT, resumed), (signal.SIGWINCH, resized))}
    try:
        tty.setcbreak(fd)
        yield keys
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)
