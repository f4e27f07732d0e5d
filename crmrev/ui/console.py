"""What every screen shares: the console, untrusted text made safe, and a card's note.

Kept apart from the views so the review screen does not import Rich's tables (4 ms of the wait for
the first card; benchmarks/run.py, first_card_ratio).
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
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
    console = Console(highlight=False, emoji=False, markup=False, soft_wrap=False)
    if console.is_dumb_terminal:
        # Rich takes a dumb terminal to be 80 × 25 whatever its size (unless given both), and
        # screens must fit it too.
        import shutil

        console.size = shutil.get_terminal_size()
    return console


def packed_lines(parts: Sequence[str], width: int, separator: str = " · ") -> list[str]:
    """The parts joined by the separator, a new line begun wherever the next part would not fit:
    a figure is never parted from its label ("due 3"), as wrapping at any space could do."""
    lines: list[str] = []
    for part in parts:
        joined = f"{lines[-1]}{separator}{part}" if lines else part
        if lines and cell_len(joined) <= width:
            lines[-1] = joined
        else:
            lines.append(part)
    return lines
