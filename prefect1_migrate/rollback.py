"""Putting back a run that failed or was stopped while writing: HEAD and the index at the
starting commit, and each file the run wrote as it was, never overwriting what the run did
not write (a journal in ``.git``, :mod:`prefect1_migrate.journal`, covers a run killed
outright)."""

from __future__ import annotations

import shlex
from pathlib import Path

from prefect1_migrate.escaping import escaped
from prefect1_migrate.gitops import Repository, RepositoryProblem
from prefect1_migrate.workspace import ChangedOnDisk, write_atomic


def put_back(
    repository: Repository | None,
    root: Path,
    start: str | None,
    originals: dict[str, bytes],
    on_disk: dict[str, bytes],
    scratch: Path | None,
) -> str:
    """Undoes a run that failed or was stopped while writing, as far as it can without
    ever overwriting what the run did not write: HEAD and the index back at ``start``,
    and each file the run wrote back as it was, if it still holds what the run wrote.
    Carries on past each failure. Returns what it could not put back and what to do
    about it, a line each ("" when everything is back). The caller keeps stop requests
    deferred meanwhile."""
    left: list[str] = []
    foreign: list[str] = []
    if start is not None:
        assert repository is not None
        try:
            foreign = repository.restore(start, list(on_disk))
        except RepositoryProblem as failure:
            left.append(
                f"HEAD and the index could not be put back ({failure}); run "
                f"git reset --quiet {start} (it leaves the files alone)"
            )
    for path in sorted(on_disk):
        try:
            write_atomic(root, path, originals[path], on_disk[path], scratch)
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
