"""The Rich views: safe text, the session summary, the due table and the stats screen.

All deck text is untrusted. It is wrapped in rich.text.Text (so `[bold]`, `[/]` and `:smile:` are
shown literally, never parsed as markup or emoji) after text.neutralise has made escape sequences,
C1 controls and bidi overrides visible.
"""

from __future__ import annotations

import datetime as dt

from rich import box
from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from crmrev.scheduler import PASSING_GRADE
from crmrev.stats import FORECAST_DAYS, MATURE_DAYS, RETENTION_DAYS
from crmrev.text import exam_countdown, plural
from crmrev.ui.console import safe

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
    table.add_row(Text(exam_countdown(exam["date"], exam["days_left"]), style="bold"), "")
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
