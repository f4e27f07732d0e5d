#!/usr/bin/env python3
"""Does the exam plan help, and does crmrev know where the learner stands? A simulated learner
studies the bundled decks daily for the 60 days before an exam, under four plans (the arms), with
two models of how the learner really forgets (the learners); seeded, so every run is the same.

    python benchmarks/exam_sim.py [--seed N] [--days 60] [--json FILE] [--learner fsrs|handmade|both]

Each learner has a true memory of every card, which decides its answers; crmrev never sees it. crmrev
keeps what its Progress would: SM-2's state (moved by the day's first answer of a card) and its own
memory model (crmrev.memory, FSRS-6 with default parameters: `remember` on every answer, same-day
repeats and cram answers included). Its predictions come from that model, so they can be wrong.

The FSRS-6 learner: the true memory is FSRS-6 with its default parameters, except that each card is
harder or easier than FSRS assumes. Every card gets a difficulty shift δ ~ U(−1, 5) from the seeded
generator (in deck order), added once to its true difficulty D at first sight and clamped to [1, 10];
FSRS's own updates then carry it along (and, near 10, damp it), so most cards are truly harder than
crmrev's model believes, some by a lot (D up to about 7 against crmrev's 2.1 for a first Good).
- first sight: the learner reads the answer and grades Good (4); the true memory is FSRS's first Good
  (S = w2 = 2.3 days) with D shifted;
- later: the outcome is drawn with the true recall probability R; recalled → Easy (5) when R ≥ 0.95,
  else Good (4); forgotten → Again (1). The true memory is updated by FSRS with that rating.

The hand-made learner (the forgetting model this benchmark had before crmrev had a memory model):
- each card has a difficulty d ~ U(0.1, 0.9) drawn once from the seeded generator;
- a card's memory has a stability S in days; the chance of recalling it t days after its last
  review is 0.9^(t / S) (S is the interval at which recall falls to 90%);
- the first sight of a card sets S = 1 − d/2 (about a day) and is graded 1: the answer was not known;
- a successful recall multiplies S by 1 + 2.5·(1 − d)·(1.1 − p), where p was the chance of recall
  just then: a harder-won success strengthens memory more, easy cards grow faster;
- a failed recall sets S to max(0.3, S·0.4);
- the learner grades honestly from the outcome: recalled with p ≥ 0.9 → 5, p ≥ 0.7 → 4, else 3;
  not recalled → 2 if p ≥ 0.4, else 1.

Both learners: a grade below 4 is re-shown in the same session (SM-2's same-day rule) and answered
Good; it counts as one more review and updates crmrev's memory (FSRS's same-day rule), not SM-2. The
true memory takes it too: FSRS's same-day Good for the FSRS-6 learner; for the hand-made one the card
is known again, S unchanged. The outcome of an answer is drawn from a generator seeded by (seed, card,
day), so every arm meets the same luck on the same card and day.

The arms, each day doing what `crmrev review` would queue (due cards, then new cards):
1. plain SM-2: no exam date; up to 20 new cards a day;
2. current exam cap: ExamPlan(exam, memory, target=1.0): every card whose SM-2 date falls on or after
   the exam gets one final review in the last week; new cards as plain;
3. new exam plan: ExamPlan(exam, memory, 0.9): a final review only for a card crmrev predicts below
   90% on exam day; new cards at projection.new_for_day (20 a day, or the pace the exam needs);
4. new plan + cram in the last week: as 3, then on each of the last 7 days up to 20 cards of
   `cram_queue` (weakest predicted first). A cram answer moves crmrev's memory and the true memory,
   never SM-2, and is not repeated.

Reported per arm: the reviews (every answer: same-day repeats and cram included); the true share
recalled on exam day (the mean over all cards of the true recall probability that day, unseen cards
0); for arms 3 and 4 crmrev's predicted readiness, projection.readiness_now after the last study day's
study (the same quantity: exam-day recall with no further study), and its error in points (predicted
− true). Also for arms 3 and 4: projection.project made at the start of the middle day (day 31 of 60,
30 days before the exam), against the same truth (for arm 4 the projection does not know about the
cramming to come).

Targets, under the FSRS-6 learner: the new plan (arm 3) reaches 90% true exam-day recall, with at
most 10% more reviews than plain SM-2, and its predicted readiness is within 3 points of the truth.
The script exits 0 when all are met (or the FSRS-6 learner was not run), 1 when one is not.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import time
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crmrev import memory, scheduler  # noqa: E402
from crmrev.decks import bundled_decks_dir, load_decks  # noqa: E402
from crmrev.exam import RUN_UP_DAYS, ExamPlan  # noqa: E402
from crmrev.memory import Memory, remember  # noqa: E402
from crmrev.model import Card, CardState, Deck  # noqa: E402
from crmrev.projection import new_for_day, project, readiness_now  # noqa: E402
from crmrev.queue import DEFAULT_NEW_PER_DAY, build_queue, cram_queue, select_cards  # noqa: E402

START = dt.date(2027, 3, 1)
CRAM_PER_DAY = 20
AGAIN, GOOD, EASY = 1, 4, 5  # crmrev grades
SHIFT_RANGE = (-1.0, 5.0)    # the FSRS-6 learner's per-card difficulty shift
EASY_FROM = 0.95             # the FSRS-6 learner grades a recall Easy when its true recall was this high
MIN_RECALL, MAX_EXTRA_REVIEWS, MAX_ERROR_POINTS = 0.90, 0.10, 3.0


def draw(seed: int, card_id: str, day: dt.date) -> float:
    """The learner's luck for this card on this day, the same in every arm."""
    return random.Random(f"{seed}|{card_id}|{day.isoformat()}").random()


