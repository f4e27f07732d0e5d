"""crmrev where POSIX-only pieces are missing, as on Windows: proven on Linux by running the real
commands in processes that cannot import fcntl, termios or tty, and that have no os.fchmod."""

from __future__ import annotations

import io
import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from crmrev.progress import open_progress
from crmrev.ui.keys import GetcharKeys
from tests.helpers import POSIX_ONLY, env_for, read_until

# Runs crmrev with the POSIX-only modules blocked, before anything can import them. Windows'
# msvcrt.locking is played by a stand-in with its semantics (a non-blocking lock on one byte from the
# current position, PermissionError when another process holds it, freed when the process dies),
# built on the real fcntl before it is blocked, so that crmrev's Windows lock path runs here.
BLOCKED = """
import os, sys, runpy, types
import subprocess, getpass  # they decide "am I on Windows?" by importing msvcrt: before the stand-in
import fcntl as real_fcntl
msvcrt = types.ModuleType("msvcrt")
msvcrt.LK_UNLCK, msvcrt.LK_NBLCK = 0, 2
def locking(fd, mode, nbytes):
    if os.environ.get("MSVCRT_LOG"):
        with open(os.environ["MSVCRT_LOG"], "a") as calls:
            calls.write(("unlock" if mode == msvcrt.LK_UNLCK else "lock") + "\\n")
    if os.environ.get("MSVCRT_FAIL"):
        raise OSError(37, "No locks available")
    start = os.lseek(fd, 0, os.SEEK_CUR)
    if mode == msvcrt.LK_UNLCK:
        real_fcntl.lockf(fd, real_fcntl.LOCK_UN, nbytes, start)
        return
    try:
        real_fcntl.lockf(fd, real_fcntl.LOCK_EX | real_fcntl.LOCK_NB, nbytes, start)
    except OSError:
        raise PermissionError(13, "Permission denied") from None
msvcrt.locking = locking
if os.environ.get("NO_MSVCRT") != "1":
    sys.modules["msvcrt"] = msvcrt
class Blocked:
    def find_spec(self, name, path=None, target=None):
        if name in ("fcntl", "termios", "tty") or (name == "msvcrt" and "msvcrt" not in sys.modules):
            raise ModuleNotFoundError(f"No module named {name!r} (blocked, as on Windows)")
        return None
for name in ("fcntl", "termios", "tty"):
    sys.modules.pop(name, None)
sys.meta_path.insert(0, Blocked())
del os.fchmod
sys.argv = ["crmrev", *sys.argv[1:]]
runpy.run_module("crmrev", run_name="__main__", alter_sys=True)
"""


def blocked(progress: Path, *args: str, today: str = "2026-03-02", no_msvcrt: bool = False,
            extra_env: dict[str, str] | None = None, **kwargs) -> subprocess.CompletedProcess:
    env = env_for(progress, today, NO_MSVCRT="1" if no_msvcrt else "0", **(extra_env or {}))
    return subprocess.run([sys.executable, "-c", BLOCKED, *args], text=True, capture_output=True,
                          env=env, timeout=60, **kwargs)


def start_blocked(progress: Path, *args: str, today: str = "2026-03-02") -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", BLOCKED, "review", *args], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1,
                            env=env_for(progress, today))


def test_the_blocker_really_blocks(tmp_path):
    probe = subprocess.run([sys.executable, "-c", BLOCKED.replace('runpy.run_module("crmrev", run_name="__main__", '
                                                                  'alter_sys=True)', 'import fcntl')],
                           capture_output=True, text=True, timeout=30)
    assert "blocked, as on Windows" in probe.stderr


def test_review_saves_and_every_command_works_without_posix_modules(tmp_path):
    progress = tmp_path / "progress.json"
    reviewed = blocked(progress, "review", "--limit", "3", input="5\n2\n4\n5\n")
    assert reviewed.returncode == 0, reviewed.stderr
    assert reviewed.stdout.count("saved ") == 4
    for command in (["due", "--json"], ["stats", "--json"], ["check", "--progress", str(progress)]):
        result = blocked(progress, *command)
        assert result.returncode == 0, (command, result.stderr)
        assert "Traceback" not in result.stderr
    assert json.loads(blocked(progress, "due", "--json").stdout)["unseen"] > 0
    with open_progress(progress, writable=False) as store:
        assert len(store.states) == 3
        assert len(list(store.iter_reviews())) == 4


