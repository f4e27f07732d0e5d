"""Helpers for tests that drive crmrev as a separate process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Tests that need a pseudo-terminal, fork/setuid or POSIX signals say so on other systems.
POSIX_ONLY = pytest.mark.skipif(os.name != "posix", reason="needs POSIX: a pty, fork/setuid or its signals")
SEEDS = ROOT / "seeds"
DECKS = ROOT / "decks"

# A four-card deck for tests whose figures are worked out by hand.
TINY_DECK = """\
id: tiny
title: Tiny deck
cards:
- {id: a, type: concept, front: Card A?, back: Answer A.}
- {id: b, type: concept, front: Card B?, back: Answer B.}
- {id: c, type: concept, front: Card C?, back: Answer C.}
- {id: d, type: concept, front: Card D?, back: Answer D.}
"""


def bundled_cards() -> list:
    """The bundled decks' cards, for tests whose figures follow the decks' contents."""
    from crmrev.decks import load_decks

    return [card for deck in load_decks(DECKS) for card in deck.cards]


def record(progress_path: Path, history) -> None:
    """Answers (day, card, grade, kind) saved through the store, as review would save them."""
    import datetime as dt

    from crmrev.model import Review
    from crmrev.progress import open_progress

    with open_progress(progress_path, writable=True) as store:
        for day, card, grade, kind in history:
            store.record(Review(card=card, at=f"{day}T09:00:00", day=dt.date.fromisoformat(day),
                                grade=grade, kind=kind))


def env_for(progress: Path, today: str | None = None, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CRMREV_")}
    env["CRMREV_PROGRESS"] = str(progress)
    env["PYTHONPATH"] = str(ROOT)
    env["COLUMNS"] = "100"
    if today:
        env["CRMREV_TODAY"] = today
    env.update(extra)
    return env


def start_scripted(progress: Path, *args: str, today: str | None = None, **extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "crmrev", "review", *args],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env=env_for(progress, today, **extra), text=True, bufsize=1,
    )


def read_until(stream, needle: str, limit: int = 500) -> list[str]:
    lines = []
    for _ in range(limit):
        line = stream.readline()
        if not line:
            raise AssertionError(f"stream ended before {needle!r}; got {lines!r}")
        lines.append(line)
        if needle in line:
            return lines
    raise AssertionError(f"{needle!r} not seen in {limit} lines")


def run_crmrev(progress: Path, *args: str, input: str | None = None, today: str | None = None,
               timeout: float = 60, **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "crmrev", *args], input=input, text=True,
                          capture_output=True, env=env_for(progress, today, **extra), timeout=timeout)


# ---------------------------------------------------------------- a real pseudo-terminal (POSIX)


def spawn(progress, *args, today="2026-03-02", width=100, **extra):
    import pexpect  # POSIX only, like the tests that use it

    # These tests press the SM-2 grades 0-5; the four-button default has tests of its own.
    env = {"TERM": "xterm-256color", "COLUMNS": str(width), "CRMREV_GRADING": "six", **extra}
    return pexpect.spawn(sys.executable, ["-m", "crmrev", "review", *args], env=env_for(progress, today, **env),
                         encoding="utf-8", dimensions=(40, width), timeout=20)


def reveal_and_grade(child, grade: str) -> None:
    child.send(" ")
    child.expect("Answer")
    child.send(grade)


def finish(child) -> int:
    import pexpect

    child.expect(pexpect.EOF)
    child.close()
    return child.exitstatus


def entries(progress: Path) -> list[dict]:
    from crmrev.progress import log_path_for

    path = log_path_for(progress)
    return [json.loads(l) for l in path.read_text().splitlines()] if path.exists() else []


def run_unprivileged(argv: list[str]) -> tuple[int, str]:
    """crmrev's main(argv) in a forked child that drops to 'nobody' when run as root (root ignores
    file permissions), stdin empty; returns (exit code, stdout and stderr together). Import what the
    command needs before calling: the child may not be able to read the project's files."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        try:
            os.dup2(write_end, 1)
            os.dup2(write_end, 2)
            sys.stdout = open(1, "w", closefd=False)  # noqa: SIM115 - pytest's capture objects are not the fds
            sys.stderr = open(2, "w", closefd=False)  # noqa: SIM115
            if os.geteuid() == 0:
                os.setgid(65534)
                os.setuid(65534)
            from crmrev.cli import main
            sys.stdin = open(os.devnull)  # noqa: SIM115 - the child exits with os._exit
            main(argv)
        except SystemExit as exc:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(exc.code if isinstance(exc.code, int) else 1)
        except BaseException:
            os._exit(99)
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)
    os.close(write_end)
    output = b""
    while chunk := os.read(read_end, 65536):
        output += chunk
    os.close(read_end)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), output.decode()
