"""Issue 13's attacks on decks, seeds and what learners are told (cases 19, 20, 23-26, 28), through the
real program in subprocesses."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from tests.helpers import SEEDS, TINY_DECK, env_for, run_crmrev

DAY = "2026-03-02"


def crmrev(tmp_path, *args, input=None, today=DAY):
    return subprocess.run([sys.executable, "-m", "crmrev", *args], capture_output=True, text=True, input=input,
                          env=env_for(tmp_path / "progress.json", today), timeout=120, cwd=tmp_path)


# ---------------------------------------------------------------- build writes only what check accepts (19)


def _seed(folder, name, source=None):
    folder.mkdir(exist_ok=True)
    shutil.copy(source or sorted(SEEDS.glob("*.txt"))[1], folder / name)


def test_seeds_with_awkward_names_and_one_synopsis_build_decks_check_accepts(tmp_path):
    seeds, decks = tmp_path / "seeds", tmp_path / "decks"
    _seed(seeds, "My notes é.txt")
    _seed(seeds, "002_a.txt")
    _seed(seeds, "003 b.txt")  # the same synopsis as 002_a: the same derived id and title
    built = crmrev(tmp_path, "build", str(seeds), "--out", str(decks))
    assert built.returncode == 0, built.stderr
    checked = crmrev(tmp_path, "check", str(decks))
    assert checked.returncode == 0, checked.stdout
    reviewed = crmrev(tmp_path, "review", "--decks", str(decks), input="5\n")
    assert reviewed.returncode == 0 and "saved" in reviewed.stdout


@pytest.mark.parametrize(("meta", "said"), [
    ('a.txt: {id: "bad id!", title: Good}\n', "deck id 'bad id!' must be"),
    ('a.txt: {id: good, title: ""}\n', "title"),
    ("a.txt: {id: same, title: One}\nb.txt: {id: same, title: Two}\n", "deck id 'same' in meta.yaml is already used"),
    ("a.txt: {id: one, title: Same}\nb.txt: {id: two, title: Same}\n", "deck title 'Same' in meta.yaml is already used"),
])
def test_a_bad_meta_entry_fails_the_build_and_writes_no_deck_check_would_reject(tmp_path, meta, said):
    seeds, decks = tmp_path / "notes", tmp_path / "decks"  # not seeds/: check looks at the decks alone
    _seed(seeds, "a.txt")
    _seed(seeds, "b.txt", sorted(SEEDS.glob("*.txt"))[2])
    (seeds / "meta.yaml").write_text(meta)
    built = crmrev(tmp_path, "build", str(seeds), "--out", str(decks))
    assert built.returncode == 1 and said in built.stderr, built.stderr
    if decks.exists() and list(decks.glob("*.yaml")):
        checked = crmrev(tmp_path, "check", str(decks))
        assert checked.returncode == 0, checked.stdout  # what was written, check accepts


# ---------------------------------------------------------------- one broken deck (20), subfolders (26)


def _two_decks(tmp_path):
    folder = tmp_path / "decks"
    folder.mkdir()
    (folder / "good.yaml").write_text(TINY_DECK)
    (folder / "broken.yaml").write_text("id: broken\ntitle: Broken\ncards:\n- {id: x, type: nonsense}\n")
    return folder


@pytest.mark.parametrize("args", [["review"], ["review", "--deck", "tiny"], ["due"], ["stats", "--json"]])
def test_one_broken_deck_is_named_and_the_others_still_work(tmp_path, args):
    folder = _two_decks(tmp_path)
    result = crmrev(tmp_path, *args, "--decks", str(folder), input="5\n")
    assert result.returncode == 0, result.stderr
    assert "skipped a broken deck" in result.stderr and "broken.yaml" in result.stderr
    if args[0] == "review":
        assert "saved a grade 5" in result.stdout or "saved a " in result.stdout


def test_when_every_deck_is_broken_that_is_the_error(tmp_path):
    folder = _two_decks(tmp_path)
    (folder / "good.yaml").unlink()
    result = crmrev(tmp_path, "due", "--decks", str(folder))
    assert result.returncode == 2 and "broken.yaml" in result.stderr


def test_decks_in_a_subfolder_are_named_as_unread(tmp_path):
    folder = tmp_path / "decks"
    (folder / "extra").mkdir(parents=True)
    (folder / "tiny.yaml").write_text(TINY_DECK)
    (folder / "extra" / "more.yaml").write_text(TINY_DECK.replace("tiny", "more").replace("Tiny", "More"))
    due = crmrev(tmp_path, "due", "--decks", str(folder))
    assert due.returncode == 0 and "extra are not read" in due.stderr
    checked = crmrev(tmp_path, "check", str(folder))
    assert "[D033]" in checked.stdout and checked.returncode == 0


# ---------------------------------------------------------------- the deck cache follows content (25)


def test_an_in_place_edit_keeping_size_and_timestamp_is_seen(tmp_path):
    folder = tmp_path / "decks"
    folder.mkdir()
    deck = folder / "tiny.yaml"
    deck.write_text(TINY_DECK)
    cache = tmp_path / "cache"
    first = crmrev(tmp_path, "--cache", str(cache), "review", "--decks", str(folder), "--limit", "1", input="q\n")
    assert "Card A?" in first.stdout
    info = deck.stat()
    deck.write_text(TINY_DECK.replace("Card A?", "Card Z?"))  # same length
    os.utime(deck, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert deck.stat().st_size == info.st_size and deck.stat().st_mtime_ns == info.st_mtime_ns
    second = crmrev(tmp_path, "--cache", str(cache), "review", "--decks", str(folder), "--limit", "1", input="q\n")
    assert "Card Z?" in second.stdout and "Card A?" not in second.stdout


# ---------------------------------------------------------------- encodings (24)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_a_utf16_seed_or_deck_is_named_as_utf16_not_binary(tmp_path, encoding):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    text = sorted(SEEDS.glob("*.txt"))[0].read_text(encoding="utf-8")
    bom = "\ufeff" if encoding == "utf-16-be" else ""
    (seeds / "notes.txt").write_bytes((bom + text).encode(encoding))
    built = crmrev(tmp_path, "build", str(seeds), "--out", str(tmp_path / "out"))
    assert built.returncode == 1 and "saved as UTF-16 text, not UTF-8" in built.stderr, built.stderr
    assert "binary" not in built.stderr and "re-save it as UTF-8" in built.stderr
    decks = tmp_path / "decks"
    decks.mkdir()
    (decks / "tiny.yaml").write_bytes(("\ufeff" + TINY_DECK).encode("utf-16-le"))
    checked = crmrev(tmp_path, "check", str(decks))
    assert checked.returncode == 1 and "UTF-16" in checked.stdout


# ---------------------------------------------------------------- what learners are told (23, 28)


def test_after_the_exam_crmrev_says_it_has_passed_and_what_to_do(tmp_path):
    progress = tmp_path / "progress.json"
    assert run_crmrev(progress, "exam", "2026-03-10", today=DAY).returncode == 0
    shown = run_crmrev(progress, "exam", today="2026-03-30")
    assert "has passed (20 days ago)" in shown.stdout and "exam --clear" in shown.stdout
    assert "-20" not in shown.stdout
    one = run_crmrev(progress, "exam", today="2026-03-09")
    assert "1 day left" in one.stdout
    stats = run_crmrev(progress, "stats", today="2026-03-30")
    assert "has passed" in stats.stdout and "-20" not in stats.stdout


def test_the_next_due_card_is_never_a_day_that_has_passed(tmp_path):
    progress = tmp_path / "progress.json"
    run_crmrev(progress, "review", "--limit", "3", input="5\n5\n5\n", today=DAY)
    # Days later, with cards overdue, a session quit at once: the next due day is after today.
    result = run_crmrev(progress, "review", "--limit", "1", input="q\n", today="2026-03-20")
    lines = [line for line in result.stdout.splitlines() if "next due card" in line.lower()]
    for line in lines:
        day = line.rsplit(" ", 1)[-1].strip(".")
        assert day == "scheduled" or day > "2026-03-20", line
    data = json.loads(run_crmrev(progress, "due", "--json", today="2026-03-20").stdout)
    assert data["due_today"] >= 3


def test_counts_are_written_in_the_singular_for_one(tmp_path):
    seeds = tmp_path / "seeds"
    _seed(seeds, "a.txt")
    built = crmrev(tmp_path, "build", str(seeds), "--out", str(tmp_path / "decks"))
    assert "Built 1 deck (" in built.stdout and "1 decks" not in built.stdout
    progress = tmp_path / "progress.json"
    assert run_crmrev(progress, "exam", "2026-03-03", today=DAY).stdout.strip() == "Exam on 2026-03-03: 1 day left."


def test_a_deck_clashing_with_a_hand_written_one_is_not_written(tmp_path):
    seeds, decks = tmp_path / "notes", tmp_path / "decks"
    _seed(seeds, "a.txt", sorted(SEEDS.glob("*.txt"))[0])
    decks.mkdir()
    built = crmrev(tmp_path, "build", str(seeds), "--out", str(tmp_path / "probe"))
    deck_id = next(line.split()[2] for line in built.stdout.splitlines() if line.startswith("new"))
    (decks / "hand.yaml").write_text(TINY_DECK.replace("id: tiny", f"id: {deck_id}"))
    built = crmrev(tmp_path, "build", str(seeds), "--out", str(decks))
    assert built.returncode == 1 and "already used by" in built.stderr and not (decks / "a.yaml").exists()
    assert crmrev(tmp_path, "check", str(decks)).returncode == 0


def test_a_copied_deck_is_skipped_and_the_original_still_reviewed(tmp_path):
    folder = tmp_path / "decks"
    folder.mkdir()
    (folder / "a.yaml").write_text(TINY_DECK)
    (folder / "b.yaml").write_text(TINY_DECK.replace("id: tiny", "id: copy").replace("Tiny deck", "Copy"))
    result = crmrev(tmp_path, "review", "--decks", str(folder), input="5\n")
    assert result.returncode == 0 and "card id 'a' is already used by" in result.stderr
    assert "saved a " in result.stdout


def test_a_past_exam_no_longer_shapes_the_schedule(tmp_path):
    progress = tmp_path / "progress.json"
    run_crmrev(progress, "review", "--limit", "5", input="5\n5\n4\n5\n5\n", today=DAY)
    without = json.loads(run_crmrev(progress, "due", "--json", today="2026-03-25").stdout)
    assert run_crmrev(progress, "exam", "2026-03-12", today="2026-03-05").returncode == 0
    after = json.loads(run_crmrev(progress, "due", "--json", today="2026-03-25").stdout)
    assert after == without  # passed: no card is pulled forward into the old run-up
    stats = json.loads(run_crmrev(progress, "stats", "--json", today="2026-03-25").stdout)
    assert stats["exam"]["readiness"] is None and stats["exam"]["days_left"] == -13


def test_utf16_without_a_mark_and_a_seed_holding_only_a_bom(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    text = sorted(SEEDS.glob("*.txt"))[0].read_text(encoding="utf-8")
    (seeds / "a.txt").write_bytes(text.encode("utf-16-le"))
    (seeds / "b.txt").write_bytes(b"\xef\xbb\xbf\n")
    built = crmrev(tmp_path, "build", str(seeds), "--out", str(tmp_path / "out"))
    assert built.returncode == 1
    assert "UTF-16 (without a byte-order mark)" in built.stderr and "seed file is empty" in built.stderr


def test_decks_only_in_a_subfolder_are_pointed_to(tmp_path):
    folder = tmp_path / "decks"
    (folder / "inner").mkdir(parents=True)
    (folder / "inner" / "tiny.yaml").write_text(TINY_DECK)
    result = crmrev(tmp_path, "due", "--decks", str(folder))
    assert result.returncode == 2 and f"pass --decks {folder / 'inner'}" in result.stderr
