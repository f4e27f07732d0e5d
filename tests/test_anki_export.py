"""`crmrev export anki`, proved with the real client: each package is imported by the official `anki`
package (the library inside Anki desktop) into a fresh collection, with scheduling included, as a
learner's File > Import with "Include reviews" ticked does.

The history is recorded relative to the real study day, because Anki dates the import by the real
clock: a card crmrev has due in 4 days must be due in 4 days in Anki."""

from __future__ import annotations

import datetime as dt
import html
import json
from pathlib import Path

import pytest
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest
from anki.consts import CARD_TYPE_NEW, CARD_TYPE_REV, QUEUE_TYPE_NEW, QUEUE_TYPE_REV

from crmrev import clock
from crmrev.decks import load_decks
from tests.helpers import DECKS, TINY_DECK, record

PRINCIPLES = "Principles of customer relationships"


def study_day(offset: int = 0) -> str:
    return (clock.today(None, 4) + dt.timedelta(days=offset)).isoformat()


@pytest.fixture
def history(progress_path):
    """Four cards of crm-principles with hand-worked SM-2 outcomes (the rest are never seen):

    a: 4 three days ago, 4 two days ago -> interval 6, EF 2.50, due in 4 days; crammed today (5)
    b: 4 three days ago, 1 two days ago and a same-day repeat (4) -> a lapse, interval 1, EF 1.96,
       overdue since yesterday
    c: 5 today, its first sight -> interval 1, EF 2.60, due tomorrow
    d: 2 today, its first sight, then a repeat (4) -> interval 1, EF 2.18, no lapse (never known)
    e: 4 three days ago, 1 today and its repeat not yet given -> crmrev shows it again today
    """
    a, b, c, d, e = (card.id for card in load_decks(DECKS)[0].cards[:5])
    record(progress_path, [
        (study_day(-3), a, 4, "first"), (study_day(-3), b, 4, "first"), (study_day(-3), e, 4, "first"),
        (study_day(-2), a, 4, "first"), (study_day(-2), b, 1, "first"), (study_day(-2), b, 4, "repeat"),
        (study_day(0), a, 5, "cram"), (study_day(0), c, 5, "first"),
        (study_day(0), d, 2, "first"), (study_day(0), d, 4, "repeat"), (study_day(0), e, 1, "first"),
    ])
    return a, b, c, d, e


def export(invoke, out: Path, *args: str, env: dict | None = None):
    result = invoke("export", "anki", "--out", out, *args, env=env)
    assert result.exit_code == 0, result.output
    return result


def import_into(collection: Collection, package: Path):
    request = ImportAnkiPackageRequest(package_path=str(package),
                                       options=ImportAnkiPackageOptions(with_scheduling=True))
    log = collection.import_anki_package(request).log
    print(f"anki import log for {package.name}: found_notes={log.found_notes} new={len(log.new)} "
          f"updated={len(log.updated)} duplicate={len(log.duplicate)} conflicting={len(log.conflicting)} "
          f"missing_notetype={len(log.missing_notetype)} missing_deck={len(log.missing_deck)}")
    for note in list(log.updated)[:3]:
        print(f"  updated: {note.fields[0]}")
    return log


@pytest.fixture
def collection(tmp_path):
    folder = tmp_path / "anki"
    folder.mkdir()
    col = Collection(str(folder / "collection.anki2"))
    yield col
    col.close()


def card_of(collection: Collection, card_id: str):
    (anki_id,) = collection.find_cards(f'"CardId:{card_id}"')
    return collection.get_card(anki_id)


def test_decks_notes_fields_and_tags_arrive(invoke, tmp_path, collection, history):
    package = tmp_path / "crm.apkg"
    result = export(invoke, package)
    decks = load_decks(DECKS)
    total = sum(len(deck.cards) for deck in decks)
    assert f"{len(decks)} decks, {total} notes, 5 cards with progress" in result.output
    assert '"Include reviews"' in result.output

    log = import_into(collection, package)

    assert len(log.new) == total and not log.missing_notetype and not log.conflicting
    names = {entry.name for entry in collection.decks.all_names_and_ids()}
    assert names == {"Default", "CRM revision"} | {f"CRM revision::{deck.title}" for deck in decks}
    assert collection.card_count() == total
    for deck in decks:
        assert len(collection.find_cards(f'"deck:CRM revision::{deck.title}"')) == len(deck.cards)
    first = decks[0].cards[0]
    note = card_of(collection, first.id).note()
    assert note.note_type()["name"] == "crmrev card"
    assert list(note.keys()) == ["Front", "Back", "Source", "Type", "CardId", "Revision note"]
    assert html.unescape(note["Front"]) == first.front
    assert html.unescape(note["Back"]) == first.back
    assert note["Source"] == first.source and note["Type"] == first.type
    assert html.unescape(note["Revision note"]) == first.note
    assert sorted(note.tags) == sorted([decks[0].id, first.type])
    misconception = next(card for card in decks[0].cards if card.type == "misconception")
    assert "misconception" in card_of(collection, misconception.id).note().tags


