"""Which cards to show today, and in what order. Pure: today is a parameter."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from crmrev.errors import UsageError
from crmrev.exam import ExamPlan, effective_due, is_due
from crmrev.model import CARD_TYPES, Card, CardState, Deck

DEFAULT_NEW_PER_DAY = 20


class Item(NamedTuple):
    card: Card
    deck: Deck
    is_new: bool


def select_cards(decks: Sequence[Deck], deck_ids: Iterable[str] = (),
                 types: Iterable[str] = ()) -> list[tuple[Card, Deck]]:
    """Cards in deck order, restricted to the chosen decks and types."""
    wanted_decks = list(deck_ids)
    known = {deck.id for deck in decks}
    unknown = [d for d in wanted_decks if d not in known]
    if unknown:
        raise UsageError(f"no deck with id {', '.join(repr(d) for d in unknown)}",
                         hint=f"deck ids are: {', '.join(sorted(known))}")
    wanted_types = list(types)
    bad_types = [t for t in wanted_types if t not in CARD_TYPES]
    if bad_types:
        raise UsageError(f"unknown card type {', '.join(repr(t) for t in bad_types)}",
                         hint=f"types are: {', '.join(CARD_TYPES)}")
    chosen = [deck for deck in decks if not wanted_decks or deck.id in wanted_decks]
    return [(card, deck) for deck in chosen for card in deck.cards
            if not wanted_types or card.type in wanted_types]


def new_allowed(introduced_today: int, session_new: int | None,
                per_day: int = DEFAULT_NEW_PER_DAY) -> int:
    """--new N sets this session's allowance; otherwise what is left of the daily limit."""
    if session_new is not None:
        return max(0, session_new)
    return max(0, per_day - introduced_today)


class Queue(NamedTuple):
    """Today's cards, and how many were held back because a sibling (a card made from the same
    note) is shown or was reviewed today. Held cards are not written anywhere: a due one is simply
    still due tomorrow, a new one is introduced on a later day."""

    items: list[Item]
    held_new: int = 0
    held_due: int = 0
    held_cards: tuple[Card, ...] = ()
    reviewed_groups: frozenset[str] = frozenset()

    @property
    def held(self) -> int:
        return self.held_new + self.held_due

    def waiting_after(self, reviewed: Iterable[Card]) -> set[str]:
        """Ids of held cards whose sibling was in fact reviewed today (before or in this session):
        what the summary reports, so that quitting early does not claim siblings of cards never
        shown."""
        groups = self.reviewed_groups | {card.sibling_key for card in reviewed}
        return {card.id for card in self.held_cards if card.sibling_key in groups}


class Siblings:
    """The sibling rule, in this one place: at most one card of a sibling group a day.

    A group is taken for the day when any of its cards was reviewed today (state.last_review ==
    today), when a card of it is in `exclude` (answered in this session), or when an earlier
    candidate of it has been kept. A card never blocks itself: a same-day repeat of a card after a
    grade below 4 is that card again, not a sibling."""

    def __init__(self, cards: Iterable[tuple[Card, Deck]], states: dict[str, CardState],
                 today: dt.date, exclude: Iterable[str] = ()) -> None:
        done = set(exclude)
        self._taken: dict[str, set[str]] = {}
        for card, _ in cards:
            state = states.get(card.id)
            if card.id in done or (state is not None and state.last_review == today):
                self._taken.setdefault(card.sibling_key, set()).add(card.id)
        self.reviewed_groups = frozenset(self._taken)

    def keep(self, card: Card) -> bool:
        """True, and the card's group is taken for today, unless another card of the group
        already took it."""
        taken = self._taken.setdefault(card.sibling_key, set())
        if taken and taken != {card.id}:
            return False
        taken.add(card.id)
        return True


def build_queue(cards: Sequence[tuple[Card, Deck]], states: dict[str, CardState], today: dt.date,
                *, new_limit: int, limit: int | None = None,
                exam: ExamPlan | None = None, repeats: Sequence[str] = ()) -> Queue:
    """Same-day repeats an earlier session left pending (`repeats`, see session.pending_repeats)
    first; then due cards, most overdue first; then new cards in deck order up to new_limit.
    The new-card limit never hides a due card; --limit caps the total, due cards first.
    At most one card of a sibling group a day (see Siblings): a held due card is due again
    tomorrow; a held new card does not use up the allowance. held_new counts the new cards passed
    over before the allowance was filled."""
    due: list[tuple[dt.date, int, Item]] = []
    unseen: list[tuple[Card, Deck]] = []
    repeating: dict[str, Item] = {}
    pending = set(repeats)
    for order, (card, deck) in enumerate(cards):
        state = states.get(card.id)
        if state is None:
            unseen.append((card, deck))
            continue
        when = effective_due(card.id, state, exam)
        if card.id in pending:
            repeating[card.id] = Item(card, deck, False)
        elif is_due(when, state.last_review, today):
            due.append((when, order, Item(card, deck, False)))
    due.sort(key=lambda entry: (entry[0], entry[1]))
    siblings = Siblings(cards, states, today)
    # A repeat is the card its group was taken for today, so the sibling rule keeps it.
    queue: list[Item] = [repeating[card_id] for card_id in repeats if card_id in repeating]
    held: list[tuple[Card, bool]] = []  # (card, is_new) passed over for a sibling
    for _, _, item in due:
        if siblings.keep(item.card):
            queue.append(item)
        else:
            held.append((item.card, False))
    introduced = 0
    for card, deck in unseen:
        if introduced >= new_limit:
            break
        if siblings.keep(card):
            queue.append(Item(card, deck, True))
            introduced += 1
        else:
            held.append((card, True))
    shown = queue[:limit] if limit is not None else queue
    # Only a sibling shown or reviewed today holds a card back; one cut off by --limit does not.
    blocking = {item.card.sibling_key for item in shown} | siblings.reviewed_groups
    held_new = sum(1 for card, is_new in held if is_new and card.sibling_key in blocking)
    held_due = sum(1 for card, is_new in held if not is_new and card.sibling_key in blocking)
    return Queue(shown, held_new, held_due, tuple(card for card, _ in held if card.sibling_key in blocking),
                 siblings.reviewed_groups)


def cram_queue(cards: Sequence[tuple[Card, Deck]], states: dict[str, CardState],
               plan: ExamPlan, exclude: set[str], today: dt.date) -> Queue:
    """Seen cards not answered today (they were just practised) and not due today (a due card is
    answered as one, moving its schedule; --limit may have left some), lowest predicted exam-day
    recall (memory.py) first; at most one card of a sibling group a day (see Siblings), counting
    cards in `exclude` and cards reviewed today. held_due counts the seen cards held back."""
    ranked = []
    for order, (card, deck) in enumerate(cards):
        state, mind = states.get(card.id), plan.memory.get(card.id)
        if state is None or card.id in exclude or (mind is not None and mind.last >= today):
            continue
        if is_due(effective_due(card.id, state, plan), state.last_review, today):
            continue
        ranked.append((plan.recall_on_exam_day(card.id), order, Item(card, deck, False)))
    ranked.sort(key=lambda entry: (entry[0], entry[1]))
    siblings = Siblings(cards, states, today, exclude)
    queue = [item for _, _, item in ranked if siblings.keep(item.card)]
    return Queue(queue, 0, len(ranked) - len(queue))
