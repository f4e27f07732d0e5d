"""The line protocol for a review with stdin not a terminal: Q:/A: lines out, one grade line in."""

from __future__ import annotations

import sys
from collections.abc import Iterator

from crmrev.grading import grade_from_text
from crmrev.model import ReviewKind
from crmrev.session import Session
from crmrev.text import neutralise
from crmrev.ui.console import note_to_show


def _out(text: str) -> None:
    """Every protocol line: deck values in it (ids, titles, types, card text) are made visible."""
    sys.stdout.write(neutralise(text) + "\n")
    sys.stdout.flush()


def _shown(answer: str, limit: int = 40) -> str:
    """A mistyped line, quoted back short: a 10 MB line must not be echoed in full."""
    return repr(answer if len(answer) <= limit else answer[:limit] + "…")


def run_scripted(session: Session, lines: Iterator[str]) -> bool:
    """Front, back, then one line: a grade 0-5 or a button name (again, hard, good, easy: 1, 3, 4,
    5), `n` (print the card's note, then ask again), `u` or `q`, whatever the grading setting.
    End of input ends the session."""
    while (item := session.current) is not None:
        number, total = session.position
        _out(f"[{number}/{total}] {item.deck.title} ({item.card.type})")
        _out(f"Q: {item.card.front}")
        _out(f"A: {item.card.back}")
        while True:
            _out("grade (0-5, u, q)?")
            line = next(lines, None)
            if line is None:
                return False
            answer = line.strip().lower()
            grade = grade_from_text(answer)
            if grade is not None:
                review = session.grade(grade)
                # A cram answer moves no schedule: naming a due date would imply it did.
                next_due = session.next_due(review.card) if review.kind != ReviewKind.CRAM else None
                due = f", next due {next_due.isoformat()}" if next_due else ""
                _out(f"saved {review.card} grade {review.grade} ({review.kind}){due}")
                break
            if answer == "u":
                undone = session.undo()
                _out(f"undone {undone.card}" if undone else "nothing to undo")
                break
            if answer == "q":
                return False
            if answer == "n":
                note = note_to_show(item.card)
                if note is not None:
                    _out(f"N: {note}")
                else:
                    print("crmrev: this card has no note beyond its answer", file=sys.stderr,
                          flush=True)
                continue
            if answer:
                print("crmrev: expected a grade 0-5, again, hard, good, easy, 'u' or 'q', not "
                      f"{neutralise(_shown(answer))}", file=sys.stderr, flush=True)
    return True
