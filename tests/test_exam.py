"""Exam mode: the due-date cap and its spreading, readiness, cramming, and the exam command."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter

import pytest

from crmrev.exam import RUN_UP_DAYS, ExamPlan, capped_due, effective_due, recall_on
from crmrev.memory import Memory, recall, remember
from crmrev.model import Card, CardState, Deck, Review
from crmrev.progress import log_path_for, open_progress
from crmrev.queue import cram_queue
from tests.helpers import TINY_DECK as DECK
from tests.helpers import bundled_cards, record

EXAM = dt.date(2026, 6, 15)
# Every card due after the exam needs a final review at target 1.0 (no recall is certain): the cap's
# spreading is tested on its own this way.
CAP_ALL = ExamPlan(EXAM, {}, target=1.0)


def state(interval: int, last: dt.date, easiness: float = 2.5) -> CardState:
    return CardState(3, interval, easiness, last + dt.timedelta(days=interval), last, last, 0, 3)


def test_no_cap_without_exam_or_when_due_before_it():
    s = state(30, dt.date(2026, 6, 1))
    assert effective_due("a", s, None) == s.due
    early = state(5, dt.date(2026, 6, 1))
    assert effective_due("a", early, CAP_ALL) == dt.date(2026, 6, 6)


def test_a_card_due_after_the_exam_is_due_in_the_run_up_instead():
    s = state(40, dt.date(2026, 5, 20))  # SM-2 says 2026-06-29, after the exam
    due = effective_due("card-x", s, CAP_ALL)
    assert EXAM - dt.timedelta(days=RUN_UP_DAYS) <= due <= EXAM - dt.timedelta(days=1)


def test_capped_reviews_are_spread_over_the_run_up_not_piled_on_one_day():
    last = dt.date(2026, 5, 1)
    days = Counter(capped_due(f"card-{n}", last + dt.timedelta(days=60), last, CAP_ALL) for n in range(700))
    assert set(days) == {EXAM - dt.timedelta(days=k) for k in range(1, RUN_UP_DAYS + 1)}
    assert max(days.values()) < 2 * min(days.values())  # roughly even: a stable hash of the id


def test_the_cap_is_stable_for_a_card():
    s = state(60, dt.date(2026, 5, 1))
    assert len({effective_due("same-id", s, CAP_ALL) for _ in range(5)}) == 1


def test_a_card_reviewed_in_the_run_up_keeps_its_sm2_date():
    s = state(20, EXAM - dt.timedelta(days=3))  # its final review is done
    assert effective_due("a", s, CAP_ALL) == s.due


def test_window_shrinks_when_the_last_review_is_close():
    last = EXAM - dt.timedelta(days=9)
    dues = {capped_due(f"c{n}", last + dt.timedelta(days=30), last, CAP_ALL) for n in range(200)}
    assert min(dues) > last and max(dues) <= EXAM - dt.timedelta(days=1)


def test_only_cards_below_the_target_on_exam_day_get_a_final_review():
    last = dt.date(2026, 5, 1)
    s = state(60, last)  # SM-2: due 06-30, after the exam
    weak, safe = Memory(10.0, 5.0, last), Memory(400.0, 5.0, last)
    assert recall(weak, EXAM) < 0.9 < recall(safe, EXAM)
    plan = ExamPlan(EXAM, {"weak": weak, "safe": safe})
    assert effective_due("safe", s, plan) == s.due  # safe: no extra review
    assert EXAM - dt.timedelta(days=RUN_UP_DAYS) <= effective_due("weak", s, plan) < EXAM
    # A lower target spares the weak card too; the target is the exam-target-recall setting.
    assert effective_due("weak", s, plan._replace(target=recall(weak, EXAM) - 0.01)) == s.due


def test_recall_prediction_formula():
    s = state(10, dt.date(2026, 6, 5))
    assert recall_on(s, EXAM) == pytest.approx(0.9 ** (10 / 10))
    assert recall_on(None, EXAM) == 0.0
    assert recall_on(state(4, dt.date(2026, 6, 13)), EXAM) == pytest.approx(0.9 ** (2 / 4))


def test_exam_command_sets_shows_and_clears(invoke, progress_path):
    env = {"CRMREV_TODAY": "2026-06-01"}
    assert "No exam date is set." in invoke("exam", env=env).output
    result = invoke("exam", "2026-06-15", env=env)
    assert result.exit_code == 0 and "Exam on 2026-06-15: 14 days left." in result.output
    assert json.loads(invoke("exam", "--json", env=env).stdout) == {"date": "2026-06-15", "days_left": 14}
    assert json.loads(progress_path.read_text())["exam"] == "2026-06-15"
    assert invoke("exam", "--clear", env=env).exit_code == 0
    assert json.loads(progress_path.read_text())["exam"] is None
    events = [json.loads(l) for l in log_path_for(progress_path).read_text().splitlines()]
    writer = events[0]["writer"]
    assert events == [{"event": "exam", "date": "2026-06-15", "writer": writer, "seq": 1},
                      {"event": "exam", "date": None, "writer": writer, "seq": 2}]


@pytest.mark.parametrize(("arg", "needle"), [("tomorrow", "is not a date"), ("2026-05-31", "is not after today"),
                                             ("2026-06-01", "is not after today")])
def test_bad_exam_dates_are_usage_errors(invoke, arg, needle):
    result = invoke("exam", arg, env={"CRMREV_TODAY": "2026-06-01"})
    assert result.exit_code == 2 and needle in result.output


def test_exam_date_survives_a_damaged_snapshot(invoke, progress_path):
    invoke("exam", "2026-06-15", env={"CRMREV_TODAY": "2026-06-01"})
    progress_path.write_bytes(b"{broken")
    assert "Exam on 2026-06-15" in invoke("exam", env={"CRMREV_TODAY": "2026-06-02"}).output


@pytest.fixture
def decks(tmp_path):
    folder = tmp_path / "decks"
    folder.mkdir()
    (folder / "tiny.yaml").write_text(DECK)
    return folder


def test_capped_cards_show_up_in_due_before_the_exam(invoke, decks, progress_path):
    # card a: 5, 5, 5 → interval 17 on 03-08, due 03-25
    record(progress_path, [("2026-03-01", "a", 5, "first"), ("2026-03-02", "a", 5, "first"),
                           ("2026-03-08", "a", 5, "first")])
    plain = json.loads(invoke("due", "--json", "--decks", decks, env={"CRMREV_TODAY": "2026-03-19"}).stdout)
    assert plain["due_today"] == 0
    invoke("exam", "2026-03-20", env={"CRMREV_TODAY": "2026-03-10"})
    # Three Easy answers: the memory model expects a to be recalled on exam day…
    mind = remember(remember(remember(None, 5, dt.date(2026, 3, 1)), 5, dt.date(2026, 3, 2)), 5,
                    dt.date(2026, 3, 8))
    assert 0.9 < recall(mind, dt.date(2026, 3, 20)) < 0.99
    safe = json.loads(invoke("due", "--json", "--decks", decks, env={"CRMREV_TODAY": "2026-03-19"}).stdout)
    assert safe["due_today"] == 0  # … so at the default target of 0.90 it needs no final review
    strict = json.loads(invoke("--set", "exam-target-recall=0.99", "due", "--json", "--decks", decks,
                               env={"CRMREV_TODAY": "2026-03-19"}).stdout)
    assert strict["due_today"] == 1  # at 0.99 it does: due by the day before the exam


def test_readiness_in_stats_on_a_known_history(invoke, decks, progress_path):
    record(progress_path, [("2026-03-01", "a", 5, "first"), ("2026-03-02", "a", 5, "first"),
                           ("2026-03-03", "b", 4, "first")])
    invoke("exam", "2026-03-12", env={"CRMREV_TODAY": "2026-03-04"})
    data = json.loads(invoke("stats", "--json", "--decks", decks, env={"CRMREV_TODAY": "2026-03-04"}).stdout)
    # The memory model's predictions with no further study; c and d are unseen and count 0.
    a = remember(remember(None, 5, dt.date(2026, 3, 1)), 5, dt.date(2026, 3, 2))
    b = remember(None, 4, dt.date(2026, 3, 3))
    expected = round((recall(a, dt.date(2026, 3, 12)) + recall(b, dt.date(2026, 3, 12))) / 4, 4)
    exam = data["exam"]
    assert (exam["date"], exam["days_left"], exam["readiness"]) == ("2026-03-12", 8, expected)
    assert exam["decks"][0]["readiness"] == expected
    # Eight days left: the plan brings in c and d today, so the projection beats no further study.
    assert exam["new_today"] == 2 and exam["due_today"] == 1  # b (a is due 03-08)
    assert exam["projected"] > expected and exam["short"] == []
    human = invoke("stats", "--decks", decks, env={"CRMREV_TODAY": "2026-03-04"}).output
    assert "Exam on 2026-03-12" in human and "8 days left" in human and f"{expected:.0%}" in human


def test_cram_order_is_weakest_predicted_recall_first():
    deck = Deck("d", "D", tuple(Card(i, "concept", f"{i}?", f"{i}.") for i in "abcd"))
    cards = [(card, deck) for card in deck.cards]
    last = dt.date(2026, 6, 10)
    states = {card_id: state(6, last) for card_id in "abc"}  # SM-2 alike: the memory model decides
    plan = ExamPlan(EXAM, {"a": Memory(30.0, 5.0, last), "b": Memory(1.0, 5.0, last),
                           "c": Memory(6.0, 5.0, last)})
    today = dt.date(2026, 6, 12)
    assert [item.card.id for item in cram_queue(cards, states, plan, set(), today).items] == ["b", "c", "a"]
    assert [item.card.id for item in cram_queue(cards, states, plan, {"b"}, today).items] == ["c", "a"]


def test_cram_skips_cards_answered_today(invoke, progress_path):
    invoke("review", "--new", "3", input="5\n5\n5\n", env={"CRMREV_TODAY": "2026-06-01"})
    invoke("exam", "2026-06-20", env={"CRMREV_TODAY": "2026-06-01"})
    result = invoke("review", "--cram", "--new", "0", input="5\n" * 5, env={"CRMREV_TODAY": "2026-06-01"})
    assert result.exit_code == 0 and "(cram)" not in result.output  # all three were just answered


def test_cram_answers_update_the_memory_model_but_leave_sm2_state_alone(invoke, progress_path):
    invoke("review", "--new", "3", input="5\n5\n5\n", env={"CRMREV_TODAY": "2026-06-01"})
    invoke("review", "--new", "0", input="5\n5\n5\n", env={"CRMREV_TODAY": "2026-06-02"})
    invoke("exam", "2026-06-20", env={"CRMREV_TODAY": "2026-06-02"})
    with open_progress(progress_path, writable=False) as store:
        before, minds = dict(store.states), dict(store.memory)
    cram_day = dt.date(2026, 6, 3)  # nothing is due (SM-2 sent all three to 06-08)
    result = invoke("review", "--cram", "--new", "0", input="1\n4\n5\n", env={"CRMREV_TODAY": "2026-06-03"})
    assert result.exit_code == 0, result.output
    assert result.output.count("(cram)") == 3
    assert "(cram), next due" not in result.output  # a cram answer implies no new due date
    with open_progress(progress_path, writable=False) as store:
        assert store.states == before
        crammed = [r for r in store.iter_reviews() if r.kind == "cram"]
        assert len(crammed) == 3
        for review in crammed:
            assert store.memory[review.card] == remember(minds[review.card], review.grade, cram_day)


def test_cram_needs_an_exam_date(invoke):
    result = invoke("review", "--cram", input="5\n")
    assert result.exit_code == 2 and "--cram needs an exam date" in result.output


def test_type_filter_picks_new_card_types(invoke, progress_path):
    result = invoke("review", "--type", "marking-point", "--type", "exam-tip", "--new", "30", input="5\n" * 60)
    headers = [l for l in result.output.splitlines() if l.startswith("[")]
    groups = {c.sibling_key for c in bundled_cards() if c.type in ("marking-point", "exam-tip")}
    assert groups
    assert len(headers) == min(30, len(groups))  # one card per note a day: siblings wait
    assert {h.rsplit("(", 1)[1] for h in headers} <= {"marking-point)", "exam-tip)"}


def test_a_cram_answer_is_logged_but_never_moves_the_schedule(tmp_path):
    path = tmp_path / "progress.json"
    day = dt.date(2026, 6, 1)
    with open_progress(path, writable=True) as store:
        store.record(Review("a", "2026-06-01T09:00:00", day, 5, "first"))
        before = store.states["a"]
        store.record(Review("a", "2026-06-01T09:05:00", day, 0, "cram"))
        assert store.states["a"] == before
    path.unlink()  # no snapshot: every state is replayed from the log
    with open_progress(path, writable=False) as store:
        assert store.states["a"] == before
        assert [r.kind for r in store.iter_reviews()] == ["first", "cram"]


def test_reading_the_current_card_changes_nothing(tmp_path):
    import datetime as dt

    from crmrev.decks import load_decks
    from crmrev.queue import Item
    from crmrev.session import Session
    from tests.helpers import DECKS

    deck = load_decks(DECKS)[0]
    calls = []

    def cram(seen):
        calls.append(set(seen))
        return [Item(deck.cards[1], deck, False)]

    with open_progress(tmp_path / "p.json", writable=True) as store:
        session = Session.start([Item(deck.cards[0], deck, False)], store, dt.date(2026, 6, 1),
                                lambda: dt.datetime(2026, 6, 1, 9), cram)
        assert [session.current.card.id for _ in range(3)] == [deck.cards[0].id] * 3
        assert calls == []  # nothing started by looking
        session.grade(5)
        assert calls == [{deck.cards[0].id}] and session.cramming
        assert session.current.card.id == deck.cards[1].id
