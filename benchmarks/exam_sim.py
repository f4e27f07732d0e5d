#!/usr/bin/env python3
"""Does exam mode help? A simulated learner revises the bundled decks daily for the 60 days before
an exam, once with crmrev's exam mode and once without; same learner, same seed.

    python benchmarks/exam_sim.py [--seed N] [--days 60] [--json FILE]

The forgetting model (the same for both arms):
- each card has a difficulty d ~ U(0.1, 0.9) drawn once from the seeded generator;
- a card's memory has a stability S in days; the chance of recalling it t days after its last
  review is 0.9^(t / S) (S is the interval at which recall falls to 90%);
- the first sight of a card sets S = 1 − d/2 (about a day);
- a successful recall multiplies S by 1 + 2.5·(1 − d)·(1.1 − p), where p was the chance of recall
  just then: a harder-won success strengthens memory more, easy cards grow faster;
- a failed recall sets S to max(0.3, S·0.4);
- the learner grades honestly from the outcome: recalled with p ≥ 0.9 → 5, p ≥ 0.7 → 4, else 3;
  not recalled → 2 if p ≥ 0.4, else 1. A grade below 4 is re-shown in the same session (SM-2's
  same-day rule) and counts as one more review, after which the card is known (S unchanged).

Each day the learner does exactly what `crmrev review` would queue: due cards first (with the exam
cap in the exam-mode arm), then up to 20 new cards. The score is the true share of cards recalled on
exam day: the mean over all cards of 0.9^(t / S), with unseen cards counting 0.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crmrev import scheduler  # noqa: E402
from crmrev.decks import bundled_decks_dir, load_decks  # noqa: E402
from crmrev.model import CardState  # noqa: E402
from crmrev.queue import DEFAULT_NEW_PER_DAY, build_queue, cram_queue, select_cards  # noqa: E402


@dataclass
class Memory:
    difficulty: float
    stability: float = 0.0
    last: dt.date | None = None

    def recall_chance(self, day: dt.date) -> float:
        if self.last is None:
            return 0.0
        return 0.9 ** ((day - self.last).days / self.stability)


def grade_for(recalled: bool, chance: float) -> int:
    if recalled:
        return 5 if chance >= 0.9 else 4 if chance >= 0.7 else 3
    return 2 if chance >= 0.4 else 1


def simulate(seed: int, days: int, exam_mode: bool, cram_per_day: int = 0) -> dict:
    decks = load_decks(bundled_decks_dir())
    cards = select_cards(decks)
    params = random.Random(seed)
    memory = {card.id: Memory(params.uniform(0.1, 0.9)) for card, _ in cards}
    outcomes = random.Random(seed + 1)
    start = dt.date(2027, 3, 1)
    exam = start + dt.timedelta(days=days)
    states: dict[str, CardState] = {}
    reviews = 0
    for offset in range(days):
        today = start + dt.timedelta(days=offset)
        introduced = sum(1 for s in states.values() if s.first_seen == today)
        queue = build_queue(cards, states, today, new_limit=DEFAULT_NEW_PER_DAY - introduced,
                            exam=exam if exam_mode else None).items
        session = [(item, False) for item in queue]
        if cram_per_day and exam_mode and (exam - today).days <= 7:
            shown = {item.card.id for item in queue}
            cram = cram_queue(cards, states, exam, shown, today).items
            session += [(item, True) for item in cram[:cram_per_day]]
        for item, cramming in session:
            card_id = item.card.id
            mind = memory[card_id]
            reviews += 1
            if mind.last is None:  # first sight: the learner reads the answer
                chance, recalled = 0.0, False
                mind.stability = 1 - mind.difficulty / 2
            else:
                chance = mind.recall_chance(today)
                recalled = outcomes.random() < chance
                if recalled:
                    mind.stability *= 1 + 2.5 * (1 - mind.difficulty) * (1.1 - chance)
                else:
                    mind.stability = max(0.3, mind.stability * 0.4)
            mind.last = today
            grade = grade_for(recalled, chance)
            if not cramming:
                states[card_id] = scheduler.review(states.get(card_id), grade, today)
            if grade < 4:
                reviews += 1  # the same-day repeat
    recalled = sum(memory[card.id].recall_chance(exam) for card, _ in cards) / len(cards)
    return {"reviews": reviews, "recalled": recalled, "cards": len(cards), "seen": len(states)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=2027)
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    arms = {
        "without exam mode": simulate(args.seed, args.days, exam_mode=False),
        "with exam mode": simulate(args.seed, args.days, exam_mode=True),
        "with exam mode + 20 cram cards a day in the last week":
            simulate(args.seed, args.days, exam_mode=True, cram_per_day=20),
    }
    print(f"{'arm':<56} {'reviews':>8} {'recalled on exam day':>21}")
    for name, result in arms.items():
        print(f"{name:<56} {result['reviews']:>8} {result['recalled']:>20.1%}")
    print(f"({arms['with exam mode']['cards']} cards, {args.days} days, seed {args.seed})")
    if args.json:
        args.json.write_text(json.dumps(arms, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
