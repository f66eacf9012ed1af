"""The example projects, migrated by the real command line, checked against real Prefect.

``fixtures/example-project`` (one team's repository: flows, CLI scripts, config, images) and
``fixtures/example-project-helpers`` (a package whose flows get their Prefect classes from a
compat package and their environments and storage from a helper module, a deploy script and
tests reading flow attributes) are each copied into a temporary git repository and migrated
with ``python -m prefect1_migrate migrate <repo>``; an untouched copy is the before tree. Then
the golden checks run on each pair (one batch: one checker subprocess per Prefect version and
check kind for both), with every file of the migrated tree checked (not only the ones that
changed) and with no Prefect deprecation warning allowed while its flows build on 1.4.1.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
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


#: Each example project and what Prefect 1.4.1 must read from its migrated TOML files.
PROJECTS: dict[str, tuple[Path, dict[str, dict[str, object]]]] = {
    "example-project": (EXAMPLE_PROJECT, EXPECTED_CONFIG),
    "example-project-helpers": (EXAMPLE_PROJECT.parent / "example-project-helpers", {}),
}


@dataclass(frozen=True)
class Examples:
    batch: Batch
    migrations: dict[str, Migration]
    repos: dict[str, Path]


@pytest.fixture(scope="module")
def examples(tmp_path_factory: pytest.TempPathFactory) -> Examples:
    migrations: dict[str, Migration] = {}
    repos: dict[str, Path] = {}
    for name, (project, expected_config) in PROJECTS.items():
        work = tmp_path_factory.mktemp(name)
        before = work / "before"
        shutil.copytree(project, before)
        repo = init_repo(work / "repo")
        shutil.copytree(project, repo, dirs_exist_ok=True)
        commit_all(repo)
        completed = run_cli("migrate", str(repo), "--quiet")
        assert completed.returncode == 0, completed.stderr.decode(errors="replace")[-2000:]
        after = Tree(repo)
        migrations[name] = Migration(
            name,
            Tree(before),
            after,
            checked=tuple(after.files),
            expected_config=expected_config,
            complete=True,
        )
        repos[name] = repo
    return Examples(Batch(list(migrations.values())), migrations, repos)


@pytest.mark.parametrize("project", PROJECTS)
def test_example_migration_committed_everything(examples: Examples, project: str) -> None:
    migration, repo = examples.migrations[project], examples.repos[project]
    assert git(repo, "status", "--porcelain") == ""
    assert int(git(repo, "rev-list", "--count", "HEAD")) > 1, "migrate made no commit"
    assert migration.after is not None and migration.after.files == migration.before.files


def _checks() -> list[object]:
    """(project, check) for each check that has something to look at in the project (the
    migrated tree has the same files)."""
    parameters = []
    for name, (project, _) in PROJECTS.items():
        tree = Tree(project)
        stand_in = Migration(name, tree, tree, checked=tuple(tree.files), complete=True)
        parameters += [
            pytest.param(name, check, id=f"{name}:{check_name}")
            for check_name, applies, check in CHECKS
            if applies(stand_in)
        ]
    return parameters


@pytest.mark.parametrize(("project", "check"), _checks())
def test_example_project_on_real_prefect(examples: Examples, project: str, check: Check) -> None:
    failures = check(examples.batch, examples.migrations[project])
    assert not failures, "\n".join(failures)
