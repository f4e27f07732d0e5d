"""The memory model (crmrev/memory.py) against the reference implementation, py-fsrs 6.3.2."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from fsrs import Card, Rating, Scheduler
from fsrs.scheduler import DEFAULT_PARAMETERS
from hypothesis import given, settings
from hypothesis import strategies as st

from crmrev import memory
from crmrev.memory import Memory, rating_of, recall, remember

DAY0 = dt.date(2026, 1, 5)


def oracle(answers: list[tuple[int, int]]) -> list[tuple[float, float, float]]:
    """(stability, difficulty, recall a day later) after each answer, from py-fsrs. answers are
    (day offset, crmrev grade); each review is at noon, so py-fsrs's elapsed days are whole days."""
    scheduler = Scheduler(enable_fuzzing=False, learning_steps=(), relearning_steps=())
    card, out = Card(), []
    for offset, grade in answers:
        at = dt.datetime.combine(DAY0 + dt.timedelta(days=offset), dt.time(12), tzinfo=dt.UTC)
        card, _ = scheduler.review_card(card, Rating(rating_of(grade)), at)
        out.append((card.stability, card.difficulty,
                    scheduler.get_card_retrievability(card, at + dt.timedelta(days=1))))
    return out


def ours(answers: list[tuple[int, int]]) -> list[tuple[float, float, float]]:
    state, out = None, []
    for offset, grade in answers:
        day = DAY0 + dt.timedelta(days=offset)
        state = remember(state, grade, day)
        out.append((state.stability, state.difficulty, recall(state, day + dt.timedelta(days=1))))
    return out


def test_parameters_are_the_published_defaults():
    assert tuple(DEFAULT_PARAMETERS) == memory.W


@pytest.mark.parametrize("grade, rating", [(0, 1), (1, 1), (2, 1), (3, 2), (4, 3), (5, 4)])
def test_grade_to_rating_map(grade, rating):
    assert rating_of(grade) == rating


@pytest.mark.parametrize("answers", [
    [(0, 4), (1, 4), (7, 4), (20, 4), (60, 4)],             # steady Good
    [(0, 1), (0, 4), (1, 3), (3, 1), (3, 4), (4, 5)],       # failures, same-day repeats, Easy
    [(0, 5), (15, 5), (90, 0), (90, 2), (91, 4), (400, 3)],  # long gaps, a lapse, Hard
    [(0, 3), (0, 3), (0, 5), (2, 1), (30, 1), (31, 1)],     # repeated failures
])
def test_fixed_sequences_match_the_reference(answers):
    for mine, theirs in zip(ours(answers), oracle(answers), strict=True):
        assert mine == pytest.approx(theirs, rel=2e-3, abs=2e-3)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 40), st.integers(0, 5)), min_size=1, max_size=12))
def test_any_sequence_matches_the_reference(steps):
    day, answers = 0, []
    for gap, grade in steps:
        day += gap
        answers.append((day, grade))
    for mine, theirs in zip(ours(answers), oracle(answers), strict=True):
        assert mine == pytest.approx(theirs, rel=5e-3, abs=5e-3)


def test_recall_is_90_percent_after_stability_days():
    state = Memory(12.0, 5.0, DAY0)
    assert recall(state, DAY0 + dt.timedelta(days=12)) == pytest.approx(0.9)
    assert recall(state, DAY0) == 1.0
    assert recall(None, DAY0) == 0.0


def test_recall_falls_with_time_and_rises_with_stability():
    rng = random.Random(7)
    for _ in range(200):
        state = Memory(rng.uniform(0.01, 500), rng.uniform(1, 10), DAY0)
        a, b = sorted(rng.sample(range(1, 3000), 2))
        assert recall(state, DAY0 + dt.timedelta(days=a)) >= recall(state, DAY0 + dt.timedelta(days=b))
        stronger = state._replace(stability=state.stability * 2)
        assert recall(stronger, DAY0 + dt.timedelta(days=a)) >= recall(state, DAY0 + dt.timedelta(days=a))


def test_stand_in_from_sm2_is_90_percent_at_the_interval():
    state = memory.from_sm2(interval=20, easiness=2.5, last=DAY0)
    assert recall(state, DAY0 + dt.timedelta(days=20)) == pytest.approx(0.9)
    assert memory.from_sm2(20, 1.3, DAY0).difficulty == memory.MAX_DIFFICULTY
    assert memory.from_sm2(20, 2.5, DAY0).difficulty < memory.from_sm2(20, 2.0, DAY0).difficulty
