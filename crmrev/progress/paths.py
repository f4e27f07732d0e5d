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


def log_path_for(path: Path) -> Path:
    return path.with_name(f"{path.stem}.reviews.jsonl")


def lock_path_for(path: Path) -> Path:
    return path.with_name(path.name + ".lock")


def backup_path(path: Path, number: int) -> Path:
    return path.with_name(f"{path.name}.bak.{number}")


