"""A private cache of validated decks, so big syllabi load in milliseconds instead of seconds.

Why it exists: parsing YAML dominates start-up at scale. At a heavy user's 20,000 cards, `due --json`
takes 570 ms without the cache and 101 ms with it (benchmarks/run.py; the targets are 3x the bundled
decks, about 190 ms). Decks that loaded cleanly are kept, per deck folder, in one marshal file
under the user's cache folder, keyed by each file's size and checksum; a changed file is parsed
and validated again. A second, small file holds the deck index (ids, titles, fronts). The cache
is derived data: it is never the only copy of anything, any problem with it (unreadable, damaged,
another version) means it is ignored and rewritten, and `crmrev check` never uses it.
"""

from __future__ import annotations

import marshal
import zlib
from collections.abc import Callable
from pathlib import Path

from crmrev import __version__
from crmrev.bulk import collector_paused
from crmrev.errors import DeckError
from crmrev.model import Card, Deck, DeckIndex

FORMAT = 4  # 2: cards carry note and group; 3: the index has fronts; 4: content signatures


def cache_dir(setting: str | None) -> Path | None:
    """Where the cache lives, from --cache (env CRMREV_CACHE): a folder; 'off' (or empty, or 0)
    disables it; unset means the platform's user cache folder: ~/.cache/crmrev (or
    $XDG_CACHE_HOME), ~/Library/Caches/crmrev, %LOCALAPPDATA%\\crmrev\\Cache."""
    if setting is not None:
        return None if setting.strip() in ("", "off", "0") else Path(setting)
    from platformdirs import user_cache_path

    return user_cache_path("crmrev", appauthor=False)


def _signature(path: Path) -> tuple[int, int]:
    """A deck file's size and the CRC-32 of its bytes. The content, not the size and timestamp: an
    edit in place that keeps both (a script, a restored backup, a coarse clock) once left review
    showing old card text. Reading and checksumming costs about 10 ms for 20,000 cards."""
    data = path.read_bytes()
    return len(data), zlib.crc32(data)


def _pack(deck: Deck) -> tuple:
    return (deck.id, deck.title, deck.source, deck.path, tuple(tuple(card) for card in deck.cards))


def _unpack(packed: tuple) -> Deck:
    deck_id, title, source, path, cards = packed
    return Deck(deck_id, title, tuple([Card(*card) for card in cards]), source, path)


def _read(cache_file: Path, folder: str) -> dict:
    try:
        data = marshal.loads(cache_file.read_bytes())
        if data[0] == FORMAT and data[1] == __version__ and data[2] == folder:
            entries = data[3]
            if isinstance(entries, dict):
                return entries
    except (OSError, ValueError, EOFError, TypeError, IndexError, KeyError):
        pass
    return {}


def _files_for(directory: Path, root: Path | None) -> tuple[str, Path | None, Path | None]:
    folder = str(directory.resolve())
    if root is None:
        return folder, None, None
    stem = f"decks-{zlib.crc32(folder.encode()):08x}"
    return folder, root / f"{stem}.marshal", root / f"{stem}.index.marshal"


def load_index(directory: Path, files: list[Path], parse: Callable[[Path], Deck],
               root: Path | None, skipped: list[DeckError] | None = None) -> list[DeckIndex]:
    """Deck ids, titles, card ids and fronts only: a second, small cache file, so counting what is
    due and showing stats never build card objects."""
    folder, _, index_file = _files_for(directory, root)
    entries = _read(index_file, folder) if index_file else {}
    if len(entries) == len(files):
        try:
            if all(entries[path.name][0] == _signature(path) for path in files):
                return [DeckIndex(*entries[path.name][1]) for path in files]
        except (KeyError, TypeError, IndexError):
            pass
    decks = load(directory, files, parse, root, skipped)
    return [deck.as_index() for deck in decks]


def load(directory: Path, files: list[Path], parse: Callable[[Path], Deck],
         root: Path | None, skipped: list[DeckError] | None = None) -> list[Deck]:
    """The decks in `files`, from the cache in folder `root` where unchanged (None: no cache). With
    `skipped`, a deck that fails to load is left out and its error added there; without, it raises."""
    with collector_paused():  # 20,000 cards: see bulk.py
        return _load(directory, files, parse, root, skipped)


def _load(directory: Path, files: list[Path], parse: Callable[[Path], Deck],
          root: Path | None, skipped: list[DeckError] | None) -> list[Deck]:
    folder, cache_file, index_file = _files_for(directory, root)
    entries = _read(cache_file, folder) if cache_file else {}
    decks: list[Deck] = []
    fresh: dict[str, tuple] = {}
    changed = len(entries) != len(files)
    for path in files:
        signature = _signature(path)
        entry = entries.get(path.name)
        deck = None
        if entry is not None and entry[0] == signature:
            try:
                deck = _unpack(entry[1])
            except (TypeError, ValueError):
                deck = None
        if deck is None or deck.path != str(path):
            changed = True
            try:
                deck = parse(path)
            except DeckError as error:
                if skipped is None:
                    raise
                skipped.append(error)
                continue
        decks.append(deck)
        fresh[path.name] = (signature, _pack(deck))
    if cache_file is not None and index_file is not None:
        if changed:
            _write(cache_file, marshal.dumps((FORMAT, __version__, folder, fresh)))
        if changed or not index_file.exists():
            index = {name: (signature, (packed[0], packed[1], tuple(card[0] for card in packed[4]),
                                        tuple(card[2] for card in packed[4])))
                     for name, (signature, packed) in fresh.items()}
            _write(index_file, marshal.dumps((FORMAT, __version__, folder, index)))
    return decks


def _write(cache_file: Path, data: bytes) -> None:
    from crmrev.fsutil import atomic_write

    try:
        cache_file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        atomic_write(cache_file, data)
    except OSError:
        pass  # a cache that cannot be written only costs speed