# --- the learners -----------------------------------------------------------------------------------

class FsrsLearner:
    """True memory: FSRS-6 with default parameters and a per-card difficulty shift (module docstring)."""

    name = "FSRS-6 learner"

    def __init__(self, card_ids: list[str], seed: int) -> None:
        params = random.Random(seed)
        self.shift = {card_id: params.uniform(*SHIFT_RANGE) for card_id in card_ids}
        self.seed = seed
        self.memory: dict[str, Memory] = {}

    def recall(self, card_id: str, day: dt.date) -> float:
        return memory.recall(self.memory.get(card_id), day)

    def answer(self, card_id: str, day: dt.date) -> int:
        mind = self.memory.get(card_id)
        if mind is None:  # first sight: the learner reads the answer
            first = remember(None, GOOD, day)
            shifted = memory._clamp_difficulty(first.difficulty + self.shift[card_id])
            self.memory[card_id] = first._replace(difficulty=round(shifted, memory.DIGITS))
            return GOOD
        chance = memory.recall(mind, day)
        grade = (EASY if chance >= EASY_FROM else GOOD) if draw(self.seed, card_id, day) < chance else AGAIN
        self.memory[card_id] = remember(mind, grade, day)
        return grade

    def repeat(self, card_id: str, day: dt.date) -> None:
        self.memory[card_id] = remember(self.memory[card_id], GOOD, day)


class HandMind:
    def __init__(self, difficulty: float) -> None:
        self.difficulty = difficulty
        self.stability = 0.0
        self.last: dt.date | None = None

    def recall(self, day: dt.date) -> float:
        return 0.0 if self.last is None else 0.9 ** ((day - self.last).days / self.stability)


class HandMadeLearner:
    """True memory: the hand-made forgetting model (module docstring)."""

    name = "hand-made learner"

    def __init__(self, card_ids: list[str], seed: int) -> None:
        params = random.Random(seed)
        self.memory = {card_id: HandMind(params.uniform(0.1, 0.9)) for card_id in card_ids}
        self.seed = seed

    def recall(self, card_id: str, day: dt.date) -> float:
        return self.memory[card_id].recall(day)

    def answer(self, card_id: str, day: dt.date) -> int:
        mind = self.memory[card_id]
        if mind.last is None:  # first sight: the learner reads the answer
            chance, recalled = 0.0, False
            mind.stability = 1 - mind.difficulty / 2
        else:
            chance = mind.recall(day)
            recalled = draw(self.seed, card_id, day) < chance
            if recalled:
                mind.stability *= 1 + 2.5 * (1 - mind.difficulty) * (1.1 - chance)
            else:
                mind.stability = max(0.3, mind.stability * 0.4)
        mind.last = day
        return hand_grade(recalled, chance)

    def repeat(self, card_id: str, day: dt.date) -> None:
        pass  # the card is known again; S unchanged


