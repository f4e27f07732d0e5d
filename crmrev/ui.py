"""Everything a person sees: Rich rendering, the keypress loop and the scripted line protocol.

All deck text is untrusted. It is wrapped in rich.text.Text (so `[bold]`, `[/]` and `:smile:` are
shown literally, never parsed as markup or emoji) after text.neutralise has made escape sequences,
C1 controls and bidi overrides visible.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich import box
from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from crmrev.model import GRADE_LABELS, Card
from crmrev.scheduler import PASSING_GRADE
from crmrev.session import Session
from crmrev.stats import FORECAST_DAYS, MATURE_DAYS, RETENTION_DAYS
from crmrev.text import neutralise, normalise_space, plural

KEY_HELP = "space/enter reveal · u undo · q save and quit"
NOTE_KEY_HELP = "space/enter reveal · n show the note this card came from · u undo · q save and quit"
NOTE_HIDE_HELP = "space/enter reveal · n hide the note · u undo · q save and quit"
LEGEND = "  ".join(f"{grade} {label}" for grade, label in GRADE_LABELS.items())


def safe(text: str, style: str = "") -> Text:
    return Text(neutralise(text), style=style)


def note_to_show(card: Card) -> str | None:
    """The note a card was made from, when it says more than the card's back already does."""
    if not card.note or not card.note.strip():
        return None
    if normalise_space(card.note).casefold() in normalise_space(card.back).casefold():
        return None
    return card.note


def make_console() -> Console:
    return Console(highlight=False, emoji=False, markup=False,
                   soft_wrap=False)


# ---------------------------------------------------------------- interactive


# ESC [ parameters final-byte (arrows, Home, F5…), ESC O x (F1-F4 on many terminals), or ESC alone.
_ESCAPE_SEQUENCE = re.compile(rb"\x1b(?:\[[0-?]*[ -/]*[@-~]|O.)?")


