"""`crmrev export`, between the command line and the pure export (export.py): which file to write,
which progress to read, and the refusals that keep a learner from exporting the wrong thing."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from crmrev.errors import UsageError
from crmrev.model import Deck
from crmrev.progress import log_path_for
from crmrev.progress.store import Progress

_SEPARATORS = tuple(sep for sep in (os.sep, os.altsep) if sep)


def output_path(text: str, *, anki: bool) -> Path | None:
    """The file --out names; None for standard output ("-", the CSV only). Refuses what cannot be
    the file meant: nothing, a folder (a trailing slash says one is meant), an Anki package whose
    name Anki would not import."""
    if not text.strip():
        raise UsageError("--out is empty", hint="give a file name")
    if text == "-":
        if anki:
            raise UsageError("an Anki package cannot go to standard output",
                             hint="give a file name ending .apkg, such as --out crmrev.apkg")
        return None
    path = Path(text)
    example = "crmrev.apkg" if anki else "crmrev.csv"
    if text.endswith(_SEPARATORS) or os.path.isdir(path):
        raise UsageError(f"{text} is a folder, not a file", hint=f"give a file name, such as --out "
                                                                  f"{path / example}")
    if anki and not path.name.lower().endswith(".apkg"):
        raise UsageError(f"{text} does not end in .apkg, and Anki imports only .apkg packages",
                         hint=f"use --out {path.name}.apkg" if path.suffix == "" else
                         f"use --out {path.with_suffix('.apkg')}")
    return path


def check_progress_file(path: Path) -> None:
    """For an Anki package, a progress file that is not there is a mistake (a typo, or the wrong
    machine): Anki never changes the schedule of a card it already has, so a package of new cards
    imported by mistake keeps the real progress out of Anki for good. (A spreadsheet without
    progress is harmless, and says "0 with progress".)"""
    if not (os.path.lexists(path) or os.path.lexists(log_path_for(path))):
        raise UsageError(f"there is no progress at {path}",
                         hint="check --progress (or CRMREV_PROGRESS); to export the cards alone, every "
                              "one new, pass --no-progress")


def check_progress_for(decks: Sequence[Deck], store: Progress) -> None:
    """An Anki package must carry some progress for its decks, for the same reason: a damaged or
    empty progress file, or one for other decks, would otherwise make a package of new cards."""
    states = store.states
    if any(card.id in states for deck in decks for card in deck.cards):
        return
    which = "these decks" if len(decks) > 1 else f"the deck {decks[0].id}"
    raise UsageError(f"{store.path} holds no answers to the cards of {which}",
                     hint="choose the progress file you revise with (--progress), or pass --no-progress "
                          "to export the cards alone, every one new")


class CsvExport(NamedTuple):
    text: str
    cards: int
    seen: int


def csv_export(decks: Sequence[Deck], store: Progress | None, day: dt.date, *, tab: bool,
               line_end: str = "\r\n") -> CsvExport:
    from crmrev.export import csv_text
    from crmrev.session import pending_repeats

    if store is None:
        return CsvExport(*csv_text(decks, {}, {}, (), tab, line_end))
    owed = pending_repeats(store.reviews_on(day))
    return CsvExport(*csv_text(decks, store.states, store.recalls_on(day), owed, tab, line_end))


class AnkiExportResult(NamedTuple):
    data: bytes
    notes: int
    cards_with_progress: int
    review_rows: int


def anki_package_for(decks: Sequence[Deck], store: Progress | None, day: dt.date, now: dt.datetime,
                day_starts_at: int) -> AnkiExportResult:
    """The .apkg for `decks`, with the progress in `store` (None: every card new)."""
    from crmrev import export
    from crmrev.anki_package import package_bytes
    from crmrev.session import pending_repeats

    if store is None:
        plan = export.anki_export(decks, {}, (), day)
    else:
        check_progress_for(decks, store)
        plan = export.anki_export(decks, store.states, store.iter_reviews(), day,
                                  pending_repeats(store.reviews_on(day)))
    package = package_bytes(plan, now, day_starts_at)
    return AnkiExportResult(package.data, len(plan.notes), len(plan.schedules), package.review_rows)
