"""What `crmrev export` writes, as plain data: spreadsheet rows, and an Anki package's decks, notes,
card schedules and review log. Pure: `today` is a parameter. anki_package.py turns an AnkiExport
into an .apkg file; exporting.py chooses what to export and where.

How crmrev's progress maps onto Anki's (the README's "Export" section says the same to learners):

- a seen card is an Anki review card: its SM-2 interval, due date, easiness × 1000 as Anki's ease,
  its lapses, and every answer it was given as Anki's review count;
- an unseen card is a new card, in deck order;
- each answer is a review-log row. Grades 0-2 are Again, 3 Hard, 4 Good, 5 Easy: the same mapping
  the memory model uses (memory.rating_of), so Anki's FSRS optimiser reads the history as crmrev
  did. The first sight of a card logs as Anki's "learn", a same-day repeat as "learn" or "relearn",
  a scheduled answer as "review", and an exam-cram answer as "filtered" (Anki's extra practice).
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import NamedTuple

from crmrev import scheduler
from crmrev.memory import rating_of
from crmrev.model import Card, CardState, Deck, Review, ReviewKind
from crmrev.progress.identity import Identities

PARENT_DECK = "CRM revision"
NOTE_FIELDS = ("Front", "Back", "Source", "Type", "CardId", "Revision note")

CSV_HEADER = ("id", "deck", "type", "front", "back", "source",
              "due", "interval", "ef", "repetitions", "lapses", "predicted_recall")

# Anki's revlog "type" column.
LEARN, REVIEW, RELEARN, FILTERED = 0, 1, 2, 3
# Anki caps an answer's time at its "maximum answer seconds" (60 by default): a learner who left a
# card on screen over lunch would otherwise own the slowest card in Anki's statistics.
MAX_ANSWER_MS = 60_000


class AnkiNote(NamedTuple):
    card_id: str
    deck: str       # the full Anki deck name, "CRM revision::<title>"
    guid: str
    fields: tuple[str, ...]  # HTML, in NOTE_FIELDS order
    tags: tuple[str, ...]


class AnkiSchedule(NamedTuple):
    """A seen card, in Anki's terms."""

    interval: int
    due: dt.date
    ease: int        # SM-2 easiness × 1000 (Anki's "factor")
    reviews: int     # scheduled answers; Anki's count is every answer, which the writer counts
    lapses: int


class AnkiReview(NamedTuple):
    """One review-log row."""

    id_ms: int       # the moment of the answer in milliseconds: Anki's key for the row
    card_id: str
    ease: int        # Anki's button: 1 Again, 2 Hard, 3 Good, 4 Easy
    interval: int
    last_interval: int
    factor: int
    time_ms: int
    kind: int        # LEARN, REVIEW, RELEARN or FILTERED


class AnkiExport(NamedTuple):
    decks: tuple[str, ...]                 # Anki deck names, parent first
    notes: tuple[AnkiNote, ...]            # in deck order: new cards arrive in this order
    schedules: dict[str, AnkiSchedule]     # seen cards only
    # Streamed, and read once, by the writer: a heavy user's million answers as objects took 300 MB.
    reviews: Iterator[AnkiReview]
    epoch: dt.date                         # day 0 of the package's collection: due dates count from it


def choose_decks(decks: Sequence[Deck], deck_ids: Iterable[str]) -> list[Deck]:
    """The decks asked for, in the folder's order; every deck when none is named."""
    from crmrev.queue import select_cards

    wanted = list(deck_ids)
    select_cards(decks, wanted)  # the one check of deck ids, with its error and hint
    return [deck for deck in decks if not wanted or deck.id in wanted]


# -- spreadsheets

def csv_rows(decks: Sequence[Deck], states: Mapping[str, CardState], recalls: Mapping[str, float],
             owed_today: Iterable[str] = ()) -> Iterator[tuple[str, ...]]:
    """One row per card under CSV_HEADER; the progress columns are empty for a card never seen. A
    card in `owed_today` is due today (see anki_export), the day crmrev shows it again."""
    owed = set(owed_today)
    for deck in decks:
        for card in deck.cards:
            state = states.get(card.id)
            progress: tuple[str, ...] = ("",) * 6
            if state is not None:
                recall = recalls.get(card.id)
                progress = (due_day(state, card.id in owed).isoformat(), str(state.interval),
                            f"{state.easiness:.2f}", str(state.repetitions), str(state.lapses),
                            "" if recall is None else f"{recall:.4f}")
            yield (card.id, deck.id, card.type, card.front, card.back, card.source or "", *progress)


