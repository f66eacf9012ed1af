"""One migration run, from file discovery to commits; the command line only presents it."""

from __future__ import annotations

import re
import shlex
import shutil
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from prefect1_migrate.codemod import Codemod, MigrationOptions
from prefect1_migrate.commitmsg import FileChange, commit_message
from prefect1_migrate.escaping import escaped
from prefect1_migrate.gitops import Identity, NotARepository, Repository, RepositoryProblem
from prefect1_migrate.interrupts import Interrupted, PausePoints, StopRequests
from prefect1_migrate.journal import RunJournal
from prefect1_migrate.pipeline import (
    FileProblem,
    FileResult,
    Finding,
    Place,
    StepOutput,
    process_files,
)
from prefect1_migrate.redaction import remember
from prefect1_migrate.sourcefile import UndecodableFile, declared_encoding, decode
from prefect1_migrate.workspace import (
    ChangedOnDisk,
    UnsafePath,
    folder_files,
    inside,
    unwritable_folders,
    write_atomic,
)

EXIT_OK = 0
EXIT_WORK_FOUND = 1
EXIT_PROBLEM = 2
EXIT_FILES_SKIPPED = 3

PREFECT_WORD = "prefect"
_PREFECT_WORD_BYTES = re.compile(re.escape(PREFECT_WORD.encode()), re.IGNORECASE)
_LONGEST_MARK = 4  # bytes: UTF-32's byte-order mark
_WRITER_THREADS = 8
_WRITE_BATCH = 512
_SPACE_MARGIN = 16 * 2**20  # what git and the file system need besides (bytes)


class Mode(str, Enum):
    WRITE = "write"
    DRY_RUN = "dry-run"
    CHECK = "check"


_STEP_OUTPUTS = {
    Mode.WRITE: StepOutput.BYTES,
    Mode.DRY_RUN: StepOutput.PATCH,
    Mode.CHECK: StepOutput.NONE,
}


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


