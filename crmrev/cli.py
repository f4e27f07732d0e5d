"""The command line: option parsing, one library call, rendering. Errors are mapped to exit codes
in one place (_Group.invoke), so no command prints a traceback to a user."""

from __future__ import annotations

import contextlib
import errno
import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from typer.core import TyperGroup

from crmrev import __version__
from crmrev.errors import EXIT_INTERRUPTED, CrmrevError

# typer ≥ 0.22 vendors click; reach its base exception through a public class either way.
_ClickException: type[Exception] = next(c for c in typer.BadParameter.__mro__
                                        if c.__name__ == "ClickException")

EXIT_INTERNAL = 70
EXIT_OUTPUT = 74  # EX_IOERR: standard output cannot be written
_OUTPUT_ERRNOS = {errno.ENOSPC, errno.EIO, errno.EBADF, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)}


def _examples(*commands: str) -> str:
    """A command's help ends with examples: Click prints the epilog after the options, and \\b keeps
    the lines as written."""
    return "\b\nExamples:\n" + "\n".join(f"  {command}" for command in commands)


def _debug(ctx: typer.Context) -> bool:
    return bool(ctx.params.get("debug"))


def _say(text: str, err: bool = False) -> None:
    """Every line crmrev prints goes through here. Values from files (deck ids, titles, card types,
    paths) can hold escape sequences that set the window title or write the clipboard; they are
    made visible, as card text is (text.neutralise). JSON output is cleaned in _print_json."""
    from crmrev.text import neutralise

    typer.echo(neutralise(text), err=err)


def _error(text: str) -> None:
    with contextlib.suppress(OSError):  # stderr gone too: the exit code is all that is left to say it
        _say(f"Error: {text}", err=True)


class _Group(TyperGroup):
    """Maps every library error to a message and an exit code, in this one place."""

    def invoke(self, ctx: typer.Context):  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except CrmrevError as exc:
            if _debug(ctx):
                raise
            _error(exc.render())
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            _say("Interrupted.", err=True)
            raise typer.Exit(EXIT_INTERRUPTED) from None
        except (typer.Exit, typer.Abort, _ClickException, BrokenPipeError):
            raise
        except Exception as exc:
            if _debug(ctx):
                raise
            if isinstance(exc, OSError) and exc.errno in _OUTPUT_ERRNOS:
                # Files crmrev reads and writes raise its own errors; an output failure is left:
                # `crmrev stats >/dev/full`. Every answer was saved before anything was printed about it.
                _error(f"cannot write the output: {exc.strerror}. Everything answered so far is saved")
                raise typer.Exit(EXIT_OUTPUT) from None
            _error(f"internal error: {type(exc).__name__}: {exc}. Nothing was lost; please report "
                   "this with CRMREV_DEBUG=1 output")
            raise typer.Exit(EXIT_INTERNAL) from None


app = typer.Typer(
    cls=_Group,
    name="crmrev",
    no_args_is_help=True,
    epilog=_examples("crmrev review", "crmrev --set grading=six review --limit 10"),
    add_completion=True,
    # Click's plain help: paragraphs re-wrapped to the terminal (at most 80 columns), and the
    # examples' \b blocks kept as written. Rich's help kept every hard line break of a docstring.
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class _Root:
    """What the root options give every command: the deck cache folder and the settings, read
    only when a command needs them (`check` and `build` never do, so a broken settings file cannot
    fail CI)."""

    def __init__(self, cache: Path | None, config: Path | None, assignments: list[str]) -> None:
        self.cache = cache
        self.config = config
        self.assignments = assignments
        self._settings = None

    def settings(self):
        from crmrev import settings

        if self._settings is None:
            self._settings = settings.load(settings.parse_assignments(self.assignments), path=self.config)
        return self._settings


def _settings(ctx: typer.Context):
    return ctx.find_root().obj.settings()


def _study_day(ctx: typer.Context, override: str | None):
    """Today's study day, which starts at the `day-starts-at` hour (clock.py)."""
    from crmrev import clock

    return clock.today(override, _settings(ctx).day_starts_at)


def _version(value: bool) -> None:
    if value:
        _say(f"crmrev {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Show the version and exit.")] = False,
    debug: Annotated[bool, typer.Option("--debug", envvar="CRMREV_DEBUG",
                                        help="Show a traceback for an internal error.")] = False,
    cache: Annotated[str | None, typer.Option(
        "--cache", envvar="CRMREV_CACHE", metavar="DIR|off",
        help="Deck cache folder, or 'off' (default: your user cache folder).", show_default=False)]
    = None,
    config: Annotated[Path | None, typer.Option(
        "--config", envvar="CRMREV_CONFIG", metavar="FILE",
        help="Settings file (default: config.toml in your user config folder).", show_default=False)]
    = None,
    assignments: Annotated[list[str] | None, typer.Option(
        "--set", metavar="NAME=VALUE", help="Use this setting for this command only (repeatable); "
        "see `crmrev config`.", show_default=False)] = None,
) -> None:
    """Flashcards and SM-2 spaced repetition for Customer Relationship Management revision.

    Every setting can also be given as CRMREV_<NAME> in the environment (CRMREV_GRADING=six) or
    with --set; `crmrev config` shows them all.
    """
    from crmrev.deckcache import cache_dir

    ctx.obj = _Root(cache_dir(cache), config, list(assignments or ()))  # what every command reads


