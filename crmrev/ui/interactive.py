"""The review screen in a terminal: the card, the keys, and what each key does."""

from __future__ import annotations

from rich.console import Console, Group
from rich.panel import Panel
from rich.text import Text

from crmrev.model import GRADE_LABELS
from crmrev.session import Session
from crmrev.ui.console import note_to_show, safe
from crmrev.ui.keys import GetcharKeys, Keys, Redraw

KEY_HELP = "space/enter reveal · u undo · q save and quit"
NOTE_KEY_HELP = "space/enter reveal · n show the note this card came from · u undo · q save and quit"
NOTE_HIDE_HELP = "space/enter reveal · n hide the note · u undo · q save and quit"
LEGEND = "  ".join(f"{grade} {label}" for grade, label in GRADE_LABELS.items())


def progress_bar(done: int, total: int, width: int = 40) -> Text:
    # Rich's ProgressBar swallows the next line when it sits in a Group, so draw a plain one.
    total = max(total, 1)
    filled = round(width * done / total)
    return Text.assemble(("━" * filled, "green"), ("━" * (width - filled), "grey37"),
                         f" {done}/{total} done")


def card_view(session: Session, revealed: bool, message: str, show_note: bool = False) -> Group:
    item = session.current
    assert item is not None
    note = note_to_show(item.card) if revealed else None
    number, total = session.position
    label = f"card {number} of {total}" + (" · cram" if session.cramming else "")
    # The counter first: a long deck title then wraps after it, never through it.
    header = Text.assemble(label, "  ·  ", safe(item.deck.title, "bold"), safe("  " + item.card.type, "dim"))
    parts: list = [header, progress_bar(number - 1, total),
                   Panel(safe(item.card.front), title=Text("Question"), title_align="left",
                         padding=(1, 2))]
    if revealed:
        parts.append(Panel(safe(item.card.back), title=Text("Answer"), title_align="left",
                           padding=(1, 2), border_style="green"))
        if note is not None and show_note:
            parts.append(Panel(safe(note), title=Text("The note this card came from"),
                               title_align="left", padding=(1, 2), border_style="cyan"))
        parts.append(Text("Grade: " + LEGEND, style="bold"))
    else:
        parts.append(Text("Grades: " + LEGEND, style="dim"))
    key_help = KEY_HELP if note is None else NOTE_HIDE_HELP if show_note else NOTE_KEY_HELP
    parts.append(Text(key_help, style="dim"))
    if message:
        parts.append(Text(message, style="yellow"))
    return Group(*parts)


def run_interactive(session: Session, console: Console, keys: Keys | GetcharKeys) -> bool:
    """Returns True when the queue was finished, False when the learner quit."""
    message = ""
    while session.current is not None:
        revealed = show_note = False
        while True:
            if console.is_terminal:
                console.clear()
            console.print(card_view(session, revealed, message, show_note))
            try:
                key = keys.read()
            except Redraw:
                continue  # resized or resumed: the same screen again, at the new size
            message = ""
            if key in (" ", "\r", "\n"):
                revealed = True
            elif key == "n":
                item = session.current
                if item is not None and note_to_show(item.card) is not None:
                    if revealed:
                        show_note = not show_note
                    else:
                        message = "Reveal the answer first (space or enter), then n shows the note."
            elif key in "012345" and key:
                if not revealed:
                    message = "Reveal the answer first (space or enter), then grade it."
                    continue
                review = session.grade(int(key))
                message = f"Saved: grade {review.grade} ({GRADE_LABELS[review.grade]})."
                break
            elif key == "u":
                undone = session.undo()
                message = "Undid the last grade." if undone else "Nothing to undo yet."
                break
            elif key == "q":
                return False
    return True
