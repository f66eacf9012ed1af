"""What a migration run is asked (:class:`MigrationRequest`, :class:`Mode`) and what it answers
(:class:`MigrationOutcome`, per codemod :class:`CodemodOutcome`, the exit codes), and the
hooks a presenter gives it (:class:`Progress`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from prefect1_migrate.codemod import Codemod, MigrationOptions
from prefect1_migrate.gitops import Identity
from prefect1_migrate.pipeline import FileProblem, FileResult, Finding, Place

EXIT_OK = 0
EXIT_WORK_FOUND = 1
EXIT_PROBLEM = 2
EXIT_FILES_SKIPPED = 3


class Mode(str, Enum):
    WRITE = "write"
    DRY_RUN = "dry-run"
    CHECK = "check"


class UsageProblem(Exception):
    """Something about the request or the environment that stops the run before it writes."""


@dataclass(frozen=True)
class MigrationRequest:
    paths: Sequence[Path]
    codemods: Sequence[Codemod]
    mode: Mode = Mode.WRITE
    commit: bool = True
    allow_dirty: bool = False
    author: Identity | None = None
    run_hooks: bool = True
    options: MigrationOptions = field(default_factory=MigrationOptions)
    jobs: int = 1
    pending_only: bool = False  # --check: existing TODO(prefect-1.0) markers do not count


@dataclass
class CodemodOutcome:
    codemod: Codemod
    files: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    commit: str | None = None


@dataclass
class MigrationOutcome:
    root: Path
    is_repository: bool
    mode: Mode
    codemods: list[CodemodOutcome]
    problems: list[FileProblem]
    files_scanned: int
    prefect_target: str
    committed: bool = False
    uses_prefect: bool = True  # False: nothing mentions Prefect, so nothing was looked at
    places: list[Place] = field(default_factory=list)  # --check: what breaks on 1.x, by line
    late_stop: str | None = None  # a stop signal that came once the result was in place
    not_checked_out: int = 0  # tracked files a sparse checkout leaves out: not looked at

    @property
    def changed(self) -> list[CodemodOutcome]:
        return [outcome for outcome in self.codemods if outcome.files]

    @property
    def exit_code(self) -> int:
        # A file that could not be read or parsed wins over work found: a check that did not
        # see every file is incomplete whatever it found (README "Exit codes").
        if self.problems:
            return EXIT_FILES_SKIPPED
        if self.mode is Mode.CHECK and (self.changed or self.places):
            return EXIT_WORK_FOUND
        return EXIT_OK


@dataclass(frozen=True)
class Progress:
    """Hooks the presenter gives the run; all optional."""

    files_found: Callable[[int], None] = lambda _: None
    file_done: Callable[[FileResult], None] = lambda _: None
    codemod_written: Callable[[CodemodOutcome], None] = lambda _: None


NO_PROGRESS = Progress()  # a run nobody watches
