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
    return -(-interval * ef_centi // 100)  # ⌈interval × EF⌉ in integers


def review(state: CardState | None, quality: int, today: dt.date) -> CardState:
    """Apply one graded recall to a card; state is None for a card never seen."""
    if isinstance(quality, bool) or not isinstance(quality, int) or not 0 <= quality <= 5:
        raise ValueError(f"quality must be an integer 0-5, not {quality!r}")
    if state is None:
        repetitions, interval, ef_centi = 0, 0, INITIAL_EASINESS_CENTI
        first_seen, lapses, reviews = today, 0, 0
    else:
        repetitions, interval = state.repetitions, state.interval
        ef_centi = easiness_centi(state.easiness)
        first_seen, lapses, reviews = state.first_seen or today, state.lapses, state.reviews
    if quality < PASSING_GRADE:
        if state is not None:
            lapses += 1
        repetitions, interval = 0, 1
    else:
        interval = next_interval(repetitions, interval, ef_centi)
        repetitions += 1
    ef_centi = max(MIN_EASINESS_CENTI, ef_centi + easiness_delta_centi(quality))
    return CardState(
        repetitions=repetitions,
        interval=interval,
        easiness=ef_centi / 100,
        due=today + dt.timedelta(days=interval),
        last_review=today,
        first_seen=first_seen,
        lapses=lapses,
        reviews=reviews + 1,
    )
