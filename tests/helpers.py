"""Helpers for tests that drive crmrev as a separate process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


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
