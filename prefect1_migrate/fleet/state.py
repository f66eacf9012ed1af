"""The campaign's state: an SQLite database in the campaign folder, written only by the
coordinating process. ``repositories`` holds each repository's latest state; ``attempts``
one row per repository per run (started before the work is handed out, so a run killed
meanwhile leaves it unfinished), ``steps`` every try of every operation of an attempt."""

from __future__ import annotations

import fcntl
import os
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from prefect1_migrate.fleet.model import Action, RepositoryResult, RepositoryState
from prefect1_migrate.fleet.repos_file import RepositoryEntry

DATABASE_NAME = "state.sqlite"
_LOCK_SUFFIX = ".lock"


class CampaignBusy(Exception):
    """Another run holds the campaign."""


_SCHEMA = """
CREATE TABLE IF NOT EXISTS repositories (
    key TEXT PRIMARY KEY,           -- the location (user information hidden) and ref
    folder TEXT NOT NULL UNIQUE,    -- its folder name in the campaign
    state TEXT NOT NULL,
    reason TEXT,                    -- why it failed
    migrated INTEGER NOT NULL DEFAULT 0,  -- a migration finished: later runs re-check
    commits INTEGER NOT NULL DEFAULT 0,
    markers INTEGER,                -- what --check finds on the branch
    skipped_files INTEGER NOT NULL DEFAULT 0,
    base TEXT, tip TEXT, default_ref TEXT, pushed_tip TEXT, pushed_to TEXT, verify TEXT,
    updated REAL
);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY, started REAL NOT NULL, finished REAL, command TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS attempts (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs(id),
    key TEXT NOT NULL REFERENCES repositories(key),
    action TEXT NOT NULL,
    started REAL NOT NULL,
    finished REAL,                  -- NULL: the run stopped before the result came back
    state TEXT,
    reason TEXT
);
CREATE TABLE IF NOT EXISTS steps (
    attempt_id INTEGER NOT NULL REFERENCES attempts(id),
    operation TEXT NOT NULL,
    try INTEGER NOT NULL,
    started REAL NOT NULL,
    finished REAL NOT NULL,
    ok INTEGER NOT NULL,
    detail TEXT NOT NULL
);
"""


@dataclass(frozen=True)
class RepositoryRecord:
    key: str
    folder: str
    state: RepositoryState
    reason: str | None = None
    migrated: bool = False
    commits: int = 0
    markers: int | None = None
    skipped_files: int = 0
    base: str | None = None
    tip: str | None = None
    default_ref: str | None = None
    pushed_tip: str | None = None
    pushed_to: str | None = None
    verify: str | None = None


_RECORD_COLUMNS = (
    "key, folder, state, reason, migrated, commits, markers, skipped_files, base, tip, "
    "default_ref, pushed_tip, pushed_to, verify"
)


def _record(row: tuple[object, ...]) -> RepositoryRecord:
    values = list(row)
    values[2] = RepositoryState(values[2])
    values[4] = bool(values[4])
    return RepositoryRecord(*values)  # type: ignore[arg-type]


class StateStore:
    """The database at ``path``; ``read_only`` opens it without ever writing (``--status``),
    and an absent database then reads as empty. A writer holds a lock next to it until
    ``close()`` (released by the kernel however the process ends): one run at a time."""

    def __init__(self, path: Path, read_only: bool = False) -> None:
        self.path = path
        self._lock: int | None = None
        if read_only:
            uri = f"{path.resolve().as_uri()}?mode=ro"
            self._db = sqlite3.connect(uri, uri=True) if path.exists() else None
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = os.open(path.with_name(path.name + _LOCK_SUFFIX), os.O_CREAT | os.O_RDWR)
        try:
            fcntl.lockf(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(self._lock)
            raise CampaignBusy(f"another fleet run is working on {path.parent}") from None
        self._db = sqlite3.connect(path)
        with self._db:
            self._db.executescript(_SCHEMA)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
        if self._lock is not None:
            os.close(self._lock)

    def records(self) -> dict[str, RepositoryRecord]:
        if self._db is None:
            return {}
        rows = self._db.execute(f"SELECT {_RECORD_COLUMNS} FROM repositories")
        return {row[0]: _record(row) for row in rows}

    def register(self, entries: Iterable[RepositoryEntry]) -> dict[str, RepositoryRecord]:
        """Every entry's record, made (pending, with a folder name no other repository of
        the campaign has) for the entries seen for the first time."""
        assert self._db is not None
        records = self.records()
        folders = {record.folder for record in records.values()}
        with self._db:
            for entry in entries:
                if entry.key in records:
                    continue
                folder, number = entry.name, 1
                while folder in folders:
                    number += 1
                    folder = f"{entry.name}-{number}"
                folders.add(folder)
                self._db.execute(
                    "INSERT INTO repositories (key, folder, state, updated) VALUES (?, ?, ?, ?)",
                    (entry.key, folder, RepositoryState.PENDING.value, time.time()),
                )
        return self.records()

    def start_run(self, command: str) -> int:
        assert self._db is not None
        with self._db:
            cursor = self._db.execute(
                "INSERT INTO runs (started, command) VALUES (?, ?)", (time.time(), command)
            )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def finish_run(self, run_id: int) -> None:
        assert self._db is not None
        with self._db:
            self._db.execute("UPDATE runs SET finished = ? WHERE id = ?", (time.time(), run_id))

    def start_attempt(self, run_id: int, key: str, action: Action) -> int:
        assert self._db is not None
        with self._db:
            cursor = self._db.execute(
                "INSERT INTO attempts (run_id, key, action, started) VALUES (?, ?, ?, ?)",
                (run_id, key, action.value, time.time()),
            )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def record_result(self, attempt_id: int, result: RepositoryResult) -> RepositoryRecord:
        """The attempt's end, its steps, and the repository's new state, in one transaction.
        A failed re-check keeps what the migration recorded (commits, base) for the next."""
        assert self._db is not None
        state = result.state
        now = time.time()
        with self._db:
            self._db.execute(
                "UPDATE attempts SET finished = ?, state = ?, reason = ? WHERE id = ?",
                (now, state.value, result.failure, attempt_id),
            )
            self._db.executemany(
                "INSERT INTO steps VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (attempt_id, s.operation, s.try_number, s.started, s.finished, s.ok, s.detail)
                    for s in result.steps
                ],
            )
            if result.failure is not None:
                self._db.execute(
                    "UPDATE repositories SET state = ?, reason = ?, updated = ? WHERE key = ?",
                    (state.value, result.failure, now, result.key),
                )
            else:
                self._db.execute(
                    "UPDATE repositories SET state = ?, reason = NULL, migrated = ?, commits = ?,"
                    " markers = ?, skipped_files = ?, base = ?, tip = ?, default_ref = ?,"
                    " pushed_tip = ?, pushed_to = ?, verify = ?, updated = ? WHERE key = ?",
                    (
                        state.value,
                        result.migrated,
                        result.commits,
                        result.places,
                        result.skipped_files,
                        result.base,
                        result.tip,
                        result.default_ref,
                        result.pushed_tip,
                        result.pushed_to,
                        result.verify,
                        now,
                        result.key,
                    ),
                )
        return self.records()[result.key]
