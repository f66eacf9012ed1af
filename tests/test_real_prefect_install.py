"""A fresh install of the target Prefect works only with its companion pins (issue 14, proof).

Each test writes a requirements file, installs it into a fresh virtualenv (cached under
``.cache/install-envs/`` by its requirement lines: ``tests/realprefect/install_envs.py``) and
runs ``checkers/check_install.py`` there: a flow with a Parameter, mapped tasks and a cron +
interval schedule is validated, serialized (what registering sends) and run with the Local,
LocalDask and Dask executors, schedules give their next runs, and the CLI commands users run
parse. Pinned alone, ``prefect==1.4.1`` resolves marshmallow 4 and pendulum 3 and fails;
with the companions of ``codemods/_companions.py`` every step passes.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from realprefect.install_envs import cached_env, check_install, failed_steps

from codemods._companions import companion_requirements

pytestmark = pytest.mark.real_prefect

TARGET = "1.4.1"


def installed_from(folder: Path, requirements: list[str]) -> Path:
    """The python of a fresh env installed from a requirements file holding ``requirements``."""
    requirements_file = folder / "requirements.txt"
    requirements_file.write_text("\n".join(requirements) + "\n", encoding="utf-8")
    return cached_env(requirements_file)


def test_prefect_pinned_alone_cannot_register_or_schedule(tmp_path: Path) -> None:
    answer = check_install(installed_from(tmp_path, [f"prefect=={TARGET}"]), dask_cluster=False)

    assert answer["versions"]["prefect"] == TARGET
    assert answer["versions"]["marshmallow"].startswith("4.")
    assert answer["versions"]["pendulum"].startswith("3.")
    failed = failed_steps(answer)
    assert failed.keys() == {"serialize", "cron next(3)"}
    assert failed["serialize"] == "AttributeError: 'Nested' object has no attribute 'context'"
    assert failed["cron next(3)"] == (
        "AttributeError: module 'pendulum.tz' has no attribute '_Timezone'"
    )


def test_prefect_with_its_companions_works(tmp_path: Path) -> None:
    companions = [f"{name}{spec}" for name, spec in companion_requirements(TARGET)]
    answer = check_install(installed_from(tmp_path, [f"prefect=={TARGET}", *companions]))

    assert answer["versions"]["prefect"] == TARGET
    assert "run DaskExecutor" in answer["planned"]
    assert failed_steps(answer) == {}
