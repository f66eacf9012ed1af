"""The reading half of a run: whether the files mention Prefect at all, the pipeline over
them (:func:`prefect1_migrate.pipeline.process_files`) gathered into a
:class:`prefect1_migrate.outcome.MigrationOutcome`, and a dry run's patches."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import nullcontext
from pathlib import Path

from prefect1_migrate.codemod import Codemod
from prefect1_migrate.gitops import Repository
from prefect1_migrate.interrupts import PausePoints, StopRequests
from prefect1_migrate.outcome import (
    NO_PROGRESS,
    CodemodOutcome,
    MigrationOutcome,
    MigrationRequest,
    Mode,
    Progress,
)
from prefect1_migrate.pipeline import FileProblem, FileResult, Place, StepOutput, process_files
from prefect1_migrate.redaction import remember
from prefect1_migrate.sourcefile import UndecodableFile, declared_encoding, decode
from prefect1_migrate.workspace import inside

PREFECT_WORD = "prefect"
_PREFECT_WORD_BYTES = re.compile(re.escape(PREFECT_WORD.encode()), re.IGNORECASE)
_LONGEST_MARK = 4  # bytes: UTF-32's byte-order mark

_STEP_OUTPUTS = {
    Mode.WRITE: StepOutput.BYTES,
    Mode.DRY_RUN: StepOutput.PATCH,
    Mode.CHECK: StepOutput.NONE,
}


class ScanningRun:
    """Runs the pipeline over a run's files and keeps what it found (``results``)."""

    def __init__(self, request: MigrationRequest, progress: Progress = NO_PROGRESS) -> None:
        self.request = request
        self.progress = progress
        self.repository: Repository | None = None
        self.results: list[FileResult] = []
        self._stops = StopRequests()
        self._pauses = PausePoints(self._stops)
        self._encodings: dict[str, str] = {}  # git's working-tree-encoding, by path
        self._not_checked_out = 0

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