@app.command(epilog=_examples("crmrev build",
                              "crmrev build --check    (in CI: fails when a deck is out of date)"))
def build(
    seeds_dir: Annotated[Path, typer.Argument(help="Folder of seed notes, *.txt.")] = Path("seeds"),
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder to write decks into.")] = Path("decks"),
    check: Annotated[bool, typer.Option("--check", help="Write nothing; exit 1 if any deck is out "
                                        "of date.")] = False,
) -> None:
    """Turn seed notes into YAML decks, keeping card ids when a bullet is reworded."""
    from crmrev.build import apply_build, plan_build

    plan = plan_build(seeds_dir, out)
    for problem in plan.problems:
        _say(problem.render(), err=True)
    for error in plan.errors:
        _error(error.render())
    if check:
        for change in plan.stale:
            _say(f"{change.path}: out of date ({change.status}: +{change.added} "
                       f"~{change.changed} -{change.removed} cards); run `crmrev build`", err=True)
        if plan.stale or plan.errors:
            raise typer.Exit(1)
        _say(f"{len(plan.changes)} decks are up to date.")
        return
    apply_build(plan, out)
    for change in plan.changes:
        _say(f"{change.status:<9} {change.path}  {change.deck_id}  {change.cards} cards  "
                   f"+{change.added} ~{change.changed} -{change.removed}")
        for card in change.removed_cards:
            _say(f"          removed {card.id} ({card.type}, {card.source or 'no source'}): no "
                       "card of its kind is made from that note now; its progress is kept")
    total = sum(c.cards for c in plan.changes)
    written = len(plan.writes)
    from crmrev.text import plural
    _say(f"Built {plural(len(plan.decks), 'deck')} ({plural(total, 'card')}); "
               f"wrote {plural(written, 'file')}, removed {len(plan.deletions)}.")
    if plan.errors:
        raise typer.Exit(1)


TodayOption = Annotated[str | None, typer.Option(
    "--today", envvar="CRMREV_TODAY", metavar="YYYY-MM-DD",
    help="Act as if today were this study day (for trying things out, and tests); a study day starts "
         "at the day-starts-at hour, and CRMREV_NOW fakes the time.", show_default=False)]
DecksOption = Annotated[Path | None, typer.Option(
    "--decks", envvar="CRMREV_DECKS", help="Folder of decks (default: the bundled decks).",
    show_default=False)]
ProgressOption = Annotated[Path | None, typer.Option(
    "--progress", envvar="CRMREV_PROGRESS", help="Progress file (default: your user data folder).",
    show_default=False)]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]


def _decks_dir(option: Path | None) -> Path:
    from crmrev.decks import bundled_decks_dir

    return option or bundled_decks_dir()


