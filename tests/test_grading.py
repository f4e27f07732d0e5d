"""The grading scales: four buttons mapped onto SM-2, the legend with each choice's next interval,
the review screen at 40 and 200 columns, scripted button names, and time estimates from answer times."""

from __future__ import annotations

import datetime as dt
import io
import json
import math
from types import SimpleNamespace

import pexpect
import pytest
from rich.cells import cell_len
from rich.console import Console

from crmrev import grading
from crmrev.history import DEFAULT_SECONDS_PER_CARD, ENOUGH_TIMED, MAX_COUNTED_MS, History
from crmrev.model import Card, CardState, Deck, Review
from crmrev.progress import open_progress
from crmrev.queue import Item
from crmrev.session import Session
from crmrev.ui.interactive import card_view
from tests.helpers import POSIX_ONLY, entries, spawn

DAY = dt.date(2026, 3, 2)


def test_four_buttons_map_onto_the_documented_sm2_grades():
    assert {choice.key: (choice.label, choice.grade) for choice in grading.FOUR} == {
        "1": ("Again", 1), "2": ("Hard", 3), "3": ("Good", 4), "4": ("Easy", 5)}
    assert [choice.grade for choice in grading.SIX] == [0, 1, 2, 3, 4, 5]
    assert grading.choice_for_key("four", "0") is None and grading.choice_for_key("six", "0").grade == 0


def test_every_six_grade_label_is_distinct_and_says_right_or_wrong():
    labels = list(grading.SIX_LABELS.values())
    assert len(set(labels)) == 6
    assert all(label.startswith("right") for label in labels[3:])
    assert all(not label.startswith("right") for label in labels[:3])
    assert not any("felt easy" in label for label in labels)  # the wording that confused a learner


@pytest.mark.parametrize(("text", "grade"), [("good", 4), (" Again ", 1), ("HARD", 3), ("easy", 5),
                                             ("0", 0), ("5", 5), ("6", None), ("okay", None), ("", None)])
def test_scripted_answers(text, grade):
    assert grading.grade_from_text(text) == grade


@pytest.mark.parametrize(("days", "text"), [(1, "1d"), (29, "29d"), (30, "1mo"), (45, "1.5mo"),
                                            (365, "1y"), (548, "1.5y")])
def test_intervals_read_as_anki_shows_them(days, text):
    assert grading.interval_text(days) == text


# ---------------------------------------------------------------- the legend and its intervals

def session_on(state: CardState | None, card: Card | None = None) -> Session:
    card = card or Card("c1", "concept", "What does CRM stand for?", "Customer relationship management.")
    deck = Deck("d", "A deck with a long title about customer relationship management", (card,))
    states = {} if state is None else {card.id: state}
    return Session.start([Item(card, deck, state is None)], SimpleNamespace(states=states, memory={}),  # type: ignore[arg-type]
                         DAY, dt.datetime.now)


def screen(session: Session, scale: str, width: int, revealed: bool = True) -> list[str]:
    console = Console(file=io.StringIO(), width=width, color_system=None, highlight=False, markup=False,
                      emoji=False)
    console.print(card_view(session, revealed, "", False, scale, width))
    return console.file.getvalue().splitlines()


def test_each_choice_shows_where_sm2_would_send_the_card():
    # A card seen twice (interval 6, EF 2.5): a pass gives ⌈6 × 2.5⌉ = 15 days whatever the grade
    # (SM-2 moves only the easiness by grade); Hard also comes back today; Again starts over today.
    seen = CardState(2, 6, 2.5, DAY, last_review=DAY - dt.timedelta(days=6), first_seen=DAY - dt.timedelta(days=7))
    expected = math.ceil(6 * 2.5)
    text = "\n".join(screen(session_on(seen), "four", 200))
    assert "1 Again · today" in text
    assert f"2 Hard · {expected}d, again today" in text
    assert f"3 Good · {expected}d" in text and f"4 Easy · {expected}d" in text
    six = "\n".join(screen(session_on(seen), "six", 200))
    assert "0 blank: no memory of it · today" in six and f"5 right, at once · {expected}d" in six


def test_a_new_card_passes_to_one_day():
    text = "\n".join(screen(session_on(None), "four", 200))
    assert "3 Good · 1d" in text and "1 Again · today" in text
    assert "2 Hard · 1d, again today" in text  # not "today" alone, which would read as Again


