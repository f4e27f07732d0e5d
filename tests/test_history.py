"""The per-day history tallies that stats reads instead of the whole review log."""

from __future__ import annotations

import datetime as dt
import json
import random

import pytest
from typer.testing import CliRunner

from crmrev.cli import app
from crmrev.history import History
from crmrev.model import Review
from crmrev.progress import backup_path, log_path_for, open_progress
from tests.helpers import bundled_cards

DAY = dt.date(2026, 3, 2)


def review(card: str, grade: int, day: dt.date, kind: str = "first") -> Review:
    return Review(card, f"{day.isoformat()}T09:00:00", day, grade, kind)


def downgrade(path, version: int, *sections: str) -> bytes:
    """Rewrite a progress file as an older version would have it: without `sections`."""
    doc = json.loads(path.read_text())
    for section in sections:
        del doc[section]
    doc["version"] = version
    old = json.dumps(doc).encode()
    path.write_bytes(old)
    return old


def random_sessions(path, days=20, seed=3):
    """Sessions on random days with first answers, same-day repeats, cram answers and undos."""
    rng = random.Random(seed)
    ids = [card.id for card in bundled_cards()[:15]]
    for offset in sorted(rng.sample(range(40), days)):
        day = DAY + dt.timedelta(days=offset)
        with open_progress(path, writable=True) as store:
            for card in rng.sample(ids, 6):
                grade = rng.randint(0, 5)
                store.record(review(card, grade, day))
                if grade < 4:
                    store.record(review(card, rng.randint(3, 5), day, "repeat"))
                if rng.random() < 0.2:
                    store.undo()
            store.record(review(rng.choice(ids), rng.randint(0, 5), day, "cram"))


def stats(path, today="2026-04-20"):
    result = CliRunner().invoke(app, ["stats", "--json", "--progress", str(path), "--today", today])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_tallies_kept_answer_by_answer_equal_a_count_of_the_whole_log(tmp_path):
    path = tmp_path / "progress.json"
    random_sessions(path)
    with open_progress(path, writable=False) as store:
        kept = store.history.to_json()
        counted = History.of_reviews(store.iter_reviews()).to_json()
        logged = sum(1 for _ in store.iter_reviews())
    assert kept == counted
    assert sum(tally[0] for tally in kept.values()) == logged > 100
    assert any(tally[1] > tally[2] > 0 for tally in kept.values())  # failed and passed recalls both occur


def test_retention_counts_first_answers_on_cards_seen_on_an_earlier_day():
    history = History.of_reviews([
        review("a", 5, DAY),                               # new: not a recall
        review("a", 2, DAY + dt.timedelta(days=1)),        # recall, failed
        review("a", 4, DAY + dt.timedelta(days=1), "repeat"),
        review("b", 4, DAY + dt.timedelta(days=1)),        # new
        review("b", 4, DAY + dt.timedelta(days=2), "cram"),
        review("b", 3, DAY + dt.timedelta(days=3)),        # recall, passed
    ])
    assert history.total == 6
    assert history.retention(DAY + dt.timedelta(days=3), days=30) == 0.5
    assert history.retention(DAY + dt.timedelta(days=3), days=1) == 1.0
    assert history.retention(DAY, days=30) is None


def test_stats_reads_the_tallies_not_the_log(tmp_path):
    """Overwriting every logged answer the snapshot covers changes nothing stats shows: it never
    reads them (a million-line log made stats take seconds)."""
    path = tmp_path / "progress.json"
    random_sessions(path)
    before = stats(path)
    log = log_path_for(path)
    log.write_bytes(b"\n" * log.stat().st_size)
    assert stats(path) == before
    assert before["reviews_total"] > 100 and before["retention"] is not None


def test_undo_takes_the_answer_out_of_the_tallies(tmp_path):
    path = tmp_path / "progress.json"
    with open_progress(path, writable=True) as store:
        store.record(review("a", 5, DAY))
        store.record(review("a", 4, DAY + dt.timedelta(days=1)))
        before = store.history.to_json()
        store.record(review("a", 1, DAY + dt.timedelta(days=7)))
        store.record(review("a", 4, DAY + dt.timedelta(days=7), "repeat"))
        store.undo()
        store.undo()
        assert store.history.to_json() == before
    assert json.loads(path.read_text())["history"] == before


def test_a_version_1_snapshot_gets_its_tallies_from_the_log_once(tmp_path):
    path = tmp_path / "progress.json"
    random_sessions(path)
    expected = stats(path)
    doc = json.loads(path.read_text())
    del doc["history"]
    doc["version"] = 1
    old = json.dumps(doc).encode()
    path.write_bytes(old)
    assert stats(path) == expected  # read-only: rebuilt in memory, the file untouched
    assert path.read_bytes() == old
    with open_progress(path, writable=True) as store:
        assert any("upgraded from format version 1" in notice for notice in store.notices)
    assert json.loads(path.read_text())["version"] == 3
    assert (tmp_path / "progress.json.v1.bak").read_bytes() == old
    assert stats(path) == expected


@pytest.mark.parametrize("tally", [[1, 2, 0], [3, 1, 2], [0, 0, 0], [1, -1, -1], [1.0, 0, 0], "1,0,0", [1, 0]])
def test_an_impossible_tally_is_a_damaged_snapshot_restored_from_its_backup(tmp_path, tally):
    path = tmp_path / "progress.json"
    random_sessions(path, days=3)
    expected = stats(path)
    assert backup_path(path, 1).exists()
    doc = json.loads(path.read_text())
    doc["history"][next(iter(doc["history"]))] = tally
    path.write_text(json.dumps(doc))
    assert stats(path) == expected
    with open_progress(path, writable=True) as store:
        assert any("restored progress from backup" in notice for notice in store.notices)


def test_a_version_1_snapshot_is_counted_from_its_log_only_when_the_tallies_are_needed(tmp_path, monkeypatch):
    from crmrev.progress import opening

    path = tmp_path / "progress.json"
    random_sessions(path, days=4)
    downgrade(path, 1, "history")
    reads = []
    real = opening.iter_reviews
    monkeypatch.setattr(opening, "iter_reviews", lambda *args, **kw: reads.append(args) or real(*args, **kw))
    with open_progress(path, writable=False) as store:
        store.due_view(), store.states  # what `due` and `review`'s queue read
        assert reads == []  # a long log is not read for tallies nobody asked for
        counted = store.history.to_json()
        assert len(reads) == 1
        assert counted == History.of_reviews(store.iter_reviews()).to_json()
