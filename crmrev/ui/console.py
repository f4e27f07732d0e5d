"""What every screen shares: the console, untrusted text made safe, and a card's note.

Kept apart from the views so the review screen does not import Rich's tables (4 ms of the wait for
the first card; benchmarks/run.py, first_card_ratio).
"""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from crmrev.model import Card
from crmrev.text import neutralise, normalise_space


def safe(text: str, style: str = "") -> Text:
    return Text(neutralise(text), style=style)


def note_to_show(card: Card) -> str | None:
    """The note a card was made from, when it says more than the card's back already does."""
    if not card.note or not card.note.strip():
        return None
    if normalise_space(card.note).casefold() in normalise_space(card.back).casefold():
        return None
    return card.note


def make_console() -> Console:
    return Console(highlight=False, emoji=False, markup=False,
                   soft_wrap=False)
