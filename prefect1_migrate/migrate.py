"""One migration run, from file discovery to commits; the command line only presents it."""

from __future__ import annotations

import signal
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from prefect1_migrate.codemod import Codemod, MigrationOptions
from prefect1_migrate.diffs import unified_diff
from prefect1_migrate.gitops import (
    Identity,
    NotARepository,
    Repository,
    RepositoryProblem,
    walk_folder,
    write_atomic,
)
from prefect1_migrate.pipeline import FileProblem, FileResult, Finding, process_files
from prefect1_migrate.redaction import redact

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


class Interrupted(Exception):
    """The run was asked to stop (SIGINT / SIGTERM)."""


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

    @property
    def changed(self) -> list[CodemodOutcome]:
        return [outcome for outcome in self.codemods if outcome.files]

    @property
    def exit_code(self) -> int:
        if self.mode is Mode.CHECK and self.changed:
            return EXIT_WORK_FOUND
        if self.problems:
            return EXIT_FILES_SKIPPED
        return EXIT_OK


@dataclass(frozen=True)
class Progress:
    """Hooks the presenter gives the run; all optional."""

    files_found: Callable[[int], None] = lambda _: None
    file_done: Callable[[FileResult], None] = lambda _: None
    codemod_written: Callable[[CodemodOutcome], None] = lambda _: None


def commit_message(outcome: CodemodOutcome) -> str:
    codemod = outcome.codemod
    lines = [f"prefect-1.0: {codemod.title}", "", codemod.description.strip()]
    if codemod.review_note:
        lines.append(codemod.review_note.strip())
    lines.append(f"Files changed: {len(outcome.files)}.")
    if outcome.findings:
        lines.append(f"Needs review ({len(outcome.findings)}):")
        lines.extend(
            f"- {finding.path}:{finding.commit_line}: {finding.message}"
            for finding in outcome.findings
        )
    else:
        lines.append("Needs review (0): nothing flagged.")
    lines += ["", f"Upgrade guide: {codemod.guide_section}", f"Codemod: {codemod.id}", ""]
    return redact("\n".join(lines))


