"""The example project, migrated by the real command line, checked against real Prefect.

``fixtures/example-project`` is copied into a temporary git repository and migrated with
``python -m prefect1_migrate migrate <repo>``; an untouched copy is the before tree. Then the
golden checks run on the pair, with every file of the migrated tree checked (not only the ones
that changed) and with no Prefect deprecation warning allowed while its flows build on 1.4.1.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import EXAMPLE_PROJECT, commit_all, git, init_repo, run_cli
from realprefect.checks import CHECKS, Batch, Check
from realprefect.sources import Migration, Tree

pytestmark = pytest.mark.real_prefect

# What Prefect 1.4.1 must read from the migrated config.toml: logs stay off (they were off
# through logging.log_to_cloud), the old user token now sits in the API key slot (with a
# TODO that it must become a real key), and the default executor resolves.
EXPECTED_CONFIG = {
    "config.toml": {
        "cloud.send_flow_run_logs": False,
        "cloud.api_key": "placeholder-user-token",
        "engine.executor.default_class": "prefect.executors.LocalDaskExecutor",
    }
}


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> tuple[Batch, Migration, Path]:
    work = tmp_path_factory.mktemp("example")
    before = work / "before"
    shutil.copytree(EXAMPLE_PROJECT, before)
    repo = init_repo(work / "repo")
    shutil.copytree(EXAMPLE_PROJECT, repo, dirs_exist_ok=True)
    commit_all(repo)
    completed = run_cli("migrate", str(repo), "--quiet")
    assert completed.returncode == 0, completed.stderr.decode(errors="replace")[-2000:]
    after = Tree(repo)
    migration = Migration(
        "example-project",
        Tree(before),
        after,
        checked=tuple(after.files),
        expected_config=EXPECTED_CONFIG,
        complete=True,
    )
    return Batch([migration]), migration, repo


def test_example_migration_committed_everything(
    example: tuple[Batch, Migration, Path],
) -> None:
    _, migration, repo = example
    assert git(repo, "status", "--porcelain") == ""
    assert int(git(repo, "rev-list", "--count", "HEAD")) > 1, "migrate made no commit"
    assert migration.after is not None and migration.after.files == migration.before.files


def _checks() -> list[object]:
    """The checks that have something to look at (the migrated tree has the same files)."""
    project = Tree(EXAMPLE_PROJECT)
    stand_in = Migration(
        "example-project", project, project, checked=tuple(project.files), complete=True
    )
    return [pytest.param(check, id=name) for name, applies, check in CHECKS if applies(stand_in)]


@pytest.mark.parametrize("check", _checks())
def test_example_project_on_real_prefect(
    example: tuple[Batch, Migration, Path], check: Check
) -> None:
    batch, migration, _ = example
    failures = check(batch, migration)
    assert not failures, "\n".join(failures)
