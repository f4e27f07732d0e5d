"""Card quality: warnings about cards that are valid but teach badly (codes Q001-Q006).

The rules come from /work/shared/CARDS.md ("How cards are judged"): answers are complete phrases, a
blank hides a key term, the front never gives the answer away, cards stay short, no two cards test the
same thing, and no sibling card gives another's answer away.

Pure: decks and their parsed documents (for line and column marks) in, Problems out. No I/O.
"""

from __future__ import annotations

import difflib
import math
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from crmrev.model import Card, Deck, Problem, Severity
from crmrev.text import STOPWORDS, gives_away, significant, stem, words

# Q004: a card longer than this many words (split on white space) is too long to recall in one go.
MAX_FRONT_WORDS = 40
MAX_BACK_WORDS = 35

# Q005: near-duplicate thresholds (difflib ratio of the normalised words, see normalise()).
DUPLICATE_FRONT_RATIO = 0.85
SAME_BACK_FRONT_RATIO = 0.60
# The near-duplicate pass is skipped, silently, above this many cards. Its cost grows faster than the
# number of cards (each card is compared with every earlier card that shares one of its rarer words):
# a few thousand cards take well under a second, but the benchmarks' 100,000-card decks, written from a
# 39-word vocabulary, would make `check` slow for everyone. A collection that size is generated rather
# than written by hand, so a duplicate report on it would be noise, not advice.
MAX_PAIRWISE_CARDS = 5_000

# Q003 and Q006: the share of the answer's significant words that counts as "on the front".

BLANK = "______"
CURATE = "rewrite the card or curate it in seeds/*.curation.yaml"

# Q001: an answer that starts with one of these continues a sentence begun on the front.
CONNECTORS = ("such as", "including", "with", "to", "for", "by", "of", "in", "on", "from", "through",
              "via", "into", "and", "or")


_CONNECTOR = re.compile(r"(?:" + "|".join(c.replace(" ", r"\s+") for c in CONNECTORS) + r")\b(?![-'’])",
                        re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?]+[\"”’')\]]*\s+")
_ABBREVIATIONS = frozenset({"e.g.", "i.e.", "etc.", "vs.", "cf.", "no.", "mr.", "mrs.", "ms.", "dr.",
                            "st.", "approx.", "incl.", "esp."})


# ---------------------------------------------------------------- words


def first_sentence(text: str) -> str:
    """The back's first line, up to its first full stop (not one of 'e.g.', 'i.e.', …)."""
    line = next((part.strip() for part in text.strip().splitlines() if part.strip()), "")
    for match in _SENTENCE_END.finditer(line):
        before = line[:match.start()].rsplit(None, 1)
        last = (before[-1] if before else "") + line[match.start()]
        if last.casefold() in _ABBREVIATIONS or (len(last) == 2 and last[0].isalpha()):
            continue  # an abbreviation or an initial, not the end of the sentence
        return line[:match.end()].strip()
    return line


def _is_acronym(word: str) -> bool:
    return sum(1 for char in word if char.isupper()) >= 2


