"""The writing half of a run: the checks before the first write, every codemod's commit built
from the snapshots (or written and committed one by one when hooks or git's filters must see
the files), each file written once, atomically, and, should anything fail or stop the run,
everything put back (:mod:`prefect1_migrate.rollback`)."""

from __future__ import annotations

import shutil
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from prefect1_migrate.commitmsg import FileChange, commit_message
from prefect1_migrate.escaping import escaped
from prefect1_migrate.gitops import Identity, RepositoryProblem
from prefect1_migrate.interrupts import Interrupted
from prefect1_migrate.journal import RunJournal
from prefect1_migrate.outcome import (
    NO_PROGRESS,
    CodemodOutcome,
    MigrationOutcome,
    MigrationRequest,
    Progress,
    UsageProblem,
)
from prefect1_migrate.pipeline import FileResult
from prefect1_migrate.rollback import put_back
from prefect1_migrate.scanning import ScanningRun
from prefect1_migrate.workspace import ChangedOnDisk, UnsafePath, unwritable_folders, write_atomic

_WRITER_THREADS = 8
_WRITE_BATCH = 512
_SPACE_MARGIN = 16 * 2**20  # what git and the file system need besides (bytes)


class WritingRun(ScanningRun):
    """A run that writes what the scan found, with its commits."""

    def __init__(self, request: MigrationRequest, progress: Progress = NO_PROGRESS) -> None:
        super().__init__(request, progress)
        self._originals: dict[str, bytes] = {}  # the bytes of each file to write, as scanned
        self._on_disk: dict[str, bytes] = {}  # what the run last wrote into each file
        self._scratch: Path | None = None  # where temporary files go

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
                left = put_back(
                    self.repository, root, start, self._originals, self._on_disk, self._scratch
                )
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


def _refuse_changed_since_scan(root: Path, result: FileResult) -> None:
    """A file edited by someone else while the run was scanning stops the run before its
    first write (each write checks again, just before it replaces the file)."""
    try:
        current = (root / result.path).read_bytes()
    except OSError as error:
        raise UnsafePath(f"{result.path} cannot be read any more: {error.strerror}") from error
    if current != result.original:
        raise ChangedOnDisk(result.path)


def _megabytes(size: int) -> int:
    return -(-size // 2**20)
