"""The Rich views: safe text, the session summary, the due table and the stats screen.

All deck text is untrusted. It is wrapped in rich.text.Text (so `[bold]`, `[/]` and `:smile:` are
shown literally, never parsed as markup or emoji) after text.neutralise has made escape sequences,
C1 controls and bidi overrides visible.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from typing import Any

from rich import box
from rich.cells import cell_len, set_cell_size
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.measure import Measurement
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from crmrev.history import ENOUGH_TIMED
from crmrev.scheduler import PASSING_GRADE
from crmrev.stats import FORECAST_DAYS, MATURE_DAYS, RETENTION_DAYS
from crmrev.text import exam_countdown, minutes, neutralise, plural
from crmrev.ui.console import packed_lines, safe

# ---------------------------------------------------------------- summaries and tables


def _duration(seconds: int) -> str:
    whole_minutes, secs = divmod(seconds, 60)
    return f"{whole_minutes}m {secs:02d}s" if whole_minutes else f"{secs}s"


def summary_lines(summary: dict) -> list[str]:
    correct = "–" if summary["correct"] is None else f"{summary['correct']:.0%}"
    lines = [f"Reviewed {plural(summary['answers'], 'answer')} on {plural(summary['cards'], 'card')} · "
             f"{correct} correct (grade {PASSING_GRADE}+) · {_duration(summary['seconds'])}"]
    still, new_left = summary.get("still_due_today") or 0, summary.get("new_left") or 0
    estimate = summary.get("still_due_estimate")
    time_left = f" (about {minutes(estimate['seconds'])})" if estimate and (still or new_left) else ""
    new_cards = plural(new_left, "new card")
    if still:
        # an early quit: "next due card: <today>" under "Due tomorrow" read as if nothing was left
        also = f", and {new_cards}" if new_left else ""
        lines.append(f"Still due today: {still}{also}{time_left} · due tomorrow if you stop now: "
                     f"{summary['due_tomorrow']}")
    elif new_left:
        lines.append(f"Nothing more is due today; {new_cards} still waiting{time_left} · due "
                     f"tomorrow: {summary['due_tomorrow']}")
    else:
        next_due = summary["next_due"] or "none scheduled"
        lines.append(f"Due tomorrow: {summary['due_tomorrow']} · next due card: {next_due}")
    if summary.get("siblings_waiting"):
        lines.append(siblings_line(summary["siblings_waiting"]))
    exam = summary.get("exam")
    if exam:
        lines.append(f"{exam_countdown(exam['date'], exam['days_left'])} Predicted recall on exam day: "
                     f"{_percent(exam['readiness'])} if you stopped now, {_percent(exam['projected'])} "
                     "if you keep to the plan.")
        lines += exam_lines(exam)[2:]  # what the budget leaves out (today's work is said above)
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


# ---------------------------------------------------------------- fitting the terminal
# Learners revise in 40-column phone terminals, 60-column split panes and 200-column monitors. Rich's
# tables squeeze every column to fit, which cut deck ids to "retenti…" and split words
# ("relationsh / ips"), so each screen here is laid out when it is printed, for the width Rich gives
# it: a table where it fits with every word whole, a stacked layout where it does not.

_Layout = Callable[[Console, int], RenderableType]

_UNBOUNDED = 10_000  # a width to measure at, so that a renderable too wide for the screen shows as such


class FitToWidth:
    """A renderable that builds its layout for the width it is printed at."""

    def __init__(self, layout: _Layout) -> None:
        self._layout = layout

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self._layout(console, options.max_width)


def _natural(console: Console, renderable: RenderableType) -> Measurement:
    """(minimum, maximum): the width with every word whole, and the width with nothing wrapped."""
    return Measurement.get(console, console.options.update_width(_UNBOUNDED), renderable)


def _fits(console: Console, renderable: RenderableType, width: int) -> bool:
    """Whether Rich can lay the renderable out in `width` cells without splitting a word. (A table
    whose only wrapping column is the text column gives all of its shortfall to that column, so
    the column never gets narrower than its longest word.)"""
    return _natural(console, renderable).minimum <= width


def _add_unwrapped_column(table: Table, header: str, cells: Sequence[Text | str], **options: Any) -> None:
    """A column that never wraps, its full width given as its minimum: Rich measures a column's
    minimum as its longest word, so without this a table with "due today" would seem to fit where
    it does not."""
    texts = [header, *(cell.plain if isinstance(cell, Text) else cell for cell in cells)]
    width = max(cell_len(line) for text in texts for line in text.splitlines() or [""])
    table.add_column(header, no_wrap=True, min_width=width, **options)


def clip_words(text: str, width: int, max_lines: int = 1) -> list[str]:
    """The text wrapped at spaces into at most max_lines lines of at most width cells. What does not
    fit is cut after a whole word and marked "…"; only a single word longer than a line is cut."""
    lines: list[str] = []
    for word in text.split():
        joined = f"{lines[-1]} {word}" if lines else word
        if lines and cell_len(joined) <= width:
            lines[-1] = joined
        elif len(lines) < max_lines and cell_len(word) <= width:
            lines.append(word)
        else:
            if len(lines) < max_lines:
                lines.append(word)
            lines[-1] = _end_with_ellipsis(lines[-1], width)
            break
    return lines or [""]


def _end_with_ellipsis(line: str, width: int) -> str:
    words = line.split(" ")
    while len(words) > 1 and cell_len(" ".join(words)) + 1 > width:
        words.pop()
    kept = " ".join(words).rstrip(",;:.")  # "sign-off…", not "sign-off.…"
    if cell_len(kept) + 1 > width:
        kept = set_cell_size(kept, max(width - 1, 0))
    return kept + "…"


def _clipped(text: str, width: int, max_lines: int = 1, style: str = "") -> Text:
    """Untrusted text, made safe first (neutralise can lengthen it), then clipped to fit."""
    return safe("\n".join(clip_words(neutralise(text), width, max_lines)), style)


def _indented(lines: Sequence[str], style: str = "") -> Text:
    return safe("\n".join(f"  {line}" for line in lines), style)


# ---------------------------------------------------------------- the due table

_MIN_TITLE_COLUMN = 16  # narrower, and titles turn into one word a line: the stacked layout reads better
_DUE_COUNTS = ("due_today", "new_today", "unseen", "total")


def due_table(data: dict) -> FitToWidth:
    """`crmrev due`: a table where it fits; otherwise a stacked list, each deck's id on a line of its
    own, never cut (learners copy it into --deck)."""
    def layout(console: Console, width: int) -> RenderableType:
        for headers in (("due today", "new today"), ("due\ntoday", "new\ntoday")):
            table = _due_wide(data, headers)
            if _fits(console, table, width):
                return Group(table, _today_line(data))
        return Group(_due_stacked(data, width), Text(), _today_line(data))

    return FitToWidth(layout)


def _today_line(data: dict) -> Text:
    """Today's work as time: 'Today: 59 cards, about 10 min (…)' and the daily budget, if set."""
    estimate = data.get("estimate")
    if not estimate:
        return Text()
    text = f"Today: {plural(estimate['cards'], 'card')}"
    if estimate["cards"]:
        text += f", about {minutes(estimate['seconds'])}"
        per_card = f"{estimate['seconds_per_card']:g} s a card"
        text += (f" (your average: {per_card})" if estimate["from_your_answers"]
                 else f" ({per_card}, the default; yours after {ENOUGH_TIMED} answers)")
    budget = data.get("budget")
    if budget:
        limit = plural(budget["amount"], budget["unit"][:-1])
        if budget["fits"]:
            text += f"; within your daily budget of {limit}"
        else:  # "about 2 min" can round to the budget itself: say what fits instead
            fits = plural(budget["cards_that_fit"], "card")
            text += f"; more than your daily budget of {limit}"
            text += f" (about {fits} fit)" if budget["unit"] == "minutes" else ""
    return Text(text + ".")