def test_scheduling_and_review_log_arrive(invoke, tmp_path, collection, history):
    a, b, c, d, e = history
    package = tmp_path / "crm.apkg"
    export(invoke, package)
    import_into(collection, package)
    today = collection.sched.today

    def schedule(card_id):
        card = card_of(collection, card_id)
        return (card.type, card.queue, card.ivl, card.due - today, card.factor, card.reps, card.lapses)

    review = (CARD_TYPE_REV, QUEUE_TYPE_REV)
    assert schedule(a) == (*review, 6, 4, 2500, 3, 0)     # two answers and a cram answer
    assert schedule(b) == (*review, 1, -1, 1960, 3, 1)
    assert schedule(c) == (*review, 1, 1, 2600, 1, 0)
    assert schedule(d) == (*review, 1, 1, 2180, 2, 0)
    assert schedule(e) == (*review, 1, 0, 1960, 2, 1)     # owes today's repeat: due today, not tomorrow
    # Anki shows today what crmrev would: the overdue card and the repeat still owed.
    assert sorted(collection.find_cards("is:due")) == sorted([card_of(collection, b).id, card_of(collection, e).id])

    new = collection.find_cards("is:new")
    assert len(new) == collection.card_count() - 5
    assert all((card.type, card.queue) == (CARD_TYPE_NEW, QUEUE_TYPE_NEW)
               for card in map(collection.get_card, new))

    rows = collection.db.all("SELECT cid, ease, type, ivl, lastIvl, factor FROM revlog ORDER BY id")
    assert len(rows) == 11
    by_card: dict[int, list] = {}
    for cid, *rest in rows:
        by_card.setdefault(cid, []).append(tuple(rest))
    # ease: Anki's button (1 Again .. 4 Easy); type: 0 learn, 1 review, 2 relearn, 3 filtered (cram)
    assert by_card[card_of(collection, a).id] == [(3, 0, 1, 0, 2500), (3, 1, 6, 1, 2500), (4, 3, 6, 6, 2500)]
    assert by_card[card_of(collection, b).id] == [(3, 0, 1, 0, 2500), (1, 1, 1, 1, 1960), (3, 2, 1, 1, 1960)]
    assert by_card[card_of(collection, c).id] == [(4, 0, 1, 0, 2600)]
    assert by_card[card_of(collection, d).id] == [(1, 0, 1, 0, 2180), (3, 0, 1, 1, 2180)]


def test_without_progress_every_card_is_new(invoke, tmp_path, collection, history):
    package = tmp_path / "crm.apkg"
    result = export(invoke, package, "--no-progress")
    assert "0 cards with progress, 0 review-log rows" in result.output

    import_into(collection, package)

    assert len(collection.find_cards("is:new")) == collection.card_count() > 0
    assert collection.db.scalar("SELECT count() FROM revlog") == 0


def test_new_cards_keep_deck_order(invoke, tmp_path, collection):
    package = tmp_path / "crm.apkg"
    export(invoke, package, "--deck", "crm-principles", "--no-progress")
    import_into(collection, package)

    ordered = sorted(map(collection.get_card, collection.find_cards("is:new")), key=lambda card: card.due)
    assert [card.note()["CardId"] for card in ordered] == [card.id for card in load_decks(DECKS)[0].cards]


def test_one_deck_only(invoke, tmp_path, collection, history):
    package = tmp_path / "crm.apkg"
    export(invoke, package, "--deck", "crm-principles")
    import_into(collection, package)

    names = {entry.name for entry in collection.decks.all_names_and_ids()}
    assert names == {"Default", "CRM revision", f"CRM revision::{PRINCIPLES}"}
    assert collection.card_count() == len(load_decks(DECKS)[0].cards)


def test_exporting_again_after_a_text_fix_updates_the_note(invoke, tmp_path, collection, history, project):
    a = history[0]
    first, second = tmp_path / "first.apkg", tmp_path / "second.apkg"
    decks = project / "decks"
    now = clock.now()
    export(invoke, first, "--decks", decks, env={"CRMREV_NOW": (now - dt.timedelta(minutes=1)).isoformat()})
    import_into(collection, first)
    answered = card_of(collection, a)
    before = {nid: collection.get_note(nid).fields for nid in collection.find_notes("")}

    deck_file = next(path for path in sorted(decks.glob("*.yaml")) if f"id: {a}\n" in path.read_text())
    text = deck_file.read_text()
    old_front = load_decks(DECKS)[0].cards[0].front
    deck_file.write_text(text.replace("capital letters", "BLOCK CAPITALS", 1))
    export(invoke, second, "--decks", decks, env={"CRMREV_NOW": now.isoformat()})
    log = import_into(collection, second)

    # Anki's default, "Update notes: if newer", rewrites every note of the newer file; only one changed.
    assert not log.new and len(log.updated) == len(before)
    after = {nid: collection.get_note(nid).fields for nid in collection.find_notes("")}
    assert after.keys() == before.keys()                       # updated in place, nothing added
    changed = [nid for nid in after if after[nid] != before[nid]]
    assert changed == [answered.nid]
    again = card_of(collection, a)
    assert html.unescape(again.note()["Front"]) == old_front.replace("capital letters", "BLOCK CAPITALS")
    assert (again.ivl, again.due, again.reps) == (answered.ivl, answered.due, answered.reps)
    assert collection.db.scalar("SELECT count() FROM revlog") == 11  # the history is not doubled


