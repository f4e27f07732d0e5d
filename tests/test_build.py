"""`crmrev build` as an author runs it: determinism, --check, the report, and stable card ids."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import yaml

from crmrev.decks import load_deck

SEED_000 = "000_c4c80a703f93ed7c.txt"
SEED_001 = "001_517a88d368b36150.txt"


def deck_cards(path: Path) -> dict[str, dict]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {card["id"]: card for card in data["cards"]}


def test_committed_decks_are_up_to_date(invoke):
    result = invoke("build", "--check")
    assert result.exit_code == 0, result.output
    assert "5 decks are up to date" in result.output


def test_build_is_deterministic_from_scratch(invoke, tmp_path, project):
    first, second = tmp_path / "a", tmp_path / "b"
    assert invoke("build", project / "seeds", "--out", first).exit_code == 0
    assert invoke("build", project / "seeds", "--out", second).exit_code == 0
    names = sorted(p.name for p in first.iterdir())
    assert len(names) == 5
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes()
        # Concept and misconception ids come from their notes alone, so a fresh build gives the
        # committed ids; optional cards may carry older ids in the committed decks.
        fresh = {i for i, c in deck_cards(first / name).items() if c["type"] in ("concept", "misconception")}
        committed = {i for i, c in deck_cards(project / "decks" / name).items()
                     if c["type"] in ("concept", "misconception")}
        assert fresh == committed


def test_report_counts_added_changed_removed(invoke, project):
    for curation in (project / "seeds").glob("*.curation.yaml"):
        curation.unlink()  # counts of generated cards only
    assert invoke("build", project / "seeds", "--out", project / "decks").exit_code == 0
    seed = project / "seeds" / SEED_001
    text = seed.read_text(encoding="utf-8")
    text = text.replace("a satisfied customer may not return", "a satisfied customer may not retrun")
    text = text.replace("- Describe at least three tangible and intangible benefits of customer retention\n", "")
    text = text.replace("Common Misconceptions & Mistakes to Avoid\n",
                        "Common Misconceptions & Mistakes to Avoid\n- Treating every complaint as a threat rather than feedback\n")
    seed.write_text(text, encoding="utf-8")
    result = invoke("build", project / "seeds", "--out", project / "decks")
    assert result.exit_code == 0, result.output
    line = next(l for l in result.output.splitlines() if "retention-satisfaction" in l)
    # the typo touches a misconception card; a misconception in, a marking point out
    assert line.startswith("updated") and "+1 ~1 -1" in line
    assert "unchanged" in next(l for l in result.output.splitlines() if "crm-principles" in l)


def test_ids_survive_rewording_and_typo_fixes(invoke, project):
    deck_path = project / "decks" / SEED_001.replace(".txt", ".yaml")
    before = deck_cards(deck_path)
    by_source_line = {card["source"].rsplit(":", 1)[1]: card_id for card_id, card in before.items()
                      if card["type"] in ("concept", "misconception")}
    seed = project / "seeds" / SEED_001
    text = seed.read_text(encoding="utf-8")
    edits = [
        ("Customer Service Excellence: Understanding the principles", "Customer Service Excellence: Knowing the principles"),
        ("a satisfied customer may not return", "a satisfied customer might not come back"),
        ("Overemphasising acquisition over retention", "Over-emphasising acquisition over retention"),
    ]
    for old, new in edits:
        assert old in text
        text = text.replace(old, new)
    seed.write_text(text, encoding="utf-8")
    assert invoke("build", project / "seeds", "--out", project / "decks").exit_code == 0
    after = deck_cards(deck_path)
    assert set(after) == set(before)  # same ids: learners keep their progress
    assert after[by_source_line["5"]]["note"].startswith("Customer Service Excellence: Knowing the principles")
    assert "might not come back" in after[by_source_line["16"]]["note"]


def test_new_bullet_gets_new_id_and_deleted_bullet_loses_its_id(invoke, project):
    deck_path = project / "decks" / SEED_000.replace(".txt", ".yaml")
    before = deck_cards(deck_path)
    seed = project / "seeds" / SEED_000
    lines = seed.read_text(encoding="utf-8").split("\n")
    removed = next(i for i, l in enumerate(lines) if l.startswith("- Document production"))
    removed_text = lines.pop(removed)
    lines.insert(removed, "- Customer journey mapping: Drawing every touchpoint a customer passes through so that "
                          "pain points can be found and fixed.")
    seed.write_text("\n".join(lines), encoding="utf-8")
    assert invoke("build", project / "seeds", "--out", project / "decks").exit_code == 0
    after = deck_cards(deck_path)
    concepts_before = {i for i, c in before.items() if c["type"] == "concept"}
    concepts_after = {i for i, c in after.items() if c["type"] == "concept"}
    gone = concepts_before - concepts_after
    new = concepts_after - concepts_before
    assert len(gone) == 1 and len(new) == 1
    assert removed_text.startswith("- Document production")
    assert before[gone.pop()]["note"] == removed_text[2:]
    assert "Customer journey mapping" in after[new.pop()]["front"]


def test_reordering_bullets_keeps_ids(invoke, project):
    deck_path = project / "decks" / SEED_000.replace(".txt", ".yaml")
    before = {c["front"]: i for i, c in deck_cards(deck_path).items()}
    seed = project / "seeds" / SEED_000
    lines = seed.read_text(encoding="utf-8").split("\n")
    lines[4], lines[5] = lines[5], lines[4]
    seed.write_text("\n".join(lines), encoding="utf-8")
    assert invoke("build", project / "seeds", "--out", project / "decks").exit_code == 0
    after = {c["front"]: i for i, c in deck_cards(deck_path).items()}
    assert before == after


def test_check_names_each_stale_deck_and_writes_nothing(invoke, project):
    seed = project / "seeds" / SEED_000
    seed.write_text(seed.read_text(encoding="utf-8").replace("telephone techniques", "phone techniques"), encoding="utf-8")
    deck = project / "decks" / SEED_000.replace(".txt", ".yaml")
    snapshot = deck.read_bytes()
    result = invoke("build", project / "seeds", "--out", project / "decks", "--check")
    assert result.exit_code == 1
    assert f"{deck}: out of date" in result.output
    assert "run `crmrev build`" in result.output
    assert "001_517a88d368b36150.yaml" not in result.output
    assert deck.read_bytes() == snapshot


def test_bad_seed_is_reported_and_the_others_still_build(invoke, project, tmp_path):
    (project / "seeds" / "005_broken.txt").write_bytes(b"Topic Synopsis\n\xff\xfe bad bytes\n")
    (project / "seeds" / "006_empty.txt").write_bytes(b"")
    out = tmp_path / "out"
    result = invoke("build", project / "seeds", "--out", out)
    assert result.exit_code == 1
    assert "seeds/005_broken.txt:2: seed is not valid UTF-8" in result.output
    assert "seeds/006_empty.txt: seed file is empty" in result.output
    assert "Traceback" not in result.output
    assert len(list(out.glob("*.yaml"))) == 5


def test_warnings_name_file_and_line(invoke, project, tmp_path):
    (project / "seeds" / "005_new.txt").write_text(
        "preview\nTopic Synopsis\nThis topic explores refunds.\nKey Concepts & Core Principles\n"
        "- Refund: Money returned.\nnot a bullet\n", encoding="utf-8")
    result = invoke("build", project / "seeds", "--out", tmp_path / "out")
    assert result.exit_code == 0
    assert "seeds/005_new.txt:6:1: warning: line cannot be placed" in result.output
    assert "section 'Examiner Marking Points' is missing [S004]" in result.output


def test_seed_with_no_cards_warns(invoke, project, tmp_path):
    (project / "seeds" / "005_none.txt").write_text("preview\nTopic Synopsis\nAbout nothing.\n", encoding="utf-8")
    result = invoke("build", project / "seeds", "--out", tmp_path / "out")
    assert "seeds/005_none.txt:1:1: warning: seed yields no cards" in result.output


def test_removed_seed_removes_its_generated_deck_but_not_handwritten_ones(invoke, project):
    (project / "seeds" / SEED_000).unlink()
    hand = project / "decks" / "hand.yaml"
    hand.write_text("id: mine\ntitle: Mine\ncards:\n- id: m1\n  type: concept\n  front: Q?\n  back: A.\n")
    result = invoke("build", project / "seeds", "--out", project / "decks")
    assert result.exit_code == 0, result.output
    assert not (project / "decks" / SEED_000.replace(".txt", ".yaml")).exists()
    assert hand.exists() and load_deck(hand).cards[0].id == "m1"
    assert "deleted" in result.output


def test_missing_seed_folder_is_usage_error(invoke, tmp_path):
    result = invoke("build", tmp_path / "nope", "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_author_can_override_deck_id_and_title(invoke, project, tmp_path):
    meta = project / "seeds" / "meta.yaml"
    meta.write_text(meta.read_text().replace("id: crm-principles", "id: basics"))
    shutil.rmtree(project / "decks")
    assert invoke("build", project / "seeds", "--out", project / "decks").exit_code == 0
    assert load_deck(project / "decks" / SEED_000.replace(".txt", ".yaml")).id == "basics"


def test_c_and_python_yaml_emitters_write_the_same_decks(monkeypatch):
    import yaml

    from crmrev.decks import dump_deck, load_deck

    decks = [load_deck(path) for path in sorted((Path(__file__).parent.parent / "decks").glob("*.yaml"))]
    fast = [dump_deck(deck, deck.source) for deck in decks]
    monkeypatch.delattr(yaml, "CSafeDumper")
    assert [dump_deck(deck, deck.source) for deck in decks] == fast


def test_the_report_counts_in_words_that_agree(invoke, tmp_path, project):
    seeds = tmp_path / "solo" / "seeds"
    seeds.mkdir(parents=True)
    shutil.copy(project / "seeds" / SEED_000, seeds / SEED_000)
    result = invoke("build", seeds, "--out", tmp_path / "solo" / "decks")
    assert result.exit_code == 0, result.output
    assert "Built 1 deck (" in result.output and "wrote 1 file," in result.output


def test_a_yml_deck_counts_as_a_deck_for_build_check_and_review(invoke, project):
    (project / "decks" / "extra.yml").write_text(
        "id: extra\ntitle: Extra\ncards:\n- {id: extra-1, type: concept, front: What is a KPI?, "
        "back: A key performance indicator.}\n", encoding="utf-8")
    assert invoke("build", project / "seeds", "--out", project / "decks", "--check").exit_code == 0
    checked = invoke("check", project / "decks")
    assert checked.exit_code == 0, checked.output
    assert "6 decks" in checked.output
    due = invoke("due", "--json", "--decks", project / "decks")
    assert any(deck["id"] == "extra" for deck in json.loads(due.stdout)["decks"])