@POSIX_ONLY
def test_lock_contention_and_crash_recovery_without_posix_modules(tmp_path):
    progress = tmp_path / "progress.json"
    first = start_blocked(progress, "--limit", "5")
    read_until(first.stdout, "grade (0-5, u, q)?")
    first.stdin.write("5\n")
    first.stdin.flush()
    [line] = [l for l in read_until(first.stdout, "saved ") if l.startswith("saved ")]
    second = blocked(progress, "review", input="5\n")
    assert second.returncode == 3 and "in use by another crmrev session" in second.stderr
    first.send_signal(signal.SIGKILL)  # a crash: no snapshot written, the lock left behind
    first.wait(timeout=10)
    again = blocked(progress, "review", "--new", "0", input="")
    assert again.returncode == 0, again.stderr  # the dead process's lock does not block
    with open_progress(progress, writable=False) as store:
        assert line.split()[1] in store.states  # repaired from the log


def test_with_no_file_locking_at_all_review_refuses_clearly_and_reading_still_works(tmp_path):
    progress = tmp_path / "progress.json"
    refused = blocked(progress, "review", input="5\n", no_msvcrt=True)
    assert refused.returncode != 0 and "Traceback" not in refused.stderr
    assert "no file locking" in refused.stderr and not progress.exists()
    assert blocked(progress, "due", "--json", no_msvcrt=True).returncode == 0


def test_the_windows_lock_is_unlocked_before_its_file_is_closed(tmp_path):
    calls = tmp_path / "calls.txt"
    result = blocked(tmp_path / "progress.json", "review", input="5\n", extra_env={"MSVCRT_LOG": str(calls)})
    assert result.returncode == 0, result.stderr
    assert calls.read_text().split() == ["lock", "unlock"]  # Microsoft's rule: unlock, then close


@pytest.mark.parametrize("where", ["windows", "posix"])
def test_a_file_system_without_locks_is_a_clear_error_not_in_use(tmp_path, where):
    progress = tmp_path / "progress.json"
    if where == "windows":
        result = blocked(progress, "review", input="5\n", extra_env={"MSVCRT_FAIL": "1"})
    else:
        probe = ("import errno, fcntl, sys\n"
                 "def flock(*args): raise OSError(errno.ENOLCK, 'No locks available')\n"
                 "fcntl.flock = flock\n"
                 "sys.argv = ['crmrev', 'review']\n"
                 "from crmrev.cli import main\n"
                 "main()")
        result = subprocess.run([sys.executable, "-c", probe], input="5\n", capture_output=True, text=True,
                                env=env_for(progress, "2026-03-02"), timeout=60)
    assert result.returncode == 2, result.stderr
    assert "cannot lock progress.json.lock: No locks available" in result.stderr
    assert "in use" not in result.stderr and "internal error" not in result.stderr


def test_a_damaged_snapshot_is_repaired_without_posix_modules(tmp_path):
    progress = tmp_path / "progress.json"
    assert blocked(progress, "review", "--limit", "2", input="5\n5\n").returncode == 0
    progress.write_text("{not json")
    result = blocked(progress, "due", "--json")
    assert result.returncode == 0 and "damaged" in result.stderr
    reviewed = blocked(progress, "review", "--new", "0", input="")
    assert reviewed.returncode == 0, reviewed.stderr
    with open_progress(progress, writable=False) as store:
        assert len(store.states) == 2


@pytest.mark.parametrize(("keys", "read"), [
    (["\x1b", " ", "\xe0H", "\x00;", "5", "\x04"], ["", " ", "", "", "5", "q"]),
    (["n", "\x1a"], ["n", "q"]),
])
def test_windows_keys_through_getchar(keys, read):
    source = iter(keys)
    reader = GetcharKeys(lambda: next(source))
    assert [reader.read() for _ in keys] == read


def test_a_review_session_is_a_library_call(tmp_path):
    import datetime as dt

    from crmrev.decks import load_decks
    from crmrev.reviewing import ReviewOptions, run_review
    from tests.helpers import DECKS

    day = dt.date(2026, 3, 2)
    with open_progress(tmp_path / "p.json", writable=True) as store:
        result = run_review(load_decks(DECKS), store, ReviewOptions(limit=2), day,
                            lambda: dt.datetime(2026, 3, 2, 9, 0), io.StringIO("5\n4\n"))
    assert (result.finished, result.empty, result.summary["answers"]) == (True, False, 2)
