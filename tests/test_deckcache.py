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
    cache = tmp_path / "cache"
    folder = write(tmp_path / "decks", DECK)
    assert load_decks(folder, cache)[0].cards[0].front == "Q?"
    assert sorted(p.suffix for p in cache.iterdir()) == [".marshal", ".marshal"]
    calls = []
    monkeypatch.setattr("crmrev.decks.load_deck", calls.append)
    assert load_decks(folder, cache)[0].cards[0].back == "A."  # served from the cache
    assert load_deck_index(folder, cache)[0].card_ids == ("a",)
    assert calls == []


def test_an_edited_deck_is_parsed_again(tmp_path):
    cache = tmp_path / "cache"
    folder = write(tmp_path / "decks", DECK)
    load_decks(folder, cache)
    (folder / "x.yaml").write_text(DECK.replace("Q?", "New question?") + "- {id: b, type: concept, front: B?, back: Bee.}\n")
    assert [c.front for c in load_decks(folder, cache)[0].cards] == ["New question?", "B?"]
    assert load_deck_index(folder, cache)[0].card_ids == ("a", "b")


def test_a_broken_edit_is_reported_not_hidden_by_the_cache(tmp_path, monkeypatch, invoke):
    monkeypatch.setenv("CRMREV_CACHE", str(tmp_path / "cache"))
    folder = write(tmp_path / "decks", DECK)
    assert invoke("due", "--decks", folder).exit_code == 0  # fills the cache
    (folder / "x.yaml").write_text(DECK + "  front: twice\n")
    result = invoke("due", "--decks", folder)
    assert result.exit_code == 2 and "[D004]" in result.output


def test_damaged_cache_is_ignored_and_rewritten(tmp_path):
    cache = tmp_path / "cache"
    folder = write(tmp_path / "decks", DECK)
    load_decks(folder, cache)
    for path in cache.iterdir():
        path.write_bytes(b"\x00garbage")
    assert load_decks(folder, cache)[0].cards[0].id == "a"
    assert load_deck_index(folder, cache)[0].card_ids == ("a",)


def test_unwritable_or_disabled_cache_still_works(tmp_path, monkeypatch, invoke):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("CRMREV_CACHE", str(blocker / "cache"))
    folder = write(tmp_path / "decks", DECK)
    result = invoke("due", "--json", "--decks", folder)
    assert result.exit_code == 0 and json.loads(result.stdout)["total"] == 1
    assert cache_dir("off") is None and cache_dir("") is None
    assert invoke("due", "--json", "--decks", folder, env={"CRMREV_CACHE": "off"}).exit_code == 0


def test_default_location_follows_xdg(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache_dir(None) == tmp_path / "crmrev"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert str(cache_dir(None)) == os.path.join(os.path.expanduser("~"), ".cache", "crmrev")