def _due_wide(data: dict, headers: tuple[str, str]) -> Table:
    rows = [*data["decks"], data]  # the decks, then the totals
    titles = [safe(row["title"]) for row in data["decks"]] + [Text("All decks", style="bold")]
    ids = [safe(row["id"]) for row in data["decks"]] + [Text()]
    counts = [[str(row[key]) for row in rows] for key in _DUE_COUNTS]
    table = Table(title=Text(f"Cards for {data['today']}"), title_justify="left")
    table.add_column("deck", min_width=_MIN_TITLE_COLUMN)  # the one column that wraps (at words)
    _add_unwrapped_column(table, "id", ids, style="dim")
    for header, column in zip((*headers, "unseen", "total"), counts, strict=True):
        _add_unwrapped_column(table, header, column, justify="right")
    for index, cells in enumerate(zip(titles, ids, *counts, strict=True)):
        if index == len(data["decks"]):
            table.add_section()
        table.add_row(*cells)
    return table


def _due_counts(row: dict, width: int) -> Text:
    parts = [f"due {row['due_today']}", f"new {row['new_today']}", f"unseen {row['unseen']}",
             f"total {row['total']}"]
    return _indented(packed_lines(parts, width - 2))


def _due_stacked(data: dict, width: int) -> Group:
    parts: list[RenderableType] = [Text(f"Cards for {data['today']}")]
    for row in data["decks"]:
        # An id longer than the screen is folded (an 80-character id on a 40-column phone) rather
        # than cropped: every character stays on screen.
        parts += [Text(), safe(row["title"], "bold"), Text(f"  {neutralise(row['id'])}", style="dim",
                                                            overflow="fold"),
                  _due_counts(row, width)]
    parts += [Text(), Text("All decks", style="bold"), _due_counts(data, width)]
    return Group(*parts)


