"""Numbers about progress, computed once and rendered by both the human and the JSON views.

Pure: decks, states, reviews and today in; plain dicts out. `crmrev review`'s end-of-session summary
uses these same functions, so the two can never disagree.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence

from crmrev.exam import effective_due
from crmrev.model import CardState, Deck, Review, ReviewKind
from crmrev.queue import DEFAULT_NEW_PER_DAY

MATURE_DAYS = 21
PASS = 3


def _due_dates(decks: Sequence[Deck], states: dict[str, CardState],
               exam: dt.date | None) -> dict[str, dt.date]:
    return {card.id: effective_due(card.id, states[card.id], exam)
            for deck in decks for card in deck.cards if card.id in states}


def due_summary(decks: Sequence[Deck], states: dict[str, CardState], today: dt.date,
                introduced_today: int, exam: dt.date | None = None,
                per_day: int = DEFAULT_NEW_PER_DAY) -> dict:
    allowance = max(0, per_day - introduced_today)
    rows = []
    for deck in decks:
        unseen = sum(1 for card in deck.cards if card.id not in states)
        due = sum(1 for card in deck.cards if card.id in states
                  and effective_due(card.id, states[card.id], exam) <= today)
        new_today = min(unseen, allowance)
        allowance -= new_today
        rows.append({"id": deck.id, "title": deck.title, "due_today": due, "new_today": new_today,
                     "unseen": unseen, "total": len(deck.cards)})
    totals = {key: sum(row[key] for row in rows) for key in ("due_today", "new_today", "unseen", "total")}
    return {"today": today.isoformat(), **totals, "decks": rows}


def next_due(decks: Sequence[Deck], states: dict[str, CardState], today: dt.date,
             exam: dt.date | None = None) -> tuple[int, dt.date | None]:
    """(cards due by tomorrow, the earliest due date of any seen card)."""
    dates = _due_dates(decks, states, exam)
    tomorrow = today + dt.timedelta(days=1)
    due_tomorrow = sum(1 for when in dates.values() if when <= tomorrow)
    return due_tomorrow, min(dates.values(), default=None)


def session_summary(reviews: Sequence[Review], seconds: float, decks: Sequence[Deck],
                    states: dict[str, CardState], today: dt.date,
                    exam: dt.date | None = None) -> dict:
    graded = len(reviews)
    correct = sum(1 for review in reviews if review.grade >= PASS)
    due_tomorrow, earliest = next_due(decks, states, today, exam)
    return {
        "answers": graded,
        "cards": len({review.card for review in reviews}),
        "correct": correct / graded if graded else None,
        "seconds": round(seconds),
        "due_tomorrow": due_tomorrow,
        "next_due": earliest.isoformat() if earliest else None,
    }


def first_of_day(reviews: Iterable[Review]) -> list[Review]:
    return [review for review in reviews if review.kind == ReviewKind.FIRST]


def review_counts_by_day(reviews: Iterable[Review]) -> Counter[dt.date]:
    return Counter(review.day for review in reviews)
