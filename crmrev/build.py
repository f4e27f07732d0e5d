"""`crmrev build`: seeds/*.txt → decks/*.yaml, keeping card ids across rewording.

This is the I/O edge around the pure parser and generator: it reads the seeds, the metadata file and
the decks already written (to carry their card ids over), then writes only what changed.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from crmrev import decks as deckio
from crmrev import yamlsafe
from crmrev.curation import SUFFIX as CURATION_SUFFIX
from crmrev.curation import Curation, apply_curation, read_curation, skipped_cards
from crmrev.errors import CrmrevError, DeckError, SeedError, UsageError
from crmrev.fsutil import atomic_write
from crmrev.generate import DeckMeta, derive_meta, generate_deck, is_last_resort
from crmrev.model import Card, Deck, Problem, Severity
from crmrev.seeds import Topic, decode_seed, parse_seed
from crmrev.text import slugify

META_FILE = "meta.yaml"


@dataclass
class DeckChange:
    path: Path
    deck_id: str
    cards: int
    added: int
    changed: int
    removed: int
    status: str  # new | updated | unchanged | deleted | refused
    removed_cards: list[Card] = field(default_factory=list)  # so the report can name them


@dataclass
class BuildPlan:
    changes: list[DeckChange] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    errors: list[CrmrevError] = field(default_factory=list)
    writes: dict[Path, str] = field(default_factory=dict)
    deletions: list[Path] = field(default_factory=list)
    decks: list[Deck] = field(default_factory=list)
    built: dict[Path, Deck] = field(default_factory=dict)  # each deck file's planned deck

    @property
    def stale(self) -> list[DeckChange]:
        return [c for c in self.changes if c.status != "unchanged"]


def seed_files(seeds_dir: Path) -> list[Path]:
    if not seeds_dir.is_dir():
        raise UsageError(f"seed folder {seeds_dir} does not exist",
                         hint="pass the folder that holds the *.txt seed notes")
    files = sorted(p for p in seeds_dir.iterdir() if p.suffix == ".txt" and p.is_file())
    if not files:
        raise UsageError(f"no seed notes (*.txt) in {seeds_dir}")
    return files


def read_meta(seeds_dir: Path) -> dict[str, DeckMeta]:
    path = seeds_dir / META_FILE
    if not path.exists():
        return {}
    display = f"{seeds_dir.name}/{META_FILE}"
    data = yamlsafe.load_mapping(path.read_bytes(), display)
    meta: dict[str, DeckMeta] = {}
    for name, entry in data.items():
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str) or \
                not isinstance(entry.get("title"), str):
            raise DeckError(f"entry '{name}' needs text 'id' and 'title'", path=display)
        meta[name] = DeckMeta(id=entry["id"], title=entry["title"])
    return meta


def _reader(loaded: Iterable[Deck]) -> Callable[[Path], Deck]:
    """load_deck, but decks the caller already parsed (`crmrev check` has) are not read again."""
    known = {str(Path(deck.path).resolve()): deck for deck in loaded if deck.path}

    def read(path: Path) -> Deck:
        return known.get(str(path.resolve())) or deckio.load_deck(path)

    return read


def _old_deck(path: Path, read: Callable[[Path], Deck]) -> Deck | None:
    if not path.exists():
        return None
    return read(path)


def _diff(old: Deck | None, new: Deck) -> tuple[int, int, list[Card]]:
    old_cards: dict[str, Card] = {c.id: c for c in old.cards} if old else {}
    new_ids = {c.id for c in new.cards}
    added = sum(1 for c in new.cards if c.id not in old_cards)
    # A moved line changes only `source`; "changed" counts what a learner would see.
    changed = sum(1 for c in new.cards if c.id in old_cards
                  and (old_cards[c.id].front, old_cards[c.id].back) != (c.front, c.back))
    removed = [card for card_id, card in old_cards.items() if card_id not in new_ids]
    return added, changed, removed


def _read_curation(seed: Path, display: str) -> Curation | None:
    path = seed.with_name(seed.stem + CURATION_SUFFIX)
    if not path.exists():
        return None
    shown = display[: -len(seed.name)] + path.name
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SeedError(f"cannot read curation file: {exc.strerror}", path=shown) from None
    return read_curation(yamlsafe.parse(yamlsafe.decode(data, shown), shown), shown)


def _hold_back_last_resorts(deck: Deck, curation: Curation | None) -> tuple[Deck, list[Problem]]:
    """A last-resort card ("…: what does it involve?") is not worth a learner's time, so it stays
    out of the deck until the author curates it; S010 names its id so the author can."""
    curated = set() if curation is None else \
        {*curation.overrides, *(added.card.id for added in curation.additions)}
    kept, found = [], []
    for card in deck.cards:
        if card.id in curated or not is_last_resort(card.front) or not card.source:
            kept.append(card)
            continue
        path, _, line = card.source.rpartition(":")
        found.append(Problem(path, int(line) if line.isdigit() else 1, 1, Severity.WARNING, "S010",
                             f"no card worth asking was found in this note, so it has no {card.type} card; "
                             f"write one as '{card.id}' under cards: in "
                             f"{path.rsplit('/', 1)[-1][:-4]}.curation.yaml, or rewrite the bullet "
                             f"(the generator's best try was “{card.front}”)"))
    return deck._replace(cards=tuple(kept)), found


def _bullets(topic: Topic) -> list:
    return [*topic.concepts, *topic.misconceptions, *topic.tips, *topic.marking_points]


def _other_decks(out_dir: Path, own: set[Path], read: Callable[[Path], Deck]) -> list[Deck]:
    """Hand-written decks beside the generated ones: new ids must not clash with theirs."""
    others: list[Deck] = []
    if out_dir.is_dir():
        for path in deckio.deck_paths(out_dir):
            if path not in own:
                with contextlib.suppress(DeckError):  # `crmrev check` reports broken decks
                    others.append(read(path))
    return others


def plan_build(seeds_dir: Path, out_dir: Path, loaded: Iterable[Deck] = ()) -> BuildPlan:
    """Work out every deck file build would write, without writing anything. `loaded` are decks
    from out_dir the caller has already parsed."""
    read = _reader(loaded)
    plan = BuildPlan()
    seeds = seed_files(seeds_dir)
    meta = read_meta(seeds_dir)
    targets = {seed: out_dir / f"{seed.stem}.yaml" for seed in seeds}
    others = _other_decks(out_dir, set(targets.values()), read)
    taken = {card.id for deck in others for card in deck.cards}
    asked: set[str] = set()  # what optional cards of earlier decks ask, so no deck repeats it
    used: dict[str, str] = {}  # deck ids and titles given so far → the seed given them
    for seed in seeds:
        display = f"{seeds_dir.name}/{seed.name}"
        try:
            _plan_one(plan, seed, display, targets[seed], meta, taken, used, read, asked)
        except CrmrevError as exc:
            plan.errors.append(exc)
    _plan_deletions(plan, out_dir, set(targets.values()))
    _refuse_what_check_rejects(plan, others)
    for name in sorted(set(meta) - {seed.name for seed in seeds}):
        plan.problems.append(Problem(f"{seeds_dir.name}/{META_FILE}", 1, 1, Severity.WARNING,
                                     "S007", f"'{name}' is listed but there is no such seed"))
    return plan


def _plan_one(plan: BuildPlan, seed: Path, display: str, target: Path,
              meta: dict[str, DeckMeta], taken: set[str], used: dict[str, str],
              read: Callable[[Path], Deck], asked: set[str]) -> None:
    try:
        data = seed.read_bytes()
    except OSError as exc:
        raise SeedError(f"cannot read seed: {exc.strerror}", path=display) from None
    topic = parse_seed(decode_seed(data, display), display)
    plan.problems.extend(topic.warnings)
    curation = _read_curation(seed, display)
    deck_meta = meta.get(seed.name)
    if deck_meta is None:
        deck_meta, derived = derive_meta(topic, seed.stem)
        if not derived:
            plan.problems.append(Problem(display, topic.synopsis_line or 1, 1, Severity.WARNING, "S009",
                                         f"no topic title can be derived from the synopsis, so the deck "
                                         f"is called '{deck_meta.title}'; set its id and title in "
                                         f"{META_FILE}"))
    deck_meta = _distinct(deck_meta, seed, from_meta=seed.name in meta, used=used)
    used[f"id:{deck_meta.id}"] = used[f"title:{deck_meta.title}"] = display
    try:
        old = _old_deck(target, read)
    except DeckError as exc:
        raise DeckError(f"existing deck cannot be read, so its card ids cannot be kept: "
                        f"{exc.message}", path=exc.path, line=exc.line,
                        hint="fix or delete that deck, then build again") from None
    previous = list(old.cards) if old else []
    if curation is not None:
        present = {card.id for card in previous}
        previous += [card for card in skipped_cards(curation) if card.id not in present]
    deck = generate_deck(topic, deck_meta, display, seed.name, previous, taken, asked)
    if curation is not None:
        cards, problems, _skipped = apply_curation(list(deck.cards), curation, _bullets(topic), display)
        plan.problems.extend(problems)
        taken.update(card.id for card in cards)
        deck = deck._replace(cards=tuple(cards))
    deck, held_back = _hold_back_last_resorts(deck, curation)
    plan.problems.extend(held_back)
    if not deck.cards:
        plan.problems.append(Problem(display, 1, 1, Severity.WARNING, "S006",
                                     "seed yields no cards; check its section headings and bullets"))
    text = deckio.dump_deck(deck, display)
    current = target.read_text(encoding="utf-8") if target.exists() else None
    added, changed, removed = _diff(old, deck)
    status = "new" if current is None else ("unchanged" if current == text else "updated")
    plan.changes.append(DeckChange(target, deck.id, len(deck.cards), added, changed, len(removed),
                                   status, removed))
    plan.decks.append(deck)
    plan.built[target] = deck
    if status != "unchanged":
        plan.writes[target] = text


def _distinct(deck_meta: DeckMeta, seed: Path, from_meta: bool, used: dict[str, str]) -> DeckMeta:
    """A deck id and title no earlier seed has. A derived pair (two seeds with the same synopsis)
    gets the seed's name added; one an author wrote in meta.yaml is never changed behind their back."""
    for kind, value in (("id", deck_meta.id), ("title", deck_meta.title)):
        holder = used.get(f"{kind}:{value}")
        if holder is None:
            continue
        if from_meta:
            raise SeedError(f"deck {kind} '{value}' in {META_FILE} is already used by {holder}",
                            path=f"{seed.parent.name}/{META_FILE}",
                            hint=f"give each seed its own deck {kind} in {META_FILE}")
        return DeckMeta(id=f"{deck_meta.id}-{slugify(seed.stem) or 'deck'}",
                        title=f"{deck_meta.title} ({seed.stem})")
    return deck_meta


