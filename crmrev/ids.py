"""Card ids that survive rewording: a card is matched to its old self by its note and type.

The note (the seed bullet a card asks about) and the card type are a card's identity; its wording is
not, so improving a template never orphans a learner's progress (hashcards lost progress on edit for
this reason). Pure: no I/O.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Sequence

from crmrev.model import Card, CardType
from crmrev.text import normalise_space

# A reworded note keeps its cards' ids when it is at least this similar to the old one, the same
# idea as git's rename detection (git's default is 50%).
SIMILARITY_THRESHOLD = 0.6

_ID_PREFIX = {
    CardType.CONCEPT: "con",
    CardType.MISCONCEPTION: "mis",
    CardType.EXAM_TIP: "tip",
    CardType.MARKING_POINT: "mark",
    CardType.CLOZE: "cloze",
    CardType.SCENARIO: "scn",
}
# Decks written before cards recorded their note quoted it on the back after this marker.
_LEGACY_IN_FULL = "The note in full: "
_LEGACY_TERM = re.compile(r"“(.+?)”")


def type_of_id(card_id: str) -> str | None:
    """The card type a generated id was made for, from its prefix ("tip-…" → exam-tip)."""
    prefix = card_id.split("-", 1)[0]
    return next((str(kind) for kind, known in _ID_PREFIX.items() if known == prefix), None)


def note_key(text: str) -> str:
    """Notes compare equal when they differ only in spacing, case or a final full stop."""
    return normalise_space(text).rstrip(".").casefold()


def legacy_note(card: Card) -> str:
    """The note of a card from a deck written before notes were recorded, recovered from its text:
    the quoted note on the back, or for a concept card "Term: explanation"."""
    if _LEGACY_IN_FULL in card.back:
        return card.back.rsplit(_LEGACY_IN_FULL, 1)[1].strip().strip("“”")
    if card.type == CardType.CONCEPT:
        term = _LEGACY_TERM.search(card.front)
        if term:
            return f"{term.group(1)}: {card.back}"
    return f"{card.front}\n{card.back}"


def card_note(card: Card) -> str:
    return card.note if card.note is not None else legacy_note(card)


def new_card_id(seed_name: str, card_type: str, identity: str, taken: set[str]) -> str:
    digest = hashlib.sha1(f"{seed_name}\0{card_type}\0{normalise_space(identity)}".encode()).hexdigest()
    prefix = _ID_PREFIX.get(CardType(card_type), "card")
    for width in range(8, 41):
        candidate = f"{prefix}-{digest[:width]}"
        if candidate not in taken:
            return candidate
    raise AssertionError("sha1 prefixes exhausted")  # pragma: no cover


def _similarity(a: str, b: str) -> float:
    """How alike two notes are, word by word (as git compares lines): a typo fixed or a word swapped
    keeps a note recognisable. Comparing words, not characters, is also seven times faster."""
    matcher = difflib.SequenceMatcher(None, a.split(), b.split(), autojunk=False)
    if matcher.real_quick_ratio() < SIMILARITY_THRESHOLD or matcher.quick_ratio() < SIMILARITY_THRESHOLD:
        return 0.0
    return matcher.ratio()


# Rename matching compares a reworded note only with the old notes that share its rarer words, the
# best CANDIDATES of them, instead of with every old note: comparing all pairs made rewording every
# bullet of a 400-bullet seed take 33 s, and a 6,800-bullet one over nine minutes. A word found in
# more than COMMON_WORD notes of one type tells none of them apart and casts no vote.
CANDIDATES = 8
COMMON_WORD = 64
_WORD = re.compile(r"\w+")


def carry_ids(new: Sequence[tuple[str, str]], old: Iterable[Card]) -> dict[int, str]:
    """Match new (type, note) cards to old cards: {index in new: old id}.

    The same note and type first, in order (a note that makes two cards of one type keeps both);
    then, per type, the most similar remaining notes above the threshold, best first, as git
    matches renamed files. Unmatched new cards get fresh ids."""
    old_cards = list(old)
    old_keys = [note_key(card_note(card)) for card in old_cards]
    by_key: dict[tuple[str, str], list[str]] = {}
    for card, key in zip(old_cards, old_keys, strict=True):
        by_key.setdefault((card.type, key), []).append(card.id)
    result: dict[int, str] = {}
    for index, (card_type, note) in enumerate(new):
        waiting = by_key.get((card_type, note_key(note)))
        if waiting:
            result[index] = waiting.pop(0)
    used = set(result.values())
    postings: dict[tuple[str, str], list[int]] = {}  # (type, word) → positions of old notes holding it
    for position, (card, key) in enumerate(zip(old_cards, old_keys, strict=True)):
        if card.id not in used:
            for word in set(_WORD.findall(key)):
                postings.setdefault((card.type, word), []).append(position)
    pairs: list[tuple[float, int, int, str]] = []
    for index, (card_type, note) in enumerate(new):
        if index in result:
            continue
        key = note_key(note)
        votes: Counter[int] = Counter()
        for word in set(_WORD.findall(key)):
            holders = postings.get((card_type, word), ())
            if len(holders) <= COMMON_WORD:
                votes.update(holders)
        for position, _votes in votes.most_common(CANDIDATES):
            score = _similarity(key, old_keys[position])
            if score >= SIMILARITY_THRESHOLD:
                pairs.append((score, -abs(position - index), index, old_cards[position].id))
    for _score, _distance, index, card_id in sorted(pairs, reverse=True):
        if index not in result and card_id not in used:
            result[index] = card_id
            used.add(card_id)
    return result
