"""A migrated repository installs a Prefect 1.x that works (issue 14, proof).

Each test installs a requirements file into a fresh virtualenv (cached under
``.cache/install-envs/`` by its requirement lines: ``tests/realprefect/install_envs.py``) and
runs ``checkers/check_install.py`` there: a flow with a Parameter, mapped tasks and a cron +
interval schedule is validated, serialized (what registering sends) and run with the Local,
LocalDask and Dask executors, schedules give their next runs, and the CLI commands users run
succeed. Pinned alone, as the prefect-pins codemod wrote it before the companion pins,
``prefect==1.4.1`` resolves marshmallow 4 and pendulum 3 and fails; each example project's
``requirements.txt`` as the codemod writes it now (with the companions of
``codemods/_companions.py``) passes every step, and so do the golden pin cases of the other
file kinds (PEP 621, Poetry, setup.cfg, Pipfile, a conda file's pip entries, PDM development
groups, the installs of a noxfile.py and an invoke tasks.py), each read the way
its own tool reads it (``tests/realprefect/dependency_files.py``) and installed fresh; cases
whose requirements resolve to the same releases share one env (``resolved_env``).
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest
from conftest import EXAMPLE_PROJECT
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from prefect1_migrate.codemods._companions import companion_requirements, python_range
from realprefect.dependency_files import (
    conda_pip_requirements,
    pdm_requirements,
    pep621_requirements,
    pipfile_requirements,
    poetry_requirements,
    python_installs,
    setup_cfg_requirements,
)
from realprefect.install_envs import cached_env, check_install, failed_steps, resolved_env

from prefect1_migrate.codemod import DEFAULT_PREFECT_TARGET, MigrationOptions
from prefect1_migrate.pipeline import FileProcessor
from prefect1_migrate.registry import codemod_by_id
from tests.codemods.tools import GOLDEN

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


@pytest.mark.parametrize(
    "project",
    [EXAMPLE_PROJECT, EXAMPLE_PROJECT.parent / "example-project-helpers"],
    ids=lambda project: project.name,
)
def test_example_requirements_as_migrated_install_a_prefect_that_works(
    project: Path, tmp_path: Path
) -> None:
    oldest, newest = python_range(DEFAULT_PREFECT_TARGET)
    assert oldest <= sys.version_info[:2] <= newest, "the envs are built with this Python"
    shutil.copy(project / "requirements.txt", tmp_path)
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


PINS = GOLDEN / "prefect-pins"
Reader = Callable[[Path, Iterable[str]], list[str]]


@pytest.mark.parametrize(
    ("migrated", "reader"),
    [
        ("pyproject-poetry-and-pep621/after/pyproject.toml", pep621_requirements),
        ("pyproject-poetry-and-pep621/after/pyproject.toml", poetry_requirements),
        ("hurried-team/after/pyproject.toml", poetry_requirements),
        ("setup-cfg-and-tox/after/setup.cfg", setup_cfg_requirements),
        ("hurried-team/after/setup.cfg", setup_cfg_requirements),
        ("pipfile-and-conda/after/Pipfile", pipfile_requirements),
        ("hurried-team/after/environment-dev.yaml", conda_pip_requirements),
        ("pdm-dev-dependencies/after/pyproject.toml", pdm_requirements),
    ],
    ids=[
        "pep621",
        "poetry",
        "poetry-group-hurried",
        "setup-cfg",
        "setup-cfg-hurried",
        "pipfile",
        "conda-pip-hurried",
        "pdm-dev-groups-hurried",
    ],
)
def test_golden_pins_of_every_file_kind_install_a_prefect_that_works(
    migrated: str, reader: Reader, tmp_path: Path
) -> None:
    """The Prefect requirement and the companions as the golden file writes them (the
    fixture's other distributions are not the codemod's and are left out)."""
    companions = companion_requirements(DEFAULT_PREFECT_TARGET)
    requirements = reader(PINS / migrated, ["prefect", *(name for name, _ in companions)])
    names = {canonicalize_name(Requirement(line).name) for line in requirements}
    assert names == {"prefect", *(name for name, _ in companions)}, requirements
    (tmp_path / "requirements.txt").write_text("\n".join(requirements) + "\n", encoding="utf-8")

    answer = check_install(resolved_env(tmp_path / "requirements.txt"), dask_cluster=False)

    assert answer["versions"]["prefect"] == DEFAULT_PREFECT_TARGET
    assert answer["versions"]["marshmallow"].startswith("3.")
    assert answer["versions"]["pendulum"].startswith("2.")
    assert failed_steps(answer) == {}


@pytest.mark.parametrize(("migrated", "prefect_installs"), [("noxfile.py", 5), ("tasks.py", 2)])
def test_golden_nox_and_invoke_installs_install_a_prefect_that_works(
    migrated: str, prefect_installs: int, tmp_path: Path
) -> None:
    """Every install of Prefect the golden noxfile.py/tasks.py runs (session.install, pip
    argv, a pip install string, a constant at its uses) names the companions; those without
    extras (the extras' other distributions are not the codemod's) are installed fresh."""
    path = GOLDEN / "prefect-pins-setup-py/noxfile-constant-argv-and-invoke/after" / migrated
    companions = companion_requirements(DEFAULT_PREFECT_TARGET)
    wanted = {"prefect", *(name for name, _ in companions)}
    installs = [
        [Requirement(word) for word in words]
        for words in python_installs(path)
        if any(canonicalize_name(Requirement(word).name) == "prefect" for word in words)
    ]
    assert len(installs) == prefect_installs, installs
    plain = set()
    for requirements in installs:
        assert wanted <= {canonicalize_name(r.name) for r in requirements}, requirements
        kept = [r for r in requirements if canonicalize_name(r.name) in wanted]
        if not any(r.extras for r in kept):
            plain.add(tuple(sorted(map(str, kept))))
    assert plain
    for number, requirements in enumerate(sorted(plain)):
        listed = tmp_path / f"requirements-{number}.txt"
        listed.write_text("\n".join(requirements) + "\n", encoding="utf-8")
        answer = check_install(resolved_env(listed), dask_cluster=False)
        assert answer["versions"]["prefect"] == DEFAULT_PREFECT_TARGET
        assert failed_steps(answer) == {}
