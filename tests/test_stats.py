"""`crmrev stats`: every JSON value pinned on constructed histories whose answers are known."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmrev.memory import memories_of, recall
from crmrev.model import Review
from tests.helpers import POSIX_ONLY, env_for, record
from tests.helpers import TINY_DECK as DECK

# (day, card, grade, kind)
HISTORY = [
    ("2026-03-01", "a", 5, "first"), ("2026-03-01", "b", 2, "first"), ("2026-03-01", "b", 4, "repeat"),
    ("2026-03-02", "a", 5, "first"), ("2026-03-02", "b", 3, "first"),
    ("2026-03-03", "b", 1, "first"), ("2026-03-03", "c", 4, "first"),
]


def review(card: str, grade: int, day: str) -> Review:
    return Review(card, f"{day}T09:00:00", dt.date.fromisoformat(day), grade, "first")


@pytest.fixture
def tiny(tmp_path, progress_path):
    decks = tmp_path / "decks"
    decks.mkdir()
    (decks / "tiny.yaml").write_text(DECK)
    record(progress_path, HISTORY)
    return decks



def stats_json(invoke, decks, today):
    result = invoke("stats", "--json", "--decks", decks, env={"CRMREV_TODAY": today})
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_every_value_on_a_known_history(invoke, tiny):
    data = stats_json(invoke, tiny, "2026-03-04")
    assert data["reviews_total"] == 7          # same-day repeat included
    assert data["cards_total"] == 4
    assert data["cards_seen"] == 3
    assert data["cards_mature"] == 0
    assert data["due_today"] == 2              # b and c are due 03-04; a is due 03-08
    assert data["retention"] == pytest.approx(2 / 3)  # a 5 ✓, b 3 ✓, b 1 ✗ (c was new)
    assert data["streak_days"] == 3            # 01-03, ending yesterday: today has none yet
    assert data["streak_longest"] == 3
    assert data["forecast"] == [{"date": (dt.date(2026, 3, 5) + dt.timedelta(days=n)).isoformat(),
                                 "due": 1 if n == 3 else 0} for n in range(14)]
    assert data["decks"] == [{"id": "tiny", "title": "Tiny deck", "cards": 4, "seen": 3, "mature": 0}]
    b = memories_of([review("b", 2, "2026-03-01"), review("b", 4, "2026-03-01"), review("b", 3, "2026-03-02"),
                     review("b", 1, "2026-03-03")])["b"]
    assert data["hardest"] == [
        {"id": "b", "front": "Card B?", "lapses": 1, "easiness": 1.5,
         "predicted_recall": round(recall(b, dt.date(2026, 3, 4)), 4)},
    ]  # c and a have not lapsed and the model gives them over 90% today: a list of them would mislead
    assert data["predicted_recall"]["b"] == data["hardest"][0]["predicted_recall"]
    assert sorted(data["predicted_recall"]) == ["a", "b", "c"]  # the seen cards
    assert data["predicted_exam_recall"] is None  # no exam date
    assert data["exam"] is None


def test_due_today_excludes_cards_answered_today(invoke, tiny, progress_path):
    record(progress_path, [("2026-03-04", "b", 5, "first")])
    data = stats_json(invoke, tiny, "2026-03-04")
    assert data["due_today"] == 1  # c only
    assert data["streak_days"] == 4


def test_streak_breaks_after_a_missed_day(invoke, tiny):
    assert stats_json(invoke, tiny, "2026-03-05")["streak_days"] == 0
    assert stats_json(invoke, tiny, "2026-03-05")["streak_longest"] == 3


def test_retention_window_is_30_days_and_null_without_data(invoke, tiny):
    assert stats_json(invoke, tiny, "2026-03-31")["retention"] == pytest.approx(2 / 3)  # 03-02 is day 30
    assert stats_json(invoke, tiny, "2026-04-01")["retention"] == pytest.approx(0.0)    # only b's 1 on 03-03
    assert stats_json(invoke, tiny, "2026-04-02")["retention"] is None


def test_mature_means_interval_of_21_days(invoke, tiny, progress_path):
    # a: intervals 1, 6 so far; 03-08 → 17 days; 03-25 → 48 days (mature)
    record(progress_path, [("2026-03-08", "a", 5, "first"), ("2026-03-25", "a", 5, "first")])
    data = stats_json(invoke, tiny, "2026-03-25")
    assert data["cards_mature"] == 1
    assert data["decks"][0]["mature"] == 1


def test_empty_progress(invoke, tmp_path):
    decks = tmp_path / "decks"
    decks.mkdir()
    (decks / "tiny.yaml").write_text(DECK)
    data = stats_json(invoke, decks, "2026-03-04")
    assert (data["reviews_total"], data["cards_seen"], data["retention"], data["streak_days"]) == (0, 0, None, 0)
    assert data["hardest"] == []


def test_heatmap_covers_twelve_weeks_to_today(invoke, tiny):
    data = stats_json(invoke, tiny, "2026-03-04")  # a Wednesday
    cells = data["heatmap"]
    assert cells[0]["date"] == "2025-12-15"       # the Monday 11 weeks before this week's
    assert cells[-1]["date"] == "2026-03-04"
    assert {c["date"]: c["reviews"] for c in cells}["2026-03-01"] == 3


def test_summary_and_stats_agree(invoke, progress_path):
    # six cards; the ones graded 3 and 2 come back and pass, so nothing is left for today
    result = invoke("review", "--new", "6", input="5\n4\n3\n4\n5\n2\n5\n5\n", env={"CRMREV_TODAY": "2026-03-02"})
    line = next(l for l in result.output.splitlines() if l.startswith("Due tomorrow: "))
    due_tomorrow = int(line.split()[2])
    tomorrow = json.loads(invoke("stats", "--json", env={"CRMREV_TODAY": "2026-03-03"}).stdout)
    assert tomorrow["due_today"] == due_tomorrow == 6


def test_human_view_shows_every_section(invoke, tiny):
    result = invoke("stats", "--decks", tiny, env={"CRMREV_TODAY": "2026-03-04", "COLUMNS": "80"})
    assert result.exit_code == 0
    out = result.output
    for needle in ["Overview · 2026-03-04", "Retention (30d)", "67%", "Streak", "3 days",
                   "Forecast: cards due in the next 14 days", "Sun 08 Mar", "Reviews per day, last 12 weeks",
                   "Mastery per deck", "Tiny deck", "Hardest cards", "Card B?"]:
        assert needle in out, needle
    assert max(len(line) for line in out.splitlines()) <= 80


def test_no_color_and_dumb_terminal_emit_no_escapes(tmp_path, tiny, progress_path):
    for extra in ({"NO_COLOR": "1"}, {"TERM": "dumb"}):
        result = subprocess.run([sys.executable, "-m", "crmrev", "stats", "--decks", str(tiny)],
                                capture_output=True, env=env_for(progress_path, "2026-03-04", **extra), timeout=60)
        assert result.returncode == 0
        assert b"\x1b" not in result.stdout
        assert "Mastery per deck" in result.stdout.decode()


@POSIX_ONLY  # a shell pipeline
def test_closed_pipe_is_clean(tiny, progress_path):
    result = subprocess.run(f"{sys.executable} -m crmrev stats --decks {tiny} | head -1", shell=True,
                            capture_output=True, text=True, env=env_for(progress_path, "2026-03-04"), timeout=60)
    assert result.returncode == 0
    assert "Overview" in result.stdout
    assert result.stderr == ""


json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
                           max_leaves=12)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(), json_values | st.dictionaries(st.text(), st.integers() | st.floats(allow_nan=False)),
                       max_size=5))
def test_json_output_is_exactly_json_dumps_with_an_indent(data):
    """The fast path for flat maps of numbers (cli._json_text) prints what json.dumps would."""
    from crmrev.cli import _json_text

    assert _json_text(data) == json.dumps(data, indent=2, ensure_ascii=False)


def test_json_output_with_a_value_that_looks_like_the_fast_paths_mark():
    from crmrev.cli import _json_text

    data = {"a": "\x000\x00", "m": {"x": 1, "y": 2}}
    assert _json_text(data) == json.dumps(data, indent=2, ensure_ascii=False)
