"""The progress store: format, durability, backups, repair and versions."""

from __future__ import annotations

import datetime as dt
import json
import os

import pytest

from crmrev.errors import ProgressError
from crmrev.model import Review
from crmrev.progress import (
    FORMAT,
    VERSION,
    backup_path,
    log_path_for,
    open_progress,
)

DAY = dt.date(2026, 3, 2)


def answer(store, card, grade, day=DAY, kind="first"):
    return store.record(Review(card=card, at=f"{day.isoformat()}T10:00:00", day=day, grade=grade, kind=kind))


def make_history(path, sessions=3):
    """Three sessions on three days: three snapshots, so two backups."""
    for offset in range(sessions):
        with open_progress(path, writable=True) as store:
            answer(store, f"card-{offset}", 5, DAY + dt.timedelta(days=offset))


def test_snapshot_format_and_log_lines(tmp_path):
    path = tmp_path / "progress.json"
    with open_progress(path, writable=True) as store:
        answer(store, "a", 5)
        answer(store, "a", 3, kind="repeat")
    doc = json.loads(path.read_text())
    assert doc["format"] == FORMAT and doc["version"] == VERSION == 3
    # answers, recalls, recalls passed, timed answers, their ms (record() gives no times)
    assert doc["history"] == {"2026-03-02": [2, 0, 0, 0, 0]}
    assert doc["cards"] == {"id": ["a"], "repetitions": [1], "interval": [1], "easiness": [2.6],
                            "due": ["2026-03-03"], "last_review": ["2026-03-02"],
                            "first_seen": ["2026-03-02"], "lapses": [0], "reviews": [1]}
    lines = [json.loads(l) for l in log_path_for(path).read_text().splitlines()]
    writer = doc["log"]["writer"]
    assert len(writer) == 8 and doc["log"]["marks"] == {writer: 2}
    assert lines == [{"card": "a", "at": "2026-03-02T10:00:00", "day": "2026-03-02", "grade": 5, "kind": "first",
                      "writer": writer, "seq": 1},
                     {"card": "a", "at": "2026-03-02T10:00:00", "day": "2026-03-02", "grade": 3, "kind": "repeat",
                      "writer": writer, "seq": 2}]
    assert log_path_for(path).name == "progress.json.reviews.jsonl"
    assert doc["log"]["offset"] == log_path_for(path).stat().st_size


def test_answer_is_on_disk_before_the_session_ends(tmp_path):
    path = tmp_path / "progress.json"
    store = open_progress(path, writable=True)
    answer(store, "a", 4)
    # another reader (a `crmrev due` during the session) already sees it
    with open_progress(path, writable=False) as reader:
        assert "a" in reader.states
    store.close()


def test_state_is_rebuildable_from_the_log_alone(tmp_path):
    path = tmp_path / "progress.json"
    make_history(path)
    with open_progress(path, writable=False) as store:
        expected = dict(store.states)
    path.unlink()
    for number in range(1, 6):
        backup_path(path, number).unlink(missing_ok=True)
    with open_progress(path, writable=True) as store:
        assert store.states == expected


