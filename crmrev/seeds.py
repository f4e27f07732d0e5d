"""Seed text → Topic. Text in, data out: no file I/O.

A seed is the revision-note format the content team writes: line 1 is a truncated preview of the
synopsis (never content), then headed sections. Hand-editing adds CRLF, a BOM, stray whitespace,
other bullet characters, wrapped bullets and heading case changes; all of those are accepted. Anything
the parser cannot place becomes a warning with file:line rather than a guess.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from crmrev.errors import SeedError
from crmrev.model import Bullet, Problem, Severity
from crmrev.text import utf16_name

SYNOPSIS = "topic synopsis"
CONCEPTS = "key concepts & core principles"
TIPS = "exam tips & revision strategies"
MISCONCEPTIONS = "common misconceptions & mistakes to avoid"
MARKING = "examiner marking points"

HEADINGS = {
    SYNOPSIS: "Topic Synopsis",
    CONCEPTS: "Key Concepts & Core Principles",
    TIPS: "Exam Tips & Revision Strategies",
    MISCONCEPTIONS: "Common Misconceptions & Mistakes to Avoid",
    MARKING: "Examiner Marking Points",
}
_LIST_FIELDS = {CONCEPTS: "concepts", TIPS: "tips", MISCONCEPTIONS: "misconceptions",
                MARKING: "marking_points"}

@dataclass(slots=True)
class Topic:
    """What a seed file says, before any card is made from it."""

    path: str
    synopsis: str = ""
    synopsis_line: int = 0
    concepts: list[Bullet] = field(default_factory=list)
    tips: list[Bullet] = field(default_factory=list)
    misconceptions: list[Bullet] = field(default_factory=list)
    marking_points: list[Bullet] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


_BULLET = re.compile(r"^\s*(?:[-*•‣◦–—]|\d+[.)])\s+(.*)$")
_BARE_BULLET = re.compile(r"^\s*[-*•‣◦–—]\s*$")
MAX_SEED_BYTES = 1_000_000


def decode_seed(data: bytes, path: str) -> str:
    """Bytes of a seed file → text, or a SeedError naming the file and what to do."""
    if len(data) > MAX_SEED_BYTES:
        raise SeedError(f"seed is {len(data):,} bytes, over the {MAX_SEED_BYTES:,}-byte limit",
                        path=path, hint="split the notes into several seed files")
    if not data.removeprefix(b"\xef\xbb\xbf").strip():
        raise SeedError("seed file is empty", path=path,
                        hint="write the notes into it, or delete the file")
    encoding = utf16_name(data)
    if encoding:
        raise SeedError(f"seed is saved as {encoding} text, not UTF-8", path=path, line=1,
                        hint="re-save it as UTF-8 in your editor (in Notepad: File › Save as › "
                        "Encoding: UTF-8)")
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise SeedError("seed file is binary (it contains NUL bytes), not text", path=path,
                        line=line, hint="save the notes as plain UTF-8 text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SeedError(f"seed is not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset "
                        f"{exc.start})", path=path, line=line,
                        hint="re-save the file as UTF-8 in your editor") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def heading_key(line: str) -> str:
    """Normalise a candidate heading line: case, markdown hashes, colon, 'and' vs '&'."""
    text = line.strip().lstrip("#").strip().rstrip(":").strip().lower()
    text = re.sub(r"\s+", " ", text)
    return text.replace(" and ", " & ")


def _near_heading(line: str) -> str | None:
    key = heading_key(line)
    if len(key) < 5 or len(key.split()) > 7:
        return None
    match = difflib.get_close_matches(key, HEADINGS, n=1, cutoff=0.75)
    return HEADINGS[match[0]] if match else None


class _Parser:
    def __init__(self, text: str, path: str) -> None:
        self.lines = text.split("\n")
        self.topic = Topic(path=path)
        self.section: str | None = None
        self.seen: set[str] = set()
        self.current: list[tuple[list[str], int]] | None = None
        self.synopsis_parts: list[str] = []
        self.items: dict[str, list[tuple[list[str], int]]] = {k: [] for k in _LIST_FIELDS}

    def warn(self, line: int, code: str, message: str) -> None:
        self.topic.warnings.append(Problem(self.topic.path, line, 1, Severity.WARNING, code, message))

    def run(self) -> Topic:
        start = 1
        if self.lines and heading_key(self.lines[0].lstrip("\ufeff")) not in HEADINGS:
            start = 2  # line 1 is the truncated synopsis preview
        for number, raw in enumerate(self.lines[start - 1:], start=start):
            self.feed(raw.rstrip(), number)
        self.finish()
        return self.topic

    def feed(self, line: str, number: int) -> None:
        if not line.strip():
            return
        key = heading_key(line)
        if key in HEADINGS:
            if key in self.seen:
                self.warn(number, "S005", f"section '{HEADINGS[key]}' appears twice; "
                          "the second part is added to the first")
            self.seen.add(key)
            self.section = key
            return
        if self.section is None:
            near = _near_heading(line)
            hint = f" (did you mean '{near}'?)" if near else ""
            self.warn(number, "S001", f"line is outside any section and was ignored{hint}")
            return
        if self.section == SYNOPSIS:
            if not self.synopsis_parts:
                self.topic.synopsis_line = number
            self.synopsis_parts.append(line.strip())
            return
        self.feed_list_line(line, number)

    def feed_list_line(self, line: str, number: int) -> None:
        assert self.section is not None  # feed() only gets here inside a section
        items = self.items[self.section]
        if _BARE_BULLET.match(line):
            self.warn(number, "S003", "empty bullet ignored")
            return
        bullet = _BULLET.match(line)
        if bullet:
            items.append(([bullet.group(1).strip()], number))
            return
        if line[:1].isspace() and items:
            items[-1][0].append(line.strip())  # a wrapped bullet continues on indented lines
            return
        near = _near_heading(line)
        if near:
            self.warn(number, "S002", f"line looks like a heading but is not one; "
                      f"did you mean '{near}'? It was ignored")
        else:
            self.warn(number, "S002", "line cannot be placed: start it with '- ' to make a new "
                      "bullet, or indent it to continue the bullet above. It was ignored")

    def finish(self) -> None:
        topic = self.topic
        topic.synopsis = " ".join(self.synopsis_parts)
        last = len(self.lines)
        for key, heading in HEADINGS.items():
            if key not in self.seen:
                self.warn(last, "S004", f"section '{heading}' is missing")
        for key, attr in _LIST_FIELDS.items():
            bullets = [Bullet(" ".join(parts), line) for parts, line in self.items[key]]
            setattr(topic, attr, bullets)
        for bullet in topic.concepts:
            if split_concept(bullet.text) is None:
                self.warn(bullet.line, "S008", "key concept is not 'Term: explanation' (a colon and a "
                          "space after the term); no concept card was made from it")
        if SYNOPSIS in self.seen and not topic.synopsis:
            self.warn(last, "S004", "section 'Topic Synopsis' is empty")


def parse_seed(text: str, path: str) -> Topic:
    """Parse seed text. Problems that still leave usable content become topic.warnings."""
    return _Parser(text, path).run()


def split_concept(text: str) -> tuple[str, str] | None:
    """'Term: explanation' → (term, explanation), split at the first ': ' only."""
    term, sep, explanation = text.partition(": ")
    if not sep or not term.strip() or not explanation.strip():
        return None
    return term.strip(), explanation.strip()