def _complete_deck_ids(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Shell completion of --deck: the ids (with titles) of the decks this command would read.
    Completion must never fail loudly: a broken deck folder completes nothing."""
    from crmrev.decks import load_deck_index

    chosen = ctx.params.get("decks")  # during completion, the text as typed
    try:
        decks = load_deck_index(_decks_dir(Path(chosen) if chosen else None), None, [])
    except Exception:  # a shell's Tab key is no place for an error message
        return []
    return [(deck.id, deck.title) for deck in decks if deck.id.startswith(incomplete)]


def _complete_card_types(incomplete: str) -> list[str]:
    from crmrev.model import CARD_TYPES

    return [card_type for card_type in CARD_TYPES if card_type.startswith(incomplete)]


def _complete_setting_names(incomplete: str) -> list[tuple[str, str]]:
    from crmrev.settings import SETTINGS

    return [(name, setting.help) for name, setting in SETTINGS.items() if name.startswith(incomplete)]


def _load_decks(ctx: typer.Context, option: Path | None, index: bool = False):
    """The decks (or, index=True, their index) for a learner's command: a broken deck is skipped
    with a warning rather than stopping revision of the others."""
    from crmrev.decks import load_deck_index, load_decks, nested_deck_folders
    from crmrev.errors import DeckError

    directory = _decks_dir(option)
    skipped: list[DeckError] = []
    load = load_deck_index if index else load_decks
    decks = load(directory, ctx.find_root().obj.cache, skipped)
    for error in skipped:
        _say(f"crmrev: skipped a broken deck: {error.render()}", err=True)
    for folder in nested_deck_folders(directory):
        _say(f"crmrev: the decks in {directory / folder} are not read: crmrev reads only the decks "
             f"directly in {directory} (move them up, or pass --decks {directory / folder})", err=True)
    return decks


def _open_progress(option: Path | None, *, writable: bool):
    from crmrev.progress import open_progress, resolve_path

    path, explicit = resolve_path(option)
    progress = open_progress(path, writable=writable, explicit=explicit)
    for notice in progress.notices:
        _say(f"crmrev: {notice}", err=True)
    return progress


def _print_json(data: object) -> None:
    from crmrev.text import json_safe

    typer.echo(json_safe(_json_text(data)))


def _json_text(data: object) -> str:
    """json.dumps(data, indent=2), made faster for flat maps of numbers at the top level.

    With an indent, json runs its Python encoder item by item: `stats --json`'s predicted_recall
    map of 20,000 cards took it 12 ms, a tenth of the whole command. The C encoder writes such a map
    in 1 ms, and with these separators in exactly the layout indent=2 gives it."""
    import json

    if not isinstance(data, dict):
        return json.dumps(data, indent=2, ensure_ascii=False)
    flat = {key: value for key, value in data.items() if isinstance(value, dict) and len(value) > 1
            and all(type(number) in (int, float) for number in value.values())}
    marks = {key: f"\x00{index}\x00" for index, key in enumerate(flat)}
    text = json.dumps({key: marks.get(key, value) for key, value in data.items()}, indent=2,
                      ensure_ascii=False)
    for key, mark in marks.items():
        if text.count(json.dumps(mark)) != 1:  # the data holds the mark itself: no shortcut
            return json.dumps(data, indent=2, ensure_ascii=False)
        body = json.dumps(flat[key], ensure_ascii=False, separators=(",\n    ", ": "))
        text = text.replace(json.dumps(mark), "{\n    " + body[1:-1] + "\n  }", 1)
    return text


def _emit(data: dict, as_json: bool, view: str) -> None:
    """Read-only commands: the same dict as JSON, or rendered by ui.views.<view>. Rich is imported only
    for the human view."""
    if as_json:
        _print_json(data)
        return
    from crmrev.ui import views
    from crmrev.ui.console import make_console

    make_console().print(getattr(views, view)(data))


@app.command(epilog=_examples("crmrev review", "crmrev review --deck crm-principles --limit 20"))
def review(
    ctx: typer.Context,
    decks: DecksOption = None,
    progress: ProgressOption = None,
    new: Annotated[int | None, typer.Option("--new", min=0, metavar="N", help="New cards allowed in "
                                            "this session (default: what is left of the new-per-day "
                                            "setting, 20, or before an exam the plan's pace).",
                                            show_default=False)] = None,
    limit: Annotated[int | None, typer.Option("--limit", min=1, metavar="N", help="At most this many "
                                              "cards in this session (due cards first).",
                                              show_default=False)] = None,
    deck: Annotated[list[str] | None, typer.Option("--deck", help="Only this deck id "
                                                    "(repeatable).", show_default=False,
                                                    autocompletion=_complete_deck_ids)] = None,
    card_type: Annotated[list[str] | None, typer.Option("--type", help="Only this card type "
                                                         "(repeatable).", show_default=False,
                                                         autocompletion=_complete_card_types)] = None,
    cram: Annotated[bool, typer.Option("--cram", help="After the due cards, keep practising the "
                                       "cards weakest for the exam (needs `crmrev exam DATE`).")]
    = False,
    today: TodayOption = None,
) -> None:
    """Review the cards due today: reveal, grade, and the answer is saved at once.

    In a terminal: single keys. Space or enter reveals the answer; then 1 Again, 2 Hard, 3 Good
    (or space), 4 Easy, or 0-5 with the six-grade scale (`crmrev config set grading six`); n shows
    the note the card came from, u undoes, q saves and quits.

    With stdin not a terminal (scripted mode): each card prints "Q:" and "A:" lines, then one line
    is read: a grade 0-5 or again/hard/good/easy, n (print the note as an "N:" line), u or q. End of
    input ends the session cleanly. At most one card made from the same note is shown a day.
    """
    from crmrev import clock
    from crmrev.reviewing import ReviewInterrupted, ReviewOptions, Signalled, run_review, signals_interrupt
    from crmrev.text import plural
    from crmrev.ui.console import make_console

    day = _study_day(ctx, today)
    clock.now()  # a bad CRMREV_NOW stops the review here, not at the first grade (it times answers)
    settings = _settings(ctx)
    options = ReviewOptions(deck or (), card_type or (), new, limit, cram, per_day=settings.new_per_day,
                            grading=settings.grading, target=settings.exam_target_recall,
                            budget=settings.daily_budget)
    console = make_console()
    try:
        # From the start, not just once cards show: a big log or deck folder can take a while to load,
        # and SIGTERM or SIGHUP then must end crmrev with 143 or 129 as documented, changing nothing.
        with signals_interrupt():
            all_decks = _load_decks(ctx, decks)
            with _open_progress(progress, writable=True) as store:
                result = run_review(all_decks, store, options, day,
                                    lambda: clock.now_on(day, settings.day_starts_at), sys.stdin, console)
    except ReviewInterrupted as stop:
        _say(f"\nInterrupted: {plural(stop.answers, 'answer')} saved.", err=True)
        raise typer.Exit(stop.exit_code) from None
    except Signalled as stop:
        _say("\nInterrupted before the first card; nothing was changed.", err=True)
        raise typer.Exit(128 + stop.signum) from None
    from crmrev.ui import views  # after the session: its tables are not on the way to the first card

    if result.empty:
        for line in views.nothing_to_review_lines(result.summary, day):
            _say(line)
    elif sys.stdin is not None and sys.stdin.isatty():
        views.render_summary(console, result.summary, result.finished)
    else:
        for line in views.summary_lines(result.summary):
            _say(line)


@app.command(epilog=_examples("crmrev due", "crmrev due --json"))
def due(
    ctx: typer.Context,
    decks: DecksOption = None,
    progress: ProgressOption = None,
    as_json: JsonOption = False,
    today: TodayOption = None,
) -> None:
    """Show what is due today in each deck (due, new available, unseen, total) and about how long
    today's cards will take.
    """
    from crmrev.stats import due_summary

    day = _study_day(ctx, today)
    index = _load_decks(ctx, decks, index=True)
    store = _open_progress(progress, writable=False)
    from crmrev.session import pending_repeats

    settings = _settings(ctx)
    repeats = set(pending_repeats(store.reviews_on(day)))  # failed today: due again today
    plan = store.exam_plan(day, settings.exam_target_recall)
    _emit(due_summary(index, store.due_view(), day, plan, settings.new_per_day,
                      store.known_history(), settings.daily_budget, repeats), as_json, "due_table")


@app.command(epilog=_examples("crmrev stats", "crmrev stats --json"))
def stats(
    ctx: typer.Context,
    decks: DecksOption = None,
    progress: ProgressOption = None,
    as_json: JsonOption = False,
    today: TodayOption = None,
) -> None:
    """Show progress: overview, exam readiness, forecast, heatmap, mastery and hardest cards."""
    from crmrev.stats import compute

    day = _study_day(ctx, today)
    all_decks = _load_decks(ctx, decks, index=True)
    store = _open_progress(progress, writable=False)
    view = store.due_view()  # before the states are built: then it is the snapshot's own columns
    from crmrev.session import pending_repeats
    from crmrev.stats import ExamOutlook, time_estimate

    settings = _settings(ctx)
    repeats = pending_repeats(store.reviews_on(day))
    plan = store.exam_plan(day, settings.exam_target_recall)
    outlook = None
    if plan is not None:
        budget = settings.daily_budget
        per_card = time_estimate(1, store.history, day)["seconds_per_card"]
        outlook = ExamOutlook(store.states, settings.new_per_day, budget.cards(per_card) if budget else None,
                              str(budget) if budget else None)
    _emit(compute(all_decks, view, store.history, day, store.recalls_on(day), store.exam, plan, repeats,
                  outlook), as_json, "stats_view")





@app.command(epilog=_examples("crmrev exam 2027-06-14", "crmrev exam --clear"))
def exam(
    ctx: typer.Context,
    date: Annotated[str | None, typer.Argument(help="The exam date, YYYY-MM-DD.", show_default=False)]
    = None,
    clear: Annotated[bool, typer.Option("--clear", help="Forget the exam date.")] = False,
    progress: ProgressOption = None,
    as_json: JsonOption = False,
    today_option: TodayOption = None,
) -> None:
    """Set, clear or show the exam date.

    While a date is ahead, crmrev plans for it: a card predicted to be recalled on exam day below
    the exam-target-recall setting (0.90) gets a final review in the week before; new cards come fast
    enough to all be seen in time, within your daily-budget; `crmrev stats` shows readiness now and
    with the plan, and `review --cram` practises the cards weakest on exam day.
    """
    import datetime as dt

    from crmrev.errors import UsageError

    today = _study_day(ctx, today_option)
    if date is not None and clear:
        raise UsageError("give a date or --clear, not both")
    if date is None and not clear:
        store = _open_progress(progress, writable=False)
        _show_exam(store.exam, today, as_json)
        return
    day = None
    if date is not None:
        from crmrev.exam import MAX_EXAM_DAYS

        try:  # fromisoformat also takes 20261201 and week dates: the documented form only
            day = dt.date.fromisoformat(date.strip()) if len(date.strip()) == len("2026-12-01") else None
        except ValueError:
            day = None
        if day is None:
            raise UsageError(f"{date!r} is not a date", hint="use the form YYYY-MM-DD")
        if day <= today:
            raise UsageError(f"the exam date {day.isoformat()} is not after today ({today.isoformat()})",
                             hint="give a future date, or --clear")
        if (day - today).days > MAX_EXAM_DAYS:
            raise UsageError(f"the exam date {day.isoformat()} is more than ten years away",
                             hint="check the year")
    if day is None and _open_progress(progress, writable=False).exam is None:
        _show_exam(None, today, as_json)  # nothing to clear, so nothing is written
        return
    with _open_progress(progress, writable=True) as store:
        store.set_exam(day)
    if day is None and not as_json:
        _say("Exam date cleared: schedules are plain SM-2 again.")
        return
    _show_exam(day, today, as_json)


def _show_exam(day, today, as_json: bool) -> None:
    data = {"date": day.isoformat() if day else None, "days_left": (day - today).days if day else None}
    if as_json:
        _print_json(data)
    elif day is None:
        _say("No exam date is set.")
    else:
        from crmrev.text import exam_countdown

        _say(exam_countdown(day.isoformat(), (day - today).days))


SettingName = Annotated[str, typer.Argument(help="A setting's name (see `crmrev config`).", metavar="NAME",
                                            autocompletion=_complete_setting_names)]
config_app = typer.Typer()
app.add_typer(config_app, name="config",
              epilog=_examples("crmrev config", "crmrev config set grading six",
                               "crmrev config set day-starts-at 5"))


def _settings_file(ctx: typer.Context) -> Path:
    from crmrev import settings

    return ctx.find_root().obj.config or settings.default_path()


def _json_value(value: object) -> object:
    """Numbers stay numbers; a budget is its text ("30 minutes"); off is null."""
    return value if value is None or isinstance(value, (int, float, str)) else str(value)


@config_app.callback(invoke_without_command=True)
def config(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Show or change your settings: a small TOML file in your config folder.

    Without a subcommand: every setting, its value and where the value comes from (default, file,
    environment or --set).
    """
    if ctx.invoked_subcommand is not None:
        return
    from crmrev.settings import SETTINGS, value_text

    current = _settings(ctx)
    path = _settings_file(ctx)
    if as_json:
        _print_json({"file": str(path), "settings": {
            name: {"value": _json_value(current.values[name]), "source": current.sources[name].kind,
                   "where": current.sources[name].where or None} for name in SETTINGS}})
        return
    import shutil
    import textwrap

    width = min(shutil.get_terminal_size().columns, 80)
    _say(f"Settings file: {path}" + ("" if path.exists() else " (none yet: every value is a default)"))
    for name, setting in SETTINGS.items():
        source = current.sources[name]
        # The file's path is printed once above; each line says only where in it.
        where = source.where.rsplit(":", 1)[-1] if source.kind == "file" else source.where
        origin = f"{source.kind}, line {where}" if source.kind == "file" else \
            f"{source.kind}: {where}" if where else source.kind
        _say(textwrap.fill(f"{name} = {value_text(current.values[name])}  ({origin})", width,
                           subsequent_indent="    ", break_long_words=False, break_on_hyphens=False))
        _say(textwrap.fill(setting.help, width, initial_indent="    ", subsequent_indent="    ",
                           break_long_words=False, break_on_hyphens=False))


@config_app.command("get", epilog=_examples("crmrev config get grading"))
def config_get(ctx: typer.Context, name: SettingName) -> None:
    """Print one setting's value, as crmrev would use it now."""
    from crmrev.settings import SETTINGS, unknown_setting, value_text

    if name not in SETTINGS:
        raise unknown_setting(name, "")
    _say(value_text(_settings(ctx).values[name]))


@config_app.command("set", epilog=_examples("crmrev config set new-per-day 10",
                                             'crmrev config set daily-budget "30 minutes"'))
def config_set(ctx: typer.Context, name: SettingName,
               value: Annotated[str, typer.Argument(help="Its new value.", metavar="VALUE")]) -> None:
    """Write one setting to the settings file; nothing else in the file changes."""
    from crmrev.settings import SETTINGS, check_value, value_text, write_setting

    path = _settings_file(ctx)
    shown = value_text(check_value(name, value, "crmrev config set",
                               hint="nothing was written; `crmrev config` lists every setting"))
    write_setting(path, name, value)
    _say(f"{name} = {shown}  (written to {path})")
    variable = SETTINGS[name].env
    if variable in os.environ:
        _say(f"crmrev: {variable} is set in your environment and wins over the file while it is",
             err=True)


@config_app.command("unset", epilog=_examples("crmrev config unset grading"))
def config_unset(ctx: typer.Context, name: SettingName) -> None:
    """Remove one setting from the settings file, so its default applies."""
    from crmrev.settings import SETTINGS, write_setting

    path = _settings_file(ctx)
    changed = write_setting(path, name, None)
    if not changed:
        _say(f"{name} is not in {path}; it is the default ({SETTINGS[name].default})")
    elif name in SETTINGS:
        _say(f"{name} = {SETTINGS[name].default}  (the default; removed from {path})")
    else:
        _say(f"removed {name} from {path}")


@config_app.command("path", epilog=_examples("crmrev config path"))
def config_path(ctx: typer.Context) -> None:
    """Print where the settings file is (it may not exist yet)."""
    _say(str(_settings_file(ctx)))


class OutputFormat(StrEnum):
    text = "text"
    json = "json"
    github = "github"


@app.command(epilog=_examples("crmrev check", "crmrev check decks --strict --format github"))
def check(
    decks_dir: Annotated[Path | None, typer.Argument(
        help="Folder of decks (default: the decks crmrev would review).", show_default=False)] = None,
    seeds: Annotated[Path | None, typer.Option("--seeds", help="Check decks are up to date with "
                                               "these seeds (default: seeds/ if it exists).",
                                               show_default=False)] = None,
    progress: Annotated[Path | None, typer.Option("--progress", help="Also report cards in this "
                                                  "progress file that no deck has any more.",
                                                  show_default=False)] = None,
    output_format: Annotated[OutputFormat, typer.Option("--format", help="text, json, or github "
                                                        "(workflow commands).")] = OutputFormat.text,
    strict: Annotated[bool, typer.Option("--strict", help="Fail on warnings too.")] = False,
) -> None:
    """Check decks for errors, as CI does: YAML safety, schema, content, ids and freshness.

    Exit 0 when no errors (warnings allowed unless --strict), 1 when problems were found, 2 for bad
    usage or nothing to check.
    """
    from crmrev.check import github_line, run_check, text_lines

    seeds_dir = seeds if seeds is not None else (Path("seeds") if Path("seeds").is_dir() else None)
    report = run_check(_decks_dir(decks_dir), seeds_dir, progress)
    if output_format == OutputFormat.json:
        _print_json([problem.to_dict() for problem in report.sorted()])
    elif output_format == OutputFormat.github:
        for problem in report.sorted():
            _say(github_line(problem))
    else:
        for line in text_lines(report):
            _say(line)
    if report.errors or (strict and report.warnings):
        raise typer.Exit(1)


export_app = typer.Typer(no_args_is_help=True)
app.add_typer(export_app, name="export", help="Take your cards, and your progress, to Anki or a spreadsheet.",
              epilog=_examples("crmrev export anki", "crmrev export csv --out cards.csv"))

DeckFilterOption = Annotated[list[str] | None, typer.Option(
    "--deck", help="Only this deck id (repeatable; default: every deck).", show_default=False,
    autocompletion=_complete_deck_ids)]
ForceOption = Annotated[bool, typer.Option("--force", help="Replace the output file if it exists.")]


def _export_source(ctx: typer.Context, decks: Path | None, progress: Path | None, deck: list[str] | None,
                   no_progress: bool, *, anki: bool):
    """The chosen decks and, unless --no-progress, the progress store (read-only) to export."""
    from crmrev.export import choose_decks
    from crmrev.exporting import check_progress_file
    from crmrev.progress import resolve_path

    chosen = choose_decks(_load_decks(ctx, decks), deck or ())
    if no_progress:
        return chosen, None
    if anki:
        check_progress_file(resolve_path(progress)[0])
    return chosen, _open_progress(progress, writable=False)


OutOption = Annotated[str | None, typer.Option("--out", metavar="FILE", show_default=False, help=(
    "The file to write, or - for standard output (default: crmrev.csv, or crmrev.tsv)."))]


@export_app.command("anki", epilog=_examples("crmrev export anki", "crmrev export anki --deck crm-principles "
                                             "--out principles.apkg", "crmrev export anki --no-progress"))
def export_anki(
    ctx: typer.Context,
    decks: DecksOption = None,
    progress: ProgressOption = None,
    deck: DeckFilterOption = None,
    out: Annotated[str, typer.Option("--out", metavar="FILE.apkg", help="The package to write.")]
    = "crmrev.apkg",
    no_progress: Annotated[bool, typer.Option("--no-progress", help="The cards only, every one new: no "
                                              "scheduling and no review history.")] = False,
    force: ForceOption = False,
    today: TodayOption = None,
) -> None:
    """Write an Anki package (.apkg): one Anki deck per crmrev deck under "CRM revision", with each
    seen card's schedule and every answer as Anki's review history.

    Import it in Anki with File > Import and tick "Include reviews", or every card arrives as new.
    Importing a later export again updates the cards' text and keeps Anki's own scheduling.
    """
    from crmrev import clock
    from crmrev.exporting import anki_package_for, output_path
    from crmrev.fsutil import write_new_file
    from crmrev.text import plural

    target = output_path(out, anki=True)
    assert target is not None  # output_path refuses "-" for a package
    day, now = _study_day(ctx, today), clock.now()
    chosen, store = _export_source(ctx, decks, progress, deck, no_progress, anki=True)
    result = anki_package_for(chosen, store, day, now, _settings(ctx).day_starts_at)
    write_new_file(target, result.data, force=force)
    _say(f"Wrote {target}: {plural(len(chosen), 'deck')}, {plural(result.notes, 'note')}, "
         f"{plural(result.cards_with_progress, 'card')} with progress, "
         f"{plural(result.review_rows, 'review-log row')}.")
    if no_progress:
        _say("In Anki: File > Import, choose the file, then Import. Every card arrives as new.")
    else:
        _say('In Anki: File > Import, choose the file, tick "Include reviews", then Import '
             "(without it Anki drops the progress and every card arrives as new).")


@export_app.command("csv", epilog=_examples("crmrev export csv", "crmrev export csv --tsv --out cards.tsv",
                                            "crmrev export csv --out - | head"))
def export_csv(
    ctx: typer.Context,
    decks: DecksOption = None,
    progress: ProgressOption = None,
    deck: DeckFilterOption = None,
    out: OutOption = None,
    tsv: Annotated[bool, typer.Option("--tsv", help="Tab-separated, for tools that import TSV; "
                                      "also chosen by an --out name ending .tsv.")] = False,
    no_progress: Annotated[bool, typer.Option("--no-progress", help="Leave the progress columns "
                                              "empty.")] = False,
    force: ForceOption = False,
    today: TodayOption = None,
) -> None:
    """Write every card as a spreadsheet row: id, deck, type, front, back, source and, for a card
    you have seen, its due date, interval, EF, repetitions, lapses and predicted recall today.

    UTF-8 with a header row, quoted as Excel and LibreOffice expect.
    """
    from crmrev.exporting import csv_export, output_path
    from crmrev.fsutil import write_new_file
    from crmrev.text import neutralise, plural

    tab = tsv or (out is not None and out.lower().endswith(".tsv"))
    target = output_path(out if out is not None else ("crmrev.tsv" if tab else "crmrev.csv"), anki=False)
    day = _study_day(ctx, today)
    chosen, store = _export_source(ctx, decks, progress, deck, no_progress, anki=False)
    if target is None:
        # Text mode turns "\n" into the platform's line end; neutralise: no deck text may drive a terminal.
        sys.stdout.write(neutralise(csv_export(chosen, store, day, tab=tab, line_end="\n").text))
        return
    result = csv_export(chosen, store, day, tab=tab)
    # A byte-order mark: without one, Excel reads UTF-8 as the Windows code page and en dashes turn
    # into "â€“". TSV goes to tools that read UTF-8 and would keep the mark as part of the first name.
    write_new_file(target, (result.text if tab else "\ufeff" + result.text).encode("utf-8"), force=force)
    _say(f"Wrote {target}: {plural(result.cards, 'card')}, {result.seen} with progress.")


def _drop_output() -> None:
    """Point stdout at the null device, so Python's own flush at exit has nothing left to fail on."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def _flush_output() -> None:
    """Output still buffered when a command ends is written here, not by Python at exit, where a
    full disk or a departed reader would print a traceback-like warning and exit 120."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _drop_output()
    except OSError as exc:
        _error(f"cannot write the output: {exc.strerror or exc}. Everything answered so far is saved")
        _drop_output()
        raise SystemExit(EXIT_OUTPUT) from None


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: also handles a closed pipe and Ctrl-C outside any command."""
    if sys.stdout is None:  # started with stdout closed (`crmrev review >&-`): refuse before anything
        if sys.stderr is not None:
            sys.stderr.write("Error: standard output is closed, so crmrev could not show anything; "
                             "nothing was done\n  hint: send it somewhere, such as >/dev/null\n")
        sys.exit(EXIT_OUTPUT)
    try:
        app(args=argv, prog_name="crmrev")
    except BrokenPipeError:
        # `crmrev stats | head -1`: the reader left; say nothing more and exit quietly.
        _drop_output()
        sys.exit(0)
    except KeyboardInterrupt:
        _say("Interrupted.", err=True)
        sys.exit(EXIT_INTERRUPTED)
    except OSError as exc:  # outside any command: `crmrev --help >/dev/full`
        if exc.errno not in _OUTPUT_ERRNOS:
            raise
        _error(f"cannot write the output: {exc.strerror}")
        _drop_output()
        sys.exit(EXIT_OUTPUT)
    finally:
        _flush_output()
        # Everything still alive lives until the process ends. Python's final garbage collection
        # walks all of it (typer, Rich, the decks) to free what the OS is about to reclaim anyway:
        # 10 ms of every command's exit (benchmarks/). Frozen objects are skipped by it; files are
        # closed by their owners before this point, and stdout is still flushed at exit.
        import gc

        gc.freeze()
