"""JSON files have no comments: a place needing a human is listed (path:line) in the commit
message, the report and ``--check`` instead of getting a marker (issues 11 and 13)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from conftest import git, run_cli

from tests.codemods.tools import review_entries, run_codemod

_REGISTER_GONE = "`prefect register flow` does not work on Prefect 1.x"

# cli-agent cannot read the options of a fargate agent behind ``$EXTRA`` and no codemod
# rewrites a dotted executor path outside an environment variable: both stay as they are.
_PACKAGE = """{
  "config": {"executor": "prefect.engine.executors.DaskExecutor"},
  "scripts": {
    "agent": "prefect agent fargate start --cpu 1 $EXTRA"
  }
}
"""


def test_the_residual_pass_lists_a_json_place_and_changes_no_byte() -> None:
    result = run_codemod("residual-0x-uses", _PACKAGE, "package.json")
    assert not result.steps and not result.problems
    assert [line for line, _ in review_entries(result)] == [2, 4]
    assert all(message.startswith("`prefect") for _, message in review_entries(result))


def test_a_place_listed_by_a_codemod_is_not_listed_again_by_the_residual_pass() -> None:
    from prefect1_migrate.codemod import MigrationOptions
    from prefect1_migrate.pipeline import FileProcessor
    from prefect1_migrate.registry import codemod_by_id

    codemods = [codemod_by_id("cli-agent"), codemod_by_id("residual-0x-uses")]
    processor = FileProcessor(Path("/nonexistent"), codemods, MigrationOptions())
    result = processor.process_source("package.json", _PACKAGE.encode())
    by_line = [(finding.line, finding.codemod_id) for finding in result.findings]
    assert by_line == [(2, "residual-0x-uses"), (4, "cli-agent")]


def test_migrate_lists_json_places_in_its_commit_and_check_fails_on_them(
    make_repo: Callable[..., Path], tmp_path: Path
) -> None:
    repo = make_repo(
        files={
            "package.json": _PACKAGE,
            "run.sh": "prefect agent fargate start $EXTRA\n",
            ".env": "EXECUTOR=prefect.engine.executors.DaskExecutor\n",
        }
    )
    report = tmp_path / "report.json"
    migrated = run_cli("migrate", "--jobs", "1", "--report", str(report), ".", cwd=repo)
    assert migrated.returncode == 0, migrated.stderr.decode()
    assert (repo / "package.json").read_text() == _PACKAGE  # no byte changed
    residual = git(repo, "log", "-1", "--format=%B")
    assert "Codemod: residual-0x-uses" in residual
    assert "\npackage.json\n  2: `prefect.engine.executors" in residual
    agent = git(repo, "log", "--format=%B", "--grep=Codemod: cli-agent")
    assert "\npackage.json\n  4: could not read the options" in agent
    listed = {
        (entry["path"], entry["line"])
        for item in json.loads(report.read_text())["codemods"]
        for entry in item["review"]
    }
    assert {("package.json", 2), ("package.json", 4)} <= listed
    assert "package.json:2: `prefect.engine.executors" in migrated.stdout.decode()

    checked = run_cli("migrate", "--check", ".", cwd=repo)
    assert checked.returncode == 1
    out = checked.stdout.decode()
    assert "package.json:2: listed (no comments here): `prefect.engine.executors" in out
    assert "package.json:4: listed (no comments here): could not read" in out
    pending = run_cli("migrate", "--check", "--pending-only", ".", cwd=repo)
    assert pending.returncode == 0, pending.stdout.decode()
