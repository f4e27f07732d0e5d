"""SM-2 exactly as Woźniak published it, as a pure function of (state, grade, day).

Easiness only ever moves in steps of 0.02, so it is computed in whole hundredths: a float
implementation drifts (5,5,5,5,4,5 gives 407 days instead of 406) and the drift compounds.
"""

from __future__ import annotations

import datetime as dt

from crmrev.model import CardState

INITIAL_EASINESS_CENTI = 250
MIN_EASINESS_CENTI = 130
# Below this grade a recall failed: repetitions start again and the interval drops to one day.
PASSING_GRADE = 3
# SM-2's same-day rule: a card graded below this comes back later the same day until it reaches it.
REPEAT_BELOW = 4
# Published SM-2 has no ceiling, but ⌈I × EF⌉ grows geometrically and passes the last date Python
# can represent after a few dozen perfect grades; 100 years is Anki's ceiling too.
MAX_INTERVAL = 36_500


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


def review(state: CardState | None, quality: int, today: dt.date) -> CardState:
    """Apply one graded recall (0-5) to a card; state is None for a card never seen."""
    if not isinstance(quality, int) or isinstance(quality, bool) or not 0 <= quality <= 5:
        raise ValueError(f"quality must be an integer 0-5, not {quality!r}")
    seen = state is not None
    if state is None:
        state = CardState(0, 0, INITIAL_EASINESS_CENTI / 100, today, first_seen=today)
    ef_centi = round(state.easiness * 100)
    failed = quality < PASSING_GRADE
    if failed:
        repetitions, interval = 0, 1
    else:
        interval = next_interval(state.repetitions, state.interval, ef_centi)
        repetitions = state.repetitions + 1
    ef_centi = max(MIN_EASINESS_CENTI, ef_centi + easiness_delta_centi(quality))
    try:
        due = today + dt.timedelta(days=interval)
    except OverflowError:
        due = dt.date.max
    return CardState(repetitions, interval, ef_centi / 100, due, last_review=today,
                     first_seen=state.first_seen or today,
                     lapses=state.lapses + (failed and seen),  # failing a card's first sight is no lapse
                     reviews=state.reviews + 1)
