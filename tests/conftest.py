"""Shared fixtures. Every test gets its own progress location: no test touches a real home."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crmrev.cli import app
from tests.helpers import DECKS, SEEDS


@pytest.fixture(autouse=True)
def isolated_user_data(tmp_path_factory, monkeypatch):
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("CRMREV_PROGRESS", str(home / "progress.json"))
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))  # the settings file
    for name in [name for name in os.environ if name.startswith("CRMREV_") and name != "CRMREV_PROGRESS"]:
        monkeypatch.delenv(name)  # CRMREV_TODAY, CRMREV_NOW, CRMREV_GRADING, ... from the caller's shell
    return home


@pytest.fixture
def progress_path(isolated_user_data) -> Path:
    return Path(os.environ["CRMREV_PROGRESS"])


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def invoke(runner):
    def run(*args: str, input: str | None = None, env: dict | None = None):
        return runner.invoke(app, [str(a) for a in args], input=input, env=env)

    return run


@pytest.fixture
def project(tmp_path) -> Path:
    """A copy of the real seeds and decks that a test may edit."""
    shutil.copytree(SEEDS, tmp_path / "seeds")
    shutil.copytree(DECKS, tmp_path / "decks")
    return tmp_path

