"""Crash, lock and signal tests against real crmrev processes."""

from __future__ import annotations

import json
import random
import signal
import time

import pytest

from crmrev.progress import log_path_for, open_progress
from tests.helpers import POSIX_ONLY, bundled_cards, read_until, run_crmrev, start_scripted

pytestmark = POSIX_ONLY


def acked(lines: list[str]) -> list[str]:
    return [line.split()[1] for line in lines if line.startswith("saved ")]


def test_sigkill_after_answers_loses_nothing(tmp_path):
    progress = tmp_path / "progress.json"
    proc = start_scripted(progress, "--limit", "10", today="2026-03-02")
    seen: list[str] = []
    for grade in "5435":
        read_until(proc.stdout, "grade (0-5, u, q)?")
        proc.stdin.write(grade + "\n")
        proc.stdin.flush()
        seen += read_until(proc.stdout, "saved ")
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    ids = acked(seen)
    assert len(ids) == 4
    with open_progress(progress, writable=True) as store:  # a later session repairs and continues
        assert set(ids) <= set(store.states)
        assert [r.card for r in store.iter_reviews()] == ids


def test_second_session_is_refused_and_read_only_commands_still_work(tmp_path):
    progress = tmp_path / "progress.json"
    first = start_scripted(progress, "--limit", "5", today="2026-03-02")
    read_until(first.stdout, "grade (0-5, u, q)?")
    first.stdin.write("5\n")
    first.stdin.flush()
    read_until(first.stdout, "saved ")
    second = run_crmrev(progress, "review", input="5\n", today="2026-03-02")
    assert second.returncode == 3
    assert "in use by another crmrev session" in second.stderr
    assert "Traceback" not in second.stderr
    due = run_crmrev(progress, "due", "--json", today="2026-03-02")
    assert due.returncode == 0
    # sees the answer the first session saved
    assert json.loads(due.stdout)["unseen"] == len(bundled_cards()) - 1
    first.stdin.write("4\nq\n")
    first.stdin.flush()
    assert first.wait(timeout=20) == 0
    with open_progress(progress, writable=False) as store:
        assert len(list(store.iter_reviews())) == 2


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGTERM, 143), (signal.SIGHUP, 129), (signal.SIGINT, 130)])
def test_signals_mid_card_save_answers_without_traceback(tmp_path, sig, code):
    progress = tmp_path / "progress.json"
    proc = start_scripted(progress, "--limit", "5", today="2026-03-02")
    for grade in "54":
        read_until(proc.stdout, "grade (0-5, u, q)?")
        proc.stdin.write(grade + "\n")
        proc.stdin.flush()
        read_until(proc.stdout, "saved ")
    read_until(proc.stdout, "grade (0-5, u, q)?")  # waiting on the third card
    proc.send_signal(sig)
    assert proc.wait(timeout=20) == code
    err = proc.stderr.read()
    assert "Interrupted: 2 answers saved." in err
    assert "Traceback" not in err
    snapshot = json.loads(progress.read_text())  # folded into the snapshot on the way out
    assert len(snapshot["cards"]["id"]) == 2
    assert snapshot["log"]["offset"] == log_path_for(progress).stat().st_size


@pytest.mark.slow
def test_kill_loop_never_loses_an_acknowledged_answer(tmp_path):
    """kill -9 at random moments, 50 times; every acknowledged answer must survive each time."""
    progress = tmp_path / "progress.json"
    rng = random.Random(20261124)
    acknowledged: list[str] = []
    for round_number in range(50):
        proc = start_scripted(progress, "--new", "50", today=f"2026-03-{1 + round_number % 28:02d}")
        deadline = time.monotonic() + rng.uniform(0.05, 0.6)
        try:
            while time.monotonic() < deadline:
                line = proc.stdout.readline()
                if not line:
                    break
                if line.startswith("saved "):
                    acknowledged.append(line.split()[1])
                if line.startswith("grade (0-5"):
                    proc.stdin.write(rng.choice("012345") + "\n")
                    proc.stdin.flush()
        except BrokenPipeError:
            pass
        proc.kill()
        proc.wait(timeout=10)
        proc.stdout.close()
        proc.stdin.close()
        proc.stderr.close()
        with open_progress(progress, writable=False) as store:
            logged = [r.card for r in store.iter_reviews()]
        # every acknowledged answer is in the log, in order (a kill may land after the write
        # but before the acknowledgement, so the log may hold one more)
        assert logged[: len(acknowledged)] == acknowledged, round_number
        acknowledged = logged
        json.loads(progress.read_text()) if progress.exists() else None
    assert len(acknowledged) > 50


@pytest.mark.parametrize("ending", ["quit", "sigint", "sigkill"])
def test_a_pending_same_day_repeat_survives_the_end_of_a_session(tmp_path, ending):
    # SM-2's same-day rule: a card graded below 4 comes back today until it is graded 4 or more,
    # even when the session that graded it ends early, however it ends.
    progress = tmp_path / "progress.json"
    proc = start_scripted(progress, "--limit", "3", today="2026-03-02")
    read_until(proc.stdout, "grade (0-5, u, q)?")
    proc.stdin.write("2\n")
    proc.stdin.flush()
    [failed] = acked(read_until(proc.stdout, "saved "))
    read_until(proc.stdout, "grade (0-5, u, q)?")
    if ending == "quit":
        proc.stdin.write("q\n")
        proc.stdin.flush()
    else:
        proc.send_signal(signal.SIGINT if ending == "sigint" else signal.SIGKILL)
    proc.wait(timeout=20)
    again = run_crmrev(progress, "review", "--new", "0", input="5\n", today="2026-03-02")
    assert again.returncode == 0, again.stderr
    assert acked(again.stdout.splitlines()) == [failed]
    with open_progress(progress, writable=False) as store:
        assert [(r.card, r.grade, r.kind) for r in store.iter_reviews()] == [(failed, 2, "first"),
                                                                            (failed, 5, "repeat")]
    tomorrow = run_crmrev(progress, "review", "--new", "0", input="5\n", today="2026-03-03")
    assert acked(tomorrow.stdout.splitlines()) == [failed]  # due again: interval 1 after a lapse
