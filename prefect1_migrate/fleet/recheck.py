"""Progress measured, not assumed: ``migrate --check`` (the same run, in process) on the
migration branch and on the default branch."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from prefect1_migrate.codemod import MigrationOptions
from prefect1_migrate.fleet import checkout
from prefect1_migrate.fleet.model import DefaultBranchCheck, FleetOptions
from prefect1_migrate.migrate import Migration, MigrationRequest, Mode
from prefect1_migrate.registry import all_codemods


class CheckCount(NamedTuple):
    places: int  # what --check prints: places to rewrite or mark, existing markers
    unreadable: int  # files that cannot be read or parsed


def check_places(
    root: Path, options: FleetOptions, pending_only: bool, paths: list[Path] | None = None
) -> CheckCount:
    """What ``migrate --check`` finds in the checkout at ``root`` (with ``pending_only``,
    only what a run of migrate would change), under ``paths`` if given."""
    request = MigrationRequest(
        paths=paths if paths is not None else [root],
        codemods=all_codemods(),
        mode=Mode.CHECK,
        options=MigrationOptions(prefect_version=options.prefect_version),
        pending_only=pending_only,
    )
    outcome = Migration(request).run()
    return CheckCount(len(outcome.places), len(outcome.problems))


def check_default_branch(
    worktree: Path, options: FleetOptions, base: str, tip: str, default: str
) -> DefaultBranchCheck:
    """Whether the branch at ``tip`` was merged into the default branch's commit ``default``,
    and the 0.x places a migration would change there that came after the branch was made:
    once merged, every such place (and all that ``--check`` finds there); before, those in
    the files changed since ``base``. The worktree is left at ``tip`` again."""
    merged = checkout.contains(worktree, tip, default)
    left: int | None = None
    checkout.detach(worktree, default)
    try:
        if merged:
            new_places = check_places(worktree, options, pending_only=True).places
            left = check_places(worktree, options, pending_only=False).places
        else:
            changed = [
                worktree / name
                for name in checkout.changed_files(worktree, base, default)
                if (worktree / name).is_file()
            ]
            new_places = check_places(worktree, options, True, changed).places if changed else 0
    finally:
        checkout.detach(worktree, tip)
    return DefaultBranchCheck(merged=merged, new_places=new_places, left=left)
