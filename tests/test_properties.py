"""Property tests: the parser and the loader either succeed or raise crmrev's own error, and valid
decks round-trip through dump and load unchanged."""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crmrev import yamlsafe
from crmrev.decks import dump_deck, load_deck, validate
from crmrev.errors import CrmrevError
from crmrev.generate import card_texts, derive_meta
from crmrev.model import CARD_TYPES, Card, Deck
from crmrev.seeds import HEADINGS, decode_seed, parse_seed

HEADING_TEXT = list(HEADINGS.values())
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def seed_lines():
    bullet = st.tuples(st.sampled_from(["- ", "* ", "• ", "  ", "", "-", "1. "]),
                       st.text(min_size=0, max_size=60))
    heading = st.tuples(st.sampled_from(HEADING_TEXT), st.sampled_from(["", ":", " :", "  "]),
                        st.booleans()).map(lambda t: (t[0].upper() if t[2] else t[0]) + t[1])
    line = st.one_of(heading, bullet.map(lambda t: t[0] + t[1]), st.text(max_size=40))
    return st.lists(line, max_size=30)


@SETTINGS
@given(st.binary(max_size=400))
def test_any_bytes_give_a_topic_or_a_seed_error(data):
    try:
        topic = parse_seed(decode_seed(data, "s.txt"), "s.txt")
    except CrmrevError:
        return
    derive_meta(topic, "s")
    for draft in card_texts(topic):
        assert draft.type in CARD_TYPES


@SETTINGS
@given(seed_lines(), st.sampled_from(["\n", "\r\n", "\r"]), st.booleans())
def test_near_valid_seeds_give_cards_that_meet_the_rules(lines, newline, bom):
    text = ("\ufeff" if bom else "") + newline.join(["preview", *lines])
    try:
        topic = parse_seed(decode_seed(text.encode("utf-8"), "s.txt"), "s.txt")
    except CrmrevError:
        return
    total_lines = text.replace("\r\n", "\n").replace("\r", "\n").count("\n") + 1
    for warning in topic.warnings:
        assert 1 <= warning.line <= total_lines
    for draft in card_texts(topic):
        assert draft.front.strip() and draft.back.strip()
        assert draft.back.strip().lower() not in draft.front.lower()


yaml_fragments = st.lists(st.sampled_from([
    "id: x\n", "title: T\n", "cards:\n", "- id: a\n", "  type: concept\n", "  front: Q?\n", "  back: A.\n",
    "  front: [", "]\n", "{", "}", "&a ", "*a\n", "!!python/object ", "\"", "'", ": ", "- ", "  ", "\t",
    "no\n", "12:30\n", "? ", "|\n", ">\n", "---\n", "...\n", "%YAML 1.1\n", "\x85", "\ufeff",
]), max_size=25).map("".join)


@SETTINGS
@given(st.one_of(yaml_fragments, st.text(max_size=200)))
def test_loader_returns_problems_or_raises_only_deck_error(text):
    doc = yamlsafe.parse(text, "d.yaml")
    _deck, problems = validate(doc, "d.yaml")
    for problem in problems:
        assert problem.line >= 1 and problem.column >= 1
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "d.yaml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass") if "\ud800" not in text else None
        if path.exists():
            with contextlib.suppress(CrmrevError):
                load_deck(path)


printable = st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"),
                                           blacklist_characters="\u061c\u200e\u200f\u202a\u202b\u202c\u202d"
                                                                "\u202e\u2066\u2067\u2068\u2069\ufeff\x85"),
                    min_size=1, max_size=80).filter(lambda s: s.strip() == s and s.strip())
card_ids = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._/-]{0,20}", fullmatch=True)


@st.composite
def decks(draw):
    ids = draw(st.lists(card_ids, min_size=0, max_size=6, unique=True))
    cards = []
    for card_id in ids:
        front = draw(printable)
        back = draw(printable.filter(lambda b, f=front: b.lower() not in f.lower() and b != f))
        multiline = draw(st.booleans())
        cards.append(Card(id=card_id, type=draw(st.sampled_from(CARD_TYPES)), front=front,
                          back=back + ("\n\nmore" if multiline else ""),
                          source=draw(st.one_of(st.none(), printable))))
    return Deck(id=draw(card_ids), title=draw(printable), cards=tuple(cards))


@SETTINGS
@given(decks(), st.booleans())
def test_valid_decks_round_trip_through_dump_and_load(deck, generated):
    text = dump_deck(deck, "seeds/x.txt" if generated else None)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "d.yaml"
        path.write_text(text, encoding="utf-8")
        loaded = load_deck(path)
    assert loaded.id == deck.id and loaded.title == deck.title
    assert loaded.cards == deck.cards
    assert dump_deck(loaded, "seeds/x.txt" if generated else None) == text
