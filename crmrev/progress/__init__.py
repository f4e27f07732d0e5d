"""The progress store: one JSON snapshot plus an append-only review log beside it.

    progress.json               snapshot: format, version, exam date, per-card state, log offset
    progress.json.reviews.jsonl every answer ever given, one JSON object per line (the full history)
    progress.json.lock          held by the one writer (an OS lock: lock.py)
    progress.json.bak.1 … .5    rotating backups of earlier snapshots

Why two files: saving an answer must cost the same at 10 reviews and at a million. An answer is one
appended line, flushed and fsynced before the next card shows, so `kill -9` loses nothing. The snapshot
is rewritten atomically (temp file, fsync, rename) only when a session ends; on load, the log lines
after the snapshot's offset are replayed through the same scheduler. The per-card state is therefore
always rebuildable from the log, and a damaged snapshot loses nothing: the newest valid backup is
restored and the log replayed from that backup's offset.
"""

from __future__ import annotations

from crmrev.progress.log import ExamEvent, LogTail, encode_entry, parse_entry
from crmrev.progress.opening import open_progress
from crmrev.progress.paths import (
    backup_path,
    default_progress_path,
    lock_path_for,
    log_path_for,
    resolve_path,
)
from crmrev.progress.snapshot import (
    COLUMNS,
    FORMAT,
    MIGRATIONS,
    VERSION,
    DueView,
    decode_snapshot,
    encode_columns,
    encode_snapshot,
    states_from_columns,
)
from crmrev.progress.store import BACKUPS, Progress

__all__ = ["BACKUPS", "COLUMNS", "FORMAT", "MIGRATIONS", "VERSION", "DueView", "ExamEvent", "LogTail",
           "Progress", "backup_path", "decode_snapshot", "default_progress_path", "encode_columns",
           "encode_entry", "encode_snapshot", "lock_path_for", "log_path_for", "open_progress",
           "parse_entry", "resolve_path", "states_from_columns"]
