"""One migration run, from file discovery to commits; the command line only presents it.

:class:`Migration` finds the files and runs one half or the other: reading them
(:mod:`prefect1_migrate.scanning`: ``--check`` and ``--dry-run`` stop there) or also writing
and committing the result (:mod:`prefect1_migrate.writing`, put back on failure by
:mod:`prefect1_migrate.rollback`). The request and outcome types live in
:mod:`prefect1_migrate.outcome` and are importable from here too."""

from __future__ import annotations

from pathlib import Path

from prefect1_migrate.gitops import NotARepository, Repository, RepositoryProblem
from prefect1_migrate.outcome import (
    EXIT_FILES_SKIPPED,
    EXIT_OK,
    EXIT_PROBLEM,
    EXIT_WORK_FOUND,
    CodemodOutcome,
    MigrationOutcome,
    MigrationRequest,
    Mode,
    Progress,
    UsageProblem,
)
from prefect1_migrate.workspace import folder_files
from prefect1_migrate.writing import WritingRun


class Migration(WritingRun):
    """Discovers files, runs the pipeline, and writes, diffs or checks the result."""

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

    def _scan(self, root: Path, files: list[str]) -> MigrationOutcome:
        return self._process(root, files)


__all__ = [
    "EXIT_FILES_SKIPPED",
    "EXIT_OK",
    "EXIT_PROBLEM",
    "EXIT_WORK_FOUND",
    "CodemodOutcome",
    "Migration",
    "MigrationOutcome",
    "MigrationRequest",
    "Mode",
    "Progress",
    "RepositoryProblem",
    "UsageProblem",
]
