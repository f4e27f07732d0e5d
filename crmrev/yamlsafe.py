"""A hardened YAML reader for untrusted files (decks, deck metadata).

yaml.safe_load is not enough for files people share:
- aliases: a 290-byte alias bomb expands to megabytes when walked; rejected outright;
- duplicate keys: PyYAML silently keeps the last; reported;
- implicit typing: `no` → False, `3.10` → 3.1, `12:30` → 750; every scalar is kept as text;
- tags: nothing is ever constructed from a tag; any non-core tag is an error;
- depth: the C composer recurses in C and can crash the process on very deep input, and the
  pure-Python one raises RecursionError; nesting is measured before composing and capped;
- size: capped before anything is read into memory.

The document is composed (never constructed) with the fastest available composer, then walked here.
"""

from __future__ import annotations

import re

import yaml

from crmrev.errors import DeckError
from crmrev.model import Problem, Severity
from crmrev.text import utf16_name

MAX_BYTES = 64 * 1024 * 1024
MAX_NESTING = 32

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# What the resolver assigns implicitly, plus harmless explicit core tags such as !!str.
_CORE_TAGS = {f"tag:yaml.org,2002:{name}" for name in
              ("str", "int", "float", "bool", "null", "timestamp", "map", "seq", "merge", "value",
               "yaml")}
_STR_TAG = "tag:yaml.org,2002:str"
_QUOTED = re.compile(r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\n]|\'\')*\'')
_FLOW = re.compile(r"[\[\]{}]")
_BLOCK_PREFIX = re.compile(r"^(?:[ \t]|[-?:](?=[ \t]))*", re.MULTILINE)


class Document:
    """Plain data (dict/list/str) plus the positions of keys and items, 1-based."""

    __slots__ = ("data", "marks", "problems")

    def __init__(self, data: object, problems: list[Problem] | None = None) -> None:
        self.data = data
        self.problems: list[Problem] = problems if problems is not None else []
        # path tuple → (line, column): a mapping entry's key, or a list item's start.
        self.marks: dict[tuple, tuple[int, int]] = {}

    def mark(self, *path: object) -> tuple[int, int]:
        while path:
            if path in self.marks:
                return self.marks[path]
            path = path[:-1]
        return self.marks.get((), (1, 1))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == Severity.ERROR]


def decode(data: bytes, path: str) -> str:
    if len(data) > MAX_BYTES:
        raise DeckError(f"file is {len(data):,} bytes, over the {MAX_BYTES:,}-byte limit",
                        path=path, hint="split it into smaller decks", code="D006")
    encoding = utf16_name(data)
    if encoding:
        raise DeckError(f"saved as {encoding} text, not UTF-8", path=path, line=1,
                        hint="re-save it as UTF-8 in your editor", code="D007")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DeckError(f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})",
                        path=path, line=line, hint="re-save the file as UTF-8", code="D007") from None


