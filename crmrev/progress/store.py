"""The store: card states and the review log, saving an answer, undo, snapshots and backups."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from crmrev import memory as memory_model
from crmrev import scheduler
from crmrev.bulk import collector_paused
from crmrev.errors import ProgressError
from crmrev.exam import ExamPlan, plan_for, upcoming
from crmrev.fsutil import atomic_write, full_fsync, read_regular
from crmrev.history import History
from crmrev.memory import Memory
from crmrev.model import CardState, Review, ReviewKind, parse_day
from crmrev.progress.identity import Identities
from crmrev.progress.log import _BACKWARD_BLOCK, Entry, ExamEvent, _review_from, encode_entry, iter_reviews
from crmrev.progress.paths import backup_path, log_path_for
from crmrev.progress.snapshot import (
    DueView,
    encode_memory,
    encode_snapshot,
    encode_snapshot_columns,
    memory_from_columns,
    states_from_columns,
)

if TYPE_CHECKING:
    from crmrev.progress.lock import WriterLock

BACKUPS = 5

def _holds(path: Path, data: bytes) -> bool:
    try:
        return path.stat().st_size == len(data) and read_regular(path) == data
    except OSError:
        return False


class _Undo(NamedTuple):
    offset: int
    review: Review
    previous: CardState | None
    previous_memory: Memory | None


# Moving the day's start hour shifts a study day by at most 23 hours, and a time zone change by at
# most 26: no line logged after one for `day` can count for a day more than two days before it.
_DAYS_OUT_OF_ORDER = dt.timedelta(days=2)


class Progress:
    """Per-card state and the review log. Open with open_progress()."""

    def __init__(self, path: Path, *, columns: dict[str, list] | None = None, exam: dt.date | None = None,
                 history: History | None = None, count_history: Callable[[], History] | None = None,
                 identities: Identities | None = None,
                 memory: dict[str, list] | None = None,
                 rebuild_memory: Callable[[], dict[str, Memory]] | None = None,
                 snapshot_offset: int = 0, log_end: int = 0, lock: WriterLock | None = None,
                 notices: list[str] | None = None, log_path: Path | None = None) -> None:
        """A store over what opening found; writable when it holds the writer's lock."""
        self.path = path
        self.log_path = log_path or log_path_for(path)
        # Card states stay as the snapshot's columns until something needs CardState objects:
        # counting what is due reads the columns directly (see DueView).
        self._columns = columns
        self._states: dict[str, CardState] | None = None
        self.exam = exam
        # The history tallies of a version-1 snapshot are counted from its log when first needed
        # (count_history): `due` never needs them, and reading a long log for nothing took a second.
        self._history = history if history is not None or count_history is not None else History()
        self._count_history = count_history
        self._uncounted: list[tuple[Review, bool]] = []  # answers seen before the tallies were counted
        # The memory model's states (memory.py) likewise stay columns until asked for; an older
        # snapshot has none, and they are rebuilt from its log when first needed (rebuild_memory).
        self._memory_columns = memory
        self._memory: dict[str, Memory] | None = None if memory is not None or rebuild_memory else {}
        self._rebuild_memory = rebuild_memory
        self._unremembered: list[Review] = []  # answers replayed before the memory was loaded
        self.identities = identities if identities is not None else Identities()
        self.repeated_lines = 0  # lines replay found already counted (identity.py)
        self.notices = notices if notices is not None else []
        self.snapshot_offset = snapshot_offset
        self.log_end = log_end
        self.writable = lock is not None
        self._lock = lock
        self._log_fd: int | None = None
        self._undo: list[_Undo] = []
        self._dirty = False

    def replay(self, entries: Iterable[Entry]) -> int:
        """Fold log entries written after the snapshot into the state, as they were when given:
        only the first grade of a day moves the schedule, and a line counted before is skipped
        (identity.py). Returns how many entries it read."""
        count = 0
        for count, entry in enumerate(entries, start=1):  # noqa: B007 (the count is the result)
            if not self.identities.first_time(entry):
                self.repeated_lines += 1
                continue
            if isinstance(entry, ExamEvent):
                self.exam = entry.date
                continue
            states = self.states
            self._tally(entry, seen_before=entry.card in states)
            self._remember(entry)
            if entry.kind == ReviewKind.FIRST:
                states[entry.card] = scheduler.review(states.get(entry.card), entry.grade, entry.day)
        return count

    # -- reading

    @property
    def history(self) -> History:
        if self._history is None:
            assert self._count_history is not None
            self._history = self._count_history()
            for review, seen_before in self._uncounted:
                self._history.add(review, seen_before)
            self._uncounted.clear()
        return self._history

    def known_history(self) -> History | None:
        """The tallies when they are at hand; None when they would first have to be counted from a
        version-1 snapshot's log (a time estimate is not worth reading a long log for)."""
        return self._history

    @property
    def memory(self) -> dict[str, Memory]:
        """Each seen card's memory state (memory.py): what every recall prediction comes from."""
        if self._memory is None:
            if self._memory_columns is not None:
                with collector_paused():
                    self._memory = memory_from_columns(self._memory_columns)
            else:
                assert self._rebuild_memory is not None
                self._memory = self._rebuild_memory()
                self._stand_in_memories(self._memory)
            self._memory_columns = self._rebuild_memory = None
            for review in self._unremembered:
                self._memory[review.card] = memory_model.remember(self._memory.get(review.card),
                                                                  review.grade, review.day)
            self._unremembered.clear()
        return self._memory

    def exam_plan(self, today: dt.date, target: float) -> ExamPlan | None:
        """The exam plan while the exam date is ahead, else None; without an exam the memory states
        are never built (a heavy user's first card came 25 ms later for them)."""
        if upcoming(self.exam, today) is None:
            return None
        return plan_for(self.exam, today, self.memory, target)  # None too for an exam years away

    def recalls_on(self, day: dt.date) -> dict[str, float]:
        """Each seen card's predicted recall on `day`, to 4 decimals. Straight from the snapshot's
        columns when the memory states are not built yet: `stats --json` at 20,000 cards needs only
        these numbers, and building the states first cost it 30 ms."""
        columns = self._memory_columns
        if self._memory is None and columns is not None and not self._unremembered:
            # memory.recall_after and round(…, 4), written out: a call per card took 8 ms of 20,000
            # cards, this 4.
            factor, decay = memory_model.FACTOR, memory_model.DECAY
            elapsed = {text: factor * max(0, (day - parse_day(text)).days) for text in set(columns["last"])}
            return {card_id: int((1 + elapsed[last] / stability) ** decay * 10_000 + 0.5) / 10_000
                    for card_id, stability, last in zip(columns["id"], columns["stability"], columns["last"],
                                                        strict=True)}
        return {card_id: round(memory_model.recall(mind, day), 4) for card_id, mind in self.memory.items()}

    def _stand_in_memories(self, memories: dict[str, Memory]) -> None:
        """A card with an SM-2 state and no answer in the log (a version-0 file, or a log that was
        lost) gets a memory estimated from its SM-2 state, not none: it was learnt. (The states
        already hold the answers replayed after the snapshot; a card first seen in them is left to
        those answers.)"""
        replayed = {review.card for review in self._unremembered}
        for card_id, state in self.states.items():
            if card_id in replayed:
                continue
            if card_id not in memories and state.last_review is not None:
                memories[card_id] = memory_model.from_sm2(state.interval, state.easiness, state.last_review)

    def _remember(self, review: Review) -> None:
        if self._memory is None:
            self._unremembered.append(review)
        else:
            self._memory[review.card] = memory_model.remember(self._memory.get(review.card),
                                                              review.grade, review.day)

    def _tally(self, review: Review, seen_before: bool) -> None:
        if self._history is None:
            self._uncounted.append((review, seen_before))
        else:
            self._history.add(review, seen_before)

    @property
    def states(self) -> dict[str, CardState]:
        if self._states is None:
            with collector_paused():  # 20,000 states: see bulk.py
                self._states = states_from_columns(self._columns) if self._columns else {}
            self._columns = None
        return self._states

    def due_view(self) -> DueView:
        if self._states is None and self._columns is not None:
            return DueView.of_columns(self._columns)
        return DueView.of_states(self.states)

    def iter_reviews(self) -> Iterator[Review]:
        """The full history, oldest first, streamed (see log.iter_reviews)."""
        return iter_reviews(self.log_path, self.log_end)

    def reviews_on(self, day: dt.date) -> list[Review]:
        """The answers given on `day`, oldest first. The log is read backwards from its end, a block
        at a time, only as far as the day goes back: a session starts in the same time whatever the
        history's length. Damaged lines are skipped, as everywhere. Study days are not quite in log
        order: moving day-starts-at, or the clock's time zone, can log an earlier day after a later
        one, so reading stops only at a line _DAYS_OUT_OF_ORDER days older than `day`."""
        if not self.log_path.exists():
            return []
        found: list[Review] = []
        with open(self.log_path, "rb") as handle:
            end = min(handle.seek(0, os.SEEK_END), self.log_end or handle.tell())
            data, position = b"", end
            while position > 0:
                step = min(_BACKWARD_BLOCK, position)
                position -= step
                handle.seek(position)
                data = handle.read(step) + data
                lines = data.split(b"\n")
                data = lines[0] if position > 0 else b""  # the first line may be cut: read it next time
                older = False
                for line in reversed(lines[1:] if position > 0 else lines):
                    review = _review_from(line)
                    if review is None:
                        continue
                    if review.day < day - _DAYS_OUT_OF_ORDER:
                        older = True
                        break
                    if review.day == day:
                        found.append(review)
                if older:
                    break
        found.reverse()
        return found

    def introduced_on(self, day: dt.date) -> int:
        return self.due_view().introduced_on(day)

    # -- writing

    def _append(self, entry: Entry) -> tuple[int, Entry]:
        """Append one line, durably; returns where it starts and the entry with its identity."""
        if not self.writable:
            raise ProgressError("progress was opened read-only", path=str(self.path))
        writer, seq = self.identities.next()
        entry = entry._replace(writer=writer, seq=seq)
        line = encode_entry(entry)
        before = self.log_end
        try:
            if self._log_fd is None:
                self._log_fd = os.open(self.log_path, os.O_WRONLY | os.O_CREAT, 0o644)
                os.ftruncate(self._log_fd, before)  # drop an unacknowledged partial line
            os.lseek(self._log_fd, before, os.SEEK_SET)
            written = 0
            while written < len(line):
                written += os.write(self._log_fd, line[written:])
            full_fsync(self._log_fd)
        except OSError as exc:
            self._rollback_log(before)
            raise ProgressError(f"could not save your answer: {exc.strerror}. It was not recorded; "
                                "every earlier answer is safe", path=str(self.log_path),
                                hint="free some disk space or fix the folder's permissions, "
                                "then review again") from None
        self.log_end = before + len(line)
        self.identities.first_time(entry)
        self._dirty = True
        return before, entry

    def _rollback_log(self, offset: int) -> None:
        try:
            if self._log_fd is not None:
                os.ftruncate(self._log_fd, offset)
        except OSError:
            pass  # an unterminated partial line is ignored by read_log anyway

    def record(self, review: Review) -> CardState | None:
        """Save one answer durably, then update the state. Returns the card's new state."""
        previous = self.states.get(review.card)
        previous_memory = self.memory.get(review.card)
        offset, logged = self._append(review)
        assert isinstance(logged, Review)
        review = logged
        self._undo.append(_Undo(offset, review, previous, previous_memory))
        self._tally(review, seen_before=previous is not None)
        self._remember(review)  # every answer, cramming too: the learner did recall the card
        if review.kind == ReviewKind.FIRST:
            self.states[review.card] = scheduler.review(previous, review.grade, review.day)
        return self.states.get(review.card)

    def undo(self) -> str | None:
        """Take back the last answer of this session: its state and its log line."""
        if not self._undo:
            return None
        step = self._undo.pop()
        assert self._log_fd is not None
        try:
            os.ftruncate(self._log_fd, step.offset)
            full_fsync(self._log_fd)
        except OSError as exc:
            self._undo.append(step)
            raise ProgressError(f"could not undo: {exc.strerror}", path=str(self.log_path)) from None
        self.log_end = step.offset
        self.history.remove(step.review, seen_before=step.previous is not None)
        if step.previous is None:
            self.states.pop(step.review.card, None)
        else:
            self.states[step.review.card] = step.previous
        if step.previous_memory is None:
            self.memory.pop(step.review.card, None)
        else:
            self.memory[step.review.card] = step.previous_memory
        return step.review.card

    def set_exam(self, day: dt.date | None) -> None:
        self._append(ExamEvent(day))
        self.exam = day
        self.save()

    def save(self) -> None:
        """Fold the log into a new snapshot, keeping rotating backups of the old one."""
        if not self.writable or self._nothing_to_keep():
            return
        memory = self._memory_columns if self._memory is None and self._memory_columns is not None \
            and not self._unremembered else encode_memory(self.memory)
        if self._states is None and self._columns is not None:
            data = encode_snapshot_columns(self._columns, self.exam, self.log_end, self.history,
                                           self.identities, memory)
        else:
            data = encode_snapshot(self.states, self.exam, self.log_end, self.history, self.identities,
                                   memory)
        try:
            if not _holds(self.path, data):  # nothing changed: no write, and no backup pushed out
                self._rotate_backups()
                atomic_write(self.path, data)
        except OSError as exc:
            raise ProgressError(f"could not write the progress snapshot: {exc.strerror}. Your "
                                "answers are safe in the review log and will be folded in next "
                                "time", path=str(self.path)) from None
        self.snapshot_offset = self.log_end
        self._undo.clear()
        self._dirty = False

    def _nothing_to_keep(self) -> bool:
        """A fresh install whose session ended without an answer: no file is created."""
        return self.log_end == 0 and self.exam is None and not self.states and not self.path.exists()

    def _rotate_backups(self) -> None:
        if not self.path.exists():
            return
        current = read_regular(self.path)
        for number in range(BACKUPS - 1, 0, -1):
            older = backup_path(self.path, number)
            if older.exists():
                os.replace(older, backup_path(self.path, number + 1))
        atomic_write(backup_path(self.path, 1), current)

    def close(self) -> None:
        if self._dirty:
            self.save()
        self.abandon()

    def abandon(self) -> None:
        """Let go of the files and the lock without saving (when opening failed half-way)."""
        self._dirty = False
        if self._log_fd is not None:
            os.close(self._log_fd)
            self._log_fd = None
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self.close()
        except ProgressError:
            if exc[0] is None:
                raise


