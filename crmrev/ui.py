"""Everything a person sees: Rich rendering, the keypress loop and the scripted line protocol.

All deck text is untrusted. It is wrapped in rich.text.Text (so `[bold]`, `[/]` and `:smile:` are
shown literally, never parsed as markup or emoji) after text.neutralise has made escape sequences,
C1 controls and bidi overrides visible.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from crmrev.model import GRADE_LABELS
from crmrev.session import Session
from crmrev.text import neutralise

KEY_HELP = "space/enter reveal · u undo · q save and quit"
LEGEND = "  ".join(f"{grade} {label}" for grade, label in GRADE_LABELS.items())


def safe(text: str, style: str = "") -> Text:
    return Text(neutralise(text), style=style)


def make_console(file=None, stderr: bool = False) -> Console:
    return Console(file=file, stderr=stderr, highlight=False, emoji=False, markup=False,
                   soft_wrap=False)


# ---------------------------------------------------------------- interactive


class Keys:
    """Single keypresses from a terminal in cbreak mode (no Enter needed; Ctrl-C still works)."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def read(self) -> str:
        data = os.read(self.fd, 1)
        if not data or data == b"\x04":
            return "q"  # end of input or Ctrl-D: save and quit
        if data == b"\x1b":
            os.read(self.fd, 16)  # swallow the rest of an arrow or function key
            return ""
        return data.decode("latin-1")


@contextmanager
def cbreak(fd: int) -> Iterator[Keys]:
    import termios
    import tty

    saved = termios.tcgetattr(fd)
    try:
        tty.setcbreak(fd)
        yield Keys(fd)
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)


def progress_bar(done: int, total: int, width: int = 40) -> Text:
    # Rich's ProgressBar swallows the next line when it sits in a Group, so draw a plain one.
    total = max(total, 1)
    filled = round(width * done / total)
    return Text.assemble(("━" * filled, "green"), ("━" * (width - filled), "grey37"),
                         f" {done}/{total} done")


def _card_view(session: Session, revealed: bool, message: str) -> Group:
    item = session.current
    assert item is not None
    number, total = session.position
    header = Table.grid(expand=True)
    header.add_column(ratio=1)
    header.add_column(justify="right")
    label = f"card {number} of {total}" + (" · cram" if session.cramming else "")
    header.add_row(Text.assemble(safe(item.deck.title, "bold"), ("  " + item.card.type, "dim")),
                   Text(label))
    parts: list = [header, progress_bar(number - 1, total),
                   Panel(safe(item.card.front), title=Text("Question"), title_align="left",
                         padding=(1, 2))]
    if revealed:
        parts.append(Panel(safe(item.card.back), title=Text("Answer"), title_align="left",
                           padding=(1, 2), border_style="green"))
        parts.append(Text("Grade: " + LEGEND, style="bold"))
    else:
        parts.append(Text("Grades: " + LEGEND, style="dim"))
    parts.append(Text(KEY_HELP, style="dim"))
    if message:
        parts.append(Text(message, style="yellow"))
    return Group(*parts)


def run_interactive(session: Session, console: Console, keys: Keys) -> bool:
    """Returns True when the queue was finished, False when the learner quit."""
    message = ""
    while session.current is not None:
        revealed = False
        while True:
            if console.is_terminal:
                console.clear()
            console.print(_card_view(session, revealed, message))
            message = ""
            key = keys.read()
            if key in (" ", "\r", "\n"):
                revealed = True
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


# ---------------------------------------------------------------- scripted


def _out(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def run_scripted(session: Session, lines: Iterator[str]) -> bool:
    """Front, back, then one line: a grade 0-5, `u` or `q`. End of input ends the session."""
    while (item := session.current) is not None:
        number, total = session.position
        _out(f"[{number}/{total}] {neutralise(item.deck.title)} ({item.card.type})")
        _out(f"Q: {neutralise(item.card.front)}")
        _out(f"A: {neutralise(item.card.back)}")
        while True:
            _out("grade (0-5, u, q)?")
            line = next(lines, None)
            if line is None:
                return False
            answer = line.strip().lower()
            if answer in {"0", "1", "2", "3", "4", "5"}:
                review = session.grade(int(answer))
                state = session.progress.states.get(review.card)
                due = f", next due {state.due.isoformat()}" if state else ""
                _out(f"saved {review.card} grade {review.grade} ({review.kind}){due}")
                break
            if answer == "u":
                undone = session.undo()
                _out(f"undone {undone.card}" if undone else "nothing to undo")
                break
            if answer == "q":
                return False
            if answer:
                print(f"crmrev: expected a grade 0-5, 'u' or 'q', not {neutralise(answer)!r}",
                      file=sys.stderr, flush=True)
    return True


# ---------------------------------------------------------------- summaries and tables


def _duration(seconds: int) -> str:
    minutes, secs = divmod(seconds, 60)
    return f"{minutes}m {secs:02d}s" if minutes else f"{secs}s"


def summary_lines(summary: dict) -> list[str]:
    correct = "–" if summary["correct"] is None else f"{summary['correct']:.0%}"
    lines = [f"Reviewed {summary['answers']} answers on {summary['cards']} cards · "
             f"{correct} correct (grade 3+) · {_duration(summary['seconds'])}"]
    next_due = summary["next_due"] or "none scheduled"
    lines.append(f"Due tomorrow: {summary['due_tomorrow']} · next due card: {next_due}")
    return lines


def render_summary(console: Console, summary: dict, finished: bool) -> None:
    title = "Session complete" if finished else "Session saved"
    console.print(Panel(Text("\n".join(summary_lines(summary))), title=Text(title),
                        title_align="left", border_style="cyan"))


def due_table(data: dict) -> Table:
    table = Table(title=Text(f"Cards for {data['today']}"), title_justify="left")
    table.add_column("deck")
    table.add_column("id", style="dim")
    for name in ("due today", "new today", "unseen", "total"):
        table.add_column(name, justify="right")
    for row in data["decks"]:
        table.add_row(safe(row["title"]), safe(row["id"]), str(row["due_today"]),
                      str(row["new_today"]), str(row["unseen"]), str(row["total"]))
    table.add_section()
    table.add_row(Text("All decks", style="bold"), "", str(data["due_today"]),
                  str(data["new_today"]), str(data["unseen"]), str(data["total"]))
    return table
