"""`crmrev due` and `crmrev stats` fit 40, 60, 80 and 120 columns: no line too long, no deck id cut, no
word split across lines, every key figure shown, plurals right. Driven both through the views with a
Rich console of each width and through the real CLI with COLUMNS set, on the bundled decks and a
progress file filled by scripted reviews."""

from __future__ import annotations

import io
import itertools
import json
import os
import re
from pathlib import Path

import pytest
from rich.cells import cell_len
from rich.console import Console
from typer.testing import CliRunner

from crmrev.cli import app
from crmrev.ui import views
from tests.helpers import DECKS, bundled_cards

WIDTHS = [40, 60, 80, 120]
TODAY = "2026-11-26"
# Scripted review reads one grade a line. 1s fail cards, so some have lapses (the hardest cards);
# grades stay within 1-4, valid on either grading scale.
GRADES = "".join(f"{grade}\n" for grade in itertools.islice(itertools.cycle("4314423"), 80))
REVIEW_DAYS = ["2026-11-16", "2026-11-17", "2026-11-19", "2026-11-20", "2026-11-22", "2026-11-24",
               "2026-11-25"]
WORD = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")
BORDERS = "│┃╭╮╰╯─━ "


# ---------------------------------------------------------------- a progress file with history


def run(home: Path, *args: str, input: str | None = None, width: int = 100) -> str:
    """crmrev in-process, isolated from the caller's settings and user folders."""
    env: dict[str, str | None] = {name: None for name in os.environ if name.startswith("CRMREV_")}
    env.update(CRMREV_CACHE="off", COLUMNS=str(width), HOME=str(home), XDG_DATA_HOME=str(home / "data"),
               XDG_CONFIG_HOME=str(home / "config"), XDG_CACHE_HOME=str(home / "cache"))
    result = CliRunner().invoke(app, [str(arg) for arg in args], input=input, env=env)
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("layouts")


@pytest.fixture(scope="module")
def progress(home) -> Path:
    """A week of reviews ending yesterday (so cards are due today), and an exam in December."""
    path = home / "progress.json"
    for day in REVIEW_DAYS:
        run(home, "review", "--decks", DECKS, "--progress", path, "--today", day, input=GRADES)
    run(home, "exam", "2026-12-20", "--progress", path, "--today", TODAY)
    return path


def screen(home: Path, command: str, progress: Path, width: int) -> str:
    return run(home, command, "--decks", DECKS, "--progress", progress, "--today", TODAY, width=width)


def data_of(home: Path, command: str, progress: Path) -> dict:
    return json.loads(run(home, command, "--json", "--decks", DECKS, "--progress", progress, "--today", TODAY))


@pytest.fixture(scope="module")
def due_data(home, progress) -> dict:
    return data_of(home, "due", progress)


@pytest.fixture(scope="module")
def stats_data(home, progress) -> dict:
    return data_of(home, "stats", progress)


def rendered(view, data: dict, width: int) -> str:
    console = Console(width=width, file=io.StringIO(), color_system=None, highlight=False, markup=False,
                      emoji=False, soft_wrap=False)
    console.print(view(data))
    assert isinstance(console.file, io.StringIO)
    return console.file.getvalue()


# ---------------------------------------------------------------- what every screen must satisfy


def vocabulary() -> set[str]:
    """Every word the bundled decks hold: a word on screen that is not one of them, yet is the start
    or end of a title word, is a piece of a split word."""
    return {word for path in DECKS.glob("*.yaml") for word in WORD.findall(path.read_text(encoding="utf-8"))}


VOCABULARY = vocabulary()


def assert_fits(out: str, width: int) -> None:
    too_long = [line for line in out.splitlines() if cell_len(line) > width]
    assert not too_long, f"lines over {width} columns: {too_long}"


def assert_titles_whole(out: str, titles: list[str]) -> None:
    shown = set(WORD.findall(out))
    title_words = {word for title in titles for word in WORD.findall(title)}
    assert title_words <= shown, f"title words not shown whole: {title_words - shown}"
    pieces = {token for token in shown - VOCABULARY if len(token) > 1 and any(
        word != token and (word.startswith(token) or word.endswith(token)) for word in title_words)}
    assert not pieces, f"pieces of split words: {pieces}"


def assert_ids_whole(out: str, ids: list[str]) -> None:
    for deck_id in ids:
        assert re.search(rf"(?<![\w-]){re.escape(deck_id)}(?![\w-])", out), f"{deck_id} not shown whole"


def assert_plurals(out: str) -> None:
    for count, noun in re.findall(r"\b(\d+) (days?|reviews?|cards?|lapses?|weeks?)\b", out):
        assert (count == "1") == (not noun.endswith("s")), f"{count} {noun}"


def panel(out: str, title_start: str) -> list[str]:
    """The lines of the stats panel whose title starts so."""
    lines = out.splitlines()
    top = next(index for index, line in enumerate(lines) if line.startswith(f"╭─ {title_start}"))
    bottom = next(index for index in range(top, len(lines)) if lines[index].startswith("╰"))
    return lines[top:bottom + 1]


def content(line: str) -> str:
    return line.strip(BORDERS)


