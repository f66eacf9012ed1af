"""The coordinating process: reads the repositories file and the state database, hands one
job per repository to a backend, and records each result as it comes back. It alone opens
the database, so the work can run anywhere."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from prefect1_migrate.escaping import escaped
from prefect1_migrate.fleet.backends import Backend
from prefect1_migrate.fleet.model import (
    Action,
    FleetOptions,
    RepositoryJob,
    RepositoryResult,
    RepositoryState,
)
from prefect1_migrate.fleet.report import CampaignRow
from prefect1_migrate.fleet.repos_file import RepositoryEntry
from prefect1_migrate.fleet.state import DATABASE_NAME, RepositoryRecord, StateStore

Echo = Callable[[str], None]


def run_campaign(
    entries: list[RepositoryEntry],
    options: FleetOptions,
    backend: Backend,
    command: str,
    echo: Echo,
) -> list[CampaignRow]:
    """Migrates every repository not migrated yet (and those that failed), re-checks the
    others; verifies and pushes as the options ask. Returns the table, in the file's order."""
    store = StateStore(options.campaign / DATABASE_NAME)
    try:
        records = store.register(entries)
        run_id = store.start_run(command)
        jobs = [_job(entry, records[entry.key], Action.MIGRATE) for entry in entries]
        attempts = {
            job.entry.key: store.start_attempt(run_id, job.entry.key, job.action) for job in jobs
        }
        done = 0

        def record(result: RepositoryResult) -> None:
            nonlocal done
            done += 1
            records[result.key] = store.record_result(attempts[result.key], result)
            echo(_progress_line(done, len(jobs), records[result.key]))

        backend.run(jobs, options, record)
        store.finish_run(run_id)
        return [CampaignRow(entry.shown, records[entry.key]) for entry in entries]
    finally:
        store.close()


def campaign_status(
    entries: list[RepositoryEntry], options: FleetOptions, backend: Backend
) -> list[CampaignRow]:
    """``--status``: every migrated repository's branch and default branch checked again
    (a clone fetched first); the database is only read."""
    store = StateStore(options.campaign / DATABASE_NAME, read_only=True)
    try:
        known = store.records()
    finally:
        store.close()
    records = {
        entry.key: known.get(entry.key)
        or RepositoryRecord(entry.key, entry.name, RepositoryState.PENDING)
        for entry in entries
    }
    jobs = [
        _job(entry, records[entry.key], Action.STATUS)
        for entry in entries
        if records[entry.key].migrated
    ]
    results: dict[str, RepositoryResult] = {}
    backend.run(jobs, options, lambda result: results.__setitem__(result.key, result))
    rows = []
    for entry in entries:
        record = records[entry.key]
        result = results.get(entry.key)
        if result is not None:
            record = _as_measured(record, result)
        rows.append(CampaignRow(entry.shown, record, result.default if result else None))
    return rows


def _job(entry: RepositoryEntry, record: RepositoryRecord, action: Action) -> RepositoryJob:
    """A migrated repository is re-checked, never migrated again."""
    if action is Action.MIGRATE and record.migrated:
        action = Action.RECHECK
    return RepositoryJob(
        entry,
        record.folder,
        action,
        record.default_ref,
        record.tip,
        record.pushed_tip,
        record.pushed_to,
    )


def _as_measured(record: RepositoryRecord, result: RepositoryResult) -> RepositoryRecord:
    if result.failure is not None:
        return replace(record, state=RepositoryState.FAILED, reason=result.failure)
    return replace(
        record,
        state=result.state,
        reason=None,
        commits=result.commits,
        markers=result.places,
        skipped_files=result.skipped_files,
        tip=result.tip,
    )


def _progress_line(done: int, total: int, record: RepositoryRecord) -> str:
    state = record.state.value
    if record.state is RepositoryState.FAILED:
        detail = (record.reason or "").splitlines()[0] if record.reason else ""
    else:
        detail = f"{record.commits} commit(s), {record.markers or 0} left"
    return f"[{done}/{total}] {escaped(record.folder)}: {state} ({escaped(detail)})"