def test_the_legend_before_the_reveal_has_no_intervals():
    text = "\n".join(screen(session_on(None), "four", 200, revealed=False))
    assert "Grades: 1 Again   2 Hard   3 Good   4 Easy" in text and "·  1d" not in text


@pytest.mark.parametrize("width", [40, 60, 80, 120, 200])
@pytest.mark.parametrize("scale", ["four", "six"])
def test_the_review_screen_fits_and_never_splits_a_choice(width, scale):
    seen = CardState(2, 6, 2.5, DAY, last_review=DAY - dt.timedelta(days=6))
    session = session_on(seen)
    lines = screen(session, scale, width)
    assert max(cell_len(line) for line in lines) <= width
    for choice in grading.choices(scale):
        whole = [line for line in lines if f"{choice.key} {choice.label}" in line]
        assert whole, f"{choice.label!r} split or missing at {width} columns"
    if width >= 120:  # room for the whole legend on one line
        assert sum(1 for line in lines if "Again" in line or "blank" in line) == 1


def test_key_help_after_the_reveal_offers_only_what_works():
    seen = CardState(2, 6, 2.5, DAY, last_review=DAY - dt.timedelta(days=6))
    four = "\n".join(screen(session_on(seen), "four", 120))
    six = "\n".join(screen(session_on(seen), "six", 120))
    assert "space/enter Good · u undo · q save and quit" in four
    assert "space/enter" not in six and "u undo · q save and quit" in six  # space does nothing there


def test_the_estimate_follows_this_sessions_pace_once_it_has_a_few_answers():
    cards = [Card(f"c{n}", "concept", f"Q{n}?", f"A{n}.") for n in range(40)]
    deck = Deck("d", "Deck", tuple(cards))
    clock = iter(range(0, 10_000, 3))  # every answer takes 3 s
    progress = SimpleNamespace(states={}, memory={}, record=lambda review: None)
    session = Session.start([Item(card, deck, True) for card in cards], progress,  # type: ignore[arg-type]
                            DAY, dt.datetime.now, stopwatch=lambda: next(clock))
    session.seconds_per_card = 10
    assert session.seconds_left == 40 * 10
    for _ in range(5):
        session.grade(4)
    assert session.seconds_left == 35 * 3


def test_the_header_estimates_the_time_left_from_the_learners_pace():
    cards = [Card(f"c{n}", "concept", f"Q{n}?", f"A{n}.") for n in range(30)]
    deck = Deck("d", "Deck", tuple(cards))
    session = Session.start([Item(card, deck, True) for card in cards], SimpleNamespace(states={}, memory={}),  # type: ignore[arg-type]
                            DAY, dt.datetime.now)
    session.seconds_per_card = 8
    assert "about 4 min left" in "\n".join(screen(session, "four", 100))  # 30 × 8 s = 240 s


# ---------------------------------------------------------------- in a real terminal

@POSIX_ONLY
@pytest.mark.parametrize("width", [40, 200])
def test_four_buttons_in_a_real_terminal(tmp_path, width):
    progress = tmp_path / "progress.json"
    child = spawn(progress, "--limit", "2", width=width, CRMREV_GRADING="four")
    child.expect("card 1 of 2")
    child.expect("1 Again")
    child.send("3")                 # a grade before the reveal is refused
    child.expect("Reveal the answer first")
    child.send(" ")
    child.expect("3 Good")
    child.send(" ")                 # after the reveal, space is Good
    child.expect("card 2 of 2")
    child.expect(r"Saved: Good \(grade 4\)")
    child.send(" ")
    child.expect("Answer")
    child.send("5")                 # a six-scale key says how to switch
    child.expect("Keys 1-4: Again, Hard, Good, Easy")
    child.send("1")                 # Again: back today, in this session
    child.expect("card 3 of 3")
    child.send("q")
    child.expect(pexpect.EOF)
    child.close()
    logged = entries(progress)
    assert [entry["grade"] for entry in logged] == [4, 1]
    # A person's answers are timed, card shown to grade (each took well under a minute here).
    assert all(isinstance(entry["ms"], int) and 0 <= entry["ms"] < 60_000 for entry in logged)
    assert logged[1]["ms"] > 0


def test_scripted_mode_reads_button_names_whatever_the_setting(invoke, progress_path):
    result = invoke("review", "--limit", "3", "--today", "2026-03-02", input="good\neasy\n0\n",
                    env={"CRMREV_GRADING": "four"})
    assert result.exit_code == 0, result.output
    assert [entry["grade"] for entry in entries(progress_path)] == [4, 5, 0]


