"""One error hierarchy for the whole library; cli.py maps it to exit codes in one place.

Every message says where (file, and line where there is one) and what to do.
"""

from __future__ import annotations

# Ctrl-C, as a shell reports a process killed by SIGINT (128 + 2).
EXIT_INTERRUPTED = 130


class CrmrevError(Exception):
    """Base of every error crmrev reports to a user."""

    exit_code = 1

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None,
                 column: int | None = None, hint: str | None = None, code: str | None = None) -> None:
        self.message = message
        self.code = code
        self.path = path
        self.line = line
        self.column = column
        self.hint = hint
        super().__init__(self.render())

    def location(self) -> str:
        if self.path is None:
            return ""
        parts = [self.path]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def render(self) -> str:
        where = self.location()
        text = f"{where}: {self.message}" if where else self.message
        if self.code:
            text += f" [{self.code}]"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text


class UsageError(CrmrevError):
    """Bad options or nothing to work on."""

    exit_code = 2


class SeedError(CrmrevError):
    """A seed file that cannot be read as a seed at all (empty, binary, not UTF-8)."""

    exit_code = 1


class DeckError(CrmrevError):
    """A deck file that cannot be loaded."""

    exit_code = 2


class ProgressError(CrmrevError):
    """The progress store cannot be read or written safely."""

    exit_code = 2


class ProgressInUse(ProgressError):
    """Another session holds the progress lock."""

    exit_code = 3


class OutputFileError(CrmrevError):
    """A file the learner asked crmrev to write (an export) cannot be written there."""

    exit_code = 73  # EX_CANTCREAT
