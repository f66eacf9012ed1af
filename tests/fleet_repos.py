"""Real git repositories for the fleet tests, made from the golden cases and example projects."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

import conftest
from conftest import EXAMPLE_PROJECT, FIXTURES, commit_all, init_repo

from prefect1_migrate.fleet.command import FleetRequest, run_fleet

GOLDEN = FIXTURES / "codemods"
EXECUTORS = GOLDEN / "imports-moved" / "executors-every-style" / "before"
REGISTER_CI = GOLDEN / "cli-register" / "ci-yaml" / "before"
ENVIRONMENTS = GOLDEN / "environments-to-run-configs" / "argument-variants" / "before"
REGISTER_AFTER = GOLDEN / "cli-register" / "guide-example" / "after"
EXECUTORS_AFTER = GOLDEN / "imports-moved" / "executors-every-style" / "after"
PINS = GOLDEN / "prefect-pins"
HELPERS_PROJECT = FIXTURES / "example-project-helpers"
BRANCH = "prefect-1.0-migration"
MARKER = "TODO(prefect-1.0)"


def git(repo: Path, *args: str) -> str:
    """git's output, without the final newline."""
    return conftest.git(repo, *args).strip()


def source_repo(path: Path, content: Path | None = None) -> Path:
    """A committed repository at ``path`` on ``main`` holding ``content``'s files."""
    init_repo(path)
    if content is not None:
        shutil.copytree(content, path, dirs_exist_ok=True)
    else:
        (path / "README.md").write_text("Nothing about workflows here.\n")
    commit_all(path)
    return path


def first_case(codemod: str) -> Path:
    """The codemod's first transforming golden case's ``before`` folder."""
    cases = sorted(p for p in (GOLDEN / codemod).iterdir() if not p.name.startswith("noop"))
    return cases[0] / "before"


def repos_file(folder: Path, lines: list[str]) -> Path:
    path = folder / "repos.txt"
    path.write_text("# the campaign\n" + "\n".join(lines) + "\n")
    return path


def fleet(repos: Path, **options: object) -> tuple[int, list[str]]:
    """``prefect1-migrate fleet`` in this process (``--jobs 1`` runs the work here too)."""
    printed: list[str] = []
    request = FleetRequest(repos, **{"jobs": 1, "retry_delay": 0.01, **options})  # type: ignore[arg-type]
    return run_fleet(request, printed.append), printed


def states(campaign: Path) -> dict[str, tuple[str, int, int | None, str | None]]:
    """folder -> (state, commits, markers left, reason) from the state database."""
    with sqlite3.connect(campaign / "state.sqlite") as db:
        rows = db.execute("SELECT folder, state, commits, markers, reason FROM repositories")
        return {row[0]: (row[1], row[2], row[3], row[4]) for row in rows}


def attempts(campaign: Path, folder: str) -> list[tuple[int, str, str | None]]:
    """(run, action, state) of every attempt on the repository, oldest first."""
    with sqlite3.connect(campaign / "state.sqlite") as db:
        return list(
            db.execute(
                "SELECT run_id, action, attempts.state FROM attempts JOIN repositories "
                "USING (key) WHERE folder = ? ORDER BY attempts.id",
                (folder,),
            )
        )


def steps(campaign: Path, folder: str, operation: str) -> list[tuple[int, int, str]]:
    """(try, ok, detail) of every try of ``operation`` on the repository."""
    with sqlite3.connect(campaign / "state.sqlite") as db:
        return list(
            db.execute(
                "SELECT try, ok, detail FROM steps JOIN attempts ON attempts.id = attempt_id "
                "JOIN repositories USING (key) WHERE folder = ? AND operation = ? "
                "ORDER BY steps.rowid",
                (folder, operation),
            )
        )


def branch_history(repo: Path, branch: str = BRANCH) -> list[str]:
    """Each commit of the branch since ``main``: its tree and message (no dates, no sha)."""
    log = git(repo, "log", "--format=%T%n%B%x00", f"main..{branch}")
    return [entry.strip() for entry in log.split("\0") if entry.strip()]


def markers_on(repo: Path, ref: str) -> int:
    """The TODO(prefect-1.0) lines git grep finds at ``ref``."""
    found = subprocess.run(
        ["git", "grep", "-c", "--fixed-strings", MARKER, ref, "--"],
        cwd=repo,
        capture_output=True,
        text=True,
    )
    assert found.returncode in (0, 1), found.stderr  # 1: none found
    return sum(int(line.rsplit(":", 1)[1]) for line in found.stdout.splitlines())


__all__ = ["EXAMPLE_PROJECT", "HELPERS_PROJECT", "git"]
