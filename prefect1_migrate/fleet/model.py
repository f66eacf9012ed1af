"""What the coordinator hands the per-repository work and what comes back: plain, picklable
values (they travel to pool processes and Dask workers)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

from prefect1_migrate.escaping import escaped
from prefect1_migrate.fleet.credentials import redacted_urls_in
from prefect1_migrate.fleet.repos_file import RepositoryEntry
from prefect1_migrate.gitops import Identity
from prefect1_migrate.redaction import redact_output

if TYPE_CHECKING:
    from prefect1_migrate.fleet.retry import RetryPolicy

DEFAULT_BRANCH_NAME = "prefect-1.0-migration"
VERIFY_FAILED = "FAILED"  # how a verification that failed begins


class RepositoryState(str, Enum):
    PENDING = "pending"
    MIGRATED = "migrated"
    NOTHING_TO_DO = "nothing-to-do"
    NEEDS_REVIEW = "needs-review"
    FAILED = "failed"
    PUSHED = "pushed"


class Action(str, Enum):
    MIGRATE = "migrate"  # make (or remake) the branch and migrate it
    RECHECK = "recheck"  # the migration is done: --check its branch again
    STATUS = "status"  # --status: re-check the branch and the default branch, write nothing


class RepositoryFailure(Exception):
    """The work on one repository cannot go on; the message says why (already redacted)."""


@dataclass(frozen=True)
class FleetOptions:
    campaign: Path
    retry: RetryPolicy
    branch: str = DEFAULT_BRANCH_NAME
    prefect_version: str = "1.4.1"
    author: Identity | None = None
    run_hooks: bool = True
    push_remote: str | None = None
    verify_python: Path | None = None
    verify_timeout: float = 60.0

    def worktree(self, folder: str) -> Path:
        """Where the repository's migration branch is checked out."""
        return self.campaign / "repos" / folder

    def clone(self, folder: str) -> Path:
        """Where a repository given by URL is cloned."""
        return self.campaign / "clones" / folder

    def description(self, folder: str) -> Path:
        """The pull request description, next to the checkout."""
        return self.campaign / "repos" / f"{folder}.md"


@dataclass(frozen=True)
class RepositoryJob:
    entry: RepositoryEntry
    folder: str  # its folder name in the campaign
    action: Action
    default_ref: str | None = None  # recorded by the migration (full ref name)
    tip: str | None = None  # the branch's commit the last run found
    pushed_tip: str | None = None  # the commit pushed last
    pushed_to: str | None = None  # the remote it was pushed to


@dataclass(frozen=True)
class Step:
    """One try of one operation."""

    operation: str  # clone, fetch, prepare, migrate, check, verify, push
    try_number: int
    started: float
    finished: float
    ok: bool
    detail: str = ""


@dataclass
class StepLog:
    steps: list[Step] = field(default_factory=list)

    @contextmanager
    def step(self, operation: str, try_number: int = 1) -> Iterator[None]:
        """Records the operation run inside; a failure is recorded with its message and
        raised on."""
        started = time.time()
        try:
            yield
        except Exception as error:
            self.steps.append(
                Step(operation, try_number, started, time.time(), False, failure_text(error))
            )
            raise
        self.steps.append(Step(operation, try_number, started, time.time(), True))


def failure_text(error: BaseException) -> str:
    """An error's message as it may be printed and stored: secrets hidden, escaped."""
    text = redacted_urls_in(redact_output(str(error)))
    return escaped(text, multiline=True) or type(error).__name__


@dataclass(frozen=True)
class DefaultBranchCheck:
    """The default branch, looked at by ``--status``."""

    merged: bool  # the migration branch's tip is in it
    new_places: int  # 0.x places a migration would change there: all of them once merged,
    # else those in files changed since the migration branch was made
    left: int | None = None  # once merged: all that --check finds there (markers included)


@dataclass(frozen=True)
class RepositoryResult:
    key: str
    action: Action
    steps: tuple[Step, ...]
    failure: str | None = None
    base: str | None = None  # the default branch's commit the migration branch starts at
    default_ref: str | None = None
    tip: str | None = None  # the migration branch's commit
    commits: int = 0  # on the migration branch since base
    places: int | None = None  # what --check finds on the branch (markers included)
    skipped_files: int = 0  # files the migration left as they were
    verify: str | None = None
    pushed_tip: str | None = None
    pushed_to: str | None = None
    default: DefaultBranchCheck | None = None
    migrated: bool = False  # a migration finished (now or before)

    @property
    def state(self) -> RepositoryState:
        if self.failure is not None:
            return RepositoryState.FAILED
        if not self.migrated:
            return RepositoryState.PENDING
        if self.commits and self.pushed_tip == self.tip:
            return RepositoryState.PUSHED
        if self.places or self.skipped_files:
            return RepositoryState.NEEDS_REVIEW
        if self.commits:
            return RepositoryState.MIGRATED
        return RepositoryState.NOTHING_TO_DO