class Migration:
    """Discovers files, runs the pipeline, and writes, diffs or checks the result."""

    def __init__(self, request: MigrationRequest, progress: Progress = Progress()) -> None:
        self.request = request
        self.progress = progress
        self.repository: Repository | None = None
        self.results: list[FileResult] = []
        self._stops = StopRequests()
        self._pauses = PausePoints(self._stops)
        self._originals: dict[str, bytes] = {}  # the bytes of each file to write, as scanned
        self._on_disk: dict[str, bytes] = {}  # what the run last wrote into each file
        self._scratch: Path | None = None  # where temporary files go
        self._encodings: dict[str, str] = {}  # git's working-tree-encoding, by path
        self._not_checked_out = 0

    def run(self) -> MigrationOutcome:
        with self._stops:
            return self._run()

    def _run(self) -> MigrationOutcome:
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
            tracked = self.repository.tracked_files(paths)
            files = tracked.paths
            self._not_checked_out = tracked.not_checked_out
            self._encodings = self.repository.working_tree_encodings(files)
        else:
            root = paths[0] if paths[0].is_dir() else paths[0].parent
            files = folder_files(root, paths)

        if request.mode is Mode.WRITE:
            assert self.repository is not None
            with self.repository.lock():
                return self._write(root, files)
        return self._scan(root, files)

    def _uses_prefect(self, root: Path, files: list[str]) -> bool:
        """Whether the repository (all its tracked files, whatever paths were named) or the
        plain folder mentions Prefect at all. When it does not, nothing is parsed, changed or
        reported: some codemods trigger on words that are common outside Prefect code.
        ``git grep`` takes UTF-16 and UTF-32 text for binary: those files are decoded."""
        if self.repository is not None:
            if self.repository.mentions(PREFECT_WORD):
                return True
            candidates = self.repository.binary_files()
            encodings = self.repository.working_tree_encodings(candidates)
        else:
            candidates, encodings = files, {}
        binary = self.repository is not None
        return any(
            _mentions_prefect(root, name, encodings.get(name), binary) for name in candidates
        )

    def _process(self, root: Path, files: list[str]) -> MigrationOutcome:
        request = self.request
        uses_prefect = self._uses_prefect(root, files)
        to_process = files if uses_prefect else []
        self.progress.files_found(len(to_process))
        outcomes = {codemod.id: CodemodOutcome(codemod) for codemod in request.codemods}
        problems: list[FileProblem] = []
        self.results = []
        results = process_files(
            root,
            to_process,
            request.codemods,
            request.options,
            request.jobs,
            self.progress.file_done,
            _STEP_OUTPUTS[request.mode],
            report_marked=request.mode is Mode.CHECK and not request.pending_only,
            encodings=self._encodings,
        )
        places: list[Place] = []
        # A stop raised while the worker pool starts could leave workers nobody shuts down;
        # with workers, stops wait for the next result instead. Closing the generator
        # cancels the work still queued.
        try:
            with self._stops.deferred() if request.jobs > 1 else nullcontext():
                for result in results:
                    self._stops.checkpoint()
                    remember(result.secrets)
                    problems.extend(result.problems)
                    places.extend(result.places)
                    # Places listed in a file without comments come with no change too.
                    for finding in result.findings:
                        outcomes[finding.codemod_id].findings.append(finding)
                    if not result.changed:
                        continue
                    self.results.append(result)
                    for codemod_id, _ in result.steps:
                        outcomes[codemod_id].files.append(result.path)
        finally:
            results.close()
        return MigrationOutcome(
            root=root,
            is_repository=self.repository is not None,
            mode=request.mode,
            codemods=[outcomes[codemod.id] for codemod in request.codemods],
            problems=problems,
            files_scanned=len(to_process),
            prefect_target=request.options.prefect_version,
            uses_prefect=uses_prefect,
            places=places,
            not_checked_out=self._not_checked_out,
        )

    def _scan(self, root: Path, files: list[str]) -> MigrationOutcome:
        return self._process(root, files)

    def diffs(self) -> Iterator[tuple[Codemod, bytes]]:
        """Per codemod with changes, the patch that takes the tree from the previous codemod's
        result to its own (so the concatenation applies to the untouched tree). Dry runs only:
        the workers made each file's patches."""
        assert self.request.mode is Mode.DRY_RUN
        for codemod in self.request.codemods:
            patch = b"".join(
                step_patch
                for result in self.results
                for codemod_id, step_patch in result.steps
                if codemod_id == codemod.id
            )
            if patch:
                yield codemod, patch

    def _write(self, root: Path, files: list[str]) -> MigrationOutcome:
        request = self.request
        repository = self.repository
        assert repository is not None
        start: str | None = None
        identity: Identity | None = None
        if request.commit:
            repository.refuse_operation_in_progress()
            start = repository.head_commit()
            identity = repository.identity(request.author)
        journal = RunJournal(repository.git_dir)
        killed = journal.killed_run()
        if not request.allow_dirty:
            dirty = repository.dirty_paths()
            if dirty and killed is not None:
                head = repository.head_commit()
                raise UsageProblem(killed.advice(head, [path for _, path in dirty]))
            if dirty:
                listing = "\n".join(
                    f"  {escaped(f'{status} {path}')}" for status, path in dirty[:20]
                )
                more = f"\n  ... and {len(dirty) - 20} more" if len(dirty) > 20 else ""
                raise UsageProblem(
                    "the working tree has uncommitted changes to tracked files:\n"
                    f"{listing}{more}\nCommit or stash them, or pass --allow-dirty "
                    "(which writes the migration without committing it)."
                )
        journal.end()  # what a killed run left is cleaned up, or was in a clean tree
        self._pauses.reached("checked")
        outcome = self._process(root, files)
        self._pauses.reached("scanned")
        if not request.allow_dirty:
            self._refuse_edited_during_scan()
        self._refuse_unwritable(root)
        self._refuse_short_of_space(root)
        self._scratch = journal.scratch
        with self._stops.deferred():
            try:
                for result in self.results:
                    self._stops.checkpoint()
                    _refuse_changed_since_scan(root, result)
                    self._originals[result.path] = result.original
                journal.begin(root, start, sorted(self._originals))
                if not request.commit:
                    self._write_files(root, {r.path: r.steps[-1][1] for r in self.results})
                elif repository.needs_git_commit(sorted(self._originals), request.run_hooks):
                    assert identity is not None
                    self._write_and_commit_each(root, outcome, identity)
                else:
                    assert start is not None and identity is not None
                    self._commit_then_write(root, outcome, start, identity)
            except BaseException as error:
                left = self._put_back(root, start)
                head = f" and HEAD is at {start[:10]} again" if start else ""
                state = (
                    f"the files the run wrote were put back as they were{head}, with these "
                    f"exceptions:\n{left}"
                    if left
                    else f"nothing was changed: every file was put back as it was{head}."
                )
                if isinstance(error, Interrupted) and left:
                    error.aftermath = f"the run stopped; {state}"
                if isinstance(error, Interrupted):
                    raise
                if isinstance(error, ChangedOnDisk):
                    raise RepositoryProblem(
                        f"{escaped(error.path)} changed while the migration was running; it "
                        f"was not overwritten. The run stopped; {state}\nRun migrate again."
                    ) from error
                if isinstance(error, OSError):
                    raise RepositoryProblem(f"writing failed ({error}); {state}") from error
                if isinstance(error, RepositoryProblem):
                    raise RepositoryProblem(f"{error}\nThe run stopped; {state}") from error
                raise
            finally:
                journal.end()
            self._stops.finish()
        outcome.committed = request.commit
        outcome.late_stop = self._stops.pending
        return outcome

    def _refuse_edited_during_scan(self) -> None:
        """The tree was clean when the run began: a file saved since (before the scan read
        it, or while the run was paused) would be migrated, edit and all, into the run's
        commits. Later saves are caught by the comparison before each write."""
        assert self.repository is not None
        dirty = self.repository.dirty_paths()
        if dirty:
            raise RepositoryProblem(
                f"{escaped(dirty[0][1])} changed while the migration was running; nothing was "
                "written. Run migrate again."
            )

    def _refuse_unwritable(self, root: Path) -> None:
        """Everything the writes and commits need, checked before the first write."""
        if not self.results:
            return
        assert self.repository is not None
        if self.request.commit:
            self.repository.refuse_unwritable()
        folders = unwritable_folders(root, (result.path for result in self.results))
        if folders:
            listing = ", ".join(escaped(folder) for folder in folders[:5])
            raise RepositoryProblem(
                f"cannot write files in {listing}{', ...' if len(folders) > 5 else ''}; make "
                "these folders writable for this user and run migrate again. Nothing was written."
            )

    def _refuse_short_of_space(self, root: Path) -> None:
        """Refuses a run the disk cannot hold, estimated from above: a new copy of every file
        to write, and with commits, every version of each file as a git object (stored
        compressed, counted whole)."""
        if not self.results:
            return
        assert self.repository is not None
        needs = {root: sum(len(result.steps[-1][1]) for result in self.results)}
        if self.request.commit:
            objects = self.repository.objects_folder
            blobs = sum(len(data) for result in self.results for _, data in result.steps)
            if objects.stat().st_dev == root.stat().st_dev:
                needs[root] += blobs
            else:
                needs[objects] = blobs
        for folder, needed in needs.items():
            free = shutil.disk_usage(folder).free
            if needed + _SPACE_MARGIN > free:
                raise RepositoryProblem(
                    f"not enough free space: the run needs about {_megabytes(needed)} MB on "
                    f"the file system of {escaped(str(folder))}, which has {_megabytes(free)} "
                    "MB free. Free some space and run migrate again. Nothing was written."
                )

    def _snapshots(self, codemod_id: str, paths: list[str]) -> dict[str, bytes]:
        """The bytes of ``paths`` as the codemod ``codemod_id`` left them."""
        return {change.path: change.after for change in self._changes(codemod_id, paths)}

    def _changes(self, codemod_id: str, paths: list[str]) -> list[FileChange]:
        """``paths`` as they were before the codemod ``codemod_id`` and as it left them."""
        by_path = {result.path: result for result in self.results}
        changes = []
        for path in paths:
            result = by_path[path]
            before = result.original
            for step, data in result.steps:
                if step == codemod_id:
                    changes.append(FileChange(path, before, data))
                    break
                before = data
        return changes

    def _commit_message(self, outcome: CodemodOutcome) -> str:
        changes = self._changes(outcome.codemod.id, outcome.files)
        return commit_message(outcome.codemod, changes, outcome.findings)

    def _commit_then_write(
        self, root: Path, outcome: MigrationOutcome, start: str, identity: Identity
    ) -> None:
        """Builds every codemod's commit from the snapshots, writes each file's final version
        once (while git builds the commits), then moves the branch: the work tree is touched
        once per file, and HEAD moves once."""
        assert self.repository is not None
        changed = outcome.changed
        if not changed:
            return
        commits = [
            (self._commit_message(item), self._snapshots(item.codemod.id, item.files))
            for item in changed
        ]
        committed_shas: list[str] = []

        def committed(sha: str) -> None:  # called by build_commits after each commit
            codemod_outcome = changed[len(committed_shas)]
            codemod_outcome.commit = sha
            committed_shas.append(sha)
            self.progress.codemod_written(codemod_outcome)
            self._stops.checkpoint()
            self._pauses.reached("committed")

        final = {result.path: result.steps[-1][1] for result in self.results}
        if self._pauses.active:  # the debugging hook shows one step after the other
            self.repository.build_commits(start, commits, identity, committed)
            self._write_files(root, final)
        else:  # git builds the commits while the files are written
            with ThreadPoolExecutor(1) as builder:
                building = builder.submit(
                    self.repository.build_commits, start, commits, identity, committed
                )
                self._write_files(root, final)
                building.result()
        self._stops.checkpoint()
        self.repository.move_branch(
            committed_shas[-1], start, f"prefect1-migrate: {len(committed_shas)} commits"
        )
        self._stops.finish()  # every commit is in place: a stop no longer undoes them
        self._pauses.reached("branch-moved")
        self.repository.stage_as_committed(sorted(final))

    def _write_and_commit_each(
        self, root: Path, outcome: MigrationOutcome, identity: Identity
    ) -> None:
        """Codemod by codemod: writes its snapshots and runs ``git commit`` (its hooks see
        each commit's files in the work tree, and git applies its filters)."""
        assert self.repository is not None
        for codemod_outcome in outcome.changed:
            contents = self._snapshots(codemod_outcome.codemod.id, codemod_outcome.files)
            self._write_files(root, contents)
            self._stops.checkpoint()
            codemod_outcome.commit = self.repository.commit(
                contents, self._commit_message(codemod_outcome), identity, self.request.run_hooks
            )
            self.progress.codemod_written(codemod_outcome)
            self._pauses.reached("committed")

    def _write_files(self, root: Path, contents: dict[str, bytes]) -> None:
        """Writes every file atomically, several at a time (each write waits for the disk).
        A stop request or a failed write lets the writes under way finish and starts no
        others. With the ``file-written`` pause point requested, one file at a time."""
        if self._pauses.wants("file-written"):
            for path, data in contents.items():
                self._stops.checkpoint()
                self._replace(root, path, data)
                self._pauses.reached("file-written")
            return
        failed = threading.Event()

        def write(item: tuple[str, bytes]) -> None:
            if self._stops.pending or failed.is_set():
                return
            try:
                self._replace(root, *item)
            except BaseException:
                failed.set()
                raise

        items = list(contents.items())
        with ThreadPoolExecutor(_WRITER_THREADS) as writers:
            for batch in range(0, len(items), _WRITE_BATCH):  # bounded: one future per file
                for _ in writers.map(write, items[batch : batch + _WRITE_BATCH]):
                    pass
        self._stops.checkpoint()

    def _replace(self, root: Path, path: str, data: bytes) -> None:
        """Writes ``data`` into the file at ``path`` if it still holds what the run last
        saw there (its scanned bytes, or what the run wrote into it before)."""
        expected = self._on_disk.get(path, self._originals[path])
        write_atomic(root, path, data, expected, self._scratch)
        self._on_disk[path] = data

    def _put_back(self, root: Path, start: str | None) -> str:
        """Undoes a run that failed or was stopped while writing, as far as it can without
        ever overwriting what the run did not write: HEAD and the index back at ``start``,
        and each file the run wrote back as it was, if it still holds what the run wrote.
        Carries on past each failure. Returns what it could not put back and what to do
        about it, a line each ("" when everything is back). Stop requests stay deferred
        meanwhile."""
        left: list[str] = []
        foreign: list[str] = []
        if start is not None:
            assert self.repository is not None
            try:
                foreign = self.repository.restore(start, list(self._on_disk))
            except RepositoryProblem as failure:
                left.append(
                    f"HEAD and the index could not be put back ({failure}); run "
                    f"git reset --quiet {start} (it leaves the files alone)"
                )
        for path in sorted(self._on_disk):
            try:
                write_atomic(root, path, self._originals[path], self._on_disk[path], self._scratch)
            except ChangedOnDisk:
                foreign.append(path)
            except OSError as failure:
                name = shlex.quote(escaped(path))
                undo = (
                    f"once that is fixed, run: git checkout {start} -- {name}"
                    if start
                    else f"git diff -- {name} shows what to undo by hand"
                )
                left.append(
                    f"{escaped(path)} still holds the migration ({failure.strerror or failure}); "
                    + undo
                )
        left += [
            f"{escaped(path)} was changed during the run, by a hook or by someone else: it was "
            "left as it is (see git diff)"
            for path in sorted(foreign)
        ]
        return "\n".join(f"  {line}" for line in left)


