"""Numbers about progress, computed once and rendered by both the human and the JSON views.

Pure: decks, states, reviews and today in; plain dicts out. `crmrev review`'s end-of-session summary
uses these same functions, so the two can never disagree.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from crmrev.exam import ExamPlan, capped_due, is_due
from crmrev.history import DEFAULT_SECONDS_PER_CARD, History
from crmrev.model import CardState, Deck, DeckIndex, Review
from crmrev.progress import DueView
from crmrev.projection import budget_room, new_for_day, project, readiness_now
from crmrev.queue import DEFAULT_NEW_PER_DAY, new_allowed
from crmrev.scheduler import PASSING_GRADE

MATURE_DAYS = 21
RETENTION_DAYS = 30
FORECAST_DAYS = 14
HEATMAP_WEEKS = 12
HARDEST = 5
# A card is among the hardest when it has lapsed, or the memory model gives it less than this chance
# of being recalled today: a card SM-2 has just scheduled sits near 90% on its due day.
AT_RISK = 0.9


class Dues:
    """Effective due dates (with the exam plan's final reviews) of seen cards, as ISO text, from a
    DueView."""

    def __init__(self, view: DueView, plan: ExamPlan | None) -> None:
        self.view = view
        self.plan = plan
        self._days: dict[str, dt.date] = {}

    def _day(self, text: str | None) -> dt.date | None:
        if text is None:
            return None
        day = self._days.get(text)
        if day is None:
            day = self._days[text] = dt.date.fromisoformat(text)
        return day

    def of(self, card_id: str, row: int) -> str:
        due = self.view.due[row]
        if self.plan is None:
            return due
        due_day = self._day(due)
        assert due_day is not None  # a seen card always has a due date
        capped = capped_due(card_id, due_day, self._day(self.view.last_review[row]), self.plan,
                            self.plan.memory.get(card_id))
        return capped.isoformat()

    def count_due_by(self, card_ids: Iterable[str], day: dt.date) -> tuple[int, int]:
        """(cards due on or before `day` and not answered on `day`, cards never seen)."""
        index, last = self.view.rows, self.view.last_review
        day_text = day.isoformat()
        # The hot path of `crmrev due` at 100,000 cards: the lookups run as C-level maps.
        rows = list(map(index.get, card_ids))
        unseen = rows.count(None)
        due = sum(1 for card_id, row in zip(card_ids, rows, strict=True)
                  if row is not None and is_due(self.of(card_id, row), last[row], day_text))
        return due, unseen

    def dates(self, card_ids: Iterable[str]) -> list[str]:
        index = self.view.rows
        return [self.of(card_id, index[card_id]) for card_id in card_ids if card_id in index]


def time_estimate(cards: int, history: History | None, today: dt.date) -> dict:
    """How long `cards` answers should take this learner: their mean answer time over recent weeks
    (History.seconds_per_card), or the default until they have answered enough cards timed."""
    per_card, own = history.seconds_per_card(today) if history is not None else (DEFAULT_SECONDS_PER_CARD,
                                                                                  False)
    return {"cards": cards, "seconds": round(cards * per_card), "seconds_per_card": round(per_card, 1),
            "from_your_answers": own}


def _budget(budget: Any, estimate: dict) -> dict | None:
    """The daily budget setting, and whether today's work fits in it."""
    if budget is None:
        return None
    cards_that_fit = budget.cards(estimate["seconds_per_card"])
    return {"amount": budget.amount, "unit": budget.unit, "fits": estimate["cards"] <= cards_that_fit,
            "cards_that_fit": cards_that_fit}


def due_summary(decks: Sequence[Deck | DeckIndex], view: DueView, today: dt.date,
                plan: ExamPlan | None = None, per_day: int = DEFAULT_NEW_PER_DAY,
                history: History | None = None, budget: Any = None, repeats: Collection[str] = ()) -> dict:
    """Per deck and in all: due today (with `repeats`, the cards failed today and owed again today:
    session.pending_repeats), new today (what is left of the day's allowance, or of the exam plan's
    pace), unseen and total; and the time today's cards should take (`budget`: the daily-budget
    setting, or None)."""
    dues = Dues(view, plan)
    counts = []
    for deck in decks:
        due, unseen = dues.count_due_by(deck.card_ids, today)
        due += sum(1 for card_id in deck.card_ids if card_id in repeats) if repeats else 0
        counts.append((deck, due, unseen))
    per_card = time_estimate(1, history, today)["seconds_per_card"]
    allowance = new_today(plan, view, today, per_day, sum(unseen for *_, unseen in counts),
                          sum(due for _, due, _ in counts), budget.cards(per_card) if budget else None)
    rows: list[dict[str, Any]] = []
    for deck, due, unseen in counts:
        new = min(unseen, allowance)
        allowance -= new
        rows.append({"id": deck.id, "title": deck.title, "due_today": due, "new_today": new,
                     "unseen": unseen, "total": len(deck.card_ids)})
    keys = ("due_today", "new_today", "unseen", "total")
    totals = {key: sum(row[key] for row in rows) for key in keys}
    estimate = time_estimate(totals["due_today"] + totals["new_today"], history, today)
    return {"today": today.isoformat(), **totals, "estimate": estimate, "budget": _budget(budget, estimate),
            "decks": rows}


def new_today(plan: ExamPlan | None, view: DueView, today: dt.date, per_day: int, unseen: int,
              due: int, budget_cards: int | None) -> int:
    """New cards still to come today: what is left of new-per-day; with an exam ahead, the plan's
    pace within the daily budget (projection.new_for_day)."""
    introduced = view.introduced_on(today)
    if plan is None:
        return new_allowed(introduced, None, per_day)
    answered = view.last_review.count(today.isoformat())
    return new_for_day(unseen, introduced, today, plan, per_day, budget_room(budget_cards, due, answered))


def all_ids(decks: Sequence[Deck | DeckIndex]) -> list[str]:
    return [card_id for deck in decks for card_id in deck.card_ids]


def session_summary(reviews: Sequence[Review], seconds: float, decks: Sequence[Deck],
                    view: DueView, today: dt.date, plan: ExamPlan | None = None,
                    siblings_waiting: Collection[str] = (), repeats_left: int = 0,
                    history: History | None = None, new_left: int = 0,
                    outlook: ExamOutlook | None = None) -> dict:
    """siblings_waiting: ids of cards held back until tomorrow because a card of their note was
    reviewed today; repeats_left: cards failed today and not yet passed (due again today).
    still_due_today counts what an early quit leaves for later today, and new_left the new cards it
    leaves in today's queue; due_tomorrow what tomorrow holds if nothing more is reviewed today.
    With an exam ahead, `outlook` adds where the learner stands for it (exam_outlook)."""
    graded = len(reviews)
    correct = sum(1 for review in reviews if review.grade >= PASSING_GRADE)
    dues = Dues(view, plan)
    ids = all_ids(decks)
    dates = dues.dates(ids)
    reviewable = [card_id for card_id in ids if card_id not in siblings_waiting]
    still_due = dues.count_due_by(reviewable, today)[0] + repeats_left
    return {
        "answers": graded,
        "cards": len({review.card for review in reviews}),
        "correct": correct / graded if graded else None,
        "seconds": round(seconds),
        "still_due_today": still_due,
        "new_left": new_left,
        "still_due_estimate": time_estimate(still_due + new_left, history, today),
        "due_tomorrow": dues.count_due_by(ids, today + dt.timedelta(days=1))[0],
        # The next day with cards coming due: an overdue card is counted in still_due_today instead.
        "next_due": min((date for date in dates if date > today.isoformat()), default=None),
        "siblings_waiting": len(siblings_waiting),
        "exam": exam_outlook(decks, view, plan, today, outlook, still_due) if plan and outlook else None,
    }


def streaks(days_with_reviews: set[dt.date], today: dt.date) -> tuple[int, int]:
    """(current, longest). The current streak ends today, or yesterday if today has none yet."""
    end = today if today in days_with_reviews else today - dt.timedelta(days=1)
    current = 0
    while end - dt.timedelta(days=current) in days_with_reviews:
        current += 1
    longest = run = 0
    previous: dt.date | None = None
    for day in sorted(days_with_reviews):
        run = run + 1 if previous is not None and (day - previous).days == 1 else 1
        longest = max(longest, run)
        previous = day
    return current, longest


def forecast(dates: list[str], today: dt.date, days: int = FORECAST_DAYS) -> list[dict]:
    counts = Counter(dates)
    out = []
    for n in range(1, days + 1):
        day = (today + dt.timedelta(days=n)).isoformat()
        out.append({"date": day, "due": counts.get(day, 0)})
    return out


def heatmap(per_day: dict[dt.date, int], today: dt.date, weeks: int = HEATMAP_WEEKS) -> list[dict]:
    """Reviews per day for whole weeks (Monday to Sunday) ending with the week holding today."""
    last_monday = today - dt.timedelta(days=today.weekday())
    first = last_monday - dt.timedelta(weeks=weeks - 1)
    return [{"date": (first + dt.timedelta(days=n)).isoformat(),
             "reviews": per_day.get(first + dt.timedelta(days=n), 0)}
            for n in range(weeks * 7) if first + dt.timedelta(days=n) <= today]


class ExamOutlook(NamedTuple):
    """What the exam outlook needs besides the cards: the SM-2 states, the new-per-day setting and
    the daily budget in cards (None: no budget)."""

    states: Mapping[str, CardState]
    per_day: int = DEFAULT_NEW_PER_DAY
    budget_cards: int | None = None
    budget: str | None = None  # the setting as the learner wrote it ("30 minutes")


def exam_outlook(decks: Sequence[DeckIndex | Deck], view: DueView, plan: ExamPlan, today: dt.date,
                 outlook: ExamOutlook, due_today: int) -> dict:
    """Where the learner stands for the exam: readiness now (predicted exam-day recall with no
    further study), the projection if they keep to the plan (projection.project), days left and
    today's remaining work; per deck, and the decks the daily budget cannot cover."""
    ids = all_ids(decks)
    unseen = sum(1 for card_id in ids if card_id not in view.rows)
    ahead = project([(deck.id, deck.card_ids) for deck in decks], outlook.states, plan, today,
                    outlook.per_day, outlook.budget_cards, view.last_review.count(today.isoformat()),
                    view.introduced_on(today))
    rows = [{"id": deck.id, "title": deck.title, "readiness": _share(readiness_now(deck.card_ids, plan)),
             "projected": _share(ahead["decks"][deck.id]["projected"]),
             "unseen_at_exam": ahead["decks"][deck.id]["unseen_at_exam"]} for deck in decks]
    return {
        "date": plan.date.isoformat(),
        "days_left": (plan.date - today).days,
        "target": plan.target,
        "readiness": _share(readiness_now(ids, plan)),
        "projected": _share(ahead["projected"]),
        "answers_to_exam": ahead["answers"],
        "due_today": due_today,
        "new_today": min(unseen, new_today(plan, view, today, outlook.per_day, unseen, due_today,
                                           outlook.budget_cards)),
        "budget": outlook.budget,
        "budget_cards": outlook.budget_cards,
        "short": [{"id": row["id"], "title": row["title"], "cards": row["unseen_at_exam"]}
                  for row in rows if row["unseen_at_exam"]],
        "decks": rows,
    }


def _share(value: float | None) -> float | None:
    return round(value, 4) if value is not None else None


def _past_exam(exam: dt.date, today: dt.date) -> dict:
    """An exam date that has passed: nothing is predicted for it."""
    return {"date": exam.isoformat(), "days_left": (exam - today).days, "readiness": None,
            "projected": None, "decks": []}


def compute(decks: Sequence[DeckIndex], view: DueView, history: History, today: dt.date,
            recalls_today: Mapping[str, float], exam: dt.date | None = None, plan: ExamPlan | None = None,
            repeats: Collection[str] = (), outlook: ExamOutlook | None = None) -> dict:
    """Everything `crmrev stats` shows, as plain data (the --json output). `view`: the seen cards'
    dates and figures, as the store's columns hold them (Progress.due_view). `recalls_today`: each
    seen card's predicted recall today (Progress.recalls_on). `exam` is the exam date as set (shown
    even once passed); `plan` the exam plan while it is ahead, with `outlook` (the SM-2 states and
    settings the projection needs)."""
    dues = Dues(view, plan)
    ids = all_ids(decks)
    per_day = history.per_day()
    current, longest = streaks(set(per_day), today)
    deck_rows, seen_in = [], {}
    rows, interval = view.rows, view.interval
    for deck in decks:  # one pass over each deck's cards: a heavy user has 20,000
        seen = seen_in[deck.id] = [(card_id, front, row)
                                   for card_id, front in zip(deck.card_ids, deck.fronts, strict=True)
                                   if (row := rows.get(card_id)) is not None]
        deck_rows.append({"id": deck.id, "title": deck.title, "cards": len(deck.card_ids), "seen": len(seen),
                          "mature": sum(1 for *_, row in seen if interval[row] >= MATURE_DAYS)})
    due_today = dues.count_due_by(ids, today)[0] + (len(set(repeats) & set(ids)) if repeats else 0)
    return {
        "today": today.isoformat(),
        "reviews_total": history.total,
        "cards_total": len(ids),
        "cards_seen": sum(row["seen"] for row in deck_rows),
        "cards_mature": sum(row["mature"] for row in deck_rows),
        "due_today": due_today,
        "retention": history.retention(today, RETENTION_DAYS),
        "streak_days": current,
        "streak_longest": longest,
        "forecast": forecast(dues.dates(ids), today),
        "heatmap": heatmap(per_day, today),
        "decks": deck_rows,
        "deck_easiness": {deck_id: _mean([view.easiness[row] for *_, row in seen])
                          for deck_id, seen in seen_in.items()},
        "hardest": _hardest(seen_in, view, recalls_today),
        "exam": (exam_outlook(decks, view, plan, today, outlook, due_today) if plan and outlook
                 else _past_exam(exam, today) if exam else None),
        # Per seen card, as {id: value}: a list of 20,000 objects took `stats --json` 40 ms more to print.
        "predicted_recall": recalls_today,
        "predicted_exam_recall": {card_id: round(plan.recall_on_exam_day(card_id), 4)
                                  for card_id in recalls_today} if plan else None,
    }


def _hardest(seen_in: dict[str, list[tuple[str, str, int]]], view: DueView,
             recalls_today: Mapping[str, float]) -> list[dict]:
    """The cards the learner is most likely to have forgotten today, of those that have lapsed or
    are at risk (AT_RISK)."""
    lapses = view.lapses
    # (recall, −lapses, id, …) tuples sort as wanted with no key function: ids are unique.
    ranked = [(recall, -lapses[row], card_id, front, row) for seen in seen_in.values()
              for card_id, front, row in seen
              if (recall := recalls_today.get(card_id, 0.0)) < AT_RISK or lapses[row]]
    return [{"id": card_id, "front": front, "lapses": lapses[row], "easiness": float(view.easiness[row]),
             "predicted_recall": recall}
            for recall, _, card_id, front, row in heapq.nsmallest(HARDEST, ranked)]


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 2) if values else None