def deck_blocks(lines: list[str], titles: list[str]) -> list[str]:
    """For each deck in order, the text from the line its title starts on to the next deck's."""
    starts: list[int] = []
    for title in titles:
        first_word = title.split()[0]
        after = starts[-1] + 1 if starts else 0
        starts.append(next(index for index in range(after, len(lines))
                           if re.match(rf"{re.escape(first_word)}\b", content(lines[index]))))
    ends = [*starts[1:], len(lines)]
    return ["\n".join(lines[start:end]) for start, end in zip(starts, ends, strict=True)]


def assert_figures(block: str, figures: list[str]) -> None:
    shown = re.findall(r"[\d.]+%?|–", block)
    for figure in figures:
        assert figure in shown, f"{figure} missing from:\n{block}"


# ---------------------------------------------------------------- crmrev due


def check_due(out: str, data: dict, width: int) -> None:
    assert_fits(out, width)
    titles = [row["title"] for row in data["decks"]]
    assert_titles_whole(out, titles)
    assert_ids_whole(out, [row["id"] for row in data["decks"]])
    lines = out.splitlines()
    blocks = deck_blocks(lines, [*titles, "All decks"])
    for block, row in zip(blocks, [*data["decks"], data], strict=True):
        assert_figures(block, [str(row[key]) for key in ("due_today", "new_today", "unseen", "total")])
    for block, row in zip(blocks[:-1], data["decks"], strict=True):
        assert row["id"] in block  # next to its own title, not another deck's


@pytest.mark.parametrize("width", WIDTHS)
def test_due_view_fits(due_data, width):
    assert due_data["due_today"] > 0 and due_data["unseen"] > 0  # a screen with something on it
    check_due(rendered(views.due_table, due_data, width), due_data, width)


@pytest.mark.parametrize("width", WIDTHS)
def test_due_command_fits(home, progress, due_data, width):
    check_due(screen(home, "due", progress, width), due_data, width)


def test_due_keeps_the_table_where_it_fits(due_data):
    assert "┃ deck" in rendered(views.due_table, due_data, 120)
    assert "┃ deck" not in rendered(views.due_table, due_data, 40)


# ---------------------------------------------------------------- crmrev stats


def mastery_figures(data: dict, row: dict) -> list[str]:
    ease = data["deck_easiness"][row["id"]]
    return [str(row["cards"]), str(row["seen"]), str(row["mature"]), f"{row['mature'] / row['cards']:.0%}",
            "–" if ease is None else f"{ease:.2f}"]


def check_stats(out: str, data: dict, width: int) -> None:
    assert_fits(out, width)
    assert_plurals(out)
    titles = [row["title"] for row in data["decks"]]
    assert_titles_whole(out, titles)
    mastery = panel(out, "Mastery per deck")
    for block, row in zip(deck_blocks(mastery, titles), data["decks"], strict=True):
        assert_figures(block, mastery_figures(data, row))
    text = "\n".join(content(line) for line in out.splitlines())
    for label in ["Longest streak", "Retention (30d)", "Mature (21d+)", "Predicted recall on exam day"]:
        assert label in text, label
    check_forecast(panel(out, "Forecast"), data)
    check_heatmap(panel(out, "Reviews"), width)
    check_hardest(panel(out, "Hardest cards"), data)


def check_forecast(lines: list[str], data: dict) -> None:
    """Every day shows with its count, on one line."""
    import datetime as dt

    for row in data["forecast"]:
        label = dt.date.fromisoformat(row["date"]).strftime("%a %d %b")
        line = next(line for line in lines if label in line)
        assert content(line).endswith(f" {row['due']}"), line


def check_heatmap(lines: list[str], width: int) -> None:
    """As many weeks as the title says, the most that fit; the legend's phrases whole."""
    weeks = int(re.search(r"last (\d+) weeks?", lines[0]).group(1))
    monday = next(content(line) for line in lines if content(line).startswith("Mon"))
    assert len(re.findall(r"·|░░|▒▒|▓▓|██", monday)) == weeks
    assert weeks < 12 if width == 40 else weeks == 12
    legend = "\n".join(lines)
    for phrase in ["· none", "░ few", "▒ some", "▓ many", "█ most"]:
        assert phrase in legend, phrase
    assert re.search(r"busiest day: \d+ reviews?\b", legend)


def check_hardest(lines: list[str], data: dict) -> None:
    """Every card's id, and the words that tell its front from the others'."""
    text = "\n".join(lines)
    fronts = views.distinguishing_fronts([row["front"] for row in data["hardest"]])
    assert len({tuple(front.split()[:3]) for front in fronts}) == len(fronts)
    for row, front in zip(data["hardest"], fronts, strict=True):
        assert_ids_whole(text, [row["id"]])
        assert " ".join(front.split()[:3]) in text, front


@pytest.mark.parametrize("width", WIDTHS)
def test_stats_view_fits(stats_data, width):
    assert stats_data["exam"] and len(stats_data["hardest"]) == 5
    check_stats(rendered(views.stats_view, stats_data, width), stats_data, width)


