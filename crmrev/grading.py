"""The two grading scales a learner can choose (the `grading` setting), and how each maps onto SM-2.

SM-2 grades recall 0-5. Six choices are a lot to weigh after every card, so the default is Anki's
four buttons, mapped onto the SM-2 grades Anki users would expect:

    Again → 1   forgot, though the answer was familiar (the card starts over, and comes back today)
    Hard  → 3   right, with serious effort (the interval grows; the card comes back once today)
    Good  → 4   right, after a hesitation
    Easy  → 5   right, at once

The six-grade scale is one setting away (`crmrev config set grading six`). Scripted mode always reads
0-5 (and the button names), whatever the setting: scripts depend on that protocol. Pure: no I/O.
"""

from __future__ import annotations

from typing import NamedTuple

# Woźniak's wording for 1 and 2 ("incorrect, the correct one seemed easy to recall") confused
# learners; these say what each grade means for the learner.
SIX_LABELS = {
    0: "blank: no memory of it",
    1: "wrong, the answer looked familiar",
    2: "wrong, but nearly had it",
    3: "right, with serious effort",
    4: "right, after a hesitation",
    5: "right, at once",
}

BUTTON_GRADES = {"again": 1, "hard": 3, "good": 4, "easy": 5}


class Choice(NamedTuple):
    key: str     # the key that makes it
    label: str   # what the legend shows
    grade: int   # the SM-2 grade it records


FOUR = tuple(Choice(str(number), name.capitalize(), grade)
             for number, (name, grade) in enumerate(BUTTON_GRADES.items(), 1))
SIX = tuple(Choice(str(grade), label, grade) for grade, label in SIX_LABELS.items())


def choices(scale: str) -> tuple[Choice, ...]:
    return FOUR if scale == "four" else SIX


def choice_for_key(scale: str, key: str) -> Choice | None:
    return next((choice for choice in choices(scale) if choice.key == key), None)


def label_of(scale: str, grade: int) -> str:
    """How a recorded grade reads on this scale: 'Good (grade 4)' or 'grade 4, right, after …'."""
    if scale == "four":
        name = next((choice.label for choice in FOUR if choice.grade == grade), None)
        if name is not None:
            return f"{name} (grade {grade})"
    return f"grade {grade} ({SIX_LABELS[grade]})"


def grade_from_text(text: str) -> int | None:
    """A scripted answer: 0-5, or a button name (again, hard, good, easy)."""
    answer = text.strip().lower()
    if answer in {"0", "1", "2", "3", "4", "5"}:
        return int(answer)
    return BUTTON_GRADES.get(answer)


def interval_text(days: int) -> str:
    """Anki's short form: 1d, 25d, 3.2mo, 1.5y."""
    if days < 30:
        return f"{days}d"
    if days < 365:
        return f"{days / 30:.1f}mo".replace(".0mo", "mo")
    return f"{days / 365:.1f}y".replace(".0y", "y")
