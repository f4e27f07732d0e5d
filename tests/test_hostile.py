"""Hostile and broken decks, hostile card text: attacks on the real program."""

from __future__ import annotations

import json
import re
import time

import pytest

from crmrev.decks import load_deck
from crmrev.errors import DeckError
from tests.helpers import POSIX_ONLY, finish, reveal_and_grade, run_crmrev, spawn

CARD = "- id: c1\n  type: concept\n  front: What is churn?\n  back: Customers leaving.\n"


def deck_dir(tmp_path, text: str | bytes, name: str = "evil.yaml"):
    folder = tmp_path / "decks"
    folder.mkdir(exist_ok=True)
    target = folder / name
    target.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return folder, target


def alias_bomb() -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in "bcdefghi":
        prev = chr(ord(level) - 1)
        lines.append(f"{level}: &{level} [" + ",".join([f"*{prev}"] * 9) + "]")
    return "id: x\ntitle: T\ncards: []\n" + "\n".join(lines) + "\n"


HOSTILE = {
    "python-object": ("id: x\ntitle: !!python/object/apply:os.system ['touch {marker}']\ncards: []\n", "D003", 2),
    "python-name": ("id: !!python/name:os.system x\ntitle: T\ncards: []\n", "D003", 1),
    "alias-bomb": (alias_bomb(), "D002", None),
    "self-alias": ("id: x\ntitle: T\ncards: &c [*c]\n", "D002", 3),
    "flow-deep": ("id: x\ntitle: T\ncards: " + "[" * 100_000 + "]" * 100_000 + "\n", "D005", 3),
    "block-deep": ("id: x\ntitle: T\ncards:\n" + "".join(" " * i + "- \n" for i in range(3000)), "D005", None),
    "map-deep": ("id: x\ntitle: T\ncards:\n" + "".join(" " * i + "k:\n" for i in range(1, 3000)), "D005", None),
    "dash-deep": ("id: x\ntitle: T\ncards:\n" + "- " * 5000 + "x\n", "D005", 4),
    "non-utf8": (b"id: x\ntitle: caf\xe9\ncards: []\n", "D007", 2),
    "utf16": ("id: x\ntitle: T\ncards: []\n".encode("utf-16"), "D007", 1),
    "duplicate": ("id: x\nid: y\ntitle: T\ncards: []\n", "D004", 2),
    "top-list": ("- id: x\n  title: T\n", "D010", 1),
    "top-scalar": ("42\n", "D010", 1),
    "empty": ("", "D008", 1),
    "whitespace": ("   \n\n", "D008", 1),
    "comment-only": ("# nothing here\n", "D008", 1),
    "raw-escape": ("id: x\ntitle: T\x1b[2J\ncards: []\n", "D016", 2),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_deck_is_refused_with_file_and_line(tmp_path, invoke, name):
    text, code, line = HOSTILE[name]
    marker = tmp_path / "pwned"
    if isinstance(text, str):
        text = text.replace("{marker}", str(marker))
    folder, target = deck_dir(tmp_path, text)
    started = time.monotonic()
    result = invoke("review", "--decks", folder, input="5\n")
    assert result.exit_code in (1, 2), result.output
    assert f"Error: {target}" in result.output
    if line is not None:
        assert f"{target}:{line}:" in result.output
    assert f"[{code}]" in result.output
    assert "Traceback" not in result.output and "Q: " not in result.output
    check = invoke("check", folder, "--format", "json")
    assert check.exit_code == 1
    assert code in {p["code"] for p in json.loads(check.stdout)}
    assert time.monotonic() - started < 30
    assert not marker.exists()  # nothing was executed


def test_deep_input_does_not_crash_the_c_loader_in_a_real_process(tmp_path):
    folder, _target = deck_dir(tmp_path, "cards: " + "[" * 1_000_000 + "\n")
    result = run_crmrev(tmp_path / "p.json", "check", str(folder))
    assert result.returncode == 1  # a crash would be -11 (SIGSEGV)
    assert "[D005]" in result.stdout


def test_huge_file_is_refused_before_parsing(tmp_path, invoke):
    folder, target = deck_dir(tmp_path, "")
    with open(target, "wb") as handle:
        handle.truncate(65 * 1024 * 1024)  # sparse: only its size is ever looked at
    result = invoke("review", "--decks", folder)
    assert result.exit_code == 2
    assert "over the 67,108,864-byte limit" in result.output and "[D006]" in result.output


@pytest.mark.parametrize("value", ["no", "yes", "off", "12:30", "3.10", "2024-01-05", "0x1F", "~", "null", "1e3", ".nan"])
def test_values_yaml_would_retype_are_read_as_text(tmp_path, value):
    _folder, target = deck_dir(tmp_path, f"id: x\ntitle: T\ncards:\n- id: c1\n  type: concept\n  front: What is it?\n  back: {value}\n")
    [card] = load_deck(target).cards
    assert card.back == value and isinstance(card.back, str)


def test_retyped_values_are_shown_literally_in_review(tmp_path, invoke):
    folder, _ = deck_dir(tmp_path, "id: x\ntitle: T\ncards:\n- id: '3.10'\n  type: concept\n  front: no\n  back: 12:30\n")
    result = invoke("review", "--decks", folder, input="5\n")
    assert "Q: no\n" in result.output and "A: 12:30\n" in result.output
    assert "saved 3.10 grade 5" in result.output


def test_loader_only_ever_raises_deck_error(tmp_path):
    for name, (text, _code, _line) in HOSTILE.items():
        _folder, target = deck_dir(tmp_path, text if isinstance(text, bytes) else text.replace("{marker}", "x"), f"{name}.yaml")
        with pytest.raises(DeckError):
            load_deck(target)


# ---------------------------------------------------------------- hostile card text

HOSTILE_FRONT = ('"Q \\e]52;c;SGVsbG8=\\a \\e]8;;http://evil.example\\e\\\\link\\e]8;;\\e\\\\ '
                 '\\e[2J\\e]0;title\\a \\e[8mhidden\\e[0m \\x9b31m \\r\\b '
                 '\\u202Eevil\\u202C [bold]B[/bold] [/] [link=http://x]L[/link] [citation needed] :smile:?"')
VISIBLE = ["␛]52;c;SGVsbG8=␇", "␛]8;;http://evil.example␛\\link", "␛[2J", "␛]0;title␇", "␛[8mhidden",
           "<U+009B>31m", "␍␈", "<U+202E>evil<U+202C>", "[bold]B[/bold] [/] [link=http://x]L[/link]",
           "[citation needed] :smile:?"]


def hostile_text_deck(tmp_path):
    return deck_dir(tmp_path, f"id: x\ntitle: \"Deck \\e[31mred\"\ncards:\n- id: c1\n  type: concept\n"
                              f"  front: {HOSTILE_FRONT}\n  back: \"Back \\e]52;c;eA==\\a\"\n")[0]


def assert_only_visible(output: str, allow_sgr: bool) -> None:
    cleaned = re.sub(r"\x1b\[[0-9;]*m|\x1b\[2J\x1b\[H", "", output) if allow_sgr else output
    assert "\x1b" not in cleaned
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", cleaned)
    assert not re.search(r"\r(?!\n)", cleaned)
    assert "😄" not in output
    # Card text wraps inside its panel (at most 100 columns wide): compare the words, not the lines.
    words = " ".join(re.sub(r"\x1b\[[0-9;]*m|[│\r\n]", " ", output).split())
    for needle in VISIBLE:
        assert " ".join(needle.split()) in words, needle


def test_hostile_text_through_a_pipe(tmp_path):
    folder = hostile_text_deck(tmp_path)
    result = run_crmrev(tmp_path / "p.json", "review", "--decks", str(folder), input="5\n")
    assert result.returncode == 0, result.stderr
    assert_only_visible(result.stdout, allow_sgr=False)
    assert "Deck ␛[31mred" in result.stdout


@POSIX_ONLY
def test_hostile_text_on_a_real_terminal(tmp_path):
    folder = hostile_text_deck(tmp_path)
    # wide enough that the panel does not wrap the card text
    child = spawn(tmp_path / "p.json", "--decks", str(folder), width=400)
    chunks: list[str] = []

    class Sink:  # every byte the terminal received
        def write(self, data):
            chunks.append(data)

        def flush(self):
            pass

    child.logfile_read = Sink()
    child.expect("space/enter reveal")
    reveal_and_grade(child, "5")
    assert finish(child) == 0
    received = "".join(chunks)
    assert "Back ␛]52;c;eA==␇" in received
    assert_only_visible(received, allow_sgr=True)
