"""Siblings: cards made from one note (one `group:`) are never shown on the same day, as Anki buries
siblings. The queue rule as pure functions, the summary through the real CLI, and the `n` key that
shows a card's source note in a real terminal."""

from __future__ import annotations

import datetime as dt
import io
import json
from types import SimpleNamespace

import pytest
from rich.console import Console

from crmrev import scheduler
from crmrev.exam import ExamPlan
from crmrev.memory import from_sm2
from crmrev.model import Card, CardState, Deck
from crmrev.progress import log_path_for
from crmrev.queue import Queue, build_queue, cram_queue
from crmrev.session import Session
from crmrev.ui.console import note_to_show
from crmrev.ui.interactive import card_view
from tests.helpers import POSIX_ONLY, finish, spawn

DAY = dt.date(2026, 3, 2)
NOTE_A = "Tickets are triaged by urgency, then [bold]age[/bold] in the queue."

# a1, a2, a3 are made from one note (group ga); b1, b2 from another (gb); c has no group.
DECK_YAML = f"""\
id: sib
title: Sibling deck
cards:
- {{id: a1, type: concept, front: A one?, back: Answer A one., note: '{NOTE_A}', group: ga}}
- {{id: a2, type: cloze, front: A two?, back: Answer A two., note: '{NOTE_A}', group: ga}}
- {{id: a3, type: exam-tip, front: A three?, back: Answer A three., group: ga}}
- {{id: b1, type: concept, front: B one?, back: Answer B one., group: gb}}
- {{id: b2, type: cloze, front: B two?, back: Answer B two., group: gb}}
- {{id: c, type: concept, front: C alone?, back: Answer C.}}
"""

GROUPS = {"a1": "ga", "a2": "ga", "a3": "ga", "b1": "gb", "b2": "gb", "c": None}
DECK = Deck("sib", "Sibling deck", tuple(
    Card(card_id, "concept", f"{card_id}?", f"Answer {card_id}.", group=group)
    for card_id, group in GROUPS.items()))
CARDS = [(card, DECK) for card in DECK.cards]


def seen(due: dt.date, last: dt.date | None = None, interval: int = 1) -> CardState:
    last = last or due - dt.timedelta(days=interval)
    return CardState(1, interval, 2.5, due, last, last, 0, 1)


def ids(queue: Queue) -> list[str]:
    return [item.card.id for item in queue.items]


@pytest.fixture
def decks(tmp_path):
    folder = tmp_path / "decks"
    folder.mkdir()
    (folder / "sib.yaml").write_text(DECK_YAML, encoding="utf-8")
    return folder


# ---------------------------------------------------------------- build_queue


def test_a_new_sibling_waits_and_does_not_use_the_allowance():
    queue = build_queue(CARDS, {}, DAY, new_limit=3)
    assert ids(queue) == ["a1", "b1", "c"]  # a2, a3, b2 skipped; c still fits in the 3
    assert (queue.held_new, queue.held_due) == (3, 0)
    assert [item.is_new for item in queue.items] == [True, True, True]


def test_held_new_counts_only_cards_passed_over_before_the_allowance_was_full():
    queue = build_queue(CARDS, {}, DAY, new_limit=2)
    assert ids(queue) == ["a1", "b1"]
    assert queue.held_new == 2  # a2 and a3; b2 lies past the allowance
    assert build_queue(CARDS, {}, DAY, new_limit=0) == Queue([], 0, 0)


def test_a_due_sibling_is_deferred_the_most_overdue_one_is_kept():
    states = {"a1": seen(DAY - dt.timedelta(days=1)), "a2": seen(DAY - dt.timedelta(days=3)),
              "b1": seen(DAY)}
    queue = build_queue(CARDS, states, DAY, new_limit=20)
    assert ids(queue) == ["a2", "b1", "c"]  # a1 deferred; a3 and b2 (new) wait too
    assert (queue.held_new, queue.held_due) == (2, 1)
    assert states["a1"].due == DAY - dt.timedelta(days=1)  # nothing about a1 was changed


def test_a_group_reviewed_earlier_today_blocks_its_other_cards():
    states = {"a1": seen(DAY + dt.timedelta(days=1), last=DAY),   # answered earlier today
              "a2": seen(DAY - dt.timedelta(days=2)),             # due: deferred
              "b1": seen(DAY)}
    queue = build_queue(CARDS, states, DAY, new_limit=20)
    assert ids(queue) == ["b1", "c"]
    assert (queue.held_new, queue.held_due) == (2, 1)  # a3 and b2 new; a2 due
    # a day later a1's review was yesterday: a2 (the more overdue) is shown, and a1, due too, waits
    later = build_queue(CARDS, states, DAY + dt.timedelta(days=1), new_limit=0)
    assert ids(later) == ["a2", "b1"]
    assert (later.held_new, later.held_due) == (0, 1)


