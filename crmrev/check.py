"""`crmrev check`: every problem in a set of decks, located at its line, with a stable code.

Reads files (decks, seeds, progress) and returns Problems; rendering lives in the CLI.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from crmrev import decks as deckio
from crmrev import lint, yamlsafe
from crmrev.errors import CrmrevError, DeckError, UsageError
from crmrev.model import Deck, Problem, Severity
from crmrev.text import plural


@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)
    files: int = 0
    decks: int = 0
    cards: int = 0

    @property
    def errors(self) -> int:
        return sum(1 for p in self.problems if p.severity == Severity.ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for p in self.problems if p.severity == Severity.WARNING)

    def sorted(self) -> list[Problem]:
        return sorted(self.problems, key=lambda p: (p.path, p.line, p.column, p.code))


def _from_error(exc: CrmrevError, code: str) -> Problem:
    return Problem(exc.path or "", exc.line or 1, exc.column or 1, Severity.ERROR,
                   exc.code or code, exc.message)


def check_decks(files: list[Path]) -> tuple[Report, list[Deck]]:
    report = Report(files=len(files))
    decks: list[Deck] = []
    docs: dict[str, yamlsafe.Document] = {}
    for path in files:
        name = str(path)
        try:
            doc = deckio.read_document(path, name)
        except DeckError as exc:
            report.problems.append(_from_error(exc, "D001"))
            continue
        deck, problems = deckio.validate(doc, name)
        report.problems.extend(problems)
        if deck is not None:
            decks.append(deck)
            docs[name] = doc
    report.problems.extend(deckio.cross_deck_problems(decks, docs))
    report.problems.extend(lint.lint_decks(decks, docs))  # card quality: warnings Q001-Q006
    report.decks = len(decks)
    report.cards = sum(len(deck.cards) for deck in decks)
    return report, decks


def _first_difference(current: str, expected: str) -> int:
    matcher = difflib.SequenceMatcher(None, current.splitlines(), expected.splitlines(), autojunk=False)
    for tag, i1, _i2, _j1, _j2 in matcher.get_opcodes():
        if tag != "equal":
            return i1 + 1
    return 1


def check_freshness(seeds_dir: Path, decks_dir: Path, decks: Sequence[Deck] = ()) -> list[Problem]:
    """Each generated deck must equal what `crmrev build` would write now."""
    from crmrev.build import plan_build

    plan = plan_build(seeds_dir, decks_dir, decks)  # the decks check already parsed
    problems = list(plan.problems)
    problems += [_from_error(exc, "S000") for exc in plan.errors]
    for change in plan.stale:
        if change.status == "refused":
            continue  # the build error above says why
        seed = f"{seeds_dir.name}/{change.path.stem}.txt"
        counts = f"+{change.added} ~{change.changed} -{change.removed} cards"
        if change.status == "new":
            problems.append(Problem(seed, 1, 1, Severity.ERROR, "D031",
                                    f"seed has no deck in {decks_dir}; run `crmrev build`"))
        elif change.status == "deleted":
            problems.append(Problem(str(change.path), 1, 1, Severity.ERROR, "D032",
                                    "deck was generated from a seed that no longer exists; run "
                                    "`crmrev build` to remove it"))
        else:
            current = change.path.read_text(encoding="utf-8", errors="replace")
            line = _first_difference(current, plan.writes[change.path])
            problems.append(Problem(str(change.path), line, 1, Severity.ERROR, "D030",
                                    f"deck is out of date with {seed} ({counts}); run `crmrev build`"))
    return problems


def check_progress(progress_path: Path, decks: list[Deck]) -> list[Problem]:
    """Cards the progress file knows but no deck has: reported, never deleted."""
    from crmrev.progress import open_progress

    store = open_progress(progress_path, writable=False)
    known = {card.id for deck in decks for card in deck.cards}
    return [Problem(str(progress_path), 1, 1, Severity.WARNING, "P001",
                    f"progress holds card '{card_id}' that no deck has any more; its history is "
                    "kept (restore the card to use it again)")
            for card_id in sorted(set(store.states) - known)]


def run_check(decks_dir: Path, seeds_dir: Path | None, progress_path: Path | None) -> Report:
    if not decks_dir.is_dir():
        raise UsageError(f"deck folder {decks_dir} does not exist", hint="pass the folder of decks")
    files = deckio.deck_paths(decks_dir)
    if not files:
        raise UsageError(f"nothing to check: no decks (*.yaml) in {decks_dir}")
    report, decks = check_decks(files)
    report.problems.extend(
        Problem(str(decks_dir / folder), 1, 1, Severity.WARNING, "D033",
                f"the decks in this subfolder are not read: crmrev reads only the decks directly in "
                f"{decks_dir}; move them up, or pass --decks {decks_dir / folder}")
        for folder in deckio.nested_deck_folders(decks_dir))
    if seeds_dir is not None:
        report.problems.extend(check_freshness(seeds_dir, decks_dir, decks))
    if progress_path is not None:
        report.problems.extend(check_progress(progress_path, decks))
    return report


# ---------------------------------------------------------------- output formats


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_line(problem: Problem) -> str:
    """A GitHub Actions workflow command, so the problem shows inline on the pull request. Values are
    escaped as GitHub reads them, so a line break in one cannot start an annotation of its own."""
    return (f"::{problem.severity} file={_escape_property(problem.path)},line={problem.line},"
            f"col={problem.column},title={_escape_property(problem.code)}::"
            f"{_escape_data(problem.message)} [{_escape_data(problem.code)}]")


def text_lines(report: Report) -> list[str]:
    lines: list[str] = []
    current = None
    for problem in report.sorted():
        if problem.path != current:
            if current is not None:
                lines.append("")
            current = problem.path
        lines.append(problem.render())
    if lines:
        lines.append("")
    lines.append(summary(report))
    return lines


def summary(report: Report) -> str:
    checked = f"{plural(report.decks, 'deck')}, {plural(report.cards, 'card')}"
    if not report.problems:
        return f"All checks passed: {checked}."
    files = len({p.path for p in report.problems})
    return (f"Found {plural(report.errors, 'error')} and {plural(report.warnings, 'warning')} in "
            f"{plural(files, 'file')} ({checked} checked).")