def _refuse_what_check_rejects(plan: BuildPlan, others: list[Deck]) -> None:
    """Build never writes a deck that `crmrev check` (and so review) would reject: each deck it is
    about to write is read back and validated as check reads it, and compared with the hand-written
    decks beside it. A refused deck is an error, named with the reason, and its file is left as it was."""
    clashing: list[DeckError] = []
    deckio.without_clashes([*others, *plan.built.values()], clashing)
    for error in clashing:
        target = next((path for path, deck in plan.built.items() if error.path in (deck.id, deck.path)), None)
        if target is not None and target in plan.writes:
            _refuse(plan, target, DeckError(f"not written, because check would reject it: {error.message}",
                                            path=str(target), code="D024",
                                            hint="give it its own id and title in meta.yaml, then build "
                                            "again"))
    for target, text in list(plan.writes.items()):
        shown = str(target)
        try:
            _deck, problems = deckio.validate(yamlsafe.parse(text, shown), shown)
        except DeckError as exc:
            problems = [Problem(shown, exc.line or 1, 1, Severity.ERROR, exc.code or "D000", exc.message)]
        errors = [problem for problem in problems if problem.severity == Severity.ERROR]
        if errors:
            first = errors[0]
            _refuse(plan, target, DeckError(f"not written, because check would reject it: {first.message}",
                                            path=shown, line=first.line, code=first.code,
                                            hint="fix the seed or its entry in meta.yaml, then build again"))


def _refuse(plan: BuildPlan, target: Path, error: DeckError) -> None:
    del plan.writes[target]
    for change in plan.changes:
        if change.path == target:
            change.status = "refused"
    plan.errors.append(error)


def _plan_deletions(plan: BuildPlan, out_dir: Path, targets: set[Path]) -> None:
    """A generated deck whose seed is gone is removed; progress on its cards is kept as orphans."""
    if not out_dir.is_dir():
        return
    for path in deckio.deck_paths(out_dir):
        if path in targets:
            continue
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if text.startswith(deckio.GENERATED_MARK):
            cards = text.count("\n- id:")
            plan.changes.append(DeckChange(path, path.stem, 0, 0, 0, cards, "deleted"))
            plan.deletions.append(path)


def apply_build(plan: BuildPlan, out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    for path, text in plan.writes.items():
        atomic_write(path, text.encode("utf-8"))
    for path in plan.deletions:
        path.unlink(missing_ok=True)
