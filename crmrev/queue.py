"""Which cards to show today, and in what order. Pure: today is a parameter."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from crmrev.errors import UsageError
from crmrev.exam import effective_due, recall_on
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


def build_queue(cards: Sequence[tuple[Card, Deck]], states: dict[str, CardState], today: dt.date,
                *, new_limit: int, limit: int | None = None,
                exam: dt.date | None = None) -> list[Item]:
    """Due cards first, most overdue first; then new cards in deck order up to new_limit.
    The new-card limit never hides a due card; --limit caps the total, due cards first."""
    due: list[tuple[dt.date, int, Item]] = []
    new: list[Item] = []
    for order, (card, deck) in enumerate(cards):
        state = states.get(card.id)
        if state is None:
            if len(new) < new_limit:
                new.append(Item(card, deck, True))
            continue
        when = effective_due(card.id, state, exam)
        if when <= today:
            due.append((when, order, Item(card, deck, False)))
    due.sort(key=lambda entry: (entry[0], entry[1]))
    queue = [item for _, _, item in due] + new
    return queue[:limit] if limit is not None else queue


def cram_queue(cards: Sequence[tuple[Card, Deck]], states: dict[str, CardState],
               exam: dt.date, exclude: set[str]) -> list[Item]:
    """Seen cards, weakest predicted exam-day recall first."""
    ranked = []
    for order, (card, deck) in enumerate(cards):
        state = states.get(card.id)
        if state is None or card.id in exclude:
            continue
        ranked.append((recall_on(state, exam), order, Item(card, deck, False)))
    ranked.sort(key=lambda entry: (entry[0], entry[1]))
    return [item for _, _, item in ranked]
