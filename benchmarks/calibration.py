#!/usr/bin/env python3
"""How well do crmrev's recall predictions match a real learner's forgetting? Replays an Anki review
log through crmrev's own predictors and scores each one's predicted recall against what happened.

    python benchmarks/calibration.py [--csv PATH] [--json FILE] [--limit-cards N] [--day-starts-at H]

The data (benchmarks/data/README.md): 12,580 Anki reviews of 1,205 cards by one learner, with the
button pressed (1 Again, 2 Hard, 3 Good, 4 Easy) and the UTC time of each answer.

The replay:
- reviews are taken in time order (ties keep file order); each Anki button becomes crmrev's grade by
  the four-button map (crmrev.grading.FOUR: Again 1, Hard 3, Good 4, Easy 5);
- each review's study day is crmrev's rule, clock.study_day(time, 4): days start at 04:00. The log's
  times are UTC and the learner's time zone is unknown, so this is 04:00 UTC, which falls inside
  some late sessions (the learner answers from 15:00 to 05:00 UTC). Other day starts change the
  figures little and the verdict not at all (6,276 predictions at 04:00):
      day start (--day-starts-at)            predictions   log loss SM-2   log loss FSRS-6
      00:00 UTC (plain UTC dates)                  6,032           0.556             0.467
      any of 06:00-15:00 UTC (the learner's
      overnight gap: no answers then)              6,372           0.562             0.465
- per card, two states are kept as crmrev keeps them: SM-2's (crmrev.scheduler.review), moved only
  by the first answer of a study day, and the FSRS-6 memory (crmrev.memory.remember), moved by every
  answer;
- a prediction point is every review on a later study day than the card's previous review (so not a
  card's first review, nor a same-day repeat). Just before it, each predictor gives the chance of
  recall, from earlier reviews only; the outcome is recalled = any button but Again.

The predictors:
- constant: the mean recall rate over all prediction points. It is taken in hindsight, so it is a
  baseline that knows the answer's average, not a model; its AUC is 0.5 and its RMSE (20 bins) 0 by
  construction (one bin, predicting exactly that bin's rate);
- crmrev before: 0.9^(t/I) over SM-2's state (crmrev.exam.recall_on), t days since the last review,
  I the interval;
- FSRS-6 with its published default parameters (crmrev.memory.recall), no fitting to this learner.

The scores, each over all N prediction points (pure Python: crmrev has no numpy):
- log loss: the mean of −[y·ln p + (1−y)·ln(1−p)], p clipped to [1e-6, 1 − 1e-6]; lower is better;
- RMSE (20 bins): the predictions are put into 20 equal-width bins by predicted p ([0, 0.05), …,
  [0.95, 1]); for each bin b with n_b points, p̄_b is the mean prediction and ȳ_b the observed recall
  rate; RMSE = sqrt(Σ n_b·(p̄_b − ȳ_b)² / N). This is the "RMSE (bins)" flavour of the open
  spaced-repetition benchmark with equal-width bins: 0 when every bin is calibrated;
- AUC: the chance that a recalled review was given a higher p than a forgotten one (Mann-Whitney, ties
  count half), computed from ranks with tied ranks averaged: 0.5 is no discrimination at all.

Targets for FSRS-6: log loss ≤ 0.48 and RMSE (20 bins) ≤ 0.06. The script exits 0 when both are met,
1 when one is not, 2 on bad input (a missing file, a malformed row: reported as file:line).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import math
import sys
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crmrev import memory, scheduler  # noqa: E402
from crmrev.clock import study_day  # noqa: E402
from crmrev.exam import recall_on  # noqa: E402
from crmrev.grading import FOUR  # noqa: E402
from crmrev.model import CardState  # noqa: E402

DEFAULT_CSV = ROOT / "benchmarks" / "data" / "fsrs-reviews-sample.csv"
COLUMNS = ("card_id", "review_rating", "review_time", "review_duration")
# Anki's buttons are numbered 1-4 in the order of crmrev's four-button legend.
GRADE_OF_BUTTON = {int(choice.key): choice.grade for choice in FOUR}
AGAIN_BUTTON = 1
DAY_STARTS_AT = 4  # crmrev's default study-day start, as in Anki

MAX_LOG_LOSS = 0.48
MAX_RMSE_BINS = 0.06
CLIP = 1e-6
BINS = 20

PREDICTORS = {
    "constant": "constant (in-hindsight mean recall)",
    "sm2": "crmrev before: 0.9^(t/I) over SM-2",
    "fsrs6": "FSRS-6 defaults (crmrev.memory)",
}


class BadInput(Exception):
    """The review log cannot be read; the message says where."""


class Review(NamedTuple):
    card_id: int
    button: int  # Anki's 1-4
    moment: dt.datetime  # UTC


class Prediction(NamedTuple):
    sm2: float
    fsrs6: float
    recalled: bool


# --- reading the log ------------------------------------------------------------------------------

def read_reviews(path: Path) -> list[Review]:
    """Every review in the file, in file order. Raises BadInput naming file:line."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header is None or tuple(name.strip() for name in header) != COLUMNS:
                raise BadInput(f"{path}:1: the header must be {','.join(COLUMNS)}")
            return [parse_row(row, f"{path}:{reader.line_num}") for row in reader if row]
    except OSError as error:
        raise BadInput(f"{path}: cannot read it: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise BadInput(f"{path}: not UTF-8 text") from None
    except csv.Error as error:
        raise BadInput(f"{path}: not CSV: {error}") from None


def parse_row(row: list[str], where: str) -> Review:
    if len(row) != len(COLUMNS):
        raise BadInput(f"{where}: expected {len(COLUMNS)} columns, found {len(row)}")
    card_id, button, time, duration = (cell.strip() for cell in row)
    if not card_id.isdigit():
        raise BadInput(f"{where}: card_id {card_id!r} is not a whole number")
    if button not in {"1", "2", "3", "4"}:
        raise BadInput(f"{where}: review_rating {button!r} is not an Anki button 1-4")
    if not duration.isdigit():
        raise BadInput(f"{where}: review_duration {duration!r} is not a whole number of milliseconds")
    return Review(int(card_id), int(button), parse_time(time, where))


def parse_time(text: str, where: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise BadInput(f"{where}: review_time {text!r} is not an ISO-8601 time") from None
    # The export's times are UTC; a time without an offset is taken to be UTC as well.
    return moment.astimezone(dt.UTC) if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def first_cards(reviews: list[Review], count: int) -> list[Review]:
    """Only the reviews of the first `count` distinct cards, in file order (a quick subset)."""
    kept: set[int] = set()
    for review in reviews:
        if len(kept) == count:
            break
        kept.add(review.card_id)
    return [review for review in reviews if review.card_id in kept]


# --- the replay -----------------------------------------------------------------------------------

def replay(reviews: list[Review], day_starts_at: int = DAY_STARTS_AT) -> list[Prediction]:
    """Walk the reviews in time order, predicting before every review on a new study day."""
    sm2_states: dict[int, CardState] = {}
    memories: dict[int, memory.Memory] = {}
    last_days: dict[int, dt.date] = {}
    predictions = []
    for review in sorted(reviews, key=lambda review: review.moment):  # stable: ties keep file order
        day = study_day(review.moment, day_starts_at)
        grade = GRADE_OF_BUTTON[review.button]
        card = review.card_id
        previous = last_days.get(card)
        if previous is None or day > previous:
            if previous is not None:
                predictions.append(Prediction(recall_on(sm2_states[card], day),
                                              memory.recall(memories[card], day),
                                              review.button != AGAIN_BUTTON))
            # SM-2 as crmrev keeps it: a same-day repeat does not move the schedule.
            sm2_states[card] = scheduler.review(sm2_states.get(card), grade, day)
        memories[card] = memory.remember(memories.get(card), grade, day)
        last_days[card] = day
    return predictions


# --- the scores -----------------------------------------------------------------------------------

def log_loss(predicted: list[float], outcomes: list[bool]) -> float:
    total = 0.0
    for p, recalled in zip(predicted, outcomes, strict=True):
        clipped = min(max(p, CLIP), 1 - CLIP)  # a confident miss costs a lot, never infinity
        total -= math.log(clipped) if recalled else math.log(1 - clipped)
    return total / len(predicted)


def rmse_bins(predicted: list[float], outcomes: list[bool], bins: int = BINS) -> float:
    """sqrt(Σ n_b (mean prediction − observed rate)² / N) over equal-width bins of predicted p."""
    counts, predicted_sums, recalled_sums = [0] * bins, [0.0] * bins, [0] * bins
    for p, recalled in zip(predicted, outcomes, strict=True):
        index = min(max(int(p * bins), 0), bins - 1)  # p = 1 goes in the top bin
        counts[index] += 1
        predicted_sums[index] += p
        recalled_sums[index] += recalled
    # n (p̄ − ȳ)² = (Σp − Σy)² / n: no division by an empty bin.
    squares = sum((p_sum - y_sum) ** 2 / n
                  for n, p_sum, y_sum in zip(counts, predicted_sums, recalled_sums, strict=True) if n)
    return math.sqrt(squares / len(predicted))


def auc(predicted: list[float], outcomes: list[bool]) -> float | None:
    """Mann-Whitney AUC from ranks, tied predictions sharing their mean rank. None with one class."""
    positives = sum(outcomes)
    negatives = len(outcomes) - positives
    if not positives or not negatives:
        return None
    ranks = average_ranks(predicted)
    positive_rank_sum = sum(rank for rank, recalled in zip(ranks, outcomes, strict=True) if recalled)
    return (positive_rank_sum - positives * (positives + 1) / 2) / (positives * negatives)


def average_ranks(values: list[float]) -> list[float]:
    """1-based ranks; a run of equal values all get the mean of the ranks they span."""
    order = sorted(range(len(values)), key=values.__getitem__)
    ranks = [0.0] * len(values)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        for position in range(start, end + 1):
            ranks[order[position]] = (start + end) / 2 + 1
        start = end + 1
    return ranks


def scores(predicted: list[float], outcomes: list[bool]) -> dict:
    return {"log_loss": log_loss(predicted, outcomes), "rmse_bins": rmse_bins(predicted, outcomes),
            "auc": auc(predicted, outcomes)}


def evaluate(predictions: list[Prediction]) -> dict[str, dict]:
    outcomes = [prediction.recalled for prediction in predictions]
    mean_recall = sum(outcomes) / len(outcomes)
    columns = {"constant": [mean_recall] * len(outcomes),
               "sm2": [prediction.sm2 for prediction in predictions],
               "fsrs6": [prediction.fsrs6 for prediction in predictions]}
    return {key: {"label": PREDICTORS[key], **scores(column, outcomes)} for key, column in columns.items()}


# --- the report -----------------------------------------------------------------------------------

def targets_met(results: dict[str, dict]) -> bool:
    fsrs6 = results["fsrs6"]
    return fsrs6["log_loss"] <= MAX_LOG_LOSS and fsrs6["rmse_bins"] <= MAX_RMSE_BINS


def table(results: dict[str, dict], mean_recall: float) -> str:
    lines = ["| predictor | log loss | RMSE (20 bins) | AUC |", "|---|---:|---:|---:|"]
    for key, result in results.items():
        label = f"{result['label']} = {mean_recall:.3f}" if key == "constant" else result["label"]
        shown_auc = "n/a" if result["auc"] is None else f"{result['auc']:.3f}"
        lines.append(f"| {label} | {result['log_loss']:.3f} | {result['rmse_bins']:.3f} | {shown_auc} |")
    return "\n".join(lines)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--csv", type=Path, default=DEFAULT_CSV, help="the Anki review log")
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    parser.add_argument("--limit-cards", type=int, metavar="N",
                        help="only the first N distinct cards in file order (a quick run)")
    parser.add_argument("--day-starts-at", type=int, default=DAY_STARTS_AT, metavar="H",
                        help="the hour (UTC) study days start; 0 is plain UTC dates (default 4)")
    args = parser.parse_args()
    if args.limit_cards is not None and args.limit_cards < 1:
        parser.error("--limit-cards must be at least 1")
    if not 0 <= args.day_starts_at <= 23:
        parser.error("--day-starts-at must be an hour 0-23")
    return args


def main() -> int:
    args = parse_args()
    try:
        reviews = read_reviews(args.csv)
    except BadInput as error:
        print(f"calibration: {error}", file=sys.stderr)
        return 2
    if args.limit_cards:
        reviews = first_cards(reviews, args.limit_cards)
    predictions = replay(reviews, args.day_starts_at)
    if not predictions:
        print(f"calibration: {args.csv}: no card was reviewed on two study days: nothing to predict",
              file=sys.stderr)
        return 2
    results = evaluate(predictions)
    mean_recall = sum(prediction.recalled for prediction in predictions) / len(predictions)
    cards = len({review.card_id for review in reviews})
    met = targets_met(results)
    print(table(results, mean_recall))
    print(f"\n{len(predictions):,} predictions from {len(reviews):,} reviews of {cards:,} cards "
          f"(study days start at {args.day_starts_at:02d}:00 UTC)")
    print(f"targets: log loss ≤ {MAX_LOG_LOSS} and RMSE (20 bins) ≤ {MAX_RMSE_BINS} for FSRS-6: "
          f"{'met' if met else 'NOT met'}")
    if args.json:
        figures = {"csv": str(args.csv), "day_starts_at": args.day_starts_at, "predictions": len(predictions),
                   "reviews": len(reviews), "cards": cards, "mean_recall": mean_recall,
                   "predictors": results, "targets": {"log_loss": MAX_LOG_LOSS, "rmse_bins": MAX_RMSE_BINS},
                   "targets_met": met}
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
