"""The memory model's state in the store: updated per answer, saved, undone, rebuilt for old files."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from crmrev import memory
from crmrev.memory import memories_of
from crmrev.progress import log_path_for, open_progress
from tests.test_history import DAY, downgrade, random_sessions, review


def test_each_answer_updates_the_memory_by_one_step(tmp_path):
    path = tmp_path / "progress.json"
    with open_progress(path, writable=True) as store:
        store.record(review("a", 4, DAY))
        first = store.memory["a"]
        assert first == memory.remember(None, 4, DAY)
        store.record(review("a", 2, DAY + dt.timedelta(days=3)))
        assert store.memory["a"] == memory.remember(first, 2, DAY + dt.timedelta(days=3))
        store.record(review("a", 5, DAY + dt.timedelta(days=3), "repeat"))  # same day: short-term rule
        assert store.memory["a"].stability > memory.remember(first, 2, DAY + dt.timedelta(days=3)).stability


def test_undo_takes_the_memory_back(tmp_path):
    with open_progress(tmp_path / "progress.json", writable=True) as store:
        store.record(review("a", 4, DAY))
        before = dict(store.memory)
        store.record(review("a", 1, DAY + dt.timedelta(days=2)))
        store.record(review("b", 5, DAY + dt.timedelta(days=2)))
        store.undo()
        store.undo()
        assert store.memory == before


def test_cram_answers_move_the_memory_but_not_sm2(tmp_path):
    with open_progress(tmp_path / "progress.json", writable=True) as store:
        store.record(review("a", 4, DAY))
        sm2, mind = store.states["a"], store.memory["a"]
        store.record(review("a", 5, DAY + dt.timedelta(days=4), "cram"))
        assert store.states["a"] == sm2
        assert store.memory["a"] != mind and store.memory["a"].last == DAY + dt.timedelta(days=4)


def test_the_saved_memory_is_the_memory_replayed_from_the_whole_log(tmp_path):
    path = tmp_path / "progress.json"
    random_sessions(path)
    with open_progress(path, writable=False) as store:
        assert store.memory == memories_of(store.iter_reviews())
        assert len(store.memory) == len(store.states)


def test_opening_reads_the_memory_from_the_snapshot_not_the_log(tmp_path, monkeypatch):
    """O(1) start-up: after a save, the memory comes from the snapshot's columns; the log before the
    snapshot's offset is never read."""
    path = tmp_path / "progress.json"
    random_sessions(path, days=5)
    with open_progress(path, writable=False) as store:
        expected = dict(store.memory)

    def no_log(*_args, **_kwargs):
        raise AssertionError("the log was read")

    monkeypatch.setattr("crmrev.progress.opening.iter_reviews", no_log)
    with open_progress(path, writable=False) as store:
        assert store.memory == expected


@pytest.mark.parametrize("version", [2, 1])
def test_an_older_progress_file_gains_its_memory_from_the_log_and_loses_nothing(tmp_path, version):
    path = tmp_path / "progress.json"
    random_sessions(path)
    with open_progress(path, writable=False) as store:
        states, history, expected = dict(store.states), store.history.to_json(), dict(store.memory)
    old = downgrade(path, version, "memory", *(["history"] if version == 1 else []))
    log_before = log_path_for(path).read_bytes()
    with open_progress(path, writable=False) as store:  # read-only: rebuilt in memory, file untouched
        assert store.memory == expected
    assert path.read_bytes() == old
    with open_progress(path, writable=True) as store:
        assert store.memory == expected
        assert store.states == states and store.history.to_json() == history
    doc = json.loads(path.read_text())
    assert doc["version"] == 3 and doc["memory"]["id"]
    assert (tmp_path / f"progress.json.v{version}.bak").read_bytes() == old
    assert log_path_for(path).read_bytes() == log_before  # no review lost or rewritten


def test_answers_logged_after_an_old_snapshot_are_remembered_on_top_of_the_rebuild(tmp_path):
    path = tmp_path / "progress.json"
    random_sessions(path, days=6)
    downgrade(path, 2, "memory")
    later = DAY + dt.timedelta(days=100)
    # Another answer appended to the log after the snapshot (a crash before the snapshot was saved).
    with open_progress(path, writable=True) as store:
        card = next(iter(store.states))
        store.record(review(card, 5, later))
        store.abandon()
    with open_progress(path, writable=False) as store:
        assert store.memory == memories_of(store.iter_reviews())
        assert store.memory[card].last == later


def test_cards_without_log_lines_get_a_memory_from_their_sm2_state(tmp_path):
    """A version-0 file had no log: its cards were learnt, so they get a stand-in memory."""
    path = tmp_path / "progress.json"
    path.write_text(json.dumps({"version": 0, "cards": {
        "a": {"reps": 3, "interval": 16, "ef": 2.36, "due": "2026-03-20", "last": "2026-03-04"}}}))
    with open_progress(path, writable=True) as store:
        mind = store.memory["a"]
    assert mind == memory.from_sm2(16, 2.36, dt.date(2026, 3, 4))
    assert memory.recall(mind, dt.date(2026, 3, 20)) == pytest.approx(0.9)


@pytest.mark.parametrize("damage", [
    {"stability": [-1.0]}, {"difficulty": [11.0]}, {"last": ["yesterday"]}, {"id": [1]},
    {"stability": []},
    {"id": ["a-card-nobody-has"]},  # every card with a schedule must have a memory state
])
def test_a_damaged_memory_column_is_a_damaged_snapshot_restored_from_its_backup(tmp_path, damage):
    path = tmp_path / "progress.json"
    random_sessions(path, days=3)
    with open_progress(path, writable=False) as store:
        expected = dict(store.memory)
    doc = json.loads(path.read_text())
    kept = doc["memory"]  # the last card's entry is damaged
    doc["memory"] = {**kept, **{name: kept[name][:-1] + value for name, value in damage.items()}}
    path.write_text(json.dumps(doc))
    with open_progress(path, writable=True) as store:
        assert any("damaged" in notice for notice in store.notices)
        assert store.memory == expected


def test_predicted_recall_from_the_snapshot_columns_is_the_models(tmp_path):
    path = tmp_path / "progress.json"
    random_sessions(path, days=8)
    later = DAY + dt.timedelta(days=60)
    with open_progress(path, writable=False) as store:
        fast = store.recalls_on(later)  # read from the columns, no memory state built
        assert store._memory is None
        expected = {card_id: memory.recall(mind, later) for card_id, mind in store.memory.items()}
    assert fast.keys() == expected.keys()
    for card_id, value in fast.items():
        assert value == pytest.approx(expected[card_id], abs=1e-4)
