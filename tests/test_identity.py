"""A card's identity is its note and type: template rewording keeps every id, and a learner with
progress on the decks of version 0.1 (tests/fixtures/decks-v0.1) loses none of it on rebuild."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import yaml

from crmrev import generate
from crmrev.build import plan_build
from crmrev.model import Bullet
from crmrev.progress import open_progress
from tests.helpers import SEEDS

LEGACY = Path(__file__).resolve().parent / "fixtures" / "decks-v0.1"


def ids_by_type(decks_dir: Path) -> dict[str, str]:
    found = {}
    for path in sorted(decks_dir.glob("*.yaml")):
        for card in yaml.safe_load(path.read_text(encoding="utf-8"))["cards"]:
            found[card["id"]] = card["type"]
    return found


def reworded(make):
    """A template with every word changed: what a better generator does to the wording."""
    def wrapper(bullet: Bullet):
        made = make(bullet)
        if made is None:
            return None
        if isinstance(made, list):
            return [(f"Reworded: {front}", f"Now: {back}") for front, back in made]
        return f"Reworded: {made[0]}", f"Now: {made[1]}"
    return wrapper


def test_rewording_every_template_keeps_every_id(project, monkeypatch):
    before = plan_build(project / "seeds", project / "decks")
    for name in ("concept_card", "misconception_card", "exam_tip_card", "marking_point_card", "cloze_cards"):
        monkeypatch.setattr(generate, name, reworded(getattr(generate, name)))
    after = plan_build(project / "seeds", project / "decks")
    old = [(c.id, c.type) for deck in before.decks for c in deck.cards]
    new = [(c.id, c.type) for deck in after.decks for c in deck.cards]
    assert new == old
    changed = [c for deck in after.decks for c in deck.cards if c.front.startswith("Reworded: ")]
    assert changed, "the patched templates were not used"


def test_a_reworded_note_keeps_its_cards_ids(project):
    before = ids_by_type(project / "decks")
    seed = project / "seeds" / "001_517a88d368b36150.txt"
    text = seed.read_text(encoding="utf-8")
    seed.write_text(text.replace("Developing skills to lead and motivate", "Developing the skills to lead and motivate"),
                    encoding="utf-8")
    plan = plan_build(project / "seeds", project / "decks")
    after = {c.id: c.type for deck in plan.decks for c in deck.cards}
    assert after == before


def learner_progress_on_legacy_decks(invoke, legacy: Path, progress: Path) -> dict[str, str]:
    """Every card of the old decks answered once, through the real review command."""
    cards = ids_by_type(legacy)
    result = invoke("review", "--decks", legacy, "--progress", progress, "--new", str(len(cards)),
                    input="5\n" * len(cards), env={"CRMREV_TODAY": "2026-03-02"})
    assert result.exit_code == 0, result.output
    with open_progress(progress, writable=False) as store:
        assert set(store.states) == set(cards)
    return cards


def test_progress_made_on_the_v0_1_decks_survives_the_rebuild(invoke, tmp_path):
    seeds, decks, progress = tmp_path / "seeds", tmp_path / "decks", tmp_path / "progress.json"
    shutil.copytree(SEEDS, seeds)
    shutil.copytree(LEGACY, decks)
    legacy = learner_progress_on_legacy_decks(invoke, LEGACY, progress)
    assert len(legacy) == 128

    build = invoke("build", seeds, "--out", decks)
    assert build.exit_code == 0, build.output
    rebuilt = ids_by_type(decks)
    kept = {card_id for card_id in legacy if card_id in rebuilt}
    gone = set(legacy) - kept

    # Every concept and misconception card keeps its id, and so its progress.
    for card_id, card_type in legacy.items():
        if card_type in ("concept", "misconception"):
            assert rebuilt.get(card_id) == card_type, card_id
    # An optional card that no longer exists is named in the build report, never silently dropped.
    for card_id in gone:
        assert f"removed {card_id} (" in build.output
    assert all(legacy[card_id] in ("exam-tip", "marking-point", "cloze") for card_id in gone)

    # The learner's history is all still there: kept cards are seen, removed ones are orphans.
    due = invoke("due", "--decks", decks, "--progress", progress, "--json", env={"CRMREV_TODAY": "2026-03-02"})
    data = json.loads(due.stdout)
    assert data["total"] - data["unseen"] == len(kept)
    check = invoke("check", decks, "--seeds", seeds, "--progress", progress, "--format", "json")
    orphans = {p["message"].split("'")[1] for p in json.loads(check.stdout) if p["code"] == "P001"}
    assert orphans == gone
    with open_progress(progress, writable=False) as store:
        assert set(store.states) == set(legacy)  # nothing deleted
