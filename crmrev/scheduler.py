"""SM-2 exactly as Woźniak published it, as a pure function of (state, grade, day).

Easiness only ever moves in steps of 0.02, so it is computed in whole hundredths: a float
implementation drifts (5,5,5,5,4,5 gives 407 days instead of 406) and the drift compounds.
"""

from __future__ import annotations

import datetime as dt

from crmrev.model import CardState, Sm2Core

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
_START = Sm2Core.of(0, 0, INITIAL_EASINESS_CENTI)
_new_state = tuple.__new__


def _step(core: Sm2Core, quality: int) -> tuple[Sm2Core, bool]:
    """The pure SM-2 arithmetic, once per (core, grade); remembered in core.next."""
    repetitions, interval, ef_centi = core.repetitions, core.interval, core.ef_centi
    failed = quality < PASSING_GRADE
    if failed:
        repetitions, interval = 0, 1
    else:
        interval = next_interval(repetitions, interval, ef_centi)
        repetitions += 1
    ef_centi = max(MIN_EASINESS_CENTI, ef_centi + _DELTA_CENTI[quality])
    successor = core.next[quality] = (Sm2Core.of(repetitions, interval, ef_centi), failed)
    return successor


def _reviewer():
    # Names the hot path uses are bound once, as closure variables: reviewing is the one function
    # crmrev calls per answer and per replayed log line (see benchmarks/, sm2_speedup).
    new_state, card_state, start, step, overflow = _new_state, CardState, _START, _step, OverflowError

    def review(state: CardState | None, quality: int, today: dt.date) -> CardState:
        """Apply one graded recall to a card; state is None for a card never seen."""
        if quality.__class__ is not int or quality > 5 or quality < 0:
            raise ValueError(f"quality must be an integer 0-5, not {quality!r}")
        if state is None:
            core = (start.next[quality] or step(start, quality))[0]
            first_seen, lapses, reviews = today, 0, 1
        else:
            current = state[0]
            core, failed = current.next[quality] or step(current, quality)
            first_seen, lapses, reviews = state[3] or today, state[4] + failed, state[5] + 1
        try:
            due = today + core.days
        except overflow:
            due = dt.date.max
        return new_state(card_state, (core, due, today, first_seen, lapses, reviews))

    return review


review = _reviewer()
