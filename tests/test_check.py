"""`crmrev check` on deliberately broken decks: exact code, line, column and exit code, in all
three output formats."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from crmrev.model import CARD_TYPES

GOOD = """\
id: good
title: A good deck
cards:
- id: g1
  type: concept
  front: What is a customer?
  back: Someone who buys.
"""

# (name, deck text, code, line, column, severity)
BROKEN = [
    ("syntax", "id: x\ntitle: [unclosed\ncards: []\n", "D001", 3, 6, "error"),
    ("alias", "id: x\ntitle: &t T\ncards:\n- id: a\n  type: concept\n  front: Q?\n  back: *t\n", "D002", 2, 8, "error"),
    ("tag", "id: x\ntitle: !!python/object:os.system T\ncards: []\n", "D003", 2, 8, "error"),
    ("custom-tag", "id: x\ntitle: !shout T\ncards: []\n", "D003", 2, 8, "error"),
    ("duplicate-key", "id: x\ntitle: T\ncards:\n- id: a\n  type: concept\n  front: Q?\n  front: R?\n  back: A.\n", "D004", 7, 3, "error"),
    ("deep", "id: x\ntitle: T\ncards: " + "[" * 40 + "]" * 40 + "\n", "D005", 3, 1, "error"),
    ("empty", "", "D008", 1, 1, "error"),
    ("list-top", "- id: x\n- id: y\n", "D010", 1, 1, "error"),
    ("scalar-top", "just words\n", "D010", 1, 1, "error"),
    ("missing-title", "id: x\ncards: []\n", "D011", 1, 1, "error"),
    ("missing-back", "id: x\ntitle: T\ncards:\n- id: a\n  type: concept\n  front: Q?\n", "D011", 4, 3, "error"),
    ("cards-not-list", "id: x\ntitle: T\ncards: lots\n", "D012", 3, 1, "error"),
    ("front-not-text", "id: x\ntitle: T\ncards:\n- id: a\n  type: concept\n  front: [1, 2]\n  back: A.\n", "D012", 6, 3, "error"),
    ("unknown-type", "id: x\ntitle: T\ncards:\n- id: a\n  type: riddle\n  front: Q?\n  back: A.\n", "D013", 5, 3, "error"),
    ("unknown-key", "id: x\ntitle: T\ncards:\n- id: a\n  type: concept\n  front: Q?\n  back: A.\n  hint: h\n", "D014", 8, 3, "warning"),
    ("unknown-deck-key", "id: x\ntitle: T\nauthor: me\ncards: []\n", "D014", 3, 1, "warning"),
    ("long-front", "id: x\ntitle: T\ncards:\n- id: a\n  type: concept\n  front: " + "Q" * 700 + "?\n  back: A.\n", "D015", 6, 3, "warning"),
    ("control-char", "id: x\ntitle: T\ncards:\n- id: a\n  type: concept\n  front: \"Q\\e]52;c;aGk=\\a?\"\n  back: A.\n", "D016", 6, 3, "error"),
    ("bad-id", "id: x\ntitle: T\ncards:\n- id: has space\n  type: concept\n  front: Q?\n  back: A.\n", "D017", 4, 3, "error"),
    ("yaml-typed", "id: x\ntitle: T\ncards:\n- id: a\n  type: concept\n  front: Is it?\n  back: no\n", "D018", 7, 9, "warning"),
    ("empty-front", "id: x\ntitle: T\ncards:\n- id: a\n  type: concept\n  front: ''\n  back: A.\n", "D020", 4, 3, "error"),
    ("same", "id: x\ntitle: T\ncards:\n- id: a\n  type: concept\n  front: Same.\n  back: Same.\n", "D021", 4, 3, "error"),
    ("gives-away", "id: x\ntitle: T\ncards:\n- id: a\n  type: concept\n  front: Is loyalty loyalty?\n  back: loyalty\n", "D022", 4, 3, "error"),
    ("dup-card-id", "id: x\ntitle: T\ncards:\n- id: g1\n  type: concept\n  front: Q?\n  back: A.\n", "D023", 4, 3, "error"),
    ("dup-deck-id", "id: good\ntitle: T\ncards: []\n", "D024", 1, 1, "error"),
    ("dup-title", "id: x\ntitle: A good deck\ncards: []\n", "D025", 2, 1, "error"),
]


@pytest.fixture
def deck_dir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no seeds/ here, so freshness is not checked by default
    folder = tmp_path / "decks"
    folder.mkdir()
    (folder / "a_good.yaml").write_text(GOOD, encoding="utf-8")
    return folder


@pytest.mark.parametrize(("name", "text", "code", "line", "column", "severity"), BROKEN,
                         ids=[b[0] for b in BROKEN])
def test_each_check_in_all_formats(invoke, deck_dir, name, text, code, line, column, severity):
    path = deck_dir / "b_broken.yaml"
    path.write_text(text, encoding="utf-8")
    expected_exit = 1 if severity == "error" else 0

    result = invoke("check", deck_dir)
    assert result.exit_code == expected_exit, result.output
    assert f"{path}:{line}:{column}: {severity}: " in result.output
    assert f"[{code}]" in result.output
    assert "Traceback" not in result.output

    result = invoke("check", deck_dir, "--format", "json")
    assert result.exit_code == expected_exit
    problems = json.loads(result.stdout)
    match = [p for p in problems if p["code"] == code]
    assert match, problems
    assert match[0] == {"file": str(path), "line": line, "column": column, "severity": severity,
                        "code": code, "message": match[0]["message"]}

    result = invoke("check", deck_dir, "--format", "github")
    assert result.exit_code == expected_exit
    assert f"::{severity} file={path},line={line},col={column},title={code}::" in result.output


def test_warnings_fail_only_with_strict(invoke, deck_dir):
    (deck_dir / "b.yaml").write_text("id: x\ntitle: T\nauthor: me\ncards: []\n")
    assert invoke("check", deck_dir).exit_code == 0
    result = invoke("check", deck_dir, "--strict")
    assert result.exit_code == 1
    assert "Found 0 errors and 1 warning in 1 file" in result.output


def test_clean_decks_pass_with_summary(invoke, deck_dir):
    result = invoke("check", deck_dir)
    assert result.exit_code == 0
    assert result.output.strip() == "All checks passed: 1 deck, 1 card."


def test_committed_decks_pass_against_seeds(invoke):
    result = invoke("check", "decks", "--seeds", "seeds")
    assert result.exit_code == 0, result.output
    assert "All checks passed: 5 decks" in result.output


def test_default_decks_are_the_bundled_ones(invoke):
    result = invoke("check", "--seeds", "seeds")
    assert result.exit_code == 0, result.output


def test_errors_grouped_by_file_with_summary(invoke, deck_dir):
    (deck_dir / "b.yaml").write_text("id: x\ntitle: T\ncards:\n- id: a\n  type: riddle\n  front: ''\n  back: A.\n")
    (deck_dir / "c.yaml").write_text("- nope\n")
    result = invoke("check", deck_dir)
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert lines[-1] == "Found 3 errors and 0 warnings in 2 files (2 decks, 1 card checked)."
    b_lines = [i for i, l in enumerate(lines) if "b.yaml" in l]
    c_lines = [i for i, l in enumerate(lines) if "c.yaml" in l]
    assert max(b_lines) < min(c_lines)
    assert lines[max(b_lines) + 1] == ""  # a blank line between files


def test_non_utf8_and_huge_files(invoke, deck_dir, monkeypatch):
    (deck_dir / "b.yaml").write_bytes(b"id: x\ntitle: caf\xe9\ncards: []\n")
    result = invoke("check", deck_dir, "--format", "json")
    [problem] = json.loads(result.stdout)
    assert (problem["code"], problem["line"]) == ("D007", 2)
    monkeypatch.setattr("crmrev.yamlsafe.MAX_BYTES", 100)
    (deck_dir / "b.yaml").write_text("id: x\ntitle: T\ncards: []\n" + "#" * 200 + "\n")
    result = invoke("check", deck_dir)
    assert "[D006]" in result.output and result.exit_code == 1


def test_stale_deck_names_the_seed_and_line(invoke, project):
    seed = project / "seeds" / "001_517a88d368b36150.txt"
    seed.write_text(seed.read_text(encoding="utf-8").replace("Team Leadership: Developing", "Team Leadership: Building"), encoding="utf-8")
    deck = project / "decks" / "001_517a88d368b36150.yaml"
    lines = deck.read_text().splitlines()
    note_line = next(i for i, l in enumerate(lines, 1) if l.startswith("  note: ") and "Developing skills to lead" in l)
    card_start = max(i for i, l in enumerate(lines[:note_line], 1) if l.startswith("- id: "))
    result = invoke("check", project / "decks", "--seeds", project / "seeds")
    assert result.exit_code == 1
    found = re.search(rf"{re.escape(str(deck))}:(\d+):1: error: deck is out of date with "
                      r"seeds/001_517a88d368b36150.txt \(\+0 ~[01] -0 cards\); run `crmrev build` \[D030\]",
                      result.output)
    assert found, result.output
    assert card_start < int(found.group(1)) <= note_line  # a line of the Team Leadership card


def test_seed_without_deck_and_deck_without_seed(invoke, project):
    shutil.copy(project / "seeds" / "000_c4c80a703f93ed7c.txt", project / "seeds" / "009_extra.txt")
    (project / "seeds" / "004_9738f595519dce83.txt").unlink()
    result = invoke("check", project / "decks", "--seeds", project / "seeds", "--format", "json")
    codes = {(p["code"], p["file"].rsplit("/", 1)[-1]) for p in json.loads(result.stdout)}
    assert ("D031", "009_extra.txt") in codes
    assert ("D032", "004_9738f595519dce83.yaml") in codes
    assert result.exit_code == 1


def test_orphaned_progress_is_a_warning_and_nothing_is_deleted(invoke, project, progress_path, monkeypatch):
    monkeypatch.chdir(project / "decks")
    invoke("review", "--decks", project / "decks", "--new", "1", input="5\n")
    before = progress_path.read_bytes()
    (project / "decks" / "000_c4c80a703f93ed7c.yaml").unlink()
    result = invoke("check", project / "decks", "--progress", progress_path)
    assert result.exit_code == 0
    assert f"{progress_path}:1:1: warning: progress holds card 'con-2aecdf4c'" in result.output
    assert "[P001]" in result.output
    assert progress_path.read_bytes() == before


@pytest.mark.parametrize("args", [["/nonexistent/decks"], []])
def test_nothing_to_check_is_exit_2(invoke, tmp_path, args):
    empty = tmp_path / "empty"
    empty.mkdir()
    result = invoke("check", *(args or [empty]))
    assert result.exit_code == 2
    assert "Error:" in result.output


def test_github_escapes_newlines_and_commas():
    from crmrev.check import github_line
    from crmrev.model import Problem, Severity

    line = github_line(Problem("a,b:c.yaml", 3, 1, Severity.ERROR, "D001", "bad\nthing 100%"))
    assert line == "::error file=a%2Cb%3Ac.yaml,line=3,col=1,title=D001::bad%0Athing 100%25 [D001]"


def test_check_knows_every_card_type(invoke, deck_dir):
    cards = "".join(f"- id: t{i}\n  type: {t}\n  front: Q{i}?\n  back: A{i}.\n" for i, t in enumerate(CARD_TYPES))
    (deck_dir / "b.yaml").write_text(f"id: x\ntitle: T\ncards:\n{cards}")
    assert invoke("check", deck_dir).exit_code == 0
