"""A migrated repository installs a Prefect 1.x that works (issue 14, proof).

Each test installs a requirements file into a fresh virtualenv (cached under
``.cache/install-envs/`` by its requirement lines: ``tests/realprefect/install_envs.py``) and
runs ``checkers/check_install.py`` there: a flow with a Parameter, mapped tasks and a cron +
interval schedule is validated, serialized (what registering sends) and run with the Local,
LocalDask and Dask executors, schedules give their next runs, and the CLI commands users run
succeed. Pinned alone, as the prefect-pins codemod wrote it before the companion pins,
``prefect==1.4.1`` resolves marshmallow 4 and pendulum 3 and fails; the example project's
``requirements.txt`` as the codemod writes it now (with the companions of
``codemods/_companions.py``) passes every step.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from conftest import EXAMPLE_PROJECT
from realprefect.install_envs import cached_env, check_install, failed_steps

from codemods._companions import companion_requirements, python_range
from prefect1_migrate.codemod import DEFAULT_PREFECT_TARGET, MigrationOptions
from prefect1_migrate.pipeline import FileProcessor
from prefect1_migrate.registry import codemod_by_id

pytestmark = pytest.mark.real_prefect


def test_prefect_pinned_alone_cannot_register_or_schedule(tmp_path: Path) -> None:
    requirements = tmp_path / "requirements.txt"
    requirements.write_text(f"prefect=={DEFAULT_PREFECT_TARGET}\n", encoding="utf-8")
    answer = check_install(cached_env(requirements), dask_cluster=False)

    assert answer["versions"]["prefect"] == DEFAULT_PREFECT_TARGET
    assert answer["versions"]["marshmallow"].startswith("4.")
    assert answer["versions"]["pendulum"].startswith("3.")
    failed = failed_steps(answer)
    assert failed.keys() == {"serialize", "cron next(3)"}
    assert failed["serialize"] == "AttributeError: 'Nested' object has no attribute 'context'"
    assert failed["cron next(3)"] == (
        "AttributeError: module 'pendulum.tz' has no attribute '_Timezone'"
    )


def test_example_requirements_as_migrated_install_a_prefect_that_works(tmp_path: Path) -> None:
    oldest, newest = python_range(DEFAULT_PREFECT_TARGET)
    assert oldest <= sys.version_info[:2] <= newest, "the envs are built with this Python"
    shutil.copy(EXAMPLE_PROJECT / "requirements.txt", tmp_path)
    processor = FileProcessor(tmp_path, [codemod_by_id("prefect-pins")], MigrationOptions())
    outcome = processor.process("requirements.txt")
    migrated = outcome.steps[-1][1].decode()
    (tmp_path / "requirements.txt").write_text(migrated, encoding="utf-8")

    for name, specifier in companion_requirements(DEFAULT_PREFECT_TARGET):
        assert f"\n{name}{specifier}" in migrated
    answer = check_install(cached_env(tmp_path / "requirements.txt"))
    assert answer["versions"]["prefect"] == DEFAULT_PREFECT_TARGET
    assert "run DaskExecutor" in answer["planned"]
    assert failed_steps(answer) == {}
