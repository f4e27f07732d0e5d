"""SM-2 exactly as Woźniak published it, as a pure function of (state, grade, day).

Easiness only ever moves in steps of 0.02, so it is computed in whole hundredths: a float
implementation drifts (5,5,5,5,4,5 gives 407 days instead of 406) and the drift compounds.
"""

from __future__ import annotations

import datetime as dt

from crmrev.model import CardState

INITIAL_EASINESS_CENTI = 250
MIN_EASINESS_CENTI = 130
PASSING_GRADE = 3
# Published SM-2 has no ceiling, but ⌈I × EF⌉ grows geometrically and passes the last date Python
# can represent after a few dozen perfect grades; 100 years is Anki's ceiling too.
MAX_INTERVAL = 36_500


def easiness_centi(easiness: float) -> int:
    return round(easiness * 100)


def easiness_delta_centi(quality: int) -> int:
    """0.1 − (5 − q)(0.08 + (5 − q)·0.02), in hundredths: +10, 0, −14, −32, −54, −80."""
    miss = 5 - quality
    return 10 - miss * (8 + miss * 2)


def next_interval(repetitions: int, interval: int, ef_centi: int) -> int:
    if repetitions == 0:
        return 1
    if repetitions == 1:
        return 6
    return min(MAX_INTERVAL, -(-interval * ef_centi // 100))  # ⌈interval × EF⌉ in integers


_DELTA_CENTI = tuple(easiness_delta_centi(q) for q in range(6))
_new_state = tuple.__new__
_DAYS: dict[int, dt.timedelta] = {}
# The pure SM-2 step (repetitions, interval, easiness, quality) → (repetitions, interval, easiness,
# failed) is memoised: it is the same arithmetic for every card, and reviewing is the hot path.
_STEPS: dict[tuple[int, int, float, int], tuple[int, int, float, bool]] = {}
_MAX_STEPS = 1 << 16


def _step(repetitions: int, interval: int, easiness: float, quality: int) -> tuple[int, int, float, bool]:
    ef_centi = easiness_centi(easiness)
    failed = quality < PASSING_GRADE
    if failed:
        repetitions, interval = 0, 1
    else:
        interval = next_interval(repetitions, interval, ef_centi)
        repetitions += 1
    ef_centi = max(MIN_EASINESS_CENTI, ef_centi + _DELTA_CENTI[quality])
    return repetitions, interval, ef_centi / 100, failed


def _days(interval: int) -> dt.timedelta:
    days = _DAYS[interval] = dt.timedelta(days=interval)
    return days


def review(state: CardState | None, quality: int, today: dt.date) -> CardState:
    """Apply one graded recall to a card; state is None for a card never seen."""
    if quality.__class__ is not int or not 0 <= quality <= 5:
        raise ValueError(f"quality must be an integer 0-5, not {quality!r}")
    if state is None:
        key = (0, 0, INITIAL_EASINESS_CENTI / 100, quality)
        first_seen, lapses, reviews = today, 0, 0
    else:
        key = (*state[:3], quality)
        first_seen, lapses, reviews = state[5] or today, state[6], state[7]
    step = _STEPS.get(key)
    if step is None:
        if len(_STEPS) >= _MAX_STEPS:
            _STEPS.clear()
        step = _STEPS[key] = _step(*key)
    repetitions, interval, easiness, failed = step
    if failed and state is not None:
        lapses += 1
    try:
        due = today + (_DAYS.get(interval) or _days(interval))
    except OverflowError:
        due = dt.date.max
    return _new_state(CardState, (repetitions, interval, easiness, due, today, first_seen, lapses,
                                  reviews + 1))