class Keys:
    """Single keypresses from a terminal in cbreak mode (no Enter needed; Ctrl-C still works)."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self._pending = b""

    def read(self) -> str:
        """One key. Whatever one read returns is kept, so keys typed quickly are not lost, and
        an escape sequence (an arrow or function key) is dropped whole; a lone Esc, which is all
        one read returns, is dropped alone rather than waiting for more bytes that never come."""
        if not self._pending:
            self._pending = os.read(self.fd, 32)
        data = self._pending
        if not data or data[:1] == b"\x04":
            return "q"  # end of input or Ctrl-D: save and quit
        if data[:1] == b"\x1b":
            sequence = _ESCAPE_SEQUENCE.match(data)
            self._pending = data[sequence.end() if sequence else 1:]
            return ""
        self._pending = data[1:]
        return data[:1].decode("latin-1")


class GetcharKeys:
    """Single keys where there is no termios (Windows): Click's getchar, which reads the console
    with msvcrt. Special keys arrive as a prefix and a code ("\\xe0H" for up), Esc alone."""

    def __init__(self, getchar: Callable[[], str]) -> None:
        self.getchar = getchar

    def read(self) -> str:
        key = self.getchar()
        if not key or key in ("\x04", "\x1a"):
            return "q"  # Ctrl-D or Ctrl-Z: save and quit
        if key[0] in ("\x1b", "\x00", "\xe0"):
            return ""
        return key[0]


@contextmanager
def cbreak(fd: int) -> Iterator[Keys | GetcharKeys]:
    try:
        import termios
        import tty
    except ImportError:
        import typer

        yield GetcharKeys(typer.getchar)
        return

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


def _card_view(session: Session, revealed: bool, message: str, show_note: bool = False) -> Group:
    item = session.current
    assert item is not None
    note = note_to_show(item.card) if revealed else None
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
            console.print(_card_view(session, revealed, message, show_note))
            message = ""
            key = keys.read()
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


# ---------------------------------------------------------------- scripted


def _out(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def run_scripted(session: Session, lines: Iterator[str]) -> bool:
    """Front, back, then one line: a grade 0-5, `n` (print the card's note, then ask again), `u`
    or `q`. End of input ends the session."""
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
            if answer == "n":
                note = note_to_show(item.card)
                if note is not None:
                    _out(f"N: {neutralise(note)}")
                else:
                    print("crmrev: this card has no note beyond its answer", file=sys.stderr,
                          flush=True)
                continue
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
    lines = [f"Reviewed {plural(summary['answers'], 'answer')} on {plural(summary['cards'], 'card')} · "
             f"{correct} correct (grade {PASSING_GRADE}+) · {_duration(summary['seconds'])}"]
    if summary.get("still_due_today"):
        # an early quit: "next due card: <today>" under "Due tomorrow" read as if nothing was left
        lines.append(f"Still due today: {summary['still_due_today']} · due tomorrow if you stop now: "
                     f"{summary['due_tomorrow']}")
    else:
        next_due = summary["next_due"] or "none scheduled"
        lines.append(f"Due tomorrow: {summary['due_tomorrow']} · next due card: {next_due}")
    if summary.get("siblings_waiting"):
        lines.append(siblings_line(summary["siblings_waiting"]))
    return lines


def siblings_line(count: int) -> str:
    """Cards held back by the sibling rule (crmrev.queue.Siblings)."""
    waits = "card waits" if count == 1 else "cards wait"
    return f"{count} sibling {waits} for tomorrow (a card from the same note was reviewed today)."


def nothing_to_review_lines(summary: dict, today: dt.date) -> list[str]:
    """An empty queue. When siblings are what is left, say so rather than naming today as the
    next due day."""
    held = summary.get("siblings_waiting") or 0
    next_due = summary["next_due"]
    if not held:
        return [f"Nothing to review today. Next due card: {next_due or 'none yet'}."]
    lines = ["Nothing more to review today.", siblings_line(held)]
    if next_due and next_due > today.isoformat():
        lines.append(f"Next due card: {next_due}.")
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


# ---------------------------------------------------------------- stats

_HEAT = [" ·", "░░", "▒▒", "▓▓", "██"]
_HEAT_STYLE = ["grey37", "green4", "green3", "green1", "bold bright_green"]


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def _overview(data: dict) -> Table:
    table = Table.grid(padding=(0, 3))
    for _ in range(4):
        table.add_column()
    table.add_row(Text("Cards", style="bold"), str(data["cards_total"]),
                  Text("Due today", style="bold"), str(data["due_today"]))
    table.add_row(Text("Seen", style="bold"), str(data["cards_seen"]),
                  Text("Reviews", style="bold"), str(data["reviews_total"]))
    table.add_row(Text(f"Mature ({MATURE_DAYS}d+)", style="bold"), str(data["cards_mature"]),
                  Text(f"Retention ({RETENTION_DAYS}d)", style="bold"), _percent(data["retention"]))
    table.add_row(Text("Streak", style="bold"), f"{data['streak_days']} days",
                  Text("Longest streak", style="bold"), f"{data['streak_longest']} days")
    return table


def _forecast(data: dict, width: int = 44) -> Table:
    table = Table.grid(padding=(0, 1))
    table.add_column(justify="right")
    table.add_column()
    table.add_column(justify="right")
    peak = max((row["due"] for row in data["forecast"]), default=0) or 1
    for row in data["forecast"]:
        day = dt.date.fromisoformat(row["date"])
        bar = "█" * round(width * row["due"] / peak) if row["due"] else "·"
        table.add_row(day.strftime("%a %d %b"), Text(bar, style="cyan"), str(row["due"]))
    return table


def _heatmap(data: dict) -> Text:
    """Weeks as columns, weekdays as rows, like Anki's and GitHub's calendars. The glyphs carry the
    levels, so the chart still reads with NO_COLOR or TERM=dumb."""
    cells = data["heatmap"]
    if not cells:
        return Text("No reviews yet.")
    peak = max(c["reviews"] for c in cells)
    first = dt.date.fromisoformat(cells[0]["date"])
    weeks = (len(cells) + 6) // 7
    header = [" "] * (5 + 3 * weeks)
    for week in range(0, weeks, 4):
        label = (first + dt.timedelta(weeks=week)).strftime("%b %d")
        header[5 + 3 * week: 5 + 3 * week + len(label)] = list(label)
    out = Text("".join(header).rstrip() + "\n", style="dim")
    for weekday, name in enumerate(["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]):
        out.append(f"{name}  ", style="dim")
        for week in range(weeks):
            index = week * 7 + weekday
            if index < len(cells):
                count = cells[index]["reviews"]
                level = 0 if count == 0 else min(4, 1 + (3 * count) // max(peak, 1))
                out.append(_HEAT[level], style=_HEAT_STYLE[level])
                out.append(" ")
        out.append("\n")
    legend = "  ".join(f"{_HEAT[i].strip()[:1] or '·'} {label}" for i, label in
                       enumerate(["none", "few", "some", "many", "most"]))
    out.append(f"{legend}    busiest day: {peak} reviews", style="dim")
    return out


def _mastery(data: dict) -> Table:
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("deck", overflow="fold", max_width=34)
    for name in ("cards", "seen", "mature", "% mature", "avg EF"):
        table.add_column(name, justify="right")
    for row in data["decks"]:
        share = row["mature"] / row["cards"] if row["cards"] else None
        ease = data["deck_easiness"].get(row["id"])
        table.add_row(safe(row["title"]), str(row["cards"]), str(row["seen"]), str(row["mature"]),
                      _percent(share), "–" if ease is None else f"{ease:.2f}")
    return table


def _hardest(data: dict) -> Table:
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("card", overflow="ellipsis", no_wrap=True, max_width=58)
    table.add_column("lapses", justify="right")
    table.add_column("EF", justify="right")
    for row in data["hardest"]:
        table.add_row(safe(row["front"]), str(row["lapses"]), f"{row['easiness']:.2f}")
    return table


def _exam(data: dict) -> Table:
    exam = data["exam"]
    table = Table.grid(padding=(0, 3))
    table.add_column()
    table.add_column(justify="right")
    table.add_row(Text(f"Exam on {exam['date']}", style="bold"), f"{exam['days_left']} days left")
    table.add_row(Text("Predicted recall on exam day", style="bold"), _percent(exam["readiness"]))
    titles = {row["id"]: row["title"] for row in data["decks"]}
    for row in exam["decks"]:
        table.add_row(safe("  " + titles.get(row["id"], row["id"])), _percent(row["readiness"]))
    return table


def stats_view(data: dict) -> Group:
    def section(title: str, body) -> Panel:
        return Panel(body, title=Text(title), title_align="left", border_style="cyan", width=80)

    parts = [section(f"Overview · {data['today']}", _overview(data))]
    if data.get("exam"):
        parts.append(section("Exam readiness", _exam(data)))
    parts += [
        section(f"Forecast: cards due in the next {FORECAST_DAYS} days", _forecast(data)),
        section("Reviews per day, last 12 weeks", _heatmap(data)),
        section("Mastery per deck", _mastery(data)),
    ]
    if data["hardest"]:
        parts.append(section("Hardest cards", _hardest(data)))
    return Group(*parts)
