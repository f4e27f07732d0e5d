"""The deck cache must never serve stale or damaged decks, and must never be required."""

from __future__ import annotations

import json
import os

from crmrev.deckcache import cache_dir
from crmrev.decks import load_deck_index, load_decks

DECK = "id: x\ntitle: T\ncards:\n- id: a\n  type: concept\n  front: Q?\n  back: A.\n"


def write(folder, text):
    folder.mkdir(exist_ok=True)
    (folder / "x.yaml").write_text(text)
    return folder


def test_cache_is_filled_and_then_used(tmp_path, monkeypatch):
    monkeypatch.setenv("CRMREV_CACHE", str(tmp_path / "cache"))
    folder = write(tmp_path / "decks", DECK)
    assert load_decks(folder)[0].cards[0].front == "Q?"
    assert sorted(p.suffix for p in (tmp_path / "cache").iterdir()) == [".marshal", ".marshal"]
    calls = []
    monkeypatch.setattr("crmrev.decks.load_deck", calls.append)
    assert load_decks(folder)[0].cards[0].back == "A."  # served from the cache
    assert load_deck_index(folder)[0].card_ids == ("a",)
    assert calls == []


def test_an_edited_deck_is_parsed_again(tmp_path, monkeypatch):
    monkeypatch.setenv("CRMREV_CACHE", str(tmp_path / "cache"))
    folder = write(tmp_path / "decks", DECK)
    load_decks(folder)
    (folder / "x.yaml").write_text(DECK.replace("Q?", "New question?") + "- {id: b, type: concept, front: B?, back: Bee.}\n")
    assert [c.front for c in load_decks(folder)[0].cards] == ["New question?", "B?"]
    assert load_deck_index(folder)[0].card_ids == ("a", "b")


def test_a_broken_edit_is_reported_not_hidden_by_the_cache(tmp_path, monkeypatch, invoke):
    monkeypatch.setenv("CRMREV_CACHE", str(tmp_path / "cache"))
    folder = write(tmp_path / "decks", DECK)
    load_decks(folder)
    (folder / "x.yaml").write_text(DECK + "  front: twice\n")
    result = invoke("due", "--decks", folder)
    assert result.exit_code == 2 and "[D004]" in result.output


def test_damaged_cache_is_ignored_and_rewritten(tmp_path, monkeypatch):
    monkeypatch.setenv("CRMREV_CACHE", str(tmp_path / "cache"))
    folder = write(tmp_path / "decks", DECK)
    load_decks(folder)
    for path in (tmp_path / "cache").iterdir():
        path.write_bytes(b"\x00garbage")
    assert load_decks(folder)[0].cards[0].id == "a"
    assert load_deck_index(folder)[0].card_ids == ("a",)


def test_unwritable_or_disabled_cache_still_works(tmp_path, monkeypatch, invoke):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("CRMREV_CACHE", str(blocker / "cache"))
    folder = write(tmp_path / "decks", DECK)
    result = invoke("due", "--json", "--decks", folder)
    assert result.exit_code == 0 and json.loads(result.stdout)["total"] == 1
    monkeypatch.setenv("CRMREV_CACHE", "off")
    assert cache_dir() is None
    assert load_decks(folder)[0].id == "x"


def test_default_location_follows_xdg(monkeypatch, tmp_path):
    monkeypatch.delenv("CRMREV_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache_dir() == tmp_path / "crmrev"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert str(cache_dir()) == os.path.join(os.path.expanduser("~"), ".cache", "crmrev")
