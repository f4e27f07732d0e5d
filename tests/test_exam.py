"""Exam mode: the due-date cap and its spreading, readiness, cramming, and the exam command."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter

import pytest

from crmrev.exam import RUN_UP_DAYS, capped_due, effective_due, recall_on
from crmrev.model import Card, CardState, Deck, Review
from crmrev.progress import log_path_for, open_progress
from crmrev.queue import cram_queue
from tests.helpers import TINY_DECK as DECK
from tests.helpers import bundled_cards, record

EXAM = dt.date(2026, 6, 15)


def state(interval: int, last: dt.date, easiness: float = 2.5) -> CardState:
    return CardState(3, interval, easiness, last + dt.timedelta(days=interval), last, last, 0, 3)


def test_no_cap_without_exam_or_when_due_before_it():
    s = state(30, dt.date(2026, 6, 1))
    assert effective_due("a", s, None) == s.due
    early = state(5, dt.date(2026, 6, 1))
    assert effective_due("a", early, EXAM) == dt.date(2026, 6, 6)


def test_a_card_due_after_the_exam_is_due_in_the_run_up_instead():
    s = state(40, dt.date(2026, 5, 20))  # SM-2 says 2026-06-29, after the exam
    due = effective_due("card-x", s, EXAM)
    assert EXAM - dt.timedelta(days=RUN_UP_DAYS) <= due <= EXAM - dt.timedelta(days=1)


def test_capped_reviews_are_spread_over_the_run_up_not_piled_on_one_day():
    last = dt.date(2026, 5, 1)
    days = Counter(capped_due(f"card-{n}", last + dt.timedelta(days=60), last, EXAM) for n in range(700))
    assert set(days) == {EXAM - dt.timedelta(days=k) for k in range(1, RUN_UP_DAYS + 1)}
    assert max(days.values()) < 2 * min(days.values())  # roughly even: a stable hash of the id


def test_the_cap_is_stable_for_a_card():
    s = state(60, dt.date(2026, 5, 1))
    assert len({effective_due("same-id", s, EXAM) for _ in range(5)}) == 1


def test_a_card_reviewed_in_the_run_up_keeps_its_sm2_date():
    s = state(20, EXAM - dt.timedelta(days=3))  # its final review is done
    assert effective_due("a", s, EXAM) == s.due


def test_window_shrinks_when_the_last_review_is_close():
    last = EXAM - dt.timedelta(days=9)
    dues = {capped_due(f"c{n}", last + dt.timedelta(days=30), last, EXAM) for n in range(200)}
    assert min(dues) > last and max(dues) <= EXAM - dt.timedelta(days=1)


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
    capped = json.loads(invoke("due", "--json", "--decks", decks, env={"CRMREV_TODAY": "2026-03-19"}).stdout)
    assert capped["due_today"] == 1  # a is due by the day before the exam


def test_readiness_in_stats_on_a_known_history(invoke, decks, progress_path):
    record(progress_path, [("2026-03-01", "a", 5, "first"), ("2026-03-02", "a", 5, "first"),
                           ("2026-03-03", "b", 4, "first")])
    invoke("exam", "2026-03-12", env={"CRMREV_TODAY": "2026-03-04"})
    data = json.loads(invoke("stats", "--json", "--decks", decks, env={"CRMREV_TODAY": "2026-03-04"}).stdout)
    # a: last review 03-02, interval 6 → t = 10; b: last 03-03, interval 1 → t = 9; c, d unseen → 0
    expected = round((0.9 ** (10 / 6) + 0.9 ** 9) / 4, 4)
    assert data["exam"] == {"date": "2026-03-12", "days_left": 8, "readiness": expected,
                            "decks": [{"id": "tiny", "readiness": expected}]}
    human = invoke("stats", "--decks", decks, env={"CRMREV_TODAY": "2026-03-04"}).output
    assert "Exam on 2026-03-12" in human and "8 days left" in human and f"{expected:.0%}" in human


def test_cram_order_is_weakest_predicted_recall_first():
    deck = Deck("d", "D", tuple(Card(i, "concept", f"{i}?", f"{i}.") for i in "abcd"))
    cards = [(card, deck) for card in deck.cards]
    states = {"a": state(30, dt.date(2026, 6, 10)),   # R = 0.9^(5/30) ≈ 0.98
              "b": state(1, dt.date(2026, 6, 10)),    # R = 0.9^5 ≈ 0.59
              "c": state(6, dt.date(2026, 6, 10))}    # R = 0.9^(5/6) ≈ 0.92
    today = dt.date(2026, 6, 12)
    assert [item.card.id for item in cram_queue(cards, states, EXAM, set(), today).items] == ["b", "c", "a"]
    assert [item.card.id for item in cram_queue(cards, states, EXAM, {"b"}, today).items] == ["c", "a"]


def test_cram_answers_are_logged_but_leave_sm2_state_alone(invoke, progress_path):
    env = {"CRMREV_TODAY": "2026-06-01"}
    invoke("review", "--new", "3", input="5\n5\n5\n", env=env)
    invoke("exam", "2026-06-20", env=env)
    with open_progress(progress_path, writable=False) as store:
        before = dict(store.states)
    result = invoke("review", "--cram", "--new", "0", input="1\n2\n3\n", env={"CRMREV_TODAY": "2026-06-01"})
    assert result.exit_code == 0, result.output
    assert result.output.count("(cram)") == 3
    with open_progress(progress_path, writable=False) as store:
        assert store.states == before
        kinds = [r.kind for r in store.iter_reviews()]
    assert kinds == ["first"] * 3 + ["cram"] * 3


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
