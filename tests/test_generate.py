"""Cards made from the real seeds: counts, the quality rules, titles and ids."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from crmrev.build import plan_build
from crmrev.generate import derive_meta, misconception_card
from crmrev.model import Bullet
from crmrev.seeds import parse_seed

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def plan():
    return plan_build(ROOT / "seeds", ROOT / "decks")


def all_cards(plan):
    return [card for deck in plan.decks for card in deck.cards]


def test_five_seeds_give_25_concepts_and_23_misconceptions(plan):
    counts = Counter(card.type for card in all_cards(plan))
    assert counts["concept"] == 25
    assert counts["misconception"] == 23
    assert plan.problems == [] and plan.errors == []


def test_every_card_meets_the_quality_rules(plan):
    for card in all_cards(plan):
        assert card.front.strip() and card.back.strip(), card.id
        assert card.front != card.back, card.id
        assert card.back.lower() not in card.front.lower(), card.id
        assert card.front[0].isupper(), card.front
        assert card.front.rstrip().endswith("?") or "______" in card.front, card.front


def test_every_card_source_points_at_its_bullet(plan):
    for card in all_cards(plan):
        match = re.fullmatch(r"seeds/(\d{3}_[0-9a-f]{16}\.txt):(\d+)", card.source)
        assert match, card.source
        line = (ROOT / "seeds" / match.group(1)).read_text(encoding="utf-8").splitlines()[int(match.group(2)) - 1]
        assert line.startswith("- ")
        if card.type == "concept":
            assert line[2:].split(":")[0] in card.front
        else:
            assert line[2:].strip().rstrip(".") in card.back  # the back quotes the bullet in full


def test_card_ids_are_unique(plan):
    ids = [card.id for card in all_cards(plan)]
    assert len(ids) == len(set(ids))


def test_misconception_examples_from_the_brief():
    front, back = misconception_card(Bullet(
        "Confusing customer satisfaction with customer loyalty – a satisfied customer may not return", 1))
    assert "______" in front and "customer loyalty" not in front
    assert back.startswith("Customer loyalty. A satisfied customer may not return.")
    assert "Confusing customer satisfaction with customer loyalty" in back
    front, back = misconception_card(Bullet("Neglecting to align CRM strategies with overall business objectives", 1))
    assert "overall business objectives" not in front.lower()
    assert back.startswith("Overall business objectives.")


def test_misconception_consequence_is_asked_for():
    front, back = misconception_card(Bullet(
        "Neglecting to define clear boundaries and scope, leading to overpromising and underdelivering.", 1))
    assert front == ("Common mistake: neglecting to define clear boundaries and scope. "
                     "What does this typically lead to?")
    assert back.startswith("Overpromising and underdelivering.")


def test_deck_titles_come_from_meta_and_are_unique(plan):
    titles = {deck.id: deck.title for deck in plan.decks}
    assert titles["crm-principles"] == "Principles of customer relationships"
    assert len(set(titles.values())) == 5


def test_derived_title_rule_without_meta():
    topic = parse_seed("x\nTopic Synopsis\nThis subtopic explores the handling of complaints, "
                       "refunds and returns. More.\n", "s.txt")
    meta = derive_meta(topic, "s")
    assert meta.title == "Handling of complaints"
    assert meta.id == "handling-complaints"


def test_derived_title_falls_back_to_file_name_without_synopsis():
    meta = derive_meta(parse_seed("x\nKey Concepts & Core Principles\n- A: b\n", "s.txt"), "my_seed")
    assert (meta.id, meta.title) == ("my-seed", "my_seed")


def test_five_seeds_give_the_exam_section_cards(plan):
    counts = Counter(card.type for card in all_cards(plan))
    assert counts["exam-tip"] == 23
    assert counts["marking-point"] == 26
    assert counts["cloze"] >= 25
    concepts = {card.source for card in all_cards(plan) if card.type == "concept"}
    clozed = {card.source for card in all_cards(plan) if card.type == "cloze"}
    assert concepts == clozed  # at least one cloze card for every concept


def test_marking_point_asks_what_evidence_earns_the_credit():
    from crmrev.generate import marking_point_card

    front, back = marking_point_card(Bullet(
        "Award credit for illustrating how positive working relationships are built and maintained "
        "through professional conduct, reliability, and empathy.", 1))
    assert front == ("Marking point: what evidence earns credit for illustrating how positive working "
                     "relationships are built and maintained?")
    assert back.startswith("Through professional conduct, reliability, and empathy.")


def test_exam_tip_condition_becomes_the_question():
    from crmrev.generate import exam_tip_card

    front, back = exam_tip_card(Bullet("When proposing improvements, always justify recommendations with data.", 1))
    assert front == "Exam technique: when proposing improvements, what should you do?"
    assert back.startswith("Always justify recommendations with data.")


def test_cloze_blanks_key_terms_not_filler():
    from crmrev.generate import cloze_cards

    cards = cloze_cards(Bullet("Customer Service Excellence: Understanding service that meets expectations, "
                               "including service level agreements (SLAs) and key performance indicators (KPIs).", 1))
    answers = [back.split("\n")[0] for _front, back in cards]
    assert answers == ["Service level agreements", "Key performance indicators"]
    for front, back in cards:
        assert "______" in front and back.split("\n")[0].lower() not in front.lower()


def test_cloze_ids_stay_stable_and_distinct(plan):
    cloze = [card for card in all_cards(plan) if card.type == "cloze"]
    assert len({card.id for card in cloze}) == len(cloze)


@pytest.mark.parametrize(("lead", "framing"), [
    ("Look for proof that", "Marking point: examiners look for proof that “The candidate"),
    ("Evidence must show", "Marking point: evidence must show “The candidate"),
])
def test_clause_marking_points_read_as_sentences(lead, framing):
    from crmrev.generate import marking_point_card

    front, _back = marking_point_card(Bullet(f"{lead} the candidate has used customer feedback to make "
                                             "service improvements, showing a commitment to maintaining relations.", 1))
    assert front.startswith(framing)
