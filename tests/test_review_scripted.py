"""`crmrev review` in scripted mode (stdin not a terminal), driven through CliRunner."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from crmrev.progress import log_path_for, open_progress
from tests.helpers import bundled_cards


def saved_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("saved ")]


def log_entries(progress_path):
    path = log_path_for(progress_path)
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def test_grades_are_saved_and_summary_printed(invoke, progress_path):
    result = invoke("review", "--limit", "3", input="5\n4\n3\n4\n", env={"CRMREV_TODAY": "2026-03-02"})
    assert result.exit_code == 0, result.output
    assert result.output.count("Q: ") == 4  # the card graded 3 came back once
    assert len(saved_lines(result.output)) == 4
    assert "Reviewed 4 answers on 3 cards · 100% correct (grade 3+)" in result.output
    entries = log_entries(progress_path)
    assert [e["grade"] for e in entries] == [5, 4, 3, 4]
    assert [e["kind"] for e in entries] == ["first", "first", "first", "repeat"]
    assert all(e["day"] == "2026-03-02" for e in entries)
    with open_progress(progress_path, writable=False) as progress:
        states = progress.states
    assert len(states) == 3
    third = states[entries[2]["card"]]
    # the repeat did not change the schedule: only the first grade of the day counts
    assert (third.repetitions, third.interval, third.easiness) == (1, 1, 2.36)


def test_front_then_back_then_prompt_order(invoke):
    result = invoke("review", "--limit", "1", input="4\n")
    lines = result.output.splitlines()
    q = next(i for i, l in enumerate(lines) if l.startswith("Q: "))
    assert lines[q + 1].startswith("A: ")
    assert lines[q + 2] == "grade (0-5, u, q)?"
    assert lines[q - 1].startswith("[1/1] Principles of customer relationships (concept)")


def test_low_grades_repeat_until_four_or_more(invoke, progress_path):
    result = invoke("review", "--limit", "1", input="1\n2\n3\n4\n")
    assert result.exit_code == 0
    assert result.output.count("Q: ") == 4
    entries = log_entries(progress_path)
    assert [e["kind"] for e in entries] == ["first", "repeat", "repeat", "repeat"]
    with open_progress(progress_path, writable=False) as progress:
        [state] = progress.states.values()
    assert (state.repetitions, state.interval, state.lapses) == (0, 1, 0)
    assert state.easiness == 1.96  # from the first grade (1) alone


def test_undo_removes_state_and_log_entry(invoke, progress_path):
    result = invoke("review", "--limit", "2", input="5\nu\n4\n5\n")
    assert result.exit_code == 0, result.output
    assert "undone " in result.output
    entries = log_entries(progress_path)
    assert [e["grade"] for e in entries] == [4, 5]
    with open_progress(progress_path, writable=False) as progress:
        first = progress.states[entries[0]["card"]]
    assert first.easiness == 2.5  # graded 4, not 5: the undone 5 left no trace


def test_undo_with_nothing_to_undo(invoke):
    result = invoke("review", "--limit", "1", input="u\n5\n")
    assert "nothing to undo" in result.output
    assert len(saved_lines(result.output)) == 1


def test_quit_keeps_answers_so_far(invoke, progress_path):
    result = invoke("review", "--limit", "5", input="4\n4\nq\n")
    assert result.exit_code == 0
    assert len(log_entries(progress_path)) == 2
    assert "Reviewed 2 answers on 2 cards" in result.output


def test_end_of_input_ends_cleanly(invoke, progress_path):
    result = invoke("review", input="5\n")
    assert result.exit_code == 0
    assert len(log_entries(progress_path)) == 1
    assert "Traceback" not in result.output


def test_bad_line_is_reported_and_asked_again(invoke, progress_path):
    result = invoke("review", "--limit", "1", input="seven\n9\n5\n")
    assert result.exit_code == 0
    assert "expected a grade 0-5, again, hard, good, easy, 'u' or 'q', not 'seven'" in result.output
    assert [e["grade"] for e in log_entries(progress_path)] == [5]


def test_daily_new_limit_counts_across_sessions(invoke, progress_path):
    env = {"CRMREV_TODAY": "2026-03-02"}
    first = invoke("review", "--limit", "15", input="5\n" * 15, env=env)
    assert len(saved_lines(first.output)) == 15
    second = invoke("review", input="5\n" * 30, env=env)
    assert len(saved_lines(second.output)) == 5  # 20 a day in all
    third = invoke("review", input="5\n", env=env)
    assert "Nothing to review today" in third.output


def test_new_option_and_zero(invoke, progress_path):
    assert len(saved_lines(invoke("review", "--new", "2", input="5\n" * 9).output)) == 2
    result = invoke("review", "--new", "0", input="5\n")
    assert "Nothing to review today" in result.output


def test_due_cards_come_before_new_and_are_never_hidden(invoke, progress_path):
    invoke("review", "--new", "3", input="5\n5\n5\n", env={"CRMREV_TODAY": "2026-03-02"})
    result = invoke("review", "--new", "0", input="5\n" * 5, env={"CRMREV_TODAY": "2026-03-03"})
    assert len(saved_lines(result.output)) == 3  # the 3 due reviews still show with --new 0
    result = invoke("review", "--new", "1", "--limit", "2", input="5\n" * 5, env={"CRMREV_TODAY": "2026-03-09"})
    assert len(saved_lines(result.output)) == 2


def test_most_overdue_first(invoke, progress_path):
    invoke("review", "--new", "1", input="5\n", env={"CRMREV_TODAY": "2026-03-01"})
    invoke("review", "--new", "1", input="5\n5\n", env={"CRMREV_TODAY": "2026-03-03"})
    entries = log_entries(progress_path)
    card_a, card_b = entries[0]["card"], entries[2]["card"]
    assert entries[1]["card"] == card_a  # A was due on 03-02, so it came before the new card B
    # now A is due 03-09 (interval 6) and B 03-04: on 03-10 B is the more overdue
    result = invoke("review", "--new", "0", input="5\n5\n", env={"CRMREV_TODAY": "2026-03-10"})
    assert [e["card"] for e in log_entries(progress_path)[3:]] == [card_b, card_a]
    assert result.exit_code == 0


def test_deck_and_type_filters(invoke, progress_path):
    result = invoke("review", "--deck", "service-quality", "--type", "misconception", input="5\n" * 20)
    headers = [l for l in result.output.splitlines() if l.startswith("[")]
    assert len(headers) == 5  # the deck's five misconception bullets
    assert all("Strategic CRM and service quality (misconception)" in l for l in headers)


def test_unknown_deck_is_usage_error(invoke):
    result = invoke("review", "--deck", "nope")
    assert result.exit_code == 2
    assert "no deck with id 'nope'" in result.output
    assert "crm-principles" in result.output


def test_bad_today_override_is_usage_error(invoke):
    result = invoke("due", env={"CRMREV_TODAY": "next tuesday"})
    assert result.exit_code == 2
    assert "CRMREV_TODAY" in result.output


def test_due_json_shape_and_counts(invoke, progress_path):
    invoke("review", "--new", "2", input="5\n5\n", env={"CRMREV_TODAY": "2026-03-02"})
    result = invoke("due", "--json", env={"CRMREV_TODAY": "2026-03-03"})
    data = json.loads(result.stdout)
    assert set(data) == {"today", "due_today", "new_today", "unseen", "total", "estimate", "budget", "decks"}
    assert data["today"] == "2026-03-03"
    total = len(bundled_cards())
    assert (data["due_today"], data["new_today"], data["unseen"], data["total"]) == (2, 20, total - 2, total)
    first = data["decks"][0]
    assert set(first) == {"id", "title", "due_today", "new_today", "unseen", "total"}
    assert (first["id"], first["due_today"], first["unseen"]) == ("crm-principles", 2, first["total"] - 2)


def test_due_table_renders(invoke):
    result = invoke("due")
    assert result.exit_code == 0
    assert "All decks" in result.output and "crm-principles" in result.output


def test_orphaned_cards_keep_their_history(invoke, progress_path, project):
    invoke("review", "--decks", project / "decks", "--new", "1", input="5\n")
    [card_id] = [e["card"] for e in log_entries(progress_path)]
    deck_file = next(p for p in (project / "decks").glob("*.yaml") if card_id in p.read_text())
    deck_file.unlink()
    result = invoke("review", "--decks", project / "decks", "--new", "1", input="5\n")
    assert result.exit_code == 0
    with open_progress(progress_path, writable=False) as progress:
        assert card_id in progress.states


@pytest.mark.parametrize(("sessions", "interval"), [(1, 1), (2, 6)])
def test_next_due_in_summary(invoke, sessions, interval):
    # SM-2: a first pass is due again in 1 day, a second in 6
    day = dt.date(2026, 3, 2)
    for n in range(sessions):
        result = invoke("review", "--new", "1" if n == 0 else "0", input="5\n",
                        env={"CRMREV_TODAY": (day + dt.timedelta(days=n)).isoformat()})
        assert result.exit_code == 0, result.output
    last = day + dt.timedelta(days=sessions - 1)
    assert f"next due card: {(last + dt.timedelta(days=interval)).isoformat()}" in result.output
    assert f"Due tomorrow: {1 if interval == 1 else 0}" in result.output


def test_an_early_quit_says_what_is_still_due_today(invoke, progress_path):
    first = invoke("review", "--new", "3", input="5\n5\n5\n", env={"CRMREV_TODAY": "2026-03-02"})
    assert first.exit_code == 0, first.output
    # the next day all three are due; the learner answers one and quits
    result = invoke("review", input="5\nq\n", env={"CRMREV_TODAY": "2026-03-03"})
    assert result.exit_code == 0, result.output
    assert "Still due today: 2" in result.output
    assert "next due card: 2026-03-03" not in result.output  # not "next due: today" under "tomorrow"
    assert "Due tomorrow: 2" not in result.output


def test_an_early_quit_counts_the_new_cards_left_in_todays_queue(invoke, progress_path):
    first = invoke("review", "--new", "3", input="5\n5\n5\n", env={"CRMREV_TODAY": "2026-03-02"})
    assert first.exit_code == 0, first.output
    # the next day: three due, and a session allowed five new cards; one answer, then quit
    result = invoke("review", "--new", "5", input="5\nq\n", env={"CRMREV_TODAY": "2026-03-03"})
    assert "Still due today: 2, and 5 new cards" in result.output
    # a first session, quit after one new card: nothing is due, but new cards wait
    other = progress_path.with_name("other.json")
    fresh = invoke("review", "--progress", str(other), "--new", "4", input="5\nq\n",
                   env={"CRMREV_TODAY": "2026-03-02"})
    assert "Nothing more is due today; 3 new cards still waiting" in fresh.output


def test_due_and_stats_count_a_card_failed_today_as_still_due(invoke, progress_path):
    # One new card failed and the session quit: the summary, due and stats agree that it is due today.
    result = invoke("review", "--new", "1", input="1\nq\n", env={"CRMREV_TODAY": "2026-03-02"})
    assert "Still due today: 1" in result.output
    due = json.loads(invoke("due", "--json", env={"CRMREV_TODAY": "2026-03-02"}).stdout)
    stats = json.loads(invoke("stats", "--json", env={"CRMREV_TODAY": "2026-03-02"}).stdout)
    assert due["due_today"] == stats["due_today"] == 1
    assert sum(row["due_today"] for row in due["decks"]) == 1
