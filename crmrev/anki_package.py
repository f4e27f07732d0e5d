"""An AnkiExport (export.py) as the bytes of an .apkg file: a zip holding an Anki collection
(SQLite) and an empty media list.

genanki writes the collection's tables, note type, decks, notes and new cards: the JSON Anki
expects in them is long and easy to get subtly wrong, and genanki's has been imported by every Anki
release since 2.1. It has no API for scheduling or the review log, so this module fills those in
with SQL afterwards, and tells Anki to read them as the v2 scheduler would: without `schedVer`,
Anki treats the package as v1 and changes some eases on import.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import itertools
import json
import sqlite3
import zipfile
from typing import NamedTuple

from crmrev.export import NOTE_FIELDS, AnkiExport

NOTE_TYPE_NAME = "crmrev card"

_FRONT = """<div class="kind">{{Type}}</div>
<div class="front">{{Front}}</div>"""

_BACK = """{{FrontSide}}
<hr id="answer">
<div class="back">{{Back}}</div>
{{#Revision note}}
<details class="note"><summary>Revision note</summary>{{Revision note}}</details>
{{/Revision note}}"""

_CSS = """.card { font-family: system-ui, sans-serif; font-size: 20px; line-height: 1.45;
  text-align: left; max-width: 40em; margin: 0 auto; color: black; background: white; }
.nightMode.card, .night_mode .card { color: #eee; background: #2f2f31; }
.kind { font-size: 0.7em; letter-spacing: 0.05em; text-transform: uppercase; opacity: 0.6; }
.front { margin-top: 0.4em; }
.back { font-weight: 600; }
.note { margin-top: 1.2em; font-size: 0.8em; opacity: 0.8; }
.note summary { cursor: pointer; }"""


def stable_id(*parts: str) -> int:
    """An Anki id for a crmrev thing: the same on every export, so a second import finds the note
    type and decks of the first. In genanki's recommended range, [2^30, 2^31)."""
    digest = hashlib.sha1(":".join(("crmrev", *parts)).encode()).digest()
    return (1 << 30) + int.from_bytes(digest[:4], "big") % (1 << 30)


class Package(NamedTuple):
    data: bytes       # the .apkg file
    review_rows: int  # how many answers its review log holds


def package_bytes(export: AnkiExport, now: dt.datetime, day_starts_at: int) -> Package:
    """The .apkg file. `now` stamps the notes: Anki updates a note on import only when the file's
    copy is newer than its own. `day_starts_at` is the hour the learner's study day begins."""
    collection, review_rows = _collection(export, now, day_starts_at)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("collection.anki2", collection)
        package.writestr("media", "{}")
    return Package(buffer.getvalue(), review_rows)


def _collection(export: AnkiExport, now: dt.datetime, day_starts_at: int) -> tuple[bytes, int]:
    import warnings

    with warnings.catch_warnings():  # genanki's own deprecation notices are not the learner's business
        warnings.simplefilter("ignore")
        import genanki  # type: ignore[import-untyped]

    note_type = genanki.Model(
        stable_id("note-type", "v1"), NOTE_TYPE_NAME, fields=[{"name": name} for name in NOTE_FIELDS],
        templates=[{"name": "Card", "qfmt": _FRONT, "afmt": _BACK}], css=_CSS)
    decks = {name: genanki.Deck(stable_id("deck", name), name) for name in export.decks}
    for note in export.notes:
        decks[note.deck].add_note(genanki.Note(note_type, list(note.fields), guid=note.guid,
                                               tags=list(note.tags)))
    connection = sqlite3.connect(":memory:")
    try:
        cursor = connection.cursor()
        stamp = now.timestamp()
        genanki.Package(list(decks.values())).write_to_db(cursor, stamp, itertools.count(int(stamp * 1000)))
        review_rows = _schedule(cursor, export, int(stamp))
        _configure(cursor, export.epoch, day_starts_at)
        connection.commit()
        return connection.serialize(), review_rows
    finally:
        connection.close()


def _card_ids(cursor: sqlite3.Cursor, export: AnkiExport) -> dict[str, int]:
    """crmrev card id → the Anki card id genanki gave it (one card per note)."""
    by_guid = {note.guid: note.card_id for note in export.notes}
    rows = cursor.execute("SELECT cards.id, notes.guid FROM cards JOIN notes ON cards.nid = notes.id")
    return {by_guid[guid]: card for card, guid in rows}


def _schedule(cursor: sqlite3.Cursor, export: AnkiExport, stamp: int) -> int:
    card_ids = _card_ids(cursor, export)
    new_position = itertools.count(1)
    for note in export.notes:
        schedule = export.schedules.get(note.card_id)
        if schedule is None:  # a new card: Anki introduces new cards in order of "due"
            cursor.execute("UPDATE cards SET due = ? WHERE id = ?",
                           (next(new_position), card_ids[note.card_id]))
            continue
        cursor.execute(
            "UPDATE cards SET type = 2, queue = 2, due = ?, ivl = ?, factor = ?, reps = ?, lapses = ?,"
            " mod = ? WHERE id = ?",
            ((schedule.due - export.epoch).days, schedule.interval, schedule.ease, schedule.reviews,
             schedule.lapses, stamp, card_ids[note.card_id]))
    cursor.executemany(
        "INSERT INTO revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type)"
        " VALUES (?, ?, -1, ?, ?, ?, ?, ?, ?)",
        ((row.id_ms, card_ids[row.card_id], row.ease, row.interval, row.last_interval, row.factor,
          row.time_ms, row.kind) for row in export.reviews))
    # Anki's review count is every answer, repeats and cram included.
    cursor.execute("UPDATE cards SET reps = max(reps, (SELECT count() FROM revlog WHERE cid = cards.id))"
                   " WHERE type = 2")
    (review_rows,) = cursor.execute("SELECT count() FROM revlog").fetchone()
    return int(review_rows)


def _configure(cursor: sqlite3.Cursor, epoch: dt.date, day_starts_at: int) -> None:
    """Day 0 is the epoch at the hour the learner's day starts, in local time; Anki counts a review
    card's due date in days from it, and its day turns over at `rollover`, as crmrev's does."""
    created = dt.datetime.combine(epoch, dt.time(day_starts_at)).astimezone()
    (text,) = cursor.execute("SELECT conf FROM col").fetchone()
    conf = json.loads(text)
    conf.update(schedVer=2, rollover=day_starts_at)
    cursor.execute("UPDATE col SET crt = ?, conf = ?", (int(created.timestamp()), json.dumps(conf)))