@pytest.mark.parametrize("damage", [
    lambda b: b[: len(b) // 2],
    lambda b: b"",
    lambda b: b"\x00" * len(b),
    lambda b: b"[1, 2, 3]",
    lambda b: b'{"format": "crmrev-progress", "version": 1, "cards": {"a": {"easiness": NaN}}}',
    lambda b: b.replace(b'"cards"', b'"kards"'),
    lambda b: b.replace(b'"interval":[', b'"interval":[1,', 1),
    lambda b: b.replace(b'"easiness":[', b'"easiness":["2.5",', 1).replace(b'"id":[', b'"id":["x",', 1),
])
def test_damaged_snapshot_is_moved_aside_and_backup_restored(tmp_path, damage):
    path = tmp_path / "progress.json"
    make_history(path)
    with open_progress(path, writable=False) as store:
        expected = dict(store.states)
    damaged = damage(path.read_bytes())
    path.write_bytes(damaged)
    with open_progress(path, writable=True) as store:
        assert store.states == expected  # backup + log replay: nothing lost
        assert any("damaged" in n for n in store.notices)
        assert any("restored progress from backup" in n for n in store.notices)
    [aside] = list(tmp_path.glob("progress.json.corrupt-*"))
    assert aside.read_bytes() == damaged
    assert json.loads(path.read_text())["version"] == VERSION


def test_truncated_at_every_byte_never_crashes(tmp_path):
    path = tmp_path / "progress.json"
    make_history(path, sessions=2)
    good = path.read_bytes()
    with open_progress(path, writable=False) as store:
        expected = dict(store.states)
    for cut in range(0, len(good), max(1, len(good) // 60)):
        path.write_bytes(good[:cut])
        with open_progress(path, writable=False) as store:
            assert store.states == expected, cut


def test_newer_version_is_refused_and_left_untouched(tmp_path):
    path = tmp_path / "progress.json"
    data = json.dumps({"format": FORMAT, "version": 99, "cards": {}, "future": True}).encode()
    path.write_bytes(data)
    with pytest.raises(ProgressError) as info:
        open_progress(path, writable=True)
    assert "newer crmrev" in info.value.message
    assert path.read_bytes() == data
    assert sorted(p.name for p in tmp_path.iterdir()) == ["progress.json", "progress.json.lock"]


def test_older_version_is_backed_up_then_migrated(tmp_path):
    path = tmp_path / "progress.json"
    old = json.dumps({"version": 0, "cards": {"a": {"reps": 2, "interval": 6, "ef": 2.7,
                                                    "due": "2026-03-10", "last": "2026-03-04"}}}).encode()
    path.write_bytes(old)
    with open_progress(path, writable=True) as store:
        state = store.states["a"]
        assert (state.repetitions, state.interval, state.easiness) == (2, 6, 2.7)
        assert any("upgraded from format version 0" in n for n in store.notices)
    assert (tmp_path / "progress.json.v0.bak").read_bytes() == old
    assert json.loads(path.read_text())["version"] == VERSION


def test_unfinished_log_line_is_ignored_and_replaced(tmp_path):
    path = tmp_path / "progress.json"
    with open_progress(path, writable=True) as store:
        answer(store, "a", 5)
    log = log_path_for(path)
    with open(log, "ab") as handle:
        handle.write(b'{"card": "b", "at": "2026-03-02T1')  # a crash mid-append
    with open_progress(path, writable=True) as store:
        assert set(store.states) == {"a"}
        answer(store, "c", 4)
    lines = log.read_text().splitlines()
    assert [json.loads(l)["card"] for l in lines] == ["a", "c"]


def test_damaged_line_in_the_middle_is_skipped_and_kept(tmp_path):
    path = tmp_path / "progress.json"
    with open_progress(path, writable=True) as store:
        answer(store, "a", 5)
        answer(store, "b", 5)
    path.unlink()  # as after a crash before the first snapshot: the log is all there is
    log = log_path_for(path)
    lines = log.read_bytes().split(b"\n")
    lines[0] = b"{garbage"
    log.write_bytes(b"\n".join(lines))
    with open_progress(path, writable=False) as reader:
        assert set(reader.states) == {"b"}
        assert any("damaged line" in n for n in reader.notices)
    assert b"{garbage" in log.read_bytes()


def test_undo_truncates_the_log(tmp_path):
    path = tmp_path / "progress.json"
    with open_progress(path, writable=True) as store:
        answer(store, "a", 5)
        size = log_path_for(path).stat().st_size
        answer(store, "a", 2, kind="repeat")
        answer(store, "b", 1)
        assert store.undo() == "b"
        assert store.undo() == "a"
        assert log_path_for(path).stat().st_size == size
        assert "b" not in store.states


def test_backups_rotate_and_keep_five(tmp_path):
    path = tmp_path / "progress.json"
    make_history(path, sessions=8)
    names = sorted(p.name for p in tmp_path.glob("progress.json.bak.*"))
    assert names == [f"progress.json.bak.{n}" for n in range(1, 6)]
    newest = json.loads(backup_path(path, 1).read_text())
    assert len(newest["cards"]["id"]) == 7  # the snapshot before the last session


def test_progress_path_is_a_directory(tmp_path):
    with pytest.raises(ProgressError, match="is a folder"):
        open_progress(tmp_path, writable=True)


def test_progress_in_missing_folder(tmp_path):
    with pytest.raises(ProgressError, match="does not exist"):
        open_progress(tmp_path / "nope" / "progress.json", writable=True)


def test_default_location_folder_is_created(tmp_path):
    path = tmp_path / "data" / "crmrev" / "progress.json"
    with open_progress(path, writable=True, explicit=False) as store:
        answer(store, "a", 5)
    assert path.exists()


def test_lock_is_released_on_close(tmp_path):
    path = tmp_path / "progress.json"
    open_progress(path, writable=True).close()
    open_progress(path, writable=True).close()


def test_snapshot_write_failure_keeps_old_file_and_answers(tmp_path, monkeypatch):
    path = tmp_path / "progress.json"
    make_history(path, sessions=1)
    before = path.read_bytes()
    store = open_progress(path, writable=True)
    answer(store, "z", 5)

    def no_space(*_args):
        raise OSError(28, os.strerror(28))

    monkeypatch.setattr(os, "replace", no_space)
    with pytest.raises(ProgressError, match="No space left on device"):
        store.save()
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert not list(tmp_path.glob(".progress.json.*.tmp"))
    assert json.loads(log_path_for(path).read_text().splitlines()[-1])["card"] == "z"  # the answer is safe
    store.close()
    with open_progress(path, writable=False) as reader:
        assert "z" in reader.states


# One rule: an impossible day (2026-02-30) is as damaged as a malformed one (2026-13-01, 20260301).
@pytest.mark.parametrize("bad_date", ["2026-13-01", "2026-02-30", "2026-3-1", "20260301", "tomorrow"])
def test_malformed_dates_take_the_repair_path(tmp_path, bad_date):
    path = tmp_path / "progress.json"
    make_history(path)
    good = path.read_bytes()
    path.write_bytes(good.replace(b'"due":["', f'"due":["{bad_date}","'.encode(), 1).replace(
        b'"id":["', b'"id":["zz","', 1).replace(b'"repetitions":[', b'"repetitions":[1,', 1)
        .replace(b'"interval":[', b'"interval":[1,', 1).replace(b'"easiness":[', b'"easiness":[2.5,', 1)
        .replace(b'"last_review":[', b'"last_review":[null,', 1).replace(b'"first_seen":[', b'"first_seen":[null,', 1)
        .replace(b'"lapses":[', b'"lapses":[0,', 1).replace(b'"reviews":[', b'"reviews":[0,', 1))
    with open_progress(path, writable=True) as store:
        assert "zz" not in store.states
        assert any("damaged" in n and "YYYY-MM-DD" in n for n in store.notices)


# ---------------------------------------------------------------- one reader, one date rule (issue 12)


def _reviewed_once(invoke):
    result = invoke("review", "--new", "1", input="5\n", env={"CRMREV_TODAY": "2026-03-02"})
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("line", [
    b'{"event":"exam","date":"2026-13-45"}',
    b'{"event":"exam","date":"2026-02-30"}',
    b'{"event":"exam","date":7}',
    b'{"event":"exam","date":"20260615"}',
    b'{"event":"holiday"}',
])
def test_a_damaged_exam_line_is_skipped_like_any_damaged_line(invoke, progress_path, line):
    _reviewed_once(invoke)
    with open(log_path_for(progress_path), "ab") as handle:
        handle.write(line + b"\n")
    for command in (["due"], ["stats"], ["review", "--new", "0"]):
        result = invoke(*command, env={"CRMREV_TODAY": "2026-03-03"})
        assert result.exit_code == 0, (command, result.output)
        assert "1 damaged line(s)" in result.output
    assert line in log_path_for(progress_path).read_bytes()  # kept, never deleted


@pytest.mark.parametrize("bad", ["2026-02-30", "2026-13-01", "2026-3-2", "20260302"])
def test_an_impossible_snapshot_date_is_repaired_from_the_log_whatever_its_shape(invoke, progress_path, bad):
    _reviewed_once(invoke)
    doc = json.loads(progress_path.read_text())
    good = doc["cards"]["due"][0]
    doc["cards"]["due"][0] = bad
    progress_path.write_text(json.dumps(doc))
    for command in (["due", "--json"], ["stats", "--json"], ["review", "--new", "0"]):
        result = invoke(*command, env={"CRMREV_TODAY": "2026-03-03"})
        assert result.exit_code == 0, (command, result.output)
    assert ".bak.1" not in result.output or backup_path(progress_path, 1).exists()
    with open_progress(progress_path, writable=False) as store:
        assert [state.due.isoformat() for state in store.states.values()] == [good]


def test_todays_answers_are_read_from_the_end_of_a_long_log(tmp_path):
    path = tmp_path / "progress.json"
    with open_progress(path, writable=True) as store:
        for n in range(3000):  # about 200 KiB: several backward blocks
            answer(store, f"old-{n}", 5, DAY - dt.timedelta(days=30 - n // 100))  # oldest first
        answer(store, "a", 2)
        answer(store, "b", 5)
        answer(store, "a", 4, kind="repeat")
    with open(log_path_for(path), "ab") as handle:
        handle.write(b"{garbage\n")
    with open_progress(path, writable=False) as store:
        today = store.reviews_on(DAY)
        assert [(r.card, r.grade, r.kind) for r in today] == [("a", 2, "first"), ("b", 5, "first"),
                                                              ("a", 4, "repeat")]
        assert [r.card for r in store.reviews_on(DAY - dt.timedelta(days=1))] == \
            [f"old-{n}" for n in range(2900, 3000)]
        assert store.reviews_on(DAY + dt.timedelta(days=1)) == []


def test_pending_repeats_are_the_cards_whose_latest_grade_today_failed():
    from crmrev.session import pending_repeats

    def review(card, grade, kind="first"):
        return Review(card=card, at="2026-03-02T10:00:00", day=DAY, grade=grade, kind=kind)

    assert pending_repeats([review("a", 2), review("b", 3), review("a", 4, "repeat"), review("c", 1),
                            review("d", 1, "cram")]) == ["b", "c"]