def _quote(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return f"'{text}'" if len(text) <= limit else f"'{text[:limit - 1]}…'"


# ---------------------------------------------------------------- locating cards


class _Entry(NamedTuple):
    card: Card
    path: str
    position: int    # the card's position in the file's `cards:` list (not in deck.cards)
    doc: Any         # yamlsafe.Document, or None when the caller has none

    def where(self, key: str = "id") -> tuple[int, int]:
        return self.doc.mark("cards", self.position, key) if self.doc is not None else (1, 1)

    def problem(self, key: str, code: str, message: str) -> Problem:
        line, column = self.where(key)
        return Problem(self.path, line, column, Severity.WARNING, code, message)

    @property
    def label(self) -> str:
        line, _ = self.where()
        return f"'{self.card.id}' ({self.path}:{line})"


def _entries(decks: Sequence[Deck], docs: Mapping[str, object]) -> list[_Entry]:
    """Every card with its position in its file. A card with errors is left out of deck.cards, so
    positions come from walking the file's own list alongside the loaded cards."""
    entries: list[_Entry] = []
    for deck in decks:
        path = deck.path or ""
        doc = docs.get(path)
        items = getattr(doc, "data", None)
        items = items.get("cards") if isinstance(items, dict) else None
        items = items if isinstance(items, list) else []
        position = 0
        for fallback, card in enumerate(deck.cards):
            index = None
            while position < len(items):
                item = items[position]
                position += 1
                if isinstance(item, dict) and item.get("id") == card.id and item.get("front") == card.front:
                    index = position - 1
                    break
            entries.append(_Entry(card, path, fallback if index is None else index, doc))
    return entries


# ---------------------------------------------------------------- one card at a time


def fragment_answer(card: Card) -> str | None:
    """Q001: why the back reads as the rest of the front's sentence, or None."""
    back = card.back.strip()
    if not back:
        return None
    match = _CONNECTOR.match(back)
    if match and not _is_acronym(match.group()):
        return f"the answer starts with '{match.group()}'"
    first_word = back.split(None, 1)[0]
    if back[0].isalpha() and back[0].islower() and not any(char.isupper() for char in first_word):
        return f"the answer starts with a lower-case '{first_word}'"  # eNPS, iPhone are fine
    return None


def poor_blank(card: Card) -> str | None:
    """Q002: why a gap card's answer is a poor thing to blank, or None."""
    if BLANK not in card.front:
        return None
    answer = first_sentence(card.back).removesuffix(".").strip()
    parts = answer.split()
    if not parts:
        return None
    if len(parts) == 1:
        word = parts[0].strip("\"'“”‘’()[],;:!?")
        if word.casefold() in STOPWORDS:
            return f"the blank hides the stopword {_quote(word)}"
        if not any(char.isdigit() for char in word) and not _is_acronym(word):
            return f"the blank hides a single common word, {_quote(word)}"
    note = card.note or ""
    if ": " in note:
        heading = note.split(": ", 1)[0]
        shared = significant(heading) & significant(answer)
        if shared:
            return (f"the blank's answer {_quote(answer)} repeats the heading {_quote(heading)} "
                    f"({', '.join(sorted(shared))})")
    return None


def answer_on_front(card: Card) -> str | None:
    """Q003: most of the back's first sentence is already on the front. The whole back appearing
    verbatim is the error D022, so that case is left to it."""
    if card.back.strip().casefold() in card.front.casefold():
        return None
    answer = significant(first_sentence(card.back))
    if len(answer) < 2 or not gives_away(answer, significant(card.front)):
        return None
    shown = sorted(answer & significant(card.front))
    return f"{len(shown)} of the answer's {len(answer)} key words are on the front ({', '.join(shown)})"


# ---------------------------------------------------------------- pairs of cards


def normalise(text: str) -> tuple[str, ...]:
    """A text as Q005 compares it: its words, case-folded, punctuation and stopwords removed,
    plurals merged."""
    return tuple(stem(w) for w in words(text) if w.casefold() not in STOPWORDS)


def _keys(tokens: tuple[str, ...]) -> list[tuple[str, int]]:
    """The words of a text as a set: a repeated word is numbered, so sets count repeats."""
    seen: dict[str, int] = defaultdict(int)
    keys = []
    for token in tokens:
        seen[token] += 1
        keys.append((token, seen[token]))
    return keys


def _prefix_length(size: int, ratio: float) -> int:
    """Prefix filtering (Chaudhuri et al. 2006; Bayardo et al. 2007): two texts whose word ratio
    reaches `ratio` share at least that Dice share of their words, hence Jaccard t = r / (2 - r), and
    then they share a word among the first size - ceil(t * size) + 1 of each, rarest first. So only
    those words are indexed, and texts that share none are never compared: no pair is missed."""
    jaccard = ratio / (2 - ratio)
    return size - math.ceil(jaccard * size - 1e-9) + 1


def _similar(matcher: difflib.SequenceMatcher, other: tuple[str, ...], threshold: float) -> float:
    """difflib's ratio when it reaches `threshold`, else 0; the cheap upper bounds go first."""
    matcher.set_seq1(other)
    if matcher.real_quick_ratio() < threshold or matcher.quick_ratio() < threshold:
        return 0.0
    ratio = matcher.ratio()
    return ratio if ratio >= threshold else 0.0


def _duplicates(entries: list[_Entry]) -> list[Problem]:
    """Q005: each card that nearly repeats an earlier one (within a deck or across decks).

    Fronts are compared word by word (difflib's ratio over the normalised words), which is also what
    makes this fast: letter counts of any two English sentences are alike, word counts are not."""
    fronts = [normalise(entry.card.front) for entry in entries]
    keys = [_keys(front) for front in fronts]
    key_sets = [frozenset(card_keys) for card_keys in keys]
    frequency: dict[tuple[str, int], int] = defaultdict(int)
    for card_keys in keys:
        for key in card_keys:
            frequency[key] += 1
    index: dict[tuple[str, int], list[int]] = defaultdict(list)
    same_back: dict[tuple[str, ...], list[int]] = defaultdict(list)
    problems: list[Problem] = []
    for later, entry in enumerate(entries):
        matcher = difflib.SequenceMatcher(None, autojunk=False)
        matcher.set_seq2(fronts[later])
        best: tuple[float, int, bool] | None = None   # (ratio, earlier card, by its same back)
        if fronts[later]:
            rarest = sorted(keys[later], key=lambda key: (frequency[key], key))
            prefix = rarest[:_prefix_length(len(rarest), DUPLICATE_FRONT_RATIO)]
            size, mine = len(fronts[later]), key_sets[later]
            for earlier in sorted({earlier for key in prefix for earlier in index[key]}):
                # Words in common bound the ratio from above (difflib's quick_ratio, for less).
                if 2 * len(mine & key_sets[earlier]) < DUPLICATE_FRONT_RATIO * (size + len(fronts[earlier])):
                    continue
                ratio = _similar(matcher, fronts[earlier], DUPLICATE_FRONT_RATIO)
                if ratio > (best[0] if best else 0.0):
                    best = (ratio, earlier, False)
            for key in prefix:
                index[key].append(later)
        back = normalise(entry.card.back)
        if best is None and back:
            for earlier in same_back[back]:
                ratio = _similar(matcher, fronts[earlier], SAME_BACK_FRONT_RATIO)
                if ratio > (best[0] if best else 0.0):
                    best = (ratio, earlier, True)
        if back:
            same_back[back].append(later)
        if best is None:
            continue
        ratio, earlier, by_back = best
        how = (f"the same answer and fronts {ratio:.0%} alike" if by_back
               else f"fronts {ratio:.0%} alike")
        problems.append(entry.problem(
            "id", "Q005", f"card '{entry.card.id}' nearly duplicates card "
            f"{entries[earlier].label} ({how}); keep one or make them clearly different ({CURATE})"))
    return problems


def _sibling_leaks(entries: list[_Entry]) -> list[Problem]:
    """Q006: a card whose front holds the answer of a card made from the same note."""
    groups: dict[str, list[_Entry]] = defaultdict(list)
    for entry in entries:
        if entry.card.group and entry.card.group.strip():
            groups[entry.card.group].append(entry)
    problems: list[Problem] = []
    for members in groups.values():
        if len(members) < 2:
            continue
        answers = [significant(first_sentence(m.card.back)) for m in members]
        for shown in members:
            front = significant(shown.card.front)
            for answered, answer in zip(members, answers, strict=True):
                if answered is shown or not gives_away(answer, front):
                    continue
                problems.append(shown.problem(
                    "front", "Q006", f"the front of card '{shown.card.id}' gives away the answer of "
                    f"its sibling card {answered.label}, {_quote(first_sentence(answered.card.back))}; "
                    f"{CURATE}"))
    return problems


# ---------------------------------------------------------------- all rules


def lint_decks(decks: Sequence[Deck], docs: Mapping[str, object]) -> list[Problem]:
    """Every card-quality warning for these decks. `docs` maps a deck's path to its parsed
    yamlsafe.Document, for line and column; a deck without one is reported at 1:1."""
    entries = _entries(decks, docs)
    problems: list[Problem] = []
    for entry in entries:
        card = entry.card
        reason = fragment_answer(card)
        if reason:
            problems.append(entry.problem(
                "back", "Q001", f"{reason}, a fragment that continues the front's sentence: answer with "
                f"a complete phrase; {CURATE}"))
        reason = poor_blank(card)
        if reason:
            problems.append(entry.problem(
                "back", "Q002", f"{reason}: blank a key term instead (a number, a named Act, model or "
                f"tool, a consequence); {CURATE}"))
        reason = answer_on_front(card)
        if reason:
            problems.append(entry.problem(
                "front", "Q003", f"the front gives the answer away: {reason}; {CURATE}"))
        for key, limit in (("front", MAX_FRONT_WORDS), ("back", MAX_BACK_WORDS)):
            count = len(getattr(card, key).split())
            if count > limit:
                problems.append(entry.problem(
                    key, "Q004", f"the {key} is {count} words, over {limit}: ask for one fact with a "
                    f"short answer (split the card); {CURATE}"))
    if len(entries) <= MAX_PAIRWISE_CARDS:
        problems.extend(_duplicates(entries))
    problems.extend(_sibling_leaks(entries))
    return problems