# ---------------------------------------------------------------- answer times and estimates

def test_answers_are_logged_with_their_local_time_and_offset(invoke, progress_path):
    invoke("review", "--limit", "2", input="4\n4\n", env={"CRMREV_NOW": "2026-03-02T09:15:00+01:00"})
    logged = entries(progress_path)
    assert [entry["at"] for entry in logged] == ["2026-03-02T09:15:00+01:00"] * 2
    # A script's answers are not timed: its speed is not the learner's.
    assert all("ms" not in entry for entry in logged)


def timed(day: dt.date, ms: int, card: str = "c") -> Review:
    return Review(card, f"{day}T10:00:00+00:00", day, 4, "first", ms=ms)


def test_the_estimate_uses_the_learners_own_times_once_there_are_enough():
    history = History()
    for n in range(ENOUGH_TIMED - 1):
        history.add(timed(DAY, 6_000, f"c{n}"), seen_before=False)
    history.add(Review("old", "2026-03-02T10:00:00", DAY, 4, "first"), seen_before=False)  # untimed
    assert history.seconds_per_card(DAY) == (DEFAULT_SECONDS_PER_CARD, False)
    history.add(timed(DAY, 10 * 60_000), seen_before=False)  # a card left on screen for ten minutes
    per_card, own = history.seconds_per_card(DAY)
    assert own and per_card == pytest.approx(((ENOUGH_TIMED - 1) * 6_000 + MAX_COUNTED_MS) / ENOUGH_TIMED / 1000)
    later = DAY + dt.timedelta(days=40)  # those answers are older than the window
    assert history.seconds_per_card(later) == (DEFAULT_SECONDS_PER_CARD, False)


def test_tallies_with_times_survive_a_save_and_an_undo(progress_path):
    with open_progress(progress_path, writable=True) as store:
        for n in range(ENOUGH_TIMED):
            store.record(timed(DAY, 5_000, f"card-{n}"))
        store.record(timed(DAY, 50_000, "extra"))
        store.undo()
    with open_progress(progress_path, writable=False) as store:
        assert store.history.seconds_per_card(DAY) == (5.0, True)


def test_due_shows_todays_work_as_time(invoke, progress_path):
    with open_progress(progress_path, writable=True) as store:
        for n in range(ENOUGH_TIMED):
            store.record(timed(DAY - dt.timedelta(days=1), 12_000, f"card-{n}"))
    data = json.loads(invoke("due", "--json", "--today", str(DAY)).stdout)
    cards = data["due_today"] + data["new_today"]
    assert data["estimate"] == {"cards": cards, "seconds": 12 * cards, "seconds_per_card": 12.0,
                                "from_your_answers": True}
    result = invoke("--set", "daily-budget=1 minute", "due", "--today", str(DAY), env={"COLUMNS": "100"})
    words = " ".join(result.stdout.split())  # the line wraps at the terminal's width
    assert f"about {round(12 * cards / 60)} min (your average: 12 s a card)" in words
    assert "more than your daily budget of 1 minute (about 5 cards fit)" in words  # 60 s ÷ 12 s
    fresh = json.loads(invoke("due", "--json", "--progress", str(progress_path.with_name("new.json"))).stdout)
    assert fresh["estimate"]["seconds_per_card"] == DEFAULT_SECONDS_PER_CARD
    assert not fresh["estimate"]["from_your_answers"]


def test_with_an_exam_set_each_choice_shows_the_capped_due_date():
    from crmrev.exam import RUN_UP_DAYS, ExamPlan, capped_due
    from crmrev.memory import recall, remember

    seen = CardState(4, 40, 2.5, DAY, last_review=DAY - dt.timedelta(days=40))
    session = session_on(seen)
    exam = DAY + dt.timedelta(days=30)  # ⌈40 × 2.5⌉ = 100 days would pass it
    session.exam = ExamPlan(exam, {})
    after = remember(None, 4, DAY)  # the memory model's state once graded Good
    assert recall(after, exam) < session.exam.target  # so it needs a final review
    capped = capped_due("c1", DAY + dt.timedelta(days=100), DAY, session.exam, after)
    assert exam - dt.timedelta(days=RUN_UP_DAYS) <= capped < exam
    text = "\n".join(screen(session, "four", 200))
    assert f"3 Good · {(capped - DAY).days}d" in text and "3.3mo" not in text