def hand_grade(recalled: bool, chance: float) -> int:
    if recalled:
        return 5 if chance >= 0.9 else 4 if chance >= 0.7 else 3
    return 2 if chance >= 0.4 else 1


LEARNERS = {"fsrs": FsrsLearner, "handmade": HandMadeLearner}


# --- the arms ---------------------------------------------------------------------------------------

class Arm(NamedTuple):
    name: str
    target: float | None  # the plan's target recall; None: no exam date
    paced: bool = False   # new cards at the plan's pace (projection.new_for_day); crmrev's predictions
    cram: bool = False    # are reported for these arms


ARMS = (
    Arm("plain SM-2", None),
    Arm("current exam cap", 1.0),
    Arm("new exam plan", 0.9, paced=True),
    Arm("new plan + cram in the last week", 0.9, paced=True, cram=True),
)


class Study:
    """One learner's study under one arm: the true memory (the learner's) and crmrev's side."""

    def __init__(self, learner: FsrsLearner | HandMadeLearner) -> None:
        self.learner = learner
        self.states: dict[str, CardState] = {}
        self.minds: dict[str, Memory] = {}
        self.reviews = 0

    def answer(self, card_id: str, day: dt.date, cramming: bool = False) -> None:
        grade = self.learner.answer(card_id, day)
        self.minds[card_id] = remember(self.minds.get(card_id), grade, day)
        self.reviews += 1
        if cramming:
            return
        self.states[card_id] = scheduler.review(self.states.get(card_id), grade, day)
        if grade < scheduler.REPEAT_BELOW:  # re-shown this session and answered Good
            self.learner.repeat(card_id, day)
            self.minds[card_id] = remember(self.minds[card_id], GOOD, day)
            self.reviews += 1

    def new_limit(self, arm: Arm, plan: ExamPlan | None, today: dt.date, card_count: int) -> int:
        introduced = sum(1 for state in self.states.values() if state.first_seen == today)
        if not arm.paced or plan is None:
            return DEFAULT_NEW_PER_DAY - introduced
        return new_for_day(card_count - len(self.states), introduced, today, plan, DEFAULT_NEW_PER_DAY, None)


def simulate(decks: list[Deck], learner_kind: str, arm: Arm, seed: int, days: int) -> dict:
    cards = select_cards(decks)
    ids = [card.id for card, _ in cards]
    study = Study(LEARNERS[learner_kind](ids, seed))
    exam = START + dt.timedelta(days=days)
    projected = predicted = None
    for offset in range(days):
        today = START + dt.timedelta(days=offset)
        plan = ExamPlan(exam, study.minds, arm.target) if arm.target is not None else None
        if plan is not None and arm.paced and offset == days // 2:
            projected = project(deck_ids(decks, ids), study.states, plan, today,
                                DEFAULT_NEW_PER_DAY)["projected"]
        one_day(study, cards, arm, plan, today, exam)
        if plan is not None and arm.paced and offset == days - 1:
            predicted = readiness_now(ids, plan)
    truth = sum(study.learner.recall(card_id, exam) for card_id in ids) / len(ids)
    return {"reviews": study.reviews, "recalled": truth, "cards": len(ids), "seen": len(study.states),
            "predicted": predicted, "error_points": points(predicted, truth),
            "projected_midway": projected, "projection_error_points": points(projected, truth)}


def one_day(study: Study, cards: list[tuple[Card, Deck]], arm: Arm, plan: ExamPlan | None,
            today: dt.date, exam: dt.date) -> None:
    new_limit = study.new_limit(arm, plan, today, len(cards))
    queue = build_queue(cards, study.states, today, new_limit=new_limit, exam=plan).items
    for item in queue:
        study.answer(item.card.id, today)
    if arm.cram and plan is not None and (exam - today).days <= RUN_UP_DAYS:
        shown = {item.card.id for item in queue}
        for item in cram_queue(cards, study.states, plan, shown, today).items[:CRAM_PER_DAY]:
            study.answer(item.card.id, today, cramming=True)


