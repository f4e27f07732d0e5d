"""The review screen in a terminal: the card, the keys, and what each key does."""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import Console, Group
from rich.panel import Panel
from rich.text import Text

from crmrev import grading
from crmrev.scheduler import PASSING_GRADE
from crmrev.session import Session
from crmrev.text import minutes, neutralise
from crmrev.ui.console import note_to_show, packed_lines, safe
from crmrev.ui.keys import GetcharKeys, Keys, Redraw

KEY_HELP = "space/enter reveal · u undo · q save and quit"
BAR_WIDTH = 40
MAX_CARD_WIDTH = 100


def progress_bar(done: int, total: int, width: int = BAR_WIDTH, after: str = "") -> Text:
    # Rich's ProgressBar swallows the next line when it sits in a Group, so draw a plain one.
    filled = round(width * done / max(total, 1))
    return Text.assemble(("━" * filled, "green"), ("━" * (width - filled), "grey37"),
                         f" {done}/{total} done{after}")


def _choice_text(session: Session, choice: grading.Choice) -> str:
    """'3 Good · 6d': the key, the label and, as Anki shows it, where that grade sends the card."""
    text = f"{choice.key} {choice.label}"
    preview = session.preview(choice.grade)
    if preview is None:
        return text
    days, again_today = preview
    if choice.grade < PASSING_GRADE:
        return f"{text} · today"  # a failed card starts over: what the learner meets next is today's repeat
    return f"{text} · {grading.interval_text(days)}" + (", again today" if again_today else "")


def legend(session: Session, scale: str, width: int, revealed: bool) -> Text:
    """The grades, packed into as few lines as fit: a choice is never split across lines."""
    segments = [_choice_text(session, choice) if revealed else f"{choice.key} {choice.label}"
                for choice in grading.choices(scale)]
    lead = "Grade: " if revealed else "Grades: "
    lines = packed_lines([lead + segments[0], *segments[1:]], width, "   ")
    return Text("\n".join(lines), style="bold" if revealed else "dim")


def _key_help(note: str | None, show_note: bool, revealed: bool, scale: str) -> str:
    if not revealed:
        return KEY_HELP
    grade = "space/enter Good · " if scale == "four" else ""
    shown = "" if note is None else "n hide the note · " if show_note else "n show the note · "
    return f"{grade}{shown}u undo · q save and quit"


def _header(session: Session, width: int) -> Text:
    """'card 3 of 20 · Deck title  concept': the counter first, so a long title wraps after it, and
    on a narrow screen the title starts a line of its own rather than leaving a separator dangling."""
    item = session.current
    assert item is not None
    number, total = session.position
    counter = f"card {number} of {total}" + (" · cram" if session.cramming else "")
    title = neutralise(item.deck.title)
    joined = f"{counter}  ·  {title}  {item.card.type}"
    if cell_len(joined) <= width:
        return Text.assemble(counter, "  ·  ", (title, "bold"), (f"  {item.card.type}", "dim"))
    return Text.assemble(counter, "\n", (title, "bold"), (f"  {item.card.type}", "dim"))


def _progress_line(session: Session, width: int) -> Text:
    number, total = session.position
    time_left = f" · about {minutes(session.seconds_left)} left" if session.seconds_left >= 30 else ""
    room = width - cell_len(f" {number - 1}/{total} done{time_left}")
    return progress_bar(number - 1, total, max(5, min(BAR_WIDTH, room)), time_left)


def card_view(session: Session, revealed: bool, message: str, show_note: bool = False,
              scale: str = "six", width: int = 80) -> Group:
    item = session.current
    assert item is not None
    note = note_to_show(item.card) if revealed else None
    # Past 100 columns a line of card text gets too long to read at a glance.
    panel_width = min(width, MAX_CARD_WIDTH)
    parts: list = [_header(session, width), _progress_line(session, width),
                   Panel(safe(item.card.front), title=Text("Question"), title_align="left",
                         padding=(1, 2), width=panel_width)]
    if revealed:
        parts.append(Panel(safe(item.card.back), title=Text("Answer"), title_align="left",
                           padding=(1, 2), border_style="green", width=panel_width))
        if note is not None and show_note:
            parts.append(Panel(safe(note), title=Text("The note this card came from"),
                               title_align="left", padding=(1, 2), border_style="cyan", width=panel_width))
    parts.append(legend(session, scale, width, revealed))
    parts.append(Text(_key_help(note, show_note, revealed, scale), style="dim"))
    if message:
        parts.append(Text(message, style="yellow"))
    return Group(*parts)


def _grade_for(key: str, revealed: bool, scale: str) -> int | None:
    """The grade a key records on this scale; after the reveal, on the four-button scale, space and
    enter are Good, as in Anki (before it they reveal, so one press never grades an unseen answer)."""
    if revealed and scale == "four" and key in (" ", "\r", "\n"):
        return grading.BUTTON_GRADES["good"]
    choice = grading.choice_for_key(scale, key) if key else None
    return choice.grade if choice else None


def _wrong_scale_message(key: str, scale: str) -> str:
    if scale == "four" and key in ("0", "5"):
        return "Keys 1-4: Again, Hard, Good, Easy. For grades 0-5: `crmrev config set grading six`."
    return ""


def run_interactive(session: Session, console: Console, keys: Keys | GetcharKeys, scale: str = "six") -> bool:
    """Returns True when the queue was finished, False when the learner quit."""
    message = ""
    while session.current is not None:
        revealed = show_note = False
        while True:
            if console.is_terminal:
                console.clear()
            console.print(card_view(session, revealed, message, show_note, scale, console.width))
            try:
                key = keys.read()
            except Redraw:
                continue  # resized or resumed: the same screen again, at the new size
            message = ""
            grade = _grade_for(key, revealed, scale)
            if grade is None and key in (" ", "\r", "\n"):
                revealed = True
            elif key == "n":
                item = session.current
                if item is not None and note_to_show(item.card) is not None:
                    if revealed:
                        show_note = not show_note
                    else:
                        message = "Reveal the answer first (space or enter), then n shows the note."
            elif grade is not None:
                if not revealed:
                    message = "Reveal the answer first (space or enter), then grade it."
                    continue
                review = session.grade(grade)
                message = f"Saved: {grading.label_of(scale, review.grade)}."
                break
            elif key == "u":
                undone = session.undo()
                message = "Undid the last grade." if undone else "Nothing to undo yet."
                break
            elif key == "q":
                return False
            else:
                message = _wrong_scale_message(key, scale)
    return True
