"""The command line: option parsing, one library call, rendering. Errors are mapped to exit codes
in one place (_Group.invoke), so no command prints a traceback to a user."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from typer.core import TyperGroup

from crmrev import __version__
from crmrev.errors import CrmrevError

# typer ≥ 0.22 vendors click; reach its base exception through a public class either way.
_ClickException = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException")

EXIT_INTERRUPTED = 130
EXIT_INTERNAL = 70


def _debug() -> bool:
    return os.environ.get("CRMREV_DEBUG", "") not in ("", "0")


def _error(text: str) -> None:
    typer.echo(f"Error: {text}", err=True)


class _Group(TyperGroup):
    """Maps every library error to a message and an exit code, in this one place."""

    def invoke(self, ctx: typer.Context):  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except CrmrevError as exc:
            if _debug():
                raise
            _error(exc.render())
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            typer.echo("Interrupted.", err=True)
            raise typer.Exit(EXIT_INTERRUPTED) from None
        except (typer.Exit, typer.Abort, _ClickException, BrokenPipeError):
            raise
        except Exception as exc:
            if _debug():
                raise
            _error(f"internal error: {type(exc).__name__}: {exc}. Nothing was lost; please report "
                   "this with CRMREV_DEBUG=1 output")
            raise typer.Exit(EXIT_INTERNAL) from None


app = typer.Typer(
    cls=_Group,
    name="crmrev",
    help="Flashcards and SM-2 spaced repetition for Customer Relationship Management revision.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"crmrev {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Show the version and exit.")] = False,
) -> None:
    """Flashcards and SM-2 spaced repetition for Customer Relationship Management revision."""


@app.command()
def build(
    seeds_dir: Annotated[Path, typer.Argument(help="Folder of seed notes (*.txt).")] = Path("seeds"),
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder to write decks into.")] = Path("decks"),
    check: Annotated[bool, typer.Option("--check", help="Write nothing; exit 1 if any deck is out "
                                        "of date.")] = False,
) -> None:
    """Turn seed notes into YAML decks, keeping card ids when a bullet is reworded."""
    from crmrev.build import apply_build, plan_build

    plan = plan_build(seeds_dir, out)
    for problem in plan.problems:
        typer.echo(problem.render(), err=True)
    for error in plan.errors:
        _error(error.render())
    if check:
        for change in plan.stale:
            typer.echo(f"{change.path}: out of date ({change.status}: +{change.added} "
                       f"~{change.changed} -{change.removed} cards); run `crmrev build`", err=True)
        if plan.stale or plan.errors:
            raise typer.Exit(1)
        typer.echo(f"{len(plan.changes)} decks are up to date.")
        return
    apply_build(plan, out)
    for change in plan.changes:
        typer.echo(f"{change.status:<9} {change.path}  {change.deck_id}  {change.cards} cards  "
                   f"+{change.added} ~{change.changed} -{change.removed}")
    total = sum(c.cards for c in plan.changes)
    written = len(plan.writes)
    typer.echo(f"Built {len(plan.decks)} decks ({total} cards); wrote {written} "
               f"file{'s' if written != 1 else ''}, removed {len(plan.deletions)}.")
    if plan.errors:
        raise typer.Exit(1)


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: also handles a closed pipe and Ctrl-C outside any command."""
    try:
        app(args=argv, prog_name="crmrev")
    except BrokenPipeError:
        # `crmrev stats | head -1`: the reader left; say nothing more and exit quietly.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(0)
    except KeyboardInterrupt:
        typer.echo("Interrupted.", err=True)
        sys.exit(EXIT_INTERRUPTED)