def deck_ids(decks: list[Deck], ids: list[str]) -> list[tuple[str, list[str]]]:
    chosen = set(ids)
    return [(deck.id, [card.id for card in deck.cards if card.id in chosen]) for deck in decks]


def points(predicted: float | None, truth: float) -> float | None:
    return None if predicted is None else round(100 * (predicted - truth), 2)


# --- the report -------------------------------------------------------------------------------------

def targets(arms: dict[str, dict]) -> list[dict]:
    plain, plan = arms["plain SM-2"], arms["new exam plan"]
    extra = plan["reviews"] / plain["reviews"] - 1
    error = plan["error_points"]
    return [
        verdict(f"true exam-day recall ≥ {MIN_RECALL:.0%}", f"{plan['recalled']:.1%}",
                plan["recalled"] >= MIN_RECALL),
        verdict(f"at most {MAX_EXTRA_REVIEWS:.0%} more reviews than plain SM-2", f"{extra:+.1%}",
                extra <= MAX_EXTRA_REVIEWS),
        verdict(f"predicted readiness within {MAX_ERROR_POINTS:g} points of the truth",
                f"{error:+.1f} points", abs(error) <= MAX_ERROR_POINTS),
    ]


def verdict(target: str, value: str, met: bool) -> dict:
    return {"target": f"FSRS-6 learner, new exam plan: {target}", "value": value, "met": met}


def table(arms: dict[str, dict]) -> str:
    lines = ["| arm | reviews | true recall on exam day | predicted readiness | error (points) |",
             "|---|---:|---:|---:|---:|"]
    for name, arm in arms.items():
        predicted = "—" if arm["predicted"] is None else f"{arm['predicted']:.1%}"
        error = "—" if arm["error_points"] is None else f"{arm['error_points']:+.1f}"
        lines.append(f"| {name} | {arm['reviews']} | {arm['recalled']:.1%} | {predicted} | {error} |")
    return "\n".join(lines)


def projection_lines(arms: dict[str, dict], days: int) -> list[str]:
    return [f"- {name}: projected {arm['projected_midway']:.1%} at the start of day {days // 2 + 1} "
            f"({days - days // 2} days before the exam), truth {arm['recalled']:.1%}: "
            f"{arm['projection_error_points']:+.1f} points"
            for name, arm in arms.items() if arm["projected_midway"] is not None]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=2027)
    parser.add_argument("--days", type=int, default=60, help="study days before the exam (default 60)")
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    parser.add_argument("--learner", choices=("fsrs", "handmade", "both"), default="both")
    args = parser.parse_args()
    if args.days < 2:
        parser.error("--days must be at least 2")
    return args


def main() -> int:
    args = parse_args()
    started = time.monotonic()
    decks = load_decks(bundled_decks_dir())
    kinds = list(LEARNERS) if args.learner == "both" else [args.learner]
    results = {kind: {arm.name: simulate(decks, kind, arm, args.seed, args.days) for arm in ARMS}
               for kind in kinds}
    verdicts = targets(results["fsrs"]) if "fsrs" in results else []
    cards = next(iter(results[kinds[0]].values()))["cards"]
    for kind in kinds:
        print(f"\n{LEARNERS[kind].name}:\n\n{table(results[kind])}\n")
        print("\n".join(projection_lines(results[kind], args.days)))
    for verdict in verdicts:
        print(f"{'met' if verdict['met'] else 'NOT met'}: {verdict['target']} ({verdict['value']})")
    print(f"({cards} cards, {args.days} days, seed {args.seed}, {time.monotonic() - started:.1f} s)")
    if args.json:
        figures = {"seed": args.seed, "days": args.days, "cards": cards, "learners": results,
                   "targets": verdicts}
        args.json.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0 if all(verdict["met"] for verdict in verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