def test_card_text_is_shown_as_written_not_as_html(invoke, tmp_path, collection):
    decks = tmp_path / "decks"
    decks.mkdir()
    (decks / "tiny.yaml").write_text(TINY_DECK.replace("Card A?", "'R&D <b>not bold</b> – “quoted”?'"))
    package = tmp_path / "tiny.apkg"
    export(invoke, package, "--decks", decks, "--no-progress")
    import_into(collection, package)

    (anki_id,) = collection.find_cards('"CardId:a"')
    question = collection.get_card(anki_id).question()
    assert "R&amp;D &lt;b&gt;not bold&lt;/b&gt; – “quoted”?" in question
    assert "<b>" not in question



def test_three_weeks_of_real_reviews_arrive_as_crmrev_has_them(invoke, tmp_path, collection, progress_path):
    """A learner's history made by `crmrev review` itself, three weeks of it, then the export: Anki
    must find due what crmrev finds due, and hold every card's schedule and every answer."""
    answers = ["good", "good", "again", "easy", "good", "hard", "good", "again", "good", "easy"] * 6
    for day in range(-21, 0, 2):
        result = invoke("review", "--limit", "12", "--today", study_day(day), input="\n".join(answers) + "\n")
        assert result.exit_code == 0, result.output
    due = invoke("due", "--json")
    assert due.exit_code == 0
    crmrev_due = json.loads(due.stdout)
    package = tmp_path / "crmrev.apkg"
    export(invoke, package)

    import_into(collection, package)

    from crmrev.progress import open_progress

    with open_progress(progress_path, writable=False) as store:
        states = store.states
        answered = sum(1 for _ in store.iter_reviews())
    print(f"three weeks of reviews: {len(states)} cards seen, {answered} answers; crmrev due today "
          f"{crmrev_due['due_today']}, Anki is:due {len(collection.find_cards('is:due'))}; revlog "
          f"{collection.db.scalar('SELECT count() FROM revlog')}")
    assert crmrev_due["due_today"] > 0 and len(states) > 30
    assert len(collection.find_cards("is:due")) == crmrev_due["due_today"]
    assert len(collection.find_cards("is:new")) == crmrev_due["unseen"]
    assert collection.db.scalar("SELECT count() FROM revlog") == answered
    today = dt.date.fromisoformat(study_day())
    for card_id, state in states.items():
        card = card_of(collection, card_id)
        assert (card.ivl, card.due - collection.sched.today, card.factor, card.lapses) == (
            state.interval, (state.due - today).days, round(state.easiness * 1000), state.lapses), card_id


def test_a_one_deck_export_then_a_full_one_keeps_every_answer(invoke, tmp_path, collection, progress_path):
    """Anki skips a review-log row whose id it already has: an answer must keep its id whichever
    decks an export holds, even among answers given in the same second (as the helper records)."""
    decks = load_decks(DECKS)
    other, principles = decks[1].cards[:3], decks[0].cards[:3]
    answers = [(study_day(-1), card.id, 4, "first") for card in (*other, *principles)]
    record(progress_path, answers)  # all six at 09:00:00 of the same day
    part, whole = tmp_path / "part.apkg", tmp_path / "whole.apkg"
    export(invoke, part, "--deck", decks[0].id)
    export(invoke, whole)

    import_into(collection, part)
    import_into(collection, whole)

    assert collection.db.scalar("SELECT count() FROM revlog") == len(answers)
    for card in (*other, *principles):
        assert collection.db.scalar("SELECT count() FROM revlog WHERE cid = ?", card_of(collection, card.id).id) == 1


def test_no_progress_file_is_an_error_not_a_package_of_new_cards(invoke, tmp_path):
    """Importing new cards first would keep the real progress out of Anki for good."""
    missing = tmp_path / "progres.json"
    result = invoke("export", "anki", "--out", tmp_path / "x.apkg", "--progress", missing)

    assert result.exit_code == 2
    assert f"there is no progress at {missing}" in result.output and "--no-progress" in result.output
    assert not (tmp_path / "x.apkg").exists()
