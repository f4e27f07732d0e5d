"""How well the learner remembers each card: the FSRS-6 memory model, beside SM-2. Pure: no I/O.

SM-2 decides when a card comes back; it says nothing reliable about how likely the learner is to
recall it on a given day. Replayed over a real learner's 12,580 Anki reviews, SM-2's 0.9^(t/I) had a
log loss of 0.560, worse than always guessing the average (0.527); this model, FSRS-6 with its
published default parameters, had 0.465 (benchmarks/calibration.py). So every prediction (exam
readiness, cram order, hardest cards) comes from this model, and SM-2 still schedules.

A card's memory is its stability S (days until recall falls to 90%), its difficulty D (1-10) and the
study day it was last answered. Each answer updates them in O(1), by the formulas of FSRS-6
(open-spaced-repetition, py-fsrs 6.3 is the test oracle) with its default parameters; there is no
optimiser. crmrev's grades map onto FSRS's four ratings:

    0, 1, 2 → Again    3 → Hard    4 → Good    5 → Easy

Time is whole study days, as everywhere in crmrev: a second answer on the same study day uses FSRS's
same-day (short-term) rule.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from crmrev.model import Review

# FSRS-6's published defaults, w0 … w20 (py-fsrs 6.3.2 DEFAULT_PARAMETERS).
W = (0.212, 1.2931, 2.3065, 8.2956, 6.4133, 0.8334, 3.0194, 0.001, 1.8722, 0.1666, 0.796,
     1.4835, 0.0614, 0.2629, 1.6483, 0.6014, 1.8729, 0.5425, 0.0912, 0.0658, 0.1542)
DECAY = -W[20]
FACTOR = 0.9 ** (1 / DECAY) - 1
MIN_STABILITY = 0.001
MIN_DIFFICULTY, MAX_DIFFICULTY = 1.0, 10.0
AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4
# Stored to 4 decimals: the snapshot stays small, and a state rebuilt from the log is the same
# number as the one updated answer by answer (the rounding is part of the update).
DIGITS = 4


class Memory(NamedTuple):
    stability: float   # days until predicted recall falls to 90%
    difficulty: float  # 1 (easy) to 10 (hard)
    last: dt.date      # the study day of the latest answer, cramming included


def rating_of(grade: int) -> int:
    """crmrev's 0-5 grade → FSRS rating 1-4."""
    return AGAIN if grade < 3 else grade - 1


def recall(memory: Memory | None, day: dt.date) -> float:
    """Predicted probability of recalling the card on `day` (0 for a card never seen)."""
    if memory is None:
        return 0.0
    return recall_after(max(0, (day - memory.last).days), memory.stability)


def recall_after(days: int, stability: float) -> float:
    """Predicted recall `days` after the last answer (FSRS-6's forgetting curve)."""
    return (1 + FACTOR * days / stability) ** DECAY


def remember(memory: Memory | None, grade: int, day: dt.date) -> Memory:
    """The memory after answering `grade` on `day` (memory is None for a card's first answer)."""
    rating = rating_of(grade)
    if memory is None:
        stability, difficulty = W[rating - 1], _clamp_difficulty(_initial_difficulty(rating))
    else:
        if (day - memory.last).days < 1:  # the same study day (or a clock set back): short-term rule
            stability = _same_day_stability(memory.stability, rating)
        else:
            stability = _next_stability(memory, recall(memory, day), rating)
        difficulty = _next_difficulty(memory.difficulty, rating)
    return Memory(round(max(stability, MIN_STABILITY), DIGITS), round(difficulty, DIGITS),
                  max(day, memory.last) if memory is not None else day)


def _initial_difficulty(rating: int) -> float:
    return W[4] - math.exp(W[5] * (rating - 1)) + 1


def _clamp_difficulty(difficulty: float) -> float:
    return min(max(difficulty, MIN_DIFFICULTY), MAX_DIFFICULTY)


def _next_difficulty(difficulty: float, rating: int) -> float:
    change = -W[6] * (rating - 3)
    damped = difficulty + (10 - difficulty) * change / 9
    # Mean reversion towards the difficulty of a first Easy, so a card is not stuck at 10 for ever.
    return _clamp_difficulty(W[7] * _initial_difficulty(EASY) + (1 - W[7]) * damped)


def _same_day_stability(stability: float, rating: int) -> float:
    growth = math.exp(W[17] * (rating - 3 + W[18])) * stability ** -W[19]
    if rating >= HARD:
        growth = max(growth, 1.0)  # passing again the same day never weakens the memory
    return stability * growth


def _next_stability(memory: Memory, retrievability: float, rating: int) -> float:
    stability, difficulty = memory.stability, memory.difficulty
    if rating == AGAIN:
        forgotten = (W[11] * difficulty ** -W[12] * ((stability + 1) ** W[13] - 1)
                     * math.exp((1 - retrievability) * W[14]))
        return min(forgotten, stability / math.exp(W[17] * W[18]))
    bonus = W[15] if rating == HARD else W[16] if rating == EASY else 1.0
    return stability * (1 + math.exp(W[8]) * (11 - difficulty) * stability ** -W[9]
                        * (math.exp((1 - retrievability) * W[10]) - 1) * bonus)


def from_sm2(interval: int, easiness: float, last: dt.date) -> Memory:
    """A stand-in memory for a card whose answers are not in the log (a progress file from before
    the log existed): stability from SM-2's interval, which SM-2 chose to end near 90% recall (FSRS's
    own definition of stability); difficulty from easiness, 2.5 (new) at FSRS's first-Good value
    and 1.3 (the floor) at 10."""
    good = _initial_difficulty(GOOD)
    difficulty = good + (2.5 - easiness) / (2.5 - 1.3) * (MAX_DIFFICULTY - good)
    return Memory(round(max(float(interval), MIN_STABILITY), DIGITS),
                  round(_clamp_difficulty(difficulty), DIGITS), last)


def memories_of(reviews: Iterable[Review]) -> dict[str, Memory]:
    """Every card's memory, from a review log read from its start (cram answers included)."""
    memories: dict[str, Memory] = {}
    for review in reviews:
        memories[review.card] = remember(memories.get(review.card), review.grade, review.day)
    return memories
