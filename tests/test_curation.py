"""Author curation beside the seeds: skip, replace, add; stale and dangling entries reported."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

SEED = """preview
Topic Synopsis
This subtopic explores the handling of complaints in a contact centre.
Key Concepts & Core Principles
- Complaint Handling: Using formal procedures (logging, escalation, and follow-up) to resolve complaints.
- Legislation: Understanding laws (the Consumer Rights Act 2015, Data Protection Act 2018, and Equality Act 2010).
Exam Tips & Revision Strategies
- Use a recognised complaints model (e.g., LAST) to structure each stage of your answer.
Common Misconceptions & Mistakes to Avoid
- Neglecting to record complaints, leading to repeated failures.
"""
NOTE_1 = ("Complaint Handling: Using formal procedures (logging, escalation, and follow-up) to "
          "resolve complaints.")
NOTE_2 = ("Legislation: Understanding laws (the Consumer Rights Act 2015, Data Protection Act 2018, "
          "and Equality Act 2010).")


@pytest.fixture
def author(tmp_path, monkeypatch, invoke):
    """A project with one seed, built once; returns a helper that writes the curation file."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "s.txt").write_text(SEED, encoding="utf-8")
    assert invoke("build").exit_code == 0

    def write(data: dict | str) -> Path:
        path = tmp_path / "seeds" / "s.curation.yaml"
        text = data if isinstance(data, str) else yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
        path.write_text(text, encoding="utf-8")
        return path

    return write


def cards(tmp_path: Path) -> list[dict]:
    return yaml.safe_load((tmp_path / "decks" / "s.yaml").read_text(encoding="utf-8"))["cards"]


def card_for(tmp_path: Path, card_type: str, note: str) -> dict:
    return next(c for c in cards(tmp_path) if c["type"] == card_type and c["note"] == note)


def test_replace_skip_and_add_survive_rebuilds(author, invoke, tmp_path):
    concept = card_for(tmp_path, "concept", NOTE_2)
    misconception = next(c for c in cards(tmp_path) if c["type"] == "misconception")
    author({
        "cards": {
            concept["id"]: {"note": NOTE_2, "front": "Which Act covers faulty goods?",
                            "back": "The Consumer Rights Act 2015."},
            misconception["id"]: {"note": misconception["note"], "back": "Repeated failures."},
        },
        "add": [{"id": "scn-faulty", "type": "scenario", "note": NOTE_2,
                 "front": "A customer's new kettle is faulty. Which Act sets out their rights?",
                 "back": "The Consumer Rights Act 2015."}],
    })
    result = invoke("build")
    assert result.exit_code == 0, result.output
    built = {c["id"]: c for c in cards(tmp_path)}
    assert built[concept["id"]]["front"] == "Which Act covers faulty goods?"
    assert built[misconception["id"]]["front"] == misconception["front"]  # only the back was replaced
    assert built[misconception["id"]]["back"] == "Repeated failures."
    added = built["scn-faulty"]
    assert (added["type"], added["note"], added["source"]) == ("scenario", NOTE_2, "seeds/s.txt:6")
    assert added["group"] == built[concept["id"]]["group"]  # a sibling of the note's other cards
    assert invoke("build", "--check").exit_code == 0  # and a second build changes nothing
    assert invoke("check", "decks", "--seeds", "seeds").exit_code == 0


def test_skip_drops_an_optional_card(author, invoke, tmp_path):
    optional = next(c for c in cards(tmp_path) if c["type"] not in ("concept", "misconception"))
    author({"cards": {optional["id"]: {"note": optional["note"], "skip": "not worth asking"}}})
    assert invoke("build").exit_code == 0
    assert optional["id"] not in {c["id"] for c in cards(tmp_path)}


def test_a_dangling_entry_is_reported_where_it_is(author, invoke, tmp_path):
    author("cards:\n  con-gone:\n    note: Old note.\n    skip: was weak\n")
    result = invoke("check", "decks", "--seeds", "seeds", "--format", "json")
    [problem] = [p for p in json.loads(result.stdout) if p["code"] == "Q007"]
    assert (problem["file"], problem["line"], problem["severity"]) == ("seeds/s.curation.yaml", 2, "warning")
    assert "con-gone" in problem["message"]
    assert result.exit_code == 0
    assert invoke("check", "decks", "--seeds", "seeds", "--strict").exit_code == 1


def test_a_note_changed_since_curation_shows_both_texts(author, invoke, tmp_path):
    concept = card_for(tmp_path, "concept", NOTE_1)
    author({"cards": {concept["id"]: {"note": NOTE_1, "back": "Any two of: logging, escalation, follow-up."}}})
    seed = tmp_path / "seeds" / "s.txt"
    seed.write_text(seed.read_text(encoding="utf-8").replace("logging, escalation", "logging, triage, escalation"),
                    encoding="utf-8")
    assert invoke("build").exit_code == 0
    assert card_for(tmp_path, "concept", NOTE_1.replace("logging, escalation", "logging, triage, escalation"))["id"] \
        == concept["id"]
    text = invoke("check", "decks", "--seeds", "seeds").output
    expected = "seeds/s.curation.yaml:2:1: warning: the note of '" + concept["id"] + "' has changed"
    assert expected in text and "[Q008]" in text
    assert f"Was: “{NOTE_1}”" in text and "Now: “Complaint Handling: Using formal procedures (logging, triage" in text
    github = invoke("check", "decks", "--seeds", "seeds", "--format", "github").output
    assert "::warning file=seeds/s.curation.yaml,line=2,col=1,title=Q008::" in github


