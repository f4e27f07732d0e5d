"""Every command has help text and is documented in the README (the sqlite-utils rule)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from crmrev import __version__
from crmrev.cli import app

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted(command.name or command.callback.__name__ for command in app.registered_commands)


def test_there_are_commands():
    assert {"build", "review", "due"} <= set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_command_has_help_and_readme_section(invoke, command):
    result = invoke(command, "--help")
    assert result.exit_code == 0
    assert "Usage" in result.output
    callback = next(c.callback for c in app.registered_commands if (c.name or c.callback.__name__) == command)
    assert callback.__doc__ and len(callback.__doc__.strip()) > 20
    assert f"### `crmrev {command}`" in README
    assert re.search(rf"\| `crmrev {command}\b", README)


SUBCOMMANDS = [(group.name, command.name) for group in app.registered_groups
               for command in group.typer_instance.registered_commands if group.name != "config"]


def test_there_are_subcommands():
    assert {("export", "anki"), ("export", "csv")} <= set(SUBCOMMANDS)


@pytest.mark.parametrize("group, command", SUBCOMMANDS)
def test_subcommand_has_help_and_readme_section(invoke, group, command):
    """`config`'s subcommands share one section; the others each have their own."""
    result = invoke(group, command, "--help")
    assert result.exit_code == 0 and "Usage" in result.output
    assert f"### `crmrev {group} {command}`" in README
    assert re.search(rf"\| `crmrev {group} {command}\b", README)


def test_python_dash_m_and_version():
    result = subprocess.run([sys.executable, "-m", "crmrev", "--version"], capture_output=True, text=True,
                            cwd=ROOT, timeout=60)
    assert result.returncode == 0
    assert result.stdout.strip() == f"crmrev {__version__}"


def test_quick_start_has_exactly_two_commands_and_ci_runs_the_second():
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```sh\n(.+?)\n```", section, re.S)
    assert len(commands) == 2
    assert "crmrev review" in commands[0]
    ci = (ROOT / ".ci" / "run").read_text()
    assert commands[1] in ci


def test_no_args_shows_help(invoke):
    result = invoke()
    assert "Usage" in result.output


def test_help_text_is_shown_literally(invoke):
    """Typer renders help with Rich markup, which silently swallows [bracketed] text."""
    result = invoke("review", "--help", env={"COLUMNS": "200"})
    flat = " ".join(result.output.split())  # help is wrapped, so compare the words
    assert "Folder of decks (default: the bundled decks). [env var: CRMREV_DECKS]" in flat
    assert "[env var: CRMREV_TODAY]" in flat and "[env var: CRMREV_PROGRESS]" in flat
    assert "default: what is left of the new-per-day setting, 20" in flat
    result = invoke("check", "--help", env={"COLUMNS": "200"})
    assert "default: seeds/ if it exists" in " ".join(result.output.split())


HELP_COMMANDS = [(), ("build",), ("review",), ("due",), ("stats",), ("exam",), ("check",), ("config",),
            ("config", "get"), ("config", "set"), ("config", "unset"), ("config", "path"),
            ("export",), ("export", "anki"), ("export", "csv")]


@pytest.mark.parametrize("command", HELP_COMMANDS, ids=lambda c: " ".join(c) or "crmrev")
def test_every_help_wraps_at_80_columns_and_ends_with_examples(invoke, command):
    result = invoke(*command, "--help", env={"COLUMNS": "80"})
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert max(len(line) for line in lines) <= 80
    ending = result.output.rstrip().rsplit("Examples:", 1)
    assert len(ending) == 2 and "Options:" in ending[0], result.output  # the examples come last
    examples = ending[1].strip().splitlines()
    assert 1 <= len(examples) <= 3 and all(line.strip().startswith("crmrev ") for line in examples)