# ---------------------------------------------------------------- stats

_HEAT = [" ·", "░░", "▒▒", "▓▓", "██"]
_HEAT_STYLE = ["grey37", "green4", "green3", "green1", "bold bright_green"]
_WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
_DAY_LABEL = "Mon  "  # the heatmap's row labels, padded to this width
_WEEK_CELLS = 3  # a week's column: a two-cell glyph and a space
_MAX_PANEL_WIDTH = 80  # wider, and the figures drift away from their labels
_MIN_FRONT_COLUMN = 50  # narrower, and a front in one line says too little: fronts go on lines of their own
_PANEL_FRAME = 4  # a panel's borders and its padding


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def _panel_title(width: int, *titles: str) -> Text:
    """The first title that fits on the panel's top border whole (Rich would cut it with "…")."""
    room = width - _PANEL_FRAME - 2
    return Text(next((title for title in titles if cell_len(title) <= room), titles[-1]))


def _overview(console: Console, data: dict, inner: int) -> Table:
    pairs = [("Cards", str(data["cards_total"])), ("Due today", str(data["due_today"])),
             ("Seen", str(data["cards_seen"])), ("Reviews", str(data["reviews_total"])),
             (f"Mature ({MATURE_DAYS}d+)", str(data["cards_mature"])),
             (f"Retention ({RETENTION_DAYS}d)", _percent(data["retention"])),
             ("Streak", plural(data["streak_days"], "day")),
             ("Longest streak", plural(data["streak_longest"], "day"))]
    two_pairs_a_row = _label_grid(pairs, 2)
    return two_pairs_a_row if _natural(console, two_pairs_a_row).maximum <= inner else _label_grid(pairs, 1)


def _label_grid(pairs: Sequence[tuple[str, str]], per_row: int) -> Table:
    table = Table.grid(padding=(0, 3))
    for _ in range(2 * per_row):
        table.add_column(no_wrap=True)
    for start in range(0, len(pairs), per_row):
        cells: list[RenderableType] = []
        for label, value in pairs[start:start + per_row]:
            cells += [Text(label, style="bold"), value]
        table.add_row(*cells)
    return table