def test_an_added_card_whose_note_was_reworded_follows_it_and_is_flagged(author, invoke, tmp_path):
    author({"add": [{"id": "scn-x", "type": "scenario", "note": NOTE_2.replace("laws", "statutes"),
                     "front": "A customer's data was shared. Which Act applies?",
                     "back": "The Data Protection Act 2018."}]})
    result = invoke("build")
    assert result.exit_code == 0
    assert "[Q008]" in result.output
    added = next(c for c in cards(tmp_path) if c["id"] == "scn-x")
    assert added["source"] == "seeds/s.txt:6" and added["note"] == NOTE_2


@pytest.mark.parametrize(("text", "line", "fragment"), [
    ("cards:\n  con-x:\n    front: A?\n", 2, "'note' is missing"),
    ("cards:\n  con-x:\n    note: N\n", 2, "changes nothing"),
    ("cards:\n  con-x:\n    note: N\n    colour: red\n", 4, "unknown key 'colour'"),
    ("add:\n- id: scn-a\n  type: riddle\n  note: N\n  front: F\n  back: B\n", 3, "unknown card type 'riddle'"),
    ("cards: [1, 2]\n", 1, "'cards' must be a mapping"),
])
def test_a_malformed_curation_file_is_an_error_with_its_line(author, invoke, text, line, fragment):
    author(text)
    result = invoke("build")
    assert result.exit_code == 1
    assert f"seeds/s.curation.yaml:{line}:" in result.output and fragment in result.output
    assert "[C001]" in result.output and "Traceback" not in result.output


def test_an_added_card_with_a_generated_cards_id_note_and_type_is_that_card(author, invoke, tmp_path):
    """A hand-written card kept an old id; a better generator now makes a card of the same type for
    the same note, which carries that id. They are one card, and the author's text wins."""
    tip = next(c for c in cards(tmp_path) if c["type"] == "exam-tip")
    before = len(cards(tmp_path))
    author({"add": [{"id": tip["id"], "type": "exam-tip", "note": tip["note"],
                     "front": "Exam technique: what should each stage of a complaints answer name?",
                     "back": "Who is responsible for it."}]})
    assert invoke("build").exit_code == 0
    built = [c for c in cards(tmp_path) if c["id"] == tip["id"]]
    assert len(built) == 1 and built[0]["back"] == "Who is responsible for it."
    assert len(cards(tmp_path)) == before


def test_an_added_card_may_not_take_the_id_of_a_different_generated_card(author, invoke, tmp_path):
    tip = next(c for c in cards(tmp_path) if c["type"] == "exam-tip")
    author({"add": [{"id": tip["id"], "type": "scenario", "note": tip["note"], "front": "F?", "back": "B."}]})
    result = invoke("build")
    assert result.exit_code == 1
    assert "is already a generated card's id" in result.output and "[C001]" in result.output


def test_a_skipped_card_stays_skipped_when_its_note_is_reworded(author, invoke, tmp_path):
    tip = next(c for c in cards(tmp_path) if c["type"] == "exam-tip")
    author({"cards": {tip["id"]: {"note": tip["note"], "skip": "not worth asking"}}})
    assert invoke("build").exit_code == 0
    seed = tmp_path / "seeds" / "s.txt"
    seed.write_text(seed.read_text(encoding="utf-8").replace("each stage", "every stage"),
                    encoding="utf-8")
    result = invoke("build")
    assert result.exit_code == 0
    assert [c for c in cards(tmp_path) if c["type"] == "exam-tip"] == []  # not back under a new id
    assert f"the note of '{tip['id']}' has changed" in result.output  # the author confirms the skip


def test_a_last_resort_card_is_held_back_until_it_is_curated(tmp_path, monkeypatch, invoke):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "seeds").mkdir()
    note = "Service basics: Delivering service that customers value."
    (tmp_path / "seeds" / "w.txt").write_text(
        "preview\nTopic Synopsis\nThis subtopic explores the basics of service.\n"
        f"Key Concepts & Core Principles\n- {note}\n", encoding="utf-8")
    result = invoke("build")
    assert result.exit_code == 0
    # "Service basics: what does it involve?" is not worth a learner's time: no card is shipped,
    # and the warning names the id the author can write one under.
    assert cards_in(tmp_path / "decks" / "w.yaml") == []
    warning = next(line for line in result.output.splitlines() if "[S010]" in line)
    assert warning.startswith("seeds/w.txt:5:1: warning: no card worth asking was found in this note")
    card_id = re.search(r"write one as '(con-[0-9a-f]{8})'", warning).group(1)
    (tmp_path / "seeds" / "w.curation.yaml").write_text(yaml.safe_dump({"cards": {card_id: {
        "note": note, "front": "Service basics: what must service deliver?",
        "back": "What customers value."}}}), encoding="utf-8")
    again = invoke("build")
    assert again.exit_code == 0 and "[S010]" not in again.output
    assert [(c["id"], c["front"]) for c in cards_in(tmp_path / "decks" / "w.yaml")] == \
        [(card_id, "Service basics: what must service deliver?")]
    checked = invoke("check", "decks", "--seeds", "seeds")
    assert checked.exit_code == 0 and "[S010]" not in checked.output


def cards_in(path: Path) -> list[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["cards"]