@pytest.mark.parametrize("width", WIDTHS)
def test_stats_command_fits(home, progress, stats_data, width):
    check_stats(screen(home, "stats", progress, width), stats_data, width)


def test_stats_without_an_exam(stats_data):
    out = rendered(views.stats_view, {**stats_data, "exam": None}, 60)
    assert "Exam readiness" not in out
    assert_fits(out, 60)


def test_panels_follow_the_width_but_not_to_200_columns(stats_data):
    widths = {width: max(map(cell_len, rendered(views.stats_view, stats_data, width).splitlines()))
              for width in (40, 60, 200)}
    assert widths[40] == 40 and widths[60] == 60
    assert 60 <= widths[200] <= 100


def test_forecast_bar_scales_with_the_width(stats_data):
    def longest_bar(width: int) -> int:
        lines = panel(rendered(views.stats_view, stats_data, width), "Forecast")
        return max(len(re.findall("█", line)) for line in lines)

    assert longest_bar(40) < longest_bar(60) < longest_bar(80)


@pytest.mark.parametrize("width", WIDTHS)
def test_singular_plurals(tmp_path, width):
    """One review on one day: a 1-day streak and a busiest day of 1 review."""
    progress = tmp_path / "progress.json"
    run(tmp_path, "review", "--decks", DECKS, "--progress", progress, "--today", TODAY, "--new", "1",
        input="4\n")
    out = screen(tmp_path, "stats", progress, width)
    assert_plurals(out)
    assert re.search(r"Streak\s+1 day\b", out)
    assert "busiest day: 1 review" in out and "1 reviews" not in out


# ---------------------------------------------------------------- the pure helpers


LEAD_INS = ["Common mistake:", "Marking point:", "Exam technique:"]


def test_fronts_of_one_template_are_told_apart():
    """Five real fronts of each template, cut to 24 columns: as they are, some read the same; shown,
    none do, and none carries the lead-in."""
    alike = 0
    for lead_in in LEAD_INS:
        fronts = [card.front for card in bundled_cards() if card.front.startswith(lead_in)][:5]
        assert len(fronts) == 5
        alike += len({views.clip_words(front, 24)[0] for front in fronts}) < 5
        shown = views.distinguishing_fronts(fronts)
        assert len({views.clip_words(front, 24)[0] for front in shown}) == 5, shown
        assert not any(lead_in in front for front in shown)
    assert alike  # the problem this solves is there in the bundled decks


def test_a_shared_run_of_words_is_dropped():
    shown = views.distinguishing_fronts([
        "Effective communication: an adviser replies to an email in capitals.",
        "Effective communication: an adviser writes twice to the same customer.",
        "A customer says a product broke.",
        "A customer asks why her address is kept.",
    ])
    assert shown[0].startswith("…replies to an email") and shown[1].startswith("…writes twice")
    assert shown[2:] == ["A customer says a product broke.", "A customer asks why her address is kept."]


def test_a_single_template_front_shows_what_follows_the_lead_in():
    assert views.distinguishing_fronts(["Marking point: name two core functionalities of a CRM system."]) == \
        ["…name two core functionalities of a CRM system."]
    older = "Fill the gap in this explanation of “Information management”: Knowing how to handle ______."
    assert views.distinguishing_fronts([older]) == ["…“Information management”: Knowing how to handle ______."]


def test_a_front_is_never_cut_to_nothing():
    same = "Common mistake: confusing needs with wants."
    assert views.distinguishing_fronts([same, same]) == ["…confusing needs with wants."] * 2
    assert views.distinguishing_fronts(["Why?", "Why?"]) == ["Why?", "Why?"]
    assert views.distinguishing_fronts([]) == []


def test_every_shown_front_ends_as_its_card_does():
    fronts = [card.front for card in bundled_cards()]
    for front, shown in zip(fronts, views.distinguishing_fronts(fronts), strict=True):
        assert shown and " ".join(front.split()).endswith(shown.removeprefix("…"))


@pytest.mark.parametrize("width", [16, 25, 40])
def test_clip_words_keeps_words_whole(width):
    text = "Effective communication: an adviser replies to a customer's email in capital letters"
    words = text.split()
    for max_lines in (1, 2, 3):
        lines = views.clip_words(text, width, max_lines)
        assert len(lines) <= max_lines and all(cell_len(line) <= width for line in lines)
        shown = " ".join(lines).removesuffix("…").split()
        # whole words, in order, from the start (a cut may drop the punctuation before "…")
        assert shown[:-1] == words[:len(shown) - 1] and words[len(shown) - 1].rstrip(",;:.") in shown[-1]
        assert lines[-1].endswith("…") == (len(shown) < len(words))


def test_clip_words_cuts_only_a_word_too_long_for_a_line():
    assert views.clip_words("supercalifragilistic", 8) == ["superca…"]
    assert views.clip_words("a b", 8) == ["a b"]


def test_packed_lines_never_part_a_figure_from_its_label():
    parts = ["due 12", "new 20", "unseen 1200", "total 12000"]
    lines = views.packed_lines(parts, 20)
    assert lines == ["due 12 · new 20", "unseen 1200", "total 12000"]
    assert views.packed_lines(parts, 80) == [" · ".join(parts)]
