"""Issue 13, case 5 and 27: values from files reach the terminal only as visible characters, in every
message and every output format. Driven through pipes and a real pseudo-terminal."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.helpers import POSIX_ONLY, env_for, finish, spawn

TITLE = "\x1b]0;pwned-title\x07"        # OSC 0: sets the window title
CLIPBOARD = "\x1b]52;c;aGVsbG8=\x07"   # OSC 52: writes the clipboard
CSI_8BIT = "\x9b2J"                     # C1 CSI: clears the screen on 8-bit terminals
BIDI = "\u202e"                         # right-to-left override
FORBIDDEN = ("\x1b", "\x07", "\x9b", BIDI)
# On a terminal, Rich's own colours are escape sequences too: there, the deck's OSC ones are forbidden.
ON_A_TERMINAL = ("\x1b]", "\x07", "\x9b", BIDI)


def hostile_decks(tmp_path, valid: bool):
    """One deck whose id, type, title and text carry escapes; valid=False also breaks its id and a
    card type, so the escapes travel through error messages."""
    folder = tmp_path / "decks"
    folder.mkdir()
    deck_id = json.dumps("bad" + TITLE if not valid else "hostile")
    card_type = json.dumps("concept" if valid else "concept" + CLIPBOARD)
    (folder / "hostile.yaml").write_text(
        f"id: {deck_id}\n"
        f"title: {json.dumps('Title ' + CSI_8BIT + BIDI)}\n"
        "cards:\n"
        f"- id: {json.dumps('c1' if valid else 'c1' + CLIPBOARD)}\n"
        f"  type: {card_type}\n"
        f"  front: {json.dumps('Front ' + TITLE + '?')}\n"
        f"  back: {json.dumps('Back ' + CLIPBOARD)}\n",
        encoding="utf-8")
    return folder


def run(tmp_path, *args, input=None):
    return subprocess.run([sys.executable, "-m", "crmrev", *args], capture_output=True, text=True, input=input,
                          env=env_for(tmp_path / "progress.json", "2026-03-02"), timeout=60)


def assert_clean(text: str, forbidden=FORBIDDEN) -> None:
    found = [repr(char) for char in forbidden if char in text]
    assert not found, f"{found} reached the output: {text[:400]!r}"


@pytest.mark.parametrize("args", [
    ["check", "DECKS"], ["check", "DECKS", "--format", "github"], ["check", "DECKS", "--format", "json"],
    ["due", "--decks", "DECKS"], ["stats", "--decks", "DECKS"], ["review", "--decks", "DECKS"],
])
def test_a_broken_hostile_deck_is_reported_without_its_escapes(tmp_path, args):
    folder = hostile_decks(tmp_path, valid=False)
    result = run(tmp_path, *[str(folder) if a == "DECKS" else a for a in args], input="5\n")
    assert result.returncode != 0
    assert "bad" in result.stdout + result.stderr  # the value is shown, made visible
    assert_clean(result.stdout + result.stderr)


@pytest.mark.parametrize("args", [
    ["due", "--decks", "DECKS"], ["due", "--json", "--decks", "DECKS"], ["stats", "--decks", "DECKS"],
    ["stats", "--json", "--decks", "DECKS"], ["review", "--decks", "DECKS"],
])
def test_a_valid_hostile_deck_is_shown_without_its_escapes(tmp_path, args):
    folder = hostile_decks(tmp_path, valid=True)
    result = run(tmp_path, *[str(folder) if a == "DECKS" else a for a in args], input="5\n")
    assert result.returncode == 0, result.stderr
    assert_clean(result.stdout + result.stderr)
    if "--json" in args:
        assert json.loads(result.stdout)["decks"][0]["title"].startswith("Title ")


def test_a_value_cannot_start_a_github_annotation_of_its_own(tmp_path):
    folder = tmp_path / "decks"
    folder.mkdir()
    (folder / "x.yaml").write_text('id: "x\\n::error file=evil.py,line=1::injected"\ntitle: T\ncards: []\n')
    result = run(tmp_path, "check", str(folder), "--format", "github")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines and all(line.startswith("::") for line in lines if line)
    assert not any(line.startswith("::error file=evil.py") for line in lines)


@POSIX_ONLY
def test_no_escape_from_a_deck_reaches_a_real_terminal(tmp_path):
    folder = hostile_decks(tmp_path, valid=False)
    child = spawn(tmp_path / "progress.json", "--decks", str(folder))
    child.expect("Error")
    finish(child)
    assert_clean(child.before, ON_A_TERMINAL)
    (tmp_path / "ok").mkdir()
    child = spawn(tmp_path / "progress.json", "--decks", str(hostile_decks(tmp_path / "ok", valid=True)))
    child.expect("card 1 of 1")
    child.send("q")
    child.expect("Reviewed|Still due|nothing")
    seen = child.before
    finish(child)
    assert_clean(seen, ON_A_TERMINAL)
    assert "pwned-title" in seen or "␛" in seen


def test_a_huge_junk_line_is_quoted_back_short(tmp_path):
    folder = hostile_decks(tmp_path, valid=True)
    junk = "x" * 10_000_000
    result = run(tmp_path, "review", "--decks", str(folder), input=junk + "\nq\n")
    assert result.returncode == 0
    assert "expected a grade" in result.stderr and len(result.stderr) < 2_000