def test_a_card_reviewed_today_is_not_blocked_by_itself():
    # a1 failed today and owes its same-day repeat: it is the same card, not a sibling
    states = {"a1": scheduler.review(seen(DAY), 2, DAY), "a2": seen(DAY)}
    queue = build_queue(CARDS, states, DAY, new_limit=0, repeats=["a1"])
    assert ids(queue) == ["a1"]
    assert (queue.held_new, queue.held_due) == (0, 1)


def test_the_deferred_card_is_shown_the_next_day():
    start = DAY - dt.timedelta(days=1)
    states = {"a1": seen(start), "a2": seen(start)}
    first = build_queue(CARDS, states, DAY, new_limit=0)
    assert ids(first) == ["a1"] and first.held_due == 1
    states["a1"] = scheduler.review(states["a1"], 5, DAY)  # a1 answered: next due in 6 days
    assert ids(build_queue(CARDS, states, DAY, new_limit=0)) == []  # a later session today
    tomorrow = build_queue(CARDS, states, DAY + dt.timedelta(days=1), new_limit=0)
    assert ids(tomorrow) == ["a2"]
    assert tomorrow.held == 0


def test_limit_caps_after_siblings_are_held():
    states = {"a1": seen(DAY), "a2": seen(DAY), "b1": seen(DAY)}
    queue = build_queue(CARDS, states, DAY, new_limit=20, limit=2)
    assert ids(queue) == ["a1", "b1"]
    assert (queue.held_new, queue.held_due) == (2, 1)


def test_only_a_sibling_shown_today_holds_a_card_back_not_one_cut_off_by_limit():
    queue = build_queue(CARDS, {}, DAY, new_limit=20, limit=1)
    assert ids(queue) == ["a1"]
    assert (queue.held_new, queue.held_due) == (2, 0)  # a2 and a3 wait for a1; b2 waited for b1, not shown


# ---------------------------------------------------------------- cram_queue


def test_cram_keeps_one_card_per_group_counting_exclude_and_today():
    exam = DAY + dt.timedelta(days=5)
    last = DAY - dt.timedelta(days=4)
    later = DAY + dt.timedelta(days=2)  # not due today: a due card is answered as due, not crammed
    states = {"a1": seen(later, last, interval=30), "a2": seen(later, last, interval=1),
              "a3": seen(later, last, interval=6), "b1": seen(later, last, interval=2),
              "b2": seen(later, last, interval=3), "c": seen(later, last, interval=4)}
    def plan() -> ExamPlan:  # memories as strong as the SM-2 intervals say
        return ExamPlan(exam, {card_id: from_sm2(state.interval, 2.5, state.last_review)
                               for card_id, state in states.items()})

    queue = cram_queue(CARDS, states, plan(), set(), DAY)
    assert ids(queue) == ["a2", "b1", "c"]  # the weakest of each group
    assert queue.held_due == 3
    # b1 answered in this session: its group is taken, so b2 is not crammed either
    assert ids(cram_queue(CARDS, states, plan(), {"b1"}, DAY)) == ["a2", "c"]
    # a3 reviewed earlier today: it is not crammed, and its group ga is taken for today
    states["a3"] = seen(DAY + dt.timedelta(days=1), last=DAY)
    assert ids(cram_queue(CARDS, states, plan(), set(), DAY)) == ["b1", "c"]


# ---------------------------------------------------------------- summary through the CLI


def log_cards(progress_path) -> list[str]:
    path = log_path_for(progress_path)
    return [json.loads(line)["card"] for line in path.read_text().splitlines()]


def test_scripted_session_summary_says_how_many_siblings_wait(invoke, decks, progress_path):
    env = {"CRMREV_TODAY": "2026-03-02"}
    result = invoke("review", "--decks", decks, input="5\n5\n5\n", env=env)
    assert result.exit_code == 0, result.output
    assert [l for l in result.output.splitlines() if l.startswith("Q: ")] == \
        ["Q: A one?", "Q: B one?", "Q: C alone?"]
    assert log_cards(progress_path) == ["a1", "b1", "c"]
    assert result.output.splitlines()[-1] == \
        "3 sibling cards wait for tomorrow (a card from the same note was reviewed today)."

    again = invoke("review", "--decks", decks, input="5\n", env=env)
    assert again.exit_code == 0
    assert again.output.splitlines() == [
        "Nothing more to review today.",
        "3 sibling cards wait for tomorrow (a card from the same note was reviewed today).",
        "Next due card: 2026-03-03.",
    ]


