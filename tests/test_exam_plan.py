"""The exam plan: new cards paced to the date within the daily budget, the projection played forward
with the memory model, and where both show (due, stats, the end-of-session summary)."""

from __future__ import annotations

import datetime as dt
import json
import sys

import pytest

from crmrev.exam import LEAD_DAYS, ExamPlan, pace_new
from crmrev.memory import Memory, recall
from crmrev.model import CardState
from crmrev.projection import new_for_day, project, readiness_now
from tests.helpers import POSIX_ONLY, bundled_cards, entries, env_for

TODAY = dt.date(2026, 5, 1)
EXAM = TODAY + dt.timedelta(days=30)


# ---------------------------------------------------------------- pacing


def test_pace_introduces_every_card_lead_days_before_the_exam():
    days_to_introduce = 30 - LEAD_DAYS + 1  # today … exam − LEAD_DAYS
    assert pace_new(100, TODAY, EXAM) == -(-100 // days_to_introduce)
    assert pace_new(0, TODAY, EXAM) == 0
    late = EXAM - dt.timedelta(days=LEAD_DAYS - 1)  # past the last day to introduce: everything now
    assert pace_new(37, late, EXAM) == 37


def test_new_cards_follow_the_setting_the_pace_or_the_budget_whichever_binds():
    plan = ExamPlan(EXAM, {})
    assert new_for_day(10, 0, TODAY, plan, 20, None) == 20  # the setting, when the pace is slower
    assert new_for_day(500, 0, TODAY, plan, 20, None) == pace_new(500, TODAY, EXAM) > 20
    assert new_for_day(500, 5, TODAY, plan, 20, None) == pace_new(505, TODAY, EXAM) - 5
    assert new_for_day(500, 0, TODAY, plan, 20, 12) == 12  # the budget's room binds
    assert new_for_day(500, 0, TODAY, plan, 20, -3) == 0   # due cards already overflow it


def due_json(invoke, *args, today="2026-05-01"):
    result = invoke(*args, "due", "--json", env={"CRMREV_TODAY": today})
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_due_shows_the_plans_pace_and_the_budget(invoke):
    total = len(bundled_cards())
    assert due_json(invoke, "--set", "new-per-day=5")["new_today"] == 5
    invoke("exam", "2026-05-11", env={"CRMREV_TODAY": "2026-05-01"})
    paced = pace_new(total, TODAY, dt.date(2026, 5, 11))
    assert paced > 5
    assert due_json(invoke, "--set", "new-per-day=5")["new_today"] == paced
    assert due_json(invoke, "--set", "new-per-day=5", "--set", "daily-budget=12 cards")["new_today"] == 12


def test_review_introduces_the_paced_new_cards_and_honours_new(invoke):
    invoke("exam", "2026-05-11", env={"CRMREV_TODAY": "2026-05-01"})
    paced = pace_new(len(bundled_cards()), TODAY, dt.date(2026, 5, 11))
    result = invoke("--set", "new-per-day=5", "review", input="4\n" * 200, env={"CRMREV_TODAY": "2026-05-01"})
    shown = sum(1 for line in result.output.splitlines() if line.startswith("Q: "))
    assert 5 < shown <= paced  # paced, less any siblings held back for tomorrow
    explicit = invoke("review", "--new", "2", input="4\n" * 50, env={"CRMREV_TODAY": "2026-05-02"})
    assert sum(1 for line in explicit.output.splitlines() if line.startswith("Q: ")) <= 2 + shown


# ---------------------------------------------------------------- the projection


def known(days_ago: int, stability: float, interval: int) -> tuple[CardState, Memory]:
    last = TODAY - dt.timedelta(days=days_ago)
    return (CardState(3, interval, 2.5, last + dt.timedelta(days=interval), last, last, 0, 3),
            Memory(stability, 5.0, last))


def plan_of(cards: dict[str, tuple[CardState, Memory]]) -> tuple[dict[str, CardState], ExamPlan]:
    return ({card_id: state for card_id, (state, _) in cards.items()},
            ExamPlan(EXAM, {card_id: mind for card_id, (_, mind) in cards.items()}))


def test_safe_cards_need_nothing_and_the_projection_is_readiness_now():
    states, plan = plan_of({"a": known(1, 2000.0, 100), "b": known(3, 900.0, 60)})
    ahead = project([("d", ["a", "b"])], states, plan, TODAY, per_day=20)
    assert ahead["answers"] == 0
    assert ahead["projected"] == pytest.approx(readiness_now(["a", "b"], plan))
    assert ahead["decks"]["d"] == {"projected": ahead["projected"], "unseen_at_exam": 0}


def test_a_weak_card_due_after_the_exam_gets_one_final_review_and_the_projection_counts_it():
    states, plan = plan_of({"weak": known(1, 5.0, 60)})  # SM-2: due after the exam; R(exam) ≈ 0.6
    assert recall(plan.memory["weak"], EXAM) < plan.target
    ahead = project([("d", ["weak"])], states, plan, TODAY, per_day=20)
    assert ahead["answers"] >= 1
    assert ahead["projected"] > readiness_now(["weak"], plan) + 0.2


def test_cards_the_budget_cannot_reach_count_zero_and_are_named_per_deck():
    states, plan = plan_of({"seen": known(1, 2000.0, 100)})
    decks = [("first", ["seen", "n1", "n2"]), ("second", ["n3", "n4", "n5", "n6"])]
    ahead = project(decks, states, plan, TODAY, per_day=20, budget_cards=0)
    assert ahead["decks"]["first"]["unseen_at_exam"] == 2 and ahead["decks"]["second"]["unseen_at_exam"] == 4
    assert ahead["projected"] == pytest.approx(recall(plan.memory["seen"], EXAM) / 7)
    # A budget of three cards a day reaches them all, in good time.
    roomy = project(decks, states, plan, TODAY, per_day=20, budget_cards=3)
    assert all(deck["unseen_at_exam"] == 0 for deck in roomy["decks"].values())
    assert roomy["projected"] > 0.85


def test_the_projection_is_the_same_every_time():
    cards = {f"c{n}": known(n % 9 + 1, 1.0 + n, 1 + n % 20) for n in range(40)}
    states, plan = plan_of(cards)
    decks = [("d", [*cards, "new1", "new2"])]
    assert project(decks, states, plan, TODAY, 20) == project(decks, states, plan, TODAY, 20)


# ---------------------------------------------------------------- stats and the summary


def test_stats_names_the_decks_a_small_budget_leaves_unseen(invoke):
    env = {"CRMREV_TODAY": "2026-05-01"}
    invoke("exam", "2026-05-13", env=env)
    result = invoke("--set", "daily-budget=5 cards", "stats", "--json", env=env)
    exam = json.loads(result.stdout)["exam"]
    assert exam["budget_cards"] == 5 and exam["new_today"] == 5
    assert exam["short"] and sum(row["cards"] for row in exam["short"]) == \
        sum(row["unseen_at_exam"] for row in exam["decks"]) > 0
    human = invoke("--set", "daily-budget=5 cards", "stats", env={**env, "COLUMNS": "100"}).output
    assert "leaves cards unseen on exam day" in " ".join(human.split())
    assert exam["short"][-1]["title"].split()[0] in human


def test_the_end_of_session_summary_says_where_the_learner_stands(invoke):
    env = {"CRMREV_TODAY": "2026-05-01"}
    invoke("exam", "2026-06-01", env=env)
    result = invoke("review", "--limit", "5", input="4\n" * 5, env=env)
    assert result.exit_code == 0, result.output
    line = next(line for line in result.output.splitlines() if "Predicted recall on exam day" in line)
    assert "31 days left" in line and "if you stopped now" in line and "if you keep to the plan" in line
    with_no_study = json.loads(invoke("stats", "--json", env=env).stdout)["exam"]
    assert f"{with_no_study['readiness']:.0%} if you stopped now" in line
    assert f"{with_no_study['projected']:.0%} if you keep to the plan" in line


# ---------------------------------------------------------------- found by a black-box pass


def test_a_failed_new_cards_repeat_is_not_counted_as_a_new_card_left(invoke):
    result = invoke("review", "--new", "2", input="1\n1\n", env={"CRMREV_TODAY": "2026-05-01"})
    assert result.exit_code == 0, result.output
    line = next(line for line in result.output.splitlines() if line.startswith("Still due today"))
    assert line.startswith("Still due today: 2 (") and "new card" not in line


def test_cram_works_on_exam_day(invoke):
    invoke("review", "--new", "3", input="4\n4\n4\n", env={"CRMREV_TODAY": "2026-05-01"})
    invoke("review", "--new", "0", input="4\n4\n4\n", env={"CRMREV_TODAY": "2026-05-02"})  # due 05-08
    invoke("exam", "2026-05-04", env={"CRMREV_TODAY": "2026-05-02"})
    result = invoke("review", "--cram", "--new", "0", input="5\n" * 3, env={"CRMREV_TODAY": "2026-05-04"})
    assert result.exit_code == 0, result.output
    assert result.output.count("(cram)") == 3
    after = invoke("review", "--cram", input="5\n", env={"CRMREV_TODAY": "2026-05-05"})
    assert after.exit_code == 2 and "--cram needs an exam date, today or later" in after.output


@pytest.mark.parametrize(("date", "ok"), [("2036-04-30", True), ("2207-05-01", False), ("8999-12-31", False)])
def test_an_exam_date_years_away_is_taken_for_a_typo(invoke, date, ok):
    result = invoke("exam", date, env={"CRMREV_TODAY": "2026-05-01"})
    if ok:
        assert result.exit_code == 0, result.output
        exam = json.loads(invoke("stats", "--json", env={"CRMREV_TODAY": "2026-05-01"}).stdout)["exam"]
        assert exam["days_left"] > 3600 and exam["projected"] is not None
    else:
        assert result.exit_code == 2 and "more than ten years away" in result.output


def test_exam_clear_says_it_cleared(invoke):
    invoke("exam", "2026-06-01", env={"CRMREV_TODAY": "2026-05-01"})
    result = invoke("exam", "--clear", env={"CRMREV_TODAY": "2026-05-01"})
    assert result.exit_code == 0 and "Exam date cleared" in result.output


@pytest.mark.parametrize(("budget", "said"), [("5 cards", "daily budget of 5 cards a day"),
                                              ("1 minute", "daily budget of 1 minute (about 6 cards) a day")])
def test_the_budget_is_named_as_the_learner_set_it(invoke, budget, said):
    env = {"CRMREV_TODAY": "2026-05-01", "COLUMNS": "200"}
    invoke("exam", "2026-05-13", env=env)
    human = invoke("--set", f"daily-budget={budget}", "stats", env=env).output
    assert said in " ".join(human.replace("│", " ").split())


def test_an_exam_date_must_be_written_yyyy_mm_dd(invoke):
    result = invoke("exam", "20261201", env={"CRMREV_TODAY": "2026-05-01"})
    assert result.exit_code == 2 and "is not a date" in result.output


def test_an_exam_years_away_already_stored_gets_no_plan(invoke, progress_path):
    invoke("exam", "2026-06-01", env={"CRMREV_TODAY": "2026-05-01"})
    doc = json.loads(progress_path.read_text())
    doc["exam"] = "8999-12-31"  # older versions took any date
    progress_path.write_text(json.dumps(doc))
    exam = json.loads(invoke("stats", "--json", env={"CRMREV_TODAY": "2026-05-01"}).stdout)["exam"]
    assert exam["date"] == "8999-12-31" and exam["projected"] is None


def test_cram_after_the_exam_says_it_has_passed(invoke):
    invoke("exam", "2026-05-03", env={"CRMREV_TODAY": "2026-05-01"})
    result = invoke("review", "--cram", input="5\n", env={"CRMREV_TODAY": "2026-05-09"})
    assert result.exit_code == 2 and "the exam on 2026-05-03 has passed" in result.output


def test_cram_leaves_cards_due_today_to_be_answered_as_due(invoke, progress_path):
    invoke("review", "--new", "3", input="4\n4\n4\n", env={"CRMREV_TODAY": "2026-05-01"})  # all due 05-02
    invoke("exam", "2026-05-20", env={"CRMREV_TODAY": "2026-05-01"})
    result = invoke("review", "--cram", "--new", "0", "--limit", "1", input="4\n4\n4\n",
                    env={"CRMREV_TODAY": "2026-05-02"})
    assert result.exit_code == 0, result.output
    assert "(cram)" not in result.output  # the two due cards --limit held back are not crammed
    kinds = [entry["kind"] for entry in entries(progress_path) if entry.get("day") == "2026-05-02"]
    assert kinds == ["first"]


def test_undo_from_the_first_cram_card_brings_back_a_due_card_answered_as_due(tmp_path):
    from crmrev.decks import load_decks
    from crmrev.progress import open_progress
    from crmrev.queue import Item
    from crmrev.session import Session
    from tests.helpers import DECKS

    deck = load_decks(DECKS)[0]
    due, extra = Item(deck.cards[0], deck, False), Item(deck.cards[1], deck, False)
    day = dt.date(2026, 5, 2)
    with open_progress(tmp_path / "p.json", writable=True) as store:
        session = Session.start([due], store, day, lambda: dt.datetime(2026, 5, 2, 9), lambda seen: [extra])
        assert session.grade(4).kind == "first" and session.cramming
        session.undo()
        assert not session.cramming and session.current == due
        assert session.preview(4) is not None  # the buttons show intervals again
        assert session.grade(4).kind == "first"
        assert session.cramming and session.current == extra  # cramming begins again
        assert session.grade(5).kind == "cram"


@POSIX_ONLY
def test_a_dumb_terminal_draws_to_its_real_width(tmp_path):
    import pexpect

    env = env_for(tmp_path / "p.json", "2026-05-01", TERM="dumb")
    env.pop("COLUMNS", None)
    child = pexpect.spawn(sys.executable, ["-m", "crmrev", "stats"], env=env, encoding="utf-8",
                          dimensions=(50, 40), timeout=20)
    child.expect(pexpect.EOF)
    lines = [line for line in child.before.replace("\r", "").splitlines() if line.strip()]
    assert lines and max(len(line) for line in lines) <= 40, lines