def _forecast(data: dict, inner: int) -> Text:
    """One bar a day, scaled so the busiest day's bar takes the width left after the labels."""
    days = [dt.date.fromisoformat(row["date"]).strftime("%a %d %b") for row in data["forecast"]]
    counts = [str(row["due"]) for row in data["forecast"]]
    day_width = max(map(cell_len, days), default=0)
    count_width = max(map(len, counts), default=0)
    bar_width = max(1, inner - day_width - count_width - 2)
    peak = max((row["due"] for row in data["forecast"]), default=0) or 1
    lines = []
    for day, count, row in zip(days, counts, data["forecast"], strict=True):
        # a day with a card due gets at least one block, however busy the peak
        bar = "█" * max(1, round(bar_width * row["due"] / peak)) if row["due"] else "·"
        lines.append(Text.assemble(day.ljust(day_width), " ", (bar.ljust(bar_width), "cyan"), " ",
                                   count.rjust(count_width)))
    return Text("\n").join(lines)


def _heatmap_weeks(data: dict, inner: int) -> int:
    """How many of the most recent weeks fit: every week is a column."""
    weeks = (len(data["heatmap"]) + 6) // 7
    return max(1, min(weeks, (inner - len(_DAY_LABEL) + 1) // _WEEK_CELLS))


def _heatmap(data: dict, inner: int) -> Text:
    """Weeks as columns, weekdays as rows, like Anki's and GitHub's calendars. The glyphs carry the
    levels, so the chart still reads with NO_COLOR or TERM=dumb. Only the most recent weeks that
    fit are shown (the panel's title says how many)."""
    all_weeks = (len(data["heatmap"]) + 6) // 7
    cells = data["heatmap"][(all_weeks - _heatmap_weeks(data, inner)) * 7:]  # whole weeks: still Monday first
    if not cells:
        return Text("No reviews yet.")
    peak = max(cell["reviews"] for cell in cells)
    out = Text(_heatmap_header(cells, inner) + "\n", style="dim")
    for weekday, name in enumerate(_WEEKDAYS):
        out.append(name.ljust(len(_DAY_LABEL)), style="dim")
        for position, cell in enumerate(cells[weekday::7]):
            level = 0 if cell["reviews"] == 0 else min(4, 1 + (3 * cell["reviews"]) // max(peak, 1))
            out.append((" " if position else "") + _HEAT[level], style=_HEAT_STYLE[level])
        out.append("\n")
    legend = [f"{_HEAT[level].strip()[:1]} {name}" for level, name in
              enumerate(["none", "few", "some", "many", "most"])]
    legend.append(f"busiest day: {plural(peak, 'review')}")
    out.append("\n".join(packed_lines(legend, inner, "  ")), style="dim")
    return out


def _heatmap_header(cells: Sequence[dict], inner: int) -> str:
    """A date over every fourth week, where it fits whole."""
    first = dt.date.fromisoformat(cells[0]["date"])
    header = ""
    for week in range(0, (len(cells) + 6) // 7, 4):
        label = (first + dt.timedelta(weeks=week)).strftime("%b %d")
        start = len(_DAY_LABEL) + _WEEK_CELLS * week
        if start + cell_len(label) <= inner:
            header = header.ljust(start) + label
    return header


def _mastery(console: Console, data: dict, inner: int) -> RenderableType:
    figures = [_mastery_figures(data, row) for row in data["decks"]]
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("deck", min_width=_MIN_TITLE_COLUMN)  # the one column that wraps (at words)
    for header, column in zip(("cards", "seen", "mature", "% mature", "avg EF"), zip(*figures, strict=True),
                              strict=False):
        _add_unwrapped_column(table, header, column, justify="right")
    for row, cells in zip(data["decks"], figures, strict=True):
        table.add_row(safe(row["title"]), *cells)
    return table if _fits(console, table, inner) else _mastery_stacked(data, inner)


def _mastery_figures(data: dict, row: dict) -> tuple[str, str, str, str, str]:
    """cards, seen, mature, % mature, avg EF."""
    share = row["mature"] / row["cards"] if row["cards"] else None
    ease = data["deck_easiness"].get(row["id"])
    return (str(row["cards"]), str(row["seen"]), str(row["mature"]), _percent(share),
            "–" if ease is None else f"{ease:.2f}")


def _mastery_stacked(data: dict, inner: int) -> Group:
    parts: list[RenderableType] = []
    for row in data["decks"]:
        _, seen, mature, share, ease = _mastery_figures(data, row)
        figures = [plural(row["cards"], "card"), f"{seen} seen", f"{mature} mature ({share})",
                   f"avg EF {ease}"]
        parts += [safe(row["title"], "bold"), _indented(packed_lines(figures, inner - 2))]
    return Group(*parts)


# Lead-ins that whole families of generated fronts start with (crmrev.generate; "Fill the gap in this
# explanation of" is the older decks' cloze). What follows them is what tells one card from another.
_TEMPLATE_LEAD_IN = re.compile(r"(?:Common mistake|Marking point|Exam technique|True or false"
                               r"|Which key idea does this describe):\s"
                               r"|Fill the gap in this explanation of\s")
_SHARED_RUN = 3  # fewer shared words ("A customer …") say little; a shared topic ends with ":"


def distinguishing_fronts(fronts: Sequence[str]) -> list[str]:
    """The fronts as a list of hardest cards shows them: each one without a known template lead-in
    and without the leading words it shares with another front in the list, both replaced by "…",
    so that the words that tell the cards apart come first. A front is never cut to nothing."""
    words = [front.split() for front in fronts]
    return [_distinguishing_front(own, words[:index] + words[index + 1:]) for index, own in enumerate(words)]


def _distinguishing_front(words: list[str], others: Sequence[list[str]]) -> str:
    dropped = max(_lead_in_words(words), _shared_run(words, others))
    return "…" + " ".join(words[dropped:]) if dropped else " ".join(words)


def _lead_in_words(words: list[str]) -> int:
    match = _TEMPLATE_LEAD_IN.match(" ".join(words))
    return len(match.group().split()) if match else 0


def _shared_run(words: list[str], others: Sequence[list[str]]) -> int:
    """Leading words this front shares with another, when they are many enough to drop."""
    shared = max((_common_words(words, other) for other in others), default=0)
    if shared >= len(words):  # the whole front: nothing else would be left to show
        return 0
    return shared if shared >= _SHARED_RUN or (shared and words[shared - 1].endswith(":")) else 0


def _common_words(words: list[str], other: list[str]) -> int:
    count = 0
    for mine, theirs in zip(words, other, strict=False):
        if mine.casefold() != theirs.casefold():
            break
        count += 1
    return count


def _hardest(console: Console, data: dict, inner: int) -> RenderableType:
    rows = data["hardest"]
    fronts = distinguishing_fronts([row["front"] for row in rows])
    front_width = inner - (_natural(console, _hardest_table(rows, fronts, 1)).maximum - 1)
    if front_width >= _MIN_FRONT_COLUMN:
        return _hardest_table(rows, fronts, front_width)
    return _hardest_stacked(rows, fronts, inner)


def _hardest_table(rows: Sequence[dict], fronts: Sequence[str], front_width: int) -> Table:
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("card", width=front_width, no_wrap=True)
    table.add_column("id", style="dim", no_wrap=True)
    table.add_column("lapses", justify="right", no_wrap=True)
    table.add_column("recall", justify="right", no_wrap=True)  # predicted today, by the memory model
    for row, front in zip(rows, fronts, strict=True):
        table.add_row(_clipped(front, front_width), safe(row["id"]), str(row["lapses"]),
                      _percent(row["predicted_recall"]))
    return table


def _hardest_stacked(rows: Sequence[dict], fronts: Sequence[str], inner: int) -> Group:
    parts: list[RenderableType] = []
    for row, front in zip(rows, fronts, strict=True):
        figures = [neutralise(row["id"]), plural(row["lapses"], "lapse"),
                   f"recall {_percent(row['predicted_recall'])}"]
        parts += [_clipped(front, inner, max_lines=2), _indented(packed_lines(figures, inner - 2), "dim")]
    return Group(*parts)


def _exam(data: dict) -> Group:
    """Readiness now and with the plan, overall and per deck; today's work; decks the budget cannot
    cover. (An exam date that has passed shows only what to do about it.)"""
    exam = data["exam"]
    countdown = Text(exam_countdown(exam["date"], exam["days_left"]), style="bold")
    if exam["readiness"] is None:
        return Group(countdown)
    table = Table.grid(padding=(0, 2))
    table.add_column()  # wraps at words when narrow
    table.add_column(justify="right", no_wrap=True)
    table.add_column(justify="right", no_wrap=True)
    table.add_row("", Text("now", style="dim"), Text("plan", style="dim"))
    table.add_row("All decks", _percent(exam["readiness"]), _percent(exam["projected"]))
    titles = {row["id"]: row["title"] for row in data["decks"]}
    for row in exam["decks"]:
        # Padding, not leading spaces: a wrapped title's second line stays indented
        table.add_row(Padding(safe(titles.get(row["id"], row["id"])), (0, 0, 0, 2)),
                      _percent(row["readiness"]), _percent(row["projected"]))
    return Group(countdown, Text("Predicted recall on exam day", style="bold"), table, Text(""),
                 *[Text(line) for line in exam_lines(exam)])


def exam_lines(exam: dict) -> list[str]:
    """What "now" and "plan" mean, today's share of the plan, and what the budget leaves out."""
    lines = ["now: if you stopped studying today · plan: if you review what comes up each day "
             f"(about {plural(exam['answers_to_exam'], 'answer')} to go)",
             f"Today: {plural(exam['due_today'], 'card')} due and {plural(exam['new_today'], 'new card')}."]
    if exam["short"]:
        cards = plural(exam["budget_cards"] or 0, "card")
        setting = exam.get("budget") or cards
        budget = setting if setting.split()[-1] in ("card", "cards") else f"{setting} (about {cards})"
        decks = ", ".join(f"{neutralise(row['title'])} ({row['cards']})" for row in exam["short"])
        lines.append(f"Your daily budget of {budget} a day leaves cards unseen on exam day: {decks}. "
                     "Raise it with `crmrev config set daily-budget`, or start on a deck with "
                     f"`crmrev review --deck {neutralise(exam['short'][0]['id'])} --new N`.")
    return lines


def stats_view(data: dict) -> FitToWidth:
    """`crmrev stats`: panels one above the other, as wide as the screen up to 80 columns."""
    return FitToWidth(lambda console, width: _stats_panels(console, data, min(width, _MAX_PANEL_WIDTH)))


def _stats_panels(console: Console, data: dict, width: int) -> Group:
    inner = width - _PANEL_FRAME

    def section(body: RenderableType, *titles: str) -> Panel:
        return Panel(body, title=_panel_title(width, *titles), title_align="left", border_style="cyan",
                     width=width)

    parts = [section(_overview(console, data, inner), f"Overview · {data['today']}")]
    if data.get("exam"):
        parts.append(section(_exam(data), "Exam readiness"))
    weeks = plural(_heatmap_weeks(data, inner), "week")
    parts += [
        section(_forecast(data, inner), f"Forecast: cards due in the next {FORECAST_DAYS} days",
                f"Forecast: next {FORECAST_DAYS} days"),
        section(_heatmap(data, inner), f"Reviews per day, last {weeks}", f"Reviews, last {weeks}"),
        section(_mastery(console, data, inner), "Mastery per deck"),
    ]
    if data["hardest"]:
        parts.append(section(_hardest(console, data, inner), "Hardest cards"))
    return Group(*parts)