def _refuse_changed_since_scan(root: Path, result: FileResult) -> None:
    """A file edited by someone else while the run was scanning stops the run before its
    first write (each write checks again, just before it replaces the file)."""
    try:
        current = (root / result.path).read_bytes()
    except OSError as error:
        raise UnsafePath(f"{result.path} cannot be read any more: {error.strerror}") from error
    if current != result.original:
        raise ChangedOnDisk(result.path)


def _mentions_prefect(root: Path, path: str, git_encoding: str | None, binary: bool) -> bool:
    """Whether the file says "prefect" in any letter case, in whatever encoding its mark or
    git's attribute names. A file git takes for ``binary`` is text only with one of those,
    and is read no further than its first bytes without."""
    try:
        with inside(root, path).open("rb") as handle:
            data = handle.read(_LONGEST_MARK)
            encoding = declared_encoding(data, git_encoding)
            if encoding is None and binary:
                return False
            data += handle.read()
    except OSError:
        return False
    if encoding is not None:
        try:
            data = decode(data, encoding).text.encode()
        except UndecodableFile:
            return False
    return _PREFECT_WORD_BYTES.search(data) is not None


def _megabytes(size: int) -> int:
    return -(-size // 2**20)


__all__ = [
    "EXIT_FILES_SKIPPED",
    "EXIT_OK",
    "EXIT_PROBLEM",
    "EXIT_WORK_FOUND",
    "Migration",
    "MigrationOutcome",
    "MigrationRequest",
    "Mode",
    "RepositoryProblem",
    "UsageProblem",
]