def _nesting(text: str) -> tuple[int, int]:
    """A cheap upper bound on nesting depth, and the line where it passes MAX_NESTING (or the
    deepest line). Linear in the text, and stops as soon as the cap is passed."""
    deepest, where = 0, 0
    for match in _BLOCK_PREFIX.finditer(text):
        width = match.end() - match.start()
        if width > deepest:
            deepest, where = width, match.start()
            if width // 2 > MAX_NESTING:
                break
    block = (deepest // 2, where)
    unquoted = _QUOTED.sub(lambda m: " " * len(m.group()), text) if "[" in text or "{" in text else ""
    depth, flow = 0, (0, 0)
    for match in _FLOW.finditer(unquoted):
        depth = depth + 1 if match.group() in "[{" else max(0, depth - 1)
        if depth > flow[0]:
            flow = (depth, match.start())
            if depth > MAX_NESTING:
                break
    level, position = max(block, flow)
    return level, text.count("\n", 0, position) + 1


class _Walker:
    def __init__(self, path: str, with_marks: bool) -> None:
        self.path = path
        self.with_marks = with_marks
        self.doc = Document(data=None)
        self.visited: set[int] = set()

    def problem(self, node: yaml.Node, code: str, message: str) -> None:
        mark = node.start_mark
        self.doc.problems.append(Problem(self.path, mark.line + 1, mark.column + 1,
                                         Severity.ERROR, code, message))

    def walk(self, node: yaml.Node, path: tuple, depth: int) -> object:
        if id(node) in self.visited:
            self.problem(node, "D002", "aliases (*name) are not allowed in decks; write the text out")
            return None
        self.visited.add(id(node))
        if depth > MAX_NESTING:
            self.problem(node, "D005", f"nesting deeper than {MAX_NESTING} levels")
            return None
        if node.tag not in _CORE_TAGS:
            self.problem(node, "D003", f"tag {node.tag!r} is not allowed; remove it, decks hold "
                         "plain text")
            return None
        if isinstance(node, yaml.ScalarNode):
            if not node.style and node.tag != _STR_TAG and node.value:
                mark = node.start_mark
                self.doc.problems.append(Problem(
                    self.path, mark.line + 1, mark.column + 1, Severity.WARNING, "D018",
                    f"{node.value!r} is read as text here, but other YAML tools read it as a "
                    f"{node.tag.rsplit(':', 1)[-1]}; quote it"))
            return node.value
        if isinstance(node, yaml.SequenceNode):
            items = []
            for index, child in enumerate(node.value):
                if self.with_marks:
                    self.doc.marks[(*path, index)] = (child.start_mark.line + 1,
                                                      child.start_mark.column + 1)
                items.append(self.walk(child, (*path, index), depth + 1))
            return items
        mapping: dict[str, object] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.problem(key_node, "D012", "a key must be plain text")
                continue
            key = key_node.value
            if key in mapping:
                self.problem(key_node, "D004", f"duplicate key '{key}'; YAML would silently keep "
                             "only the last one. Remove one of them")
                continue
            if self.with_marks:
                self.doc.marks[(*path, key)] = (key_node.start_mark.line + 1,
                                                key_node.start_mark.column + 1)
            mapping[key] = self.walk(value_node, (*path, key), depth + 1)
        return mapping


def parse(text: str, path: str, *, with_marks: bool = True) -> Document:
    """Compose and walk a YAML document. Syntax and safety problems are in doc.problems;
    the caller decides whether to raise. Never constructs Python objects from the file."""
    depth, line = _nesting(text)
    if depth > MAX_NESTING:
        return Document(data=None, problems=[Problem(
            path, line, 1, Severity.ERROR, "D005",
            f"nesting is deeper than {MAX_NESTING} levels; a deck needs three")])
    if not text.strip():
        return Document(data=None, problems=[Problem(
            path, 1, 1, Severity.ERROR, "D008", "file is empty; add 'id', 'title' and 'cards', "
            "or delete it")])
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        detail = " ".join(str(part) for part in (exc.context, exc.problem) if part)
        return Document(data=None, problems=[Problem(
            path, line, column, Severity.ERROR, "D001",
            f"YAML syntax error: {detail}; check indentation and quoting here")])
    except yaml.reader.ReaderError as exc:
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        return Document(data=None, problems=[Problem(
            path, line, column, Severity.ERROR, "D016",
            f"control character U+{code:04X} "
            "is not allowed in YAML; remove it (write it as an escape inside double quotes if you "
            "really mean it)")])
    except (yaml.YAMLError, RecursionError, ValueError, MemoryError) as exc:
        return Document(data=None, problems=[Problem(
            path, 1, 1, Severity.ERROR, "D001", f"YAML could not be read: {type(exc).__name__}")])
    if node is None:
        return Document(data=None, problems=[Problem(
            path, 1, 1, Severity.ERROR, "D008", "file holds no YAML document")])
    walker = _Walker(path, with_marks)
    walker.doc.marks[()] = (node.start_mark.line + 1, node.start_mark.column + 1)
    walker.doc.data = walker.walk(node, (), 0)
    return walker.doc


def load_mapping(data: bytes, path: str) -> dict:
    """Read a small YAML metadata file; raise DeckError at the first problem."""
    doc = parse(decode(data, path), path, with_marks=False)
    if doc.errors:
        first = doc.errors[0]
        raise DeckError(first.message, path=path, line=first.line, column=first.column,
                        code=first.code)
    if not isinstance(doc.data, dict):
        raise DeckError("the top level must be a mapping", path=path, line=1)
    return doc.data
