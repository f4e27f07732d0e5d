"""Author curation: skip, rewrite or add cards by id, in a file beside the seed, kept across rebuilds.

`seeds/<seed>.curation.yaml` holds what an author decided about that seed's cards:

    cards:
      con-182d5b3f:                       # a generated card, by id
        note: "Legislation and Regulations: …"   # the note as it read when curated
        front: Which Act gives a customer rights when goods they bought are faulty?
        back: The Consumer Rights Act 2015.
      tip-1a2b3c4d:
        note: "Use practical examples …"
        skip: four tips already say "use workplace examples"   # why it is skipped
    add:
      - id: scn-faulty-goods
        type: scenario
        note: "Legislation and Regulations: …"   # the note it is grounded in: its sibling group
        front: A customer says …
        back: …

Every entry records its note, so that when the note is later reworded `crmrev check` shows the old
and new text (Q008) instead of silently keeping a stale hand-written answer. Pure: the file is
parsed by the caller into a yamlsafe Document.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from crmrev.errors import SeedError
from crmrev.ids import SIMILARITY_THRESHOLD, note_key, type_of_id
from crmrev.model import CARD_TYPES, Bullet, Card, Problem, Severity, group_of
from crmrev.text import normalise_space

SUFFIX = ".curation.yaml"
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]*$")
_OVERRIDE_KEYS = {"note", "front", "back", "skip"}
_ADD_KEYS = {"id", "type", "note", "front", "back"}


@dataclass(frozen=True, slots=True)
class Override:
    card_id: str
    note: str
    line: int
    front: str | None = None
    back: str | None = None
    skip: str | None = None  # the author's reason


@dataclass(frozen=True, slots=True)
class Addition:
    card: Card
    line: int


@dataclass(slots=True)
class Curation:
    path: str
    overrides: dict[str, Override] = field(default_factory=dict)
    additions: list[Addition] = field(default_factory=list)


class _Reader:
    def __init__(self, doc, path: str) -> None:
        self.doc = doc
        self.path = path

    def fail(self, where: tuple, message: str, hint: str | None = None) -> SeedError:
        line, column = self.doc.mark(*where)
        return SeedError(message, path=self.path, line=line, column=column, code="C001",
                         hint=hint or "see 'Curating cards' in the README")

    def text(self, entry: dict, key: str, where: tuple, required: bool) -> str | None:
        value = entry.get(key)
        if value is None:
            if required:
                raise self.fail(where, f"'{key}' is missing")
            return None
        if not isinstance(value, str) or not value.strip():
            raise self.fail((*where, key), f"'{key}' must be non-empty text")
        return normalise_space(value) if key in ("note", "skip") else value.strip()

    def mapping(self, value: object, where: tuple, what: str, allowed: set[str]) -> dict:
        if not isinstance(value, dict):
            raise self.fail(where, f"{what} must be a mapping")
        unknown = sorted(set(value) - allowed)
        if unknown:
            raise self.fail((*where, unknown[0]), f"unknown key '{unknown[0]}' in {what}",
                            hint=f"use {', '.join(sorted(allowed))}")
        return value

    def override(self, card_id: str, value: object) -> Override:
        where = ("cards", card_id)
        entry = self.mapping(value, where, f"the entry for '{card_id}'", _OVERRIDE_KEYS)
        note = self.text(entry, "note", where, True)
        skip, front, back = (self.text(entry, key, where, False) for key in ("skip", "front", "back"))
        if skip is None and front is None and back is None:
            raise self.fail(where, f"the entry for '{card_id}' changes nothing",
                            hint="give 'skip: <why>', or a new 'front' and/or 'back'")
        if skip is not None and (front or back):
            raise self.fail(where, f"the entry for '{card_id}' both skips and rewrites the card",
                            hint="keep either 'skip' or 'front'/'back'")
        assert note is not None  # required: self.text raised otherwise
        return Override(card_id, note, self.doc.mark(*where)[0], front, back, skip)

    def addition(self, index: int, value: object) -> Addition:
        where = ("add", index)
        entry = self.mapping(value, where, "an added card", _ADD_KEYS)
        card_id, card_type, note, front, back = (self.text(entry, key, where, True)
                                                 for key in ("id", "type", "note", "front", "back"))
        if not _ID.match(card_id or ""):
            raise self.fail((*where, "id"),
                            f"card id '{card_id}' must be letters, digits, '-', '_', '.' or '/'")
        if card_type not in CARD_TYPES:
            raise self.fail((*where, "type"), f"unknown card type '{card_type}'",
                            hint=f"use one of {', '.join(CARD_TYPES)}")
        assert card_id and front and back and note  # required: self.text raised otherwise
        card = Card(id=card_id, type=card_type, front=front, back=back, note=note, group=group_of(note))
        return Addition(card, self.doc.mark(*where)[0])

    def read(self) -> Curation:
        data = self.doc.data
        curation = Curation(self.path)
        if data is None:
            return curation
        top = self.mapping(data, (), "a curation file", {"cards", "add"})
        cards = top.get("cards") or {}
        for card_id, value in self.mapping(cards, ("cards",), "'cards'", set(cards)).items():
            curation.overrides[card_id] = self.override(card_id, value)
        added = top.get("add") or []
        if not isinstance(added, list):
            raise self.fail(("add",), "'add' must be a list of cards")
        seen: set[str] = set()
        for index, value in enumerate(added):
            addition = self.addition(index, value)
            if addition.card.id in seen or addition.card.id in curation.overrides:
                raise self.fail(("add", index, "id"), f"card id '{addition.card.id}' is used twice")
            seen.add(addition.card.id)
            curation.additions.append(addition)
        return curation


def skipped_cards(curation: Curation) -> list[Card]:
    """Skipped cards are not in the deck, so a rebuild could not recognise them after their note is
    reworded and would bring them back under a new id. These stand-ins, made from each skip entry's
    id and note, let id matching find them; the skip then applies again (and Q008 asks the author
    to confirm it)."""
    found = []
    for override in curation.overrides.values():
        card_type = type_of_id(override.card_id)
        if override.skip is not None and card_type is not None:
            found.append(Card(id=override.card_id, type=card_type, front="", back="", note=override.note))
    return found


def read_curation(doc, path: str) -> Curation:
    """A parsed yamlsafe Document → Curation, or SeedError at the first problem, with its line."""
    if doc.errors:
        first = doc.errors[0]
        raise SeedError(first.message, path=path, line=first.line, column=first.column, code=first.code)
    return _Reader(doc, path).read()


def _warning(curation: Curation, line: int, code: str, message: str) -> Problem:
    return Problem(curation.path, line, 1, Severity.WARNING, code, message)


def _stale(curation: Curation, line: int, card_id: str, was: str, now: str) -> Problem:
    return _warning(curation, line, "Q008",
                    f"the note of '{card_id}' has changed since it was curated; check the card "
                    f"still fits, then set its 'note' to the new text. Was: “{was}” Now: “{now}”")


def _home(note: str, bullets: list[Bullet]) -> tuple[Bullet | None, bool]:
    """The bullet an added card belongs to: the same note, else the most similar (reworded)."""
    best, best_score = None, 0.0
    for bullet in bullets:
        if note_key(bullet.text) == note_key(note):
            return bullet, True
        score = difflib.SequenceMatcher(None, note_key(bullet.text), note_key(note), autojunk=False).ratio()
        if score > best_score:
            best, best_score = bullet, score
    return (best, False) if best_score >= SIMILARITY_THRESHOLD else (None, False)


def apply_curation(cards: list[Card], curation: Curation, bullets: list[Bullet],
                   seed_source: str) -> tuple[list[Card], list[Problem], list[str]]:
    """(cards as curated, problems, ids skipped). Unknown ids (Q007) and notes changed since
    curation (Q008) are warnings: the build still succeeds, and `check --strict` holds the line."""
    problems: list[Problem] = []
    skipped: list[str] = []
    result: list[Card] = []
    known = {card.id for card in cards}
    for card in cards:
        override = curation.overrides.get(card.id)
        if override is None:
            result.append(card)
            continue
        if card.note is not None and note_key(card.note) != note_key(override.note):
            problems.append(_stale(curation, override.line, card.id, override.note, card.note))
        if override.skip is not None:
            skipped.append(card.id)
            continue
        result.append(card._replace(front=override.front or card.front, back=override.back or card.back))
    for card_id, override in curation.overrides.items():
        if card_id not in known:
            problems.append(_warning(curation, override.line, "Q007",
                                     f"curation entry '{card_id}' matches no card made from "
                                     f"{seed_source}; remove the entry, or fix its id"))
    generated = {card.id: card for card in cards}
    for addition in curation.additions:
        card = addition.card
        home, exact = _home(card.note or "", bullets)
        twin = generated.get(card.id)
        if twin is not None:
            # A hand-written card that kept an old id, for a note the generator now asks about with
            # a card of the same type and that id: one card, and the author's text wins.
            if twin.type != card.type or home is None or note_key(twin.note or "") != note_key(home.text):
                raise SeedError(f"added card id '{card.id}' is already a generated card's id",
                                path=curation.path, line=addition.line, code="C001",
                                hint="choose another id, or curate that card under 'cards'")
            if not exact:
                problems.append(_stale(curation, addition.line, card.id, card.note or "", home.text))
            replaced = twin._replace(front=card.front, back=card.back)
            at = next((i for i, kept in enumerate(result) if kept.id == card.id), None)
            if at is None:
                result.append(replaced)  # the generated twin was skipped: the added card stands
            else:
                result[at] = replaced
            continue
        if home is None:
            problems.append(_warning(curation, addition.line, "Q007",
                                     f"the note added card '{card.id}' belongs to is no longer in "
                                     f"{seed_source}; move the card to another note or remove it"))
            result.append(card._replace(source=seed_source))
            continue
        if not exact:
            problems.append(_stale(curation, addition.line, card.id, card.note or "", home.text))
        note = normalise_space(home.text)
        result.append(card._replace(source=f"{seed_source}:{home.line}", note=note, group=group_of(note)))
    return result, problems, skipped