def test_quitting_early_counts_only_siblings_of_cards_answered(invoke, decks, progress_path):
    result = invoke("review", "--decks", decks, input="5\nq\n", env={"CRMREV_TODAY": "2026-03-02"})
    assert result.exit_code == 0, result.output
    assert log_cards(progress_path) == ["a1"]
    # a2 and a3 wait for a1, which was answered; b2 waited for b1, which was never shown
    assert result.output.splitlines()[-1] == \
        "2 sibling cards wait for tomorrow (a card from the same note was reviewed today)."


def test_one_held_card_is_singular_and_none_says_nothing(invoke, decks, progress_path):
    env = {"CRMREV_TODAY": "2026-03-02"}
    result = invoke("review", "--decks", decks, "--type", "concept", "--type", "exam-tip", "--new", "2",
                    input="5\n5\n", env=env)
    assert log_cards(progress_path) == ["a1", "b1"]  # a3 (exam-tip, a sibling of a1) waits
    assert "1 sibling card waits for tomorrow (a card from the same note was reviewed today)." \
        in result.output.splitlines()
    result = invoke("review", "--decks", decks, "--deck", "sib", "--type", "concept", "--new", "5",
                    input="5\n", env={"CRMREV_TODAY": "2026-03-10"})
    assert "sibling" not in result.output  # the concept cards a1, b1, c are from three notes


def test_a_same_day_repeat_comes_back_but_its_sibling_does_not(invoke, decks, progress_path):
    result = invoke("review", "--decks", decks, "--new", "2", input="2\n5\n4\n",
                    env={"CRMREV_TODAY": "2026-03-02"})
    assert result.exit_code == 0, result.output
    assert result.output.count("Q: A one?") == 2
    assert "Q: A two?" not in result.output
    assert log_cards(progress_path) == ["a1", "b1", "a1"]


def test_scripted_n_prints_the_note_and_asks_again(invoke, decks, progress_path):
    result = invoke("review", "--decks", decks, "--new", "2", input="n\n5\nn\n5\n",
                    env={"CRMREV_TODAY": "2026-03-02"})
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    q = lines.index("Q: A one?")
    assert lines[q + 1:q + 5] == ["A: Answer A one.", "grade (0-5, u, q)?", f"N: {NOTE_A}",
                                  "grade (0-5, u, q)?"]
    assert "crmrev: this card has no note beyond its answer" in result.stderr  # b1 has none
    assert log_cards(progress_path) == ["a1", "b1"]


# ---------------------------------------------------------------- the note on screen


def render(card: Card, revealed: bool, show_note: bool) -> str:
    deck = Deck("d", "Deck", (card,))
    session = Session.start(build_queue([(card, deck)], {}, DAY, new_limit=1).items,
                            progress=SimpleNamespace(states={}, memory={}), today=DAY,  # type: ignore[arg-type]
                            now=dt.datetime.now)
    console = Console(file=io.StringIO(), width=100, color_system=None, highlight=False,
                      emoji=False, markup=False)
    console.print(card_view(session, revealed, "", show_note))
    return console.file.getvalue()


def test_note_key_only_offered_when_the_note_adds_something():
    card = Card("x", "concept", "Front?", "Back.", note="Hostile \x1b]52;c;aGk=\x07 note [/]")
    assert "n show the note" not in render(card, revealed=False, show_note=False)
    assert "n show the note" in render(card, revealed=True, show_note=False)
    shown = render(card, revealed=True, show_note=True)
    assert "The note this card came from" in shown
    assert "Hostile ␛]52;c;aGk=␇ note [/]" in shown and "\x1b]52" not in shown
    assert "n hide the note" in shown
    inside = card._replace(back="Back: hostile   note, in full.", note="Hostile note")
    assert "n show" not in render(inside, revealed=True, show_note=False)
    assert note_to_show(card._replace(note=None)) is None


@POSIX_ONLY
def test_n_in_a_real_terminal_shows_the_note(tmp_path, decks):
    progress = tmp_path / "progress.json"
    child = spawn(progress, "--decks", str(decks), "--new", "1")
    child.expect("card 1 of 1")
    child.expect("space/enter reveal · u undo")  # before revealing, no n in the legend
    child.send(" ")
    child.expect("Answer A one")
    child.expect("n show the note")
    child.send("n")
    child.expect("The note this card came from")
    child.expect_exact("[bold]age[/bold] in the queue.")  # shown literally, not as markup
    child.expect("n hide the note")
    child.send("5")
    child.expect("Session complete")
    child.expect("Reviewed 1 answer on 1 card")
    assert finish(child) == 0
    assert log_cards(progress) == ["a1"]
