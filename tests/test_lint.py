"""Card quality warnings (Q001-Q006) in `crmrev check`: each one triggered by a small deck, at its
exact line and column, in all three output formats, and a near miss that must not trigger it."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest

from crmrev import lint
from crmrev.model import Card, Deck

HEAD = "id: x\ntitle: T\ncards:\n"


def card(card_id: str, front: str, back: str, card_type: str = "concept", **extra: str) -> str:
    """One card in YAML, five lines or more: id, type, front, back, then any extra keys."""
    lines = [f"- id: {card_id}", f"  type: {card_type}", f"  front: {json.dumps(front)}",
             f"  back: {json.dumps(back)}"]
    lines += [f"  {key}: {json.dumps(value)}" for key, value in extra.items()]
    return "\n".join(lines) + "\n"


FORTY = " ".join(f"q{n}" for n in range(39)) + " end?"       # 40 words: the limit, allowed
THIRTY_FIVE = " ".join(f"A{n}" for n in range(34)) + " stop."  # 35 words: the limit, allowed
CRA = "The Consumer Rights Act 2015."

# (name, {file name: deck text}, code, file with the warning, line, column, words in the message)
# Each card starts at line 4 + 4 * (its position) when it has no extra keys; the first card's id is
# on line 4, type 5, front 6, back 7.
TRIGGERS = [
    ("q001-connector", {"b.yaml": HEAD + card("a", "What must service data be aligned with?", "With organisational KPIs.")},
     "Q001", "b.yaml", 7, 3, ["'With'"]),
    ("q001-such-as", {"b.yaml": HEAD + card("a", "Name two quality methods.", "Such as mystery shopping and audits.")},
     "Q001", "b.yaml", 7, 3, ["'Such as'"]),
    ("q001-lower-case", {"b.yaml": HEAD + card("a", "What must service data be aligned with?", "organisational KPIs.")},
     "Q001", "b.yaml", 7, 3, ["lower-case 'organisational'"]),
    ("q002-common-word", {"b.yaml": HEAD + card("a", "Customers value ______ above price.", "Time.", "cloze")},
     "Q002", "b.yaml", 7, 3, ["single common word", "'Time'"]),
    ("q002-stopword", {"b.yaml": HEAD + card("a", "Complaints are logged ______ the CRM system.", "In.", "cloze")},
     "Q002", "b.yaml", 7, 3, ["stopword", "'In'"]),
    ("q002-heading", {"b.yaml": HEAD + card(
        "a", "Unresolved issues go through ______.", "Complaint escalation protocols.", "cloze",
        note="Complaint handling: unresolved issues go through complaint escalation protocols.")},
     "Q002", "b.yaml", 7, 3, ["heading 'Complaint handling'", "(complaint)"]),
    ("q003", {"b.yaml": HEAD + card("a", "Which 2015 Act gives consumers their rights?", CRA)},
     "Q003", "b.yaml", 6, 3, ["4 of the answer's 4 key words"]),
    ("q004-front", {"b.yaml": HEAD + card("a", FORTY + " more?", "Yes, because.")},
     "Q004", "b.yaml", 6, 3, ["front is 41 words, over 40"]),
    ("q004-back", {"b.yaml": HEAD + card("a", "Why?", THIRTY_FIVE + " More.")},
     "Q004", "b.yaml", 7, 3, ["back is 36 words, over 35"]),
    ("q005-fronts", {"b.yaml": HEAD + card("a", "Name the Act that protects consumers buying faulty goods.", CRA)
                     + card("b", "Which Act protects consumers buying faulty goods?", "The Sale of Goods Act.")},
     "Q005", "b.yaml", 8, 3, ["card 'b' nearly duplicates card 'a' ({dir}/b.yaml:4)", "fronts 92% alike"]),
    ("q005-across-decks", {"b.yaml": HEAD + card("a", "Name the Act that protects consumers buying faulty goods.", CRA),
                           "c.yaml": "id: y\ntitle: U\ncards:\n" + card("b", "Which Act protects consumers buying faulty goods?", CRA)},
     "Q005", "c.yaml", 4, 3, ["card 'b' nearly duplicates card 'a' ({dir}/b.yaml:4)"]),
    ("q005-same-back", {"b.yaml": HEAD + card("a", "Which Act lets a customer reject faulty goods within 30 days?", CRA)
                        + card("b", "Which Act gives a customer 30 days to reject faulty goods?", CRA)},
     "Q005", "b.yaml", 8, 3, ["the same answer and fronts 62% alike"]),
    ("q006", {"b.yaml": HEAD + card("a", "How long does a customer have to reject faulty goods?", "30 days.", group="n-1")
              + card("b", "Under which Act may a customer reject faulty goods within 30 days?", CRA, group="n-1")},
     "Q006", "b.yaml", 11, 3, ["front of card 'b' gives away the answer of its sibling card 'a' ({dir}/b.yaml:4)"]),
]

# (name, deck text, code that must not appear): a near miss for each rule.
NEAR_MISSES = [
    ("q001-complete-phrase", HEAD + card("a", "What must service data be aligned with?", "Organisational KPIs."), "Q001"),
    ("q001-acronym-digit-quote", HEAD + card("a", "Which score?", "eNPS.") + card("b", "When?", "2018.")
     + card("c", "Say what?", '"Sorry" first.') + card("d", "What kind of training?", "In-house training."), "Q001"),
    ("q002-key-term", HEAD + card("a", "Faulty goods may be rejected under ______.", CRA, "cloze",
                                  note="Legislation: the Consumer Rights Act 2015 covers faulty goods."), "Q002"),
    ("q002-acronym", HEAD + card("a", "Targets are set as ______ objectives.", "SMART.", "cloze"), "Q002"),
    ("q002-single-word-not-a-blank", HEAD + card("a", "What do customers value above price?", "Time."), "Q002"),
    ("q003-half-shown", HEAD + card("a", "Which Act gives customers the right to a repair or replacement?", CRA), "Q003"),
    ("q003-one-key-word", HEAD + card("a", "Which matters more, loyalty or satisfaction?", "It is loyalty."), "Q003"),
    ("q004-at-limits", HEAD + card("a", FORTY, THIRTY_FIVE), "Q004"),
    ("q005-different", HEAD + card("a", "Name the Act that protects consumers buying faulty goods.", CRA)
     + card("b", "Which Act sets the rules on processing personal data?", "The Data Protection Act 2018."), "Q005"),
    ("q005-same-back-unrelated-fronts", HEAD + card("a", "Which Act lets a customer reject faulty goods?", CRA)
     + card("b", "Name a law every retailer must display a notice about.", CRA), "Q005"),
    ("q006-not-siblings", HEAD + card("a", "How long does a customer have to reject faulty goods?", "30 days.", group="n-1")
     + card("b", "Under which Act may a customer reject faulty goods within 30 days?", CRA, group="n-2"), "Q006"),
    ("q006-siblings-that-keep-quiet", HEAD + card("a", "How long does a customer have to reject faulty goods?", "30 days.", group="n-1")
     + card("b", "Under which Act may a customer reject faulty goods?", CRA, group="n-1"), "Q006"),
]


@pytest.fixture
def deck_dir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no seeds/ here, so freshness is not checked
    folder = tmp_path / "decks"
    folder.mkdir()
    return folder


@pytest.mark.parametrize(("name", "files", "code", "where", "line", "column", "phrases"), TRIGGERS,
                         ids=[t[0] for t in TRIGGERS])
def test_each_quality_warning_in_all_formats(invoke, deck_dir, name, files, code, where, line, column,
                                             phrases):
    for file_name, text in files.items():
        (deck_dir / file_name).write_text(text, encoding="utf-8")
    path = deck_dir / where
    phrases = [phrase.format(dir=deck_dir) for phrase in phrases]

    result = invoke("check", deck_dir)
    assert result.exit_code == 0, result.output
    found = [l for l in result.output.splitlines() if l.endswith(f"[{code}]")]
    assert len(found) == 1, result.output
    assert found[0].startswith(f"{path}:{line}:{column}: warning: ")
    for phrase in phrases:
        assert phrase in found[0]
    assert "seeds/*.curation.yaml" in found[0]
    assert "Traceback" not in result.output

    result = invoke("check", deck_dir, "--format", "json")
    assert result.exit_code == 0
    problems = [p for p in json.loads(result.stdout) if p["code"] == code]
    assert [(p["file"], p["line"], p["column"], p["severity"]) for p in problems] == \
        [(str(path), line, column, "warning")]

    result = invoke("check", deck_dir, "--format", "github")
    assert result.exit_code == 0
    assert f"::warning file={path},line={line},col={column},title={code}::" in result.output

    result = invoke("check", deck_dir, "--strict")
    assert result.exit_code == 1
    assert f"[{code}]" in result.output


@pytest.mark.parametrize(("name", "text", "code"), NEAR_MISSES, ids=[n[0] for n in NEAR_MISSES])
def test_near_misses_do_not_warn(invoke, deck_dir, name, text, code):
    (deck_dir / "b.yaml").write_text(text, encoding="utf-8")
    result = invoke("check", deck_dir, "--format", "json")
    assert result.exit_code == 0, result.output
    assert [p for p in json.loads(result.stdout) if p["code"] == code] == []
    result = invoke("check", deck_dir, "--strict")  # a near miss is a good card: nothing else either
    assert result.exit_code == 0, result.output


def test_a_good_card_passes_strict(invoke, deck_dir):
    (deck_dir / "b.yaml").write_text(HEAD + card(
        "a", "Which Act gives customers a short-term right to reject faulty goods?", CRA, group="n-1")
        + card("b", "How long does the short-term right to reject faulty goods last?", "30 days.",
               group="n-1"), encoding="utf-8")
    result = invoke("check", deck_dir, "--strict")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "All checks passed: 1 deck, 2 cards."


def test_lines_stay_right_after_a_card_with_errors(invoke, deck_dir):
    """A card with an error is left out of the deck; the cards after it keep their own lines."""
    (deck_dir / "b.yaml").write_text(HEAD + card("a", "Q?", "A.", "riddle")
                                     + card("b", "What must service data be aligned with?", "With KPIs."))
    result = invoke("check", deck_dir, "--format", "json")
    assert result.exit_code == 1  # the unknown type is an error
    found = {(p["code"], p["line"]) for p in json.loads(result.stdout)}
    assert ("D013", 5) in found
    assert ("Q001", 11) in found


def test_the_whole_back_on_the_front_is_only_d022(invoke, deck_dir):
    (deck_dir / "b.yaml").write_text(HEAD + card("a", "Is customer loyalty customer loyalty?", "Customer loyalty"))
    codes = [p["code"] for p in json.loads(invoke("check", deck_dir, "--format", "json").stdout)]
    assert "D022" in codes
    assert "Q003" not in codes


def test_a_card_giving_its_own_answer_away_is_q003_not_q006(invoke, deck_dir):
    (deck_dir / "b.yaml").write_text(HEAD + card("a", "Which 2015 Act gives consumers their rights?", CRA, group="n-1")
                                     + card("b", "How long is the right to reject?", "30 days.", group="n-1"))
    codes = [p["code"] for p in json.loads(invoke("check", deck_dir, "--format", "json").stdout)]
    assert codes == ["Q003"]


def test_every_quality_code_is_documented():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    for code in ("Q001", "Q002", "Q003", "Q004", "Q005", "Q006", "Q007", "Q008"):
        assert re.search(rf"^\| `{code}` \| warning \| ", readme, re.M), code
    assert f"over {lint.MAX_FRONT_WORDS} words" in readme
    assert f"over {lint.MAX_BACK_WORDS} words" in readme


# ---------------------------------------------------------------- the library, directly


def test_first_sentence_and_words():
    assert lint.first_sentence("Customer loyalty. A satisfied customer may not return.") == "Customer loyalty."
    assert lint.first_sentence("Use a model, e.g. Gibbs' cycle. Then act.") == "Use a model, e.g. Gibbs' cycle."
    assert lint.first_sentence("\nFirst line\nSecond line") == "First line"
    assert lint.significant("The KPIs and policies of customers' teams") == {"kpi", "policy", "customer", "team"}


def _brute_force_duplicates(cards: list[Card]) -> set[str]:
    """Q005 by comparing every pair: what the indexed search must find, no more and no less."""
    import difflib

    found = set()
    fronts = [lint.normalise(c.front) for c in cards]
    backs = [lint.normalise(c.back) for c in cards]
    for later in range(len(cards)):
        for earlier in range(later):
            ratio = difflib.SequenceMatcher(None, fronts[earlier], fronts[later], autojunk=False).ratio()
            if (fronts[later] and ratio >= lint.DUPLICATE_FRONT_RATIO) or \
                    (backs[later] and backs[later] == backs[earlier] and ratio >= lint.SAME_BACK_FRONT_RATIO):
                found.add(cards[later].id)
                break
    return found


def test_duplicate_search_misses_no_pair():
    rng = random.Random(7)
    vocabulary = ["customer", "complaint", "loyalty", "retention", "survey", "journey", "channel", "empathy", "policy", "trust", "data"]
    cards = []
    for n in range(400):
        words = [rng.choice(vocabulary) for _ in range(rng.randint(1, 7))]
        if cards and rng.random() < 0.4:  # a variant of an earlier card: one word changed or added
            words = cards[rng.randrange(len(cards))].front.rstrip("?").split()
            words.insert(rng.randrange(len(words) + 1), rng.choice(vocabulary))
        back = rng.choice(["Yes.", "No.", "Trust.", f"Answer {n}."])
        cards.append(Card(f"c{n}", "concept", " ".join(words) + "?", back))
    found = {p.message.split("'")[1] for p in lint.lint_decks([Deck("d", "D", tuple(cards), path="d.yaml")], {})
             if p.code == "Q005"}
    expected = _brute_force_duplicates(cards)
    assert len(expected) > 50
    assert found == expected


def test_duplicate_search_is_skipped_for_huge_collections(monkeypatch):
    cards = tuple(Card(f"c{n}", "concept", "Which Act protects consumers?", f"Answer {n}.") for n in range(30))
    deck = Deck("d", "D", cards, path="d.yaml")
    assert sum(p.code == "Q005" for p in lint.lint_decks([deck], {})) == 29
    monkeypatch.setattr(lint, "MAX_PAIRWISE_CARDS", 29)
    assert not [p for p in lint.lint_decks([deck], {}) if p.code == "Q005"]
