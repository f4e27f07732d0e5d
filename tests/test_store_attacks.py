"""Issue 13's black-box attacks on the progress store, driven as the tester drove them: the real
program in subprocesses. Grouped by the mechanism that now prevents each class of failure."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from crmrev.progress import backup_path, log_path_for
from tests.helpers import POSIX_ONLY, ROOT, entries, env_for, read_until, run_crmrev, start_scripted

DAY = "2026-03-02"


def review(progress: Path, grades: str, today: str = DAY) -> subprocess.CompletedProcess:
    result = run_crmrev(progress, "review", input="".join(f"{g}\n" for g in grades), today=today)
    assert result.returncode == 0, result.stderr
    return result


def stats(progress: Path, today: str = DAY) -> dict:
    result = run_crmrev(progress, "stats", "--json", today=today)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def due(progress: Path, today: str = DAY) -> dict:
    result = run_crmrev(progress, "due", "--json", today=today)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def snapshot(progress: Path) -> dict:
    return json.loads(progress.read_text())


# ---------------------------------------------------------------- one store per progress file (case 1)


def test_progress_files_sharing_a_stem_keep_separate_logs(tmp_path):
    names = ["X.json", "X", "X.txt", "X.test"]
    for number, name in enumerate(names, start=1):
        review(tmp_path / name, "5" * number)
    for number, name in enumerate(names, start=1):
        assert len(entries(tmp_path / name)) == number, name  # a scratch profile inherits nothing
        assert stats(tmp_path / name)["reviews_total"] == number
    assert not (tmp_path / "X.reviews.jsonl").exists() or len(entries(tmp_path / "X")) == 2


def test_two_sessions_on_sibling_names_at_once_lose_nothing_and_undo_only_their_own(tmp_path):
    first, second = start_scripted(tmp_path / "X.json", today=DAY), start_scripted(tmp_path / "X.txt", today=DAY)
    for session in (first, second, first, second):
        read_until(session.stdout, "grade (0-5, u, q)?")
        session.stdin.write("5\n")
        session.stdin.flush()
        read_until(session.stdout, "saved ")
    read_until(first.stdout, "grade (0-5, u, q)?")
    first.stdin.write("u\n")  # one undo in the first session
    first.stdin.flush()
    read_until(first.stdout, "undone")
    for session in (first, second):
        session.stdin.close()
        assert session.wait(timeout=30) == 0
    assert len(entries(tmp_path / "X.json")) == 1
    assert len(entries(tmp_path / "X.txt")) == 2  # the other session's acknowledged answers stay


def test_a_version_1_store_brings_its_log_along(tmp_path):
    progress = tmp_path / "progress.json"
    review(progress, "545")
    before = stats(progress)
    doc = snapshot(progress)
    doc["version"] = 1
    for key in ("history",):
        doc.pop(key)
    doc["log"] = {"offset": doc["log"]["offset"]}
    progress.write_text(json.dumps(doc))
    legacy = tmp_path / "progress.reviews.jsonl"
    os.replace(log_path_for(progress), legacy)
    assert stats(progress) == before  # read where it is, untouched
    assert legacy.exists() and not log_path_for(progress).exists()
    result = review(progress, "", today="2026-03-03")
    assert "progress.reviews.jsonl is now progress.json.reviews.jsonl" in result.stderr
    assert not legacy.exists() and stats(progress)["reviews_total"] == before["reviews_total"]


# ---------------------------------------------------------------- each answer counted once (case 2)


def _two_days(progress: Path) -> None:
    review(progress, "55")
    review(progress, "55", today="2026-03-03")


def test_a_log_copied_onto_itself_counts_each_answer_once(tmp_path):
    progress = tmp_path / "progress.json"
    _two_days(progress)
    before_due, before_stats = due(progress, "2026-03-10"), stats(progress, "2026-03-10")
    intervals = snapshot(progress)["cards"]["interval"]
    log = log_path_for(progress)
    log.write_bytes(log.read_bytes() * 2)  # what a sync conflict's copy does
    result = run_crmrev(progress, "due", "--json", today="2026-03-10")
    assert json.loads(result.stdout) == before_due and "counted already" in result.stderr
    assert stats(progress, "2026-03-10") == before_stats
    review(progress, "", today="2026-03-10")  # a session folds it in, once
    assert snapshot(progress)["cards"]["interval"] == intervals


def test_a_snapshot_behind_its_log_replays_nothing_twice(tmp_path):
    progress = tmp_path / "progress.json"
    _two_days(progress)
    expected = stats(progress, "2026-03-10")
    doc = snapshot(progress)
    doc["log"]["offset"] = 0  # an old snapshot synced over a newer one, say
    progress.write_text(json.dumps(doc))
    assert stats(progress, "2026-03-10") == expected
    assert max(snapshot(progress)["cards"]["interval"]) == max(doc["cards"]["interval"])


# ---------------------------------------------------------------- backups only when something changed (case 3)


def test_sessions_without_answers_do_not_push_out_good_backups(tmp_path):
    progress = tmp_path / "progress.json"
    for day in ("2026-03-02", "2026-03-03", "2026-03-04"):
        review(progress, "5", today=day)
    backups = {n: backup_path(progress, n).read_bytes() for n in (1, 2)}
    current = progress.read_bytes()
    for _ in range(5):
        assert run_crmrev(progress, "review", input="q\n", today="2026-03-04").returncode == 0
    assert progress.read_bytes() == current
    assert {n: backup_path(progress, n).read_bytes() for n in (1, 2)} == backups
    assert not backup_path(progress, 3).exists()


# ---------------------------------------------------------------- where progress lives (cases 4, 8, 12, 16, 18)


def test_a_symlinked_progress_file_stays_a_link_and_keeps_one_history(tmp_path):
    real_dir, link_dir = tmp_path / "real", tmp_path / "link"
    real_dir.mkdir(), link_dir.mkdir()
    real = real_dir / "progress.json"
    review(real, "5")
    link = link_dir / "progress.json"
    link.symlink_to(real)
    review(link, "55", today="2026-03-03")
    review(link, "5", today="2026-03-04")
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert stats(link, "2026-03-04")["reviews_total"] == stats(real, "2026-03-04")["reviews_total"] == 4
    assert sorted(p.name for p in link_dir.iterdir()) == ["progress.json"]  # log and lock beside the file


def test_an_empty_progress_path_is_a_clear_error(tmp_path):
    result = run_crmrev(tmp_path / "p.json", "due", "--progress", "", today=DAY)
    assert result.returncode == 2 and "folder, not a file" in result.stderr and "Traceback" not in result.stderr


def test_a_progress_name_too_long_for_its_companions_is_refused_before_anything(tmp_path):
    progress = tmp_path / ("p" * 246)
    for command in (["due"], ["stats"], ["review"]):
        result = run_crmrev(progress, *command, input="5\n", today=DAY)
        assert result.returncode == 2, (command, result.stderr)
        assert "name is too long" in result.stderr and "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


@POSIX_ONLY
@pytest.mark.parametrize("which", ["snapshot", "log"])
def test_a_fifo_in_place_of_a_progress_file_is_refused_not_waited_on(tmp_path, which):
    progress = tmp_path / "progress.json"
    review(progress, "5")
    target = progress if which == "snapshot" else log_path_for(progress)
    target.unlink()
    os.mkfifo(target)
    for command in (["due"], ["stats", "--json"], ["review"]):
        result = run_crmrev(progress, *command, input="5\n", today=DAY, timeout=20)
        assert result.returncode == 2 and "not a regular file" in result.stderr, (command, result.stderr)


@POSIX_ONLY
def test_a_fifo_in_place_of_a_backup_is_passed_over_not_waited_on(tmp_path):
    progress = tmp_path / "progress.json"
    review(progress, "5")
    progress.write_text("junk")  # damaged: the backups are looked at
    os.mkfifo(backup_path(progress, 1))
    for command in (["stats", "--json"], ["due"], ["review"]):
        result = run_crmrev(progress, *command, input="", today=DAY, timeout=20)
        assert result.returncode == 0, (command, result.stderr)
        assert "damaged" in result.stderr


def test_a_learners_first_read_only_command_just_works(tmp_path):
    env = env_for(tmp_path / "unused.json", DAY, XDG_DATA_HOME=str(tmp_path / "data"), HOME=str(tmp_path))
    del env["CRMREV_PROGRESS"]
    for command in (["due"], ["stats"], ["stats", "--json"], ["exam"], ["exam", "--clear"], ["review"]):
        result = subprocess.run([sys.executable, "-m", "crmrev", *command], capture_output=True, text=True,
                                env=env, timeout=60, input="q\n")
        assert result.returncode == 0, (command, result.stderr)
    data = tmp_path / "data" / "crmrev"
    assert not data.exists() or sorted(p.name for p in data.iterdir()) == ["progress.json.lock"]  # nothing is created until there is something to keep


# ---------------------------------------------------------------- damaged values never crash (6, 7, 10, 11, 17, 22)


@pytest.mark.parametrize("line", [
    '{"event": "exam", "date": "2026-13-45"}',
    '{"event": "exam", "date": 20260601}',
    "[" * 100_000,
    '{"card": "x", "at": "t", "day": "0001-01-01", "grade": 5, "kind": "first"}',
])
def test_one_damaged_log_line_is_skipped_by_every_command(tmp_path, line):
    progress = tmp_path / "progress.json"
    review(progress, "5")
    with open(log_path_for(progress), "a") as log:
        log.write(line + "\n")
    for command in (["due", "--json"], ["stats", "--json"], ["stats"], ["exam"], ["exam", "--clear"],
                    ["review"]):
        result = run_crmrev(progress, *command, input="", today=DAY)
        assert result.returncode == 0, (command, result.stderr)
        assert "Traceback" not in result.stderr and "internal error" not in result.stderr


@pytest.mark.parametrize("today", ["9999-12-31", "0001-01-01"])
def test_a_today_outside_the_calendar_crmrev_can_compute_is_refused(tmp_path, today):
    progress = tmp_path / "progress.json"
    review(progress, "5")
    for command in (["stats"], ["review"], ["due"]):
        result = run_crmrev(progress, *command, input="5\n", today=today)
        assert result.returncode == 2 and "outside the days crmrev can schedule" in result.stderr
    assert len(entries(progress)) == 1


@pytest.mark.parametrize(("column", "value", "reason"), [
    ("interval", 10**30, "longer than 36500 days"),
    ("due", "2026-02-30", "not a YYYY-MM-DD date"),
    ("due", "2026-04-31", "not a YYYY-MM-DD date"),
])
def test_an_impossible_value_in_the_snapshot_gets_one_answer_from_every_command(tmp_path, column, value, reason):
    progress = tmp_path / "progress.json"
    review(progress, "5")
    review(progress, "4", today="2026-03-03")
    expected = stats(progress, "2026-03-03")
    doc = snapshot(progress)
    doc["cards"][column][0] = value
    progress.write_text(json.dumps(doc))
    for command in (["due", "--json"], ["stats", "--json"]):
        result = run_crmrev(progress, *command, today="2026-03-03")
        assert result.returncode == 0 and reason in result.stderr, (command, result.stderr)
    assert stats(progress, "2026-03-03") == expected
    repaired = review(progress, "", today="2026-03-03")
    assert reason in repaired.stderr and stats(progress, "2026-03-03") == expected


@pytest.mark.parametrize(("damage", "said"), [
    (lambda doc: {**doc, "log": [1, 2]}, "'log.offset' is not a byte offset"),
    (lambda doc: {"version": 0, "cards": {"a": [1, 2]}}, "wrong kind of value"),  # once: 'list' object has no…
    (lambda doc: {k: v for k, v in doc.items() if k != "history"}, "the field 'history' is missing"),
])
def test_damage_is_described_in_the_files_terms_not_pythons(tmp_path, damage, said):
    progress = tmp_path / "progress.json"
    review(progress, "5")
    progress.write_text(json.dumps(damage(snapshot(progress))))
    result = run_crmrev(progress, "stats", "--json", today=DAY)
    assert result.returncode == 0 and said in result.stderr, result.stderr
    assert "object has no attribute" not in result.stderr and "NoneType" not in result.stderr


# ---------------------------------------------------------------- output that cannot be written (case 9)


@POSIX_ONLY
def test_a_closed_stdout_is_refused_before_any_answer(tmp_path):
    progress = tmp_path / "progress.json"
    result = subprocess.run(f"printf '4\\n' | {sys.executable} -m crmrev review >&-", shell=True,
                            capture_output=True, text=True, env=env_for(progress, DAY), timeout=60)
    assert result.returncode == 74 and "standard output is closed" in result.stderr
    assert "Traceback" not in result.stderr and entries(progress) == []


@POSIX_ONLY
@pytest.mark.parametrize("command", [["stats"], ["due", "--json"], ["review"], ["build", "SEEDS", "--out", "OUT"],
                                     ["--help"], ["--version"]])
def test_a_full_disk_on_stdout_is_a_clear_error(tmp_path, command):
    progress = tmp_path / "progress.json"
    review(progress, "5")
    command = [str(ROOT / "seeds") if part == "SEEDS" else str(tmp_path / "out") if part == "OUT" else part
               for part in command]
    with open("/dev/full", "w") as full:
        result = subprocess.run([sys.executable, "-m", "crmrev", *command], stdout=full, stderr=subprocess.PIPE,
                                input="5\n", text=True, env=env_for(progress, "2026-03-03"), timeout=120)
    assert result.returncode == 74 and "No space left on device" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and "Exception ignored" not in result.stderr


# ---------------------------------------------------------------- signals while loading (case 13), memory (case 15)


def _big_log(progress: Path, lines: int) -> None:
    """A long history with no snapshot: every command must rebuild from the log."""
    from crmrev.decks import load_decks

    cards = [card.id for deck in load_decks(ROOT / "decks") for card in deck.cards]
    line = '{{"card":"{}","at":"2026-01-01T09:00:00","day":"2026-01-01","grade":4,"kind":"repeat"}}\n'
    with open(log_path_for(progress), "w") as log:
        for n in range(lines):
            log.write(line.format(cards[n % len(cards)]))


@POSIX_ONLY
@pytest.mark.parametrize(("sig", "code"), [(signal.SIGTERM, 143), (signal.SIGHUP, 129)])
def test_a_signal_while_review_loads_exits_with_its_documented_code(tmp_path, sig, code):
    progress = tmp_path / "progress.json"
    _big_log(progress, 600_000)
    size = log_path_for(progress).stat().st_size
    session = subprocess.Popen([sys.executable, "-m", "crmrev", "review"], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env=env_for(progress, DAY))
    time.sleep(1.0)  # loading takes several seconds
    session.send_signal(sig)
    _, err = session.communicate(timeout=60)
    assert session.returncode == code, err
    assert "before the first card" in err and "Traceback" not in err
    assert log_path_for(progress).stat().st_size == size


@POSIX_ONLY
def test_rebuilding_from_a_long_log_takes_memory_for_the_cards_not_the_lines(tmp_path):
    def peak_mb(lines: int) -> float:
        progress = tmp_path / f"p{lines}.json"
        _big_log(progress, lines)
        probe = ("import resource, runpy, sys; sys.argv = ['crmrev', 'due', '--json']\n"
                 "try: runpy.run_module('crmrev', run_name='__main__')\n"
                 "except SystemExit: pass\n"
                 "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)")
        result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                                env=env_for(progress, DAY), timeout=300)
        return int(result.stderr.strip().splitlines()[-1]) / 1024

    small, big = peak_mb(20_000), peak_mb(400_000)
    assert big < small + 20, (small, big)  # 20x the lines: memory nearly flat (a list of them took 100+ MB)