def csv_text(decks: Sequence[Deck], states: Mapping[str, CardState], recalls: Mapping[str, float],
             owed_today: Iterable[str] = (), tab: bool = False,
             line_end: str = "\r\n") -> tuple[str, int, int]:
    """The spreadsheet, with its header, and how many cards it holds and how many of them were seen.
    Comma-separated and quoted as Excel writes it (the csv module's "excel" dialect), or tab-separated
    (the "excel-tab" dialect); lines end in CRLF, as RFC 4180 and Excel have them."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, dialect="excel-tab" if tab else "excel", lineterminator=line_end)
    writer.writerow(CSV_HEADER)
    rows = seen = 0
    for row in csv_rows(decks, states, recalls, owed_today):
        writer.writerow(row)
        rows += 1
        seen += bool(row[-1] or row[-6])
    return buffer.getvalue(), rows, seen


# -- Anki

def anki_export(decks: Sequence[Deck], states: Mapping[str, CardState], reviews: Iterable[Review],
                today: dt.date, owed_today: Iterable[str] = ()) -> AnkiExport:
    """The package for `decks`, with the progress in `states` and `reviews` (pass empty ones for
    new cards only). Answers to cards outside `decks` are left out. Cards in `owed_today` still owe
    today's same-day repeat (session.pending_repeats): crmrev shows them again today, so Anki has
    them due today rather than on their SM-2 date."""
    card_ids = {card.id for deck in decks for card in deck.cards}
    owed = set(owed_today)
    schedules = {card_id: AnkiSchedule(state.interval, due_day(state, card_id in owed),
                                       ease_of(state.easiness), state.reviews, state.lapses)
                 for card_id, state in states.items() if card_id in card_ids}
    names = [f"{PARENT_DECK}::{_deck_name(deck.title)}" for deck in decks]
    notes = tuple(note_of(card, deck, name) for deck, name in zip(decks, names, strict=True)
                  for card in deck.cards)
    return AnkiExport((PARENT_DECK, *names), notes, schedules, review_log(reviews, card_ids),
                      _epoch(today, schedules.values()))


def due_day(state: CardState, owes_repeat: bool) -> dt.date:
    """The day crmrev next shows a card: its SM-2 date, or, while it owes today's same-day repeat,
    today (the day of the answer that left it owing)."""
    if owes_repeat and state.last_review is not None:
        return min(state.due, state.last_review)
    return state.due


def ease_of(easiness: float) -> int:
    return round(easiness * 1000)


def _deck_name(title: str) -> str:
    # "::" inside a title would nest it one level deeper in Anki.
    return " ".join(title.replace("::", ": ").split())


def note_of(card: Card, deck: Deck, deck_name: str) -> AnkiNote:
    fields = (_html(card.front), _html(card.back), _html(card.source or ""), card.type, card.id,
              _html(card.note or ""))
    return AnkiNote(card.id, deck_name, guid_of(card.id), fields, (_tag(deck.id), _tag(card.type)))


def guid_of(card_id: str) -> str:
    """A note's GUID, from the card id alone: the same card exported again updates its note in Anki
    (card ids survive rebuilds and curation). Anki reads any text; this is 16 hex digits of SHA-1."""
    import hashlib

    return hashlib.sha1(f"crmrev:{card_id}".encode()).hexdigest()[:16]


def _html(text: str) -> str:
    return html.escape(text, quote=False).replace("\n", "<br>")


def _tag(text: str) -> str:
    return re.sub(r"\s+", "_", text.strip()) or "_"


def review_log(reviews: Iterable[Review], card_ids: set[str]) -> Iterator[AnkiReview]:
    """The answers to `card_ids` as Anki review-log rows, with the intervals and ease SM-2 gave
    (replayed here, as the progress store replays them). A line the log holds twice (identity.py)
    is one answer; two answers in the same millisecond get consecutive ids."""
    identities = Identities()
    running: dict[str, CardState] = {}
    used: set[int] = set()
    last_moment = last_id = -1
    for review in reviews:
        if not identities.first_time(review):
            continue
        # Every answer gets its id, exported or not, so that an answer has the same id in every
        # export whatever decks it holds: Anki skips a row whose id it has, and a one-deck export
        # imported before a full one would otherwise shadow other cards' answers. Answers logged
        # in the same second (a bulk import writes thousands) follow the last one's id, rather
        # than each walking past every id taken before it.
        moment = moment_ms(review)
        id_ms = last_id + 1 if moment == last_moment else moment
        while id_ms in used:
            id_ms += 1
        used.add(id_ms)
        last_moment, last_id = moment, id_ms
        if review.card not in card_ids:
            continue
        before = running.get(review.card)
        after = before
        if review.kind == ReviewKind.FIRST:
            after = running[review.card] = scheduler.review(before, review.grade, review.day)
        yield AnkiReview(id_ms, review.card, rating_of(review.grade),
                         after.interval if after else 0, before.interval if before else 0,
                         ease_of(after.easiness) if after else 0,
                         min(review.ms or 0, MAX_ANSWER_MS), _kind(review, before))


def _kind(review: Review, before: CardState | None) -> int:
    if review.kind == ReviewKind.CRAM:
        return FILTERED
    if review.kind == ReviewKind.REPEAT:
        first_day = before is None or before.first_seen == review.day
        return LEARN if first_day else RELEARN
    return LEARN if before is None else REVIEW


def moment_ms(review: Review) -> int:
    """When the answer was given, in milliseconds since 1970. A time without a UTC offset (older
    logs) is local time; one that cannot be read is noon of its study day."""
    try:
        moment = dt.datetime.fromisoformat(review.at)
    except ValueError:
        moment = dt.datetime.combine(review.day, dt.time(12))
    if moment.tzinfo is None:
        moment = moment.astimezone()
    return int(moment.timestamp() * 1000)


def _epoch(today: dt.date, schedules: Iterable[AnkiSchedule]) -> dt.date:
    """Day 0 of the package: no later than any due date, so that Anki's day numbers are never
    negative (an overdue card would be due on a day before the collection existed)."""
    earliest = min((schedule.due for schedule in schedules), default=today)
    return min(today, earliest)
