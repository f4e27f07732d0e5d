"""Which logged lines have been counted: the identity of a log line, and replay that counts it once.

Every line the store appends carries `writer` (a random id of this progress file's store, kept in
the snapshot) and `seq` (1, 2, 3… for that writer). A writer's lines are appended in order, so one
number per writer, the highest counted, tells a line already counted from a new one: a log copied
onto itself by a sync conflict, or a snapshot whose offset is too low, replays nothing twice. Lines
from before crmrev had identities carry neither and are counted as they come.
"""

from __future__ import annotations

import os

from crmrev.model import Review


class Identities:
    def __init__(self, writer: str | None = None, marks: dict[str, int] | None = None) -> None:
        self.writer = writer
        self.marks: dict[str, int] = marks if marks is not None else {}

    def first_time(self, entry: Review | object) -> bool:
        """True (and remembered) for a line not counted before; False for a repeat."""
        writer, seq = getattr(entry, "writer", None), getattr(entry, "seq", None)
        if writer is None or seq is None:
            return True
        if seq <= self.marks.get(writer, 0):
            return False
        self.marks[writer] = seq
        return True

    def next(self) -> tuple[str, int]:
        """The identity for the next line this store appends (count it with first_time once it is
        on disk)."""
        if self.writer is None:
            self.writer = os.urandom(4).hex()
        return self.writer, self.marks.get(self.writer, 0) + 1

    def to_json(self) -> dict:
        return {"writer": self.writer, "marks": dict(self.marks)}

    @classmethod
    def from_json(cls, log: dict) -> Identities:
        """From the snapshot's "log" object (ValueError if it is damaged)."""
        writer, marks = log.get("writer"), log.get("marks", {})
        if writer is not None and (writer.__class__ is not str or not 0 < len(writer) <= 32):
            raise ValueError("'log.writer' is not a writer id")
        if not isinstance(marks, dict) or any(seq.__class__ is not int or seq < 0 or not isinstance(key, str)
                                              for key, seq in marks.items()):
            raise ValueError("'log.marks' is not a count per writer")
        return cls(writer, dict(marks))
