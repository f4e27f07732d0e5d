"""SM-2 on known sequences and on properties that must hold for any sequence."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crmrev.model import CardState
from crmrev.scheduler import review

START = dt.date(2026, 1, 5)


def run(grades, start=START, on_due_day=True):
    state, day, out = None, start, []
    for grade in grades:
        state = review(state, grade, day)
        out.append(state)
        day = state.due if on_due_day else day + dt.timedelta(days=1)
    return out


def test_perfect_then_good_sequence_has_no_float_drift():
    states = run([5, 5, 5, 5, 4, 5])
    assert [s.interval for s in states] == [1, 6, 17, 48, 140, 406]
    assert [s.easiness for s in states] == [2.6, 2.7, 2.8, 2.9, 2.9, 3.0]


def test_guide_sequence_four_fives():
    states = run([5, 5, 5, 5])
    assert [s.interval for s in states] == [1, 6, 17, 48]
    assert [s.easiness for s in states] == [2.6, 2.7, 2.8, 2.9]


def test_due_dates_follow_intervals():
    states = run([5, 5, 5])
    assert [s.due for s in states] == [dt.date(2026, 1, 6), dt.date(2026, 1, 12), dt.date(2026, 1, 29)]


def test_failure_resets_repetitions_and_interval_but_lowers_easiness():
    states = run([4, 4, 4, 1])
    assert [(s.repetitions, s.interval) for s in states] == [(1, 1), (2, 6), (3, 15), (0, 1)]
    assert states[-1].easiness == pytest.approx(2.5 - 0.54)
    assert states[-1].lapses == 1


def test_easiness_deltas_per_grade():
    for grade, expected in [(5, 2.6), (4, 2.5), (3, 2.36), (2, 2.18), (1, 1.96), (0, 1.7)]:
        assert review(None, grade, START).easiness == expected


def test_easiness_is_clamped_at_1_3():
    states = run([0] * 10, on_due_day=False)
    assert states[-1].easiness == 1.3
    assert [s.interval for s in states] == [1] * 10


def test_interval_uses_easiness_from_before_the_review():
    # 3 lowers EF from 2.5 to 2.36, but the third interval uses the EF before that review.
    states = run([5, 5, 3])
    assert states[1].easiness == 2.7
    assert states[2].interval == 17  # ⌈6 × 2.7⌉, not ⌈6 × 2.56⌉ = 16
    assert states[2].easiness == 2.56


def test_first_failure_is_not_a_lapse():
    assert review(None, 0, START).lapses == 0


def test_state_from_dict_round_trip_keeps_exact_easiness():
    state = run([5, 5, 5, 5, 4])[-1]
    again = CardState.from_dict(state.to_dict())
    assert review(again, 5, state.due).interval == 406


@pytest.mark.parametrize("bad", [-1, 6, 2.5, "4", True, None])
def test_invalid_quality_is_rejected(bad):
    with pytest.raises(ValueError):
        review(None, bad, START)


@given(st.lists(st.integers(min_value=0, max_value=5), min_size=1, max_size=60),
       st.lists(st.integers(min_value=0, max_value=400), min_size=60, max_size=60))
def test_properties_hold_for_any_grades_and_gaps(grades, gaps):
    state, day = None, START
    for grade, gap in zip(grades, gaps, strict=False):
        state = review(state, grade, day)
        assert state.easiness >= 1.3
        assert state.interval >= 1
        assert state.due > day
        assert round(state.easiness * 100) == state.easiness * 100 or \
            abs(round(state.easiness * 100) - state.easiness * 100) < 1e-9
        day = day + dt.timedelta(days=gap)


def test_endless_perfect_grades_stop_at_a_hundred_years():
    states = run([5] * 60)
    assert states[-1].interval == 36_500
    assert states[-1].due > START


def test_far_future_due_dates_never_overflow():
    state = review(None, 5, dt.date(9000, 1, 1))
    for _ in range(40):
        state = review(state, 5, dt.date(9000, 1, 1))
    assert state.interval == 36_500


def test_a_state_is_a_plain_value():
    import dataclasses

    state = review(None, 5, START)
    moved = dataclasses.replace(state, interval=5)
    assert (moved.interval, moved.repetitions, moved.easiness) == (5, state.repetitions, state.easiness)
    assert moved == CardState(state.repetitions, 5, state.easiness, state.due, state.last_review,
                              state.first_seen, state.lapses, state.reviews)
    assert dataclasses.asdict(state)["easiness"] == 2.6
    with pytest.raises(dataclasses.FrozenInstanceError):
        state.interval = 3  # type: ignore[misc]
