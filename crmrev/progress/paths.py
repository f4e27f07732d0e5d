"""Where progress lives: the snapshot, and the files named after it."""

from __future__ import annotations

from pathlib import Path


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


# Every file beside the snapshot is named from its full name, so two progress files never share
# one: `X.json` and `X.txt` once both wrote `X.reviews.jsonl`, under two different locks.
LOG_SUFFIX = ".reviews.jsonl"
LONGEST_SUFFIX = max(LOG_SUFFIX, ".lock", ".bak.5", ".v1.bak", ".corrupt-20261126T101010-99", key=len)
NAME_MAX = 255  # bytes in one file name, on every common file system


def log_path_for(path: Path) -> Path:
    return path.with_name(path.name + LOG_SUFFIX)


def legacy_log_path(path: Path) -> Path:
    """Where crmrev before format 3 kept the log: named from the stem, which two progress files
    could share. Opening moves it to log_path_for (opening.py)."""
    return path.with_name(path.stem + LOG_SUFFIX)


def lock_path_for(path: Path) -> Path:
    return path.with_name(path.name + ".lock")


def backup_path(path: Path, number: int) -> Path:
    return path.with_name(f"{path.name}.bak.{number}")