class Migration:
    """Discovers files, runs the pipeline, and writes, diffs or checks the result."""

    def __init__(self, request: MigrationRequest, progress: Progress = Progress()) -> None:
        self.request = request
        self.progress = progress
        self.repository: Repository | None = None
        self.results: list[FileResult] = []

    def run(self) -> MigrationOutcome:
        request = self.request
        paths = [path.resolve() for path in request.paths] or [Path.cwd().resolve()]
        for path in paths:
            if not path.exists():
                raise UsageProblem(f"{path} does not exist")
        try:
            self.repository = Repository.find(paths[0] if paths[0].is_dir() else paths[0].parent)
        except NotARepository:
            if request.mode is Mode.WRITE:
                raise UsageProblem(
                    f"{paths[0]} is not inside a git work tree; migrate writes only to git "
                    "repositories (use --dry-run or --check on a plain folder)"
                ) from None
        if self.repository is not None:
            root = self.repository.root
            outside = [path for path in paths if not path.is_relative_to(root)]
            if outside:
                raise UsageProblem(f"{outside[0]} is outside the repository {root}")
            files = self.repository.tracked_files(paths)
        else:
            root = paths[0] if paths[0].is_dir() else paths[0].parent
            files = self._folder_files(root, paths)

        if request.mode is Mode.WRITE:
            assert self.repository is not None
            with self.repository.lock():
                return self._write(root, files)
        return self._scan(root, files)

    def _folder_files(self, root: Path, paths: list[Path]) -> list[str]:
        files: list[str] = []
        for path in paths:
            if path.is_dir():
                prefix = path.relative_to(root).as_posix()
                files.extend(
                    f"{prefix}/{name}" if prefix != "." else name for name in walk_folder(path)
                )
            elif path.is_relative_to(root):
                files.append(path.relative_to(root).as_posix())
        return sorted(set(files))

    def _process(self, root: Path, files: list[str]) -> MigrationOutcome:
        request = self.request
        self.progress.files_found(len(files))
        outcomes = {codemod.id: CodemodOutcome(codemod) for codemod in request.codemods}
        problems: list[FileProblem] = []
        self.results = []
        for result in process_files(
            root, files, request.codemods, request.options, request.jobs, self.progress.file_done
        ):
            problems.extend(result.problems)
            if not result.changed:
                continue
            self.results.append(result)
            for codemod_id, _ in result.steps:
                outcomes[codemod_id].files.append(result.path)
            for finding in result.findings:
                outcomes[finding.codemod_id].findings.append(finding)
        return MigrationOutcome(
            root=root,
            is_repository=self.repository is not None,
            mode=request.mode,
            codemods=[outcomes[codemod.id] for codemod in request.codemods],
            problems=problems,
            files_scanned=len(files),
            prefect_target=request.options.prefect_version,
        )

    def _scan(self, root: Path, files: list[str]) -> MigrationOutcome:
        return self._process(root, files)

    def diffs(self) -> Iterator[tuple[Codemod, bytes]]:
        """Per codemod with changes, the patch that takes the tree from the previous codemod's
        result to its own (so the concatenation applies to the untouched tree)."""
        current = {result.path: result.original for result in self.results}
        for codemod in self.request.codemods:
            patch: list[bytes] = []
            for result in self.results:
                for codemod_id, data in result.steps:
                    if codemod_id == codemod.id:
                        patch.append(unified_diff(result.path, current[result.path], data))
                        current[result.path] = data
            if patch:
                yield codemod, b"".join(patch)

    def _write(self, root: Path, files: list[str]) -> MigrationOutcome:
        request = self.request
        repository = self.repository
        assert repository is not None
        start = repository.head_commit() if request.commit else None
        identity = repository.identity(request.author) if request.commit else None
        if not request.allow_dirty:
            dirty = repository.dirty_paths()
            if dirty:
                listing = "\n".join(f"  {entry}" for entry in dirty[:20])
                more = f"\n  ... and {len(dirty) - 20} more" if len(dirty) > 20 else ""
                raise UsageProblem(
                    "the working tree has uncommitted changes to tracked files:\n"
                    f"{listing}{more}\nCommit or stash them, or pass --allow-dirty "
                    "(which writes the migration without committing it)."
                )
        outcome = self._process(root, files)
        originals: dict[str, bytes] = {}
        by_path = {result.path: result for result in self.results}
        try:
            with _signals_raise_interrupted():
                for codemod_outcome in outcome.changed:
                    codemod_id = codemod_outcome.codemod.id
                    for path in codemod_outcome.files:
                        result = by_path[path]
                        originals.setdefault(path, result.original)
                        data = next(d for cid, d in result.steps if cid == codemod_id)
                        write_atomic(root / path, data)
                    if request.commit:
                        assert identity is not None
                        codemod_outcome.commit = repository.commit(
                            codemod_outcome.files,
                            commit_message(codemod_outcome),
                            identity,
                            request.run_hooks,
                        )
                    self.progress.codemod_written(codemod_outcome)
        except BaseException:
            with _signals_ignored():
                if request.commit and start is not None:
                    repository.restore(start, originals)
                else:
                    for path, data in originals.items():
                        write_atomic(root / path, data)
            raise
        outcome.committed = request.commit
        return outcome


@contextmanager
def _signals_raise_interrupted() -> Iterator[None]:
    def interrupt(signum: int, _frame: object) -> None:
        raise Interrupted(signal.Signals(signum).name)

    previous = {sig: signal.signal(sig, interrupt) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@contextmanager
def _signals_ignored() -> Iterator[None]:
    previous = {sig: signal.signal(sig, signal.SIG_IGN) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


__all__ = [
    "EXIT_FILES_SKIPPED",
    "EXIT_OK",
    "EXIT_PROBLEM",
    "EXIT_WORK_FOUND",
    "Interrupted",
    "Migration",
    "MigrationOutcome",
    "MigrationRequest",
    "Mode",
    "RepositoryProblem",
    "UsageProblem",
    "commit_message",
]
