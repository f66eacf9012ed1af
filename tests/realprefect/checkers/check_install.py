"""Does this env's Prefect 1.x do what users run? Runs under the env's python (3.7 and later).

Protocol: ``python check_install.py OUT.json [--no-dask-cluster]``. Every step is tried in
order and the answer is rewritten after each one, so a step that hangs (killed by the caller's
timeout) still leaves the earlier answers. Output:
{"python": "3.11.7", "versions": {package: version | null},
 "planned": [step, ...],
 "steps": {step: {"ok": true, "detail": str} | {"ok": false, "error": "<last traceback line>"}}}.

Steps: import prefect; build a flow with a Parameter, three tasks and a schedule of a cron and
an interval clock; ``validate()``; ``serialize()`` (what ``flow.register()`` and ``prefect
register`` send); ``next(3)`` of a ``CronSchedule`` and of an ``IntervalSchedule``; one run with
``LocalExecutor``, ``LocalDaskExecutor`` and ``DaskExecutor`` (a one-worker local cluster);
the CLI commands ``prefect --help``, ``register --help``, ``run --help``, ``agent local start
--help`` and ``server config`` (with a stand-in ``docker-compose`` that echoes its arguments).
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
import traceback
from collections.abc import Callable
from datetime import timedelta
from typing import Any

PACKAGES = (
    "prefect",
    "marshmallow",
    "marshmallow-oneofschema",
    "pendulum",
    "click",
    "dask",
    "distributed",
    "croniter",
    "python-box",
    "urllib3",
    "packaging",
    "importlib-metadata",
    "setuptools",
    "msgpack",
    "cloudpickle",
    "python-dateutil",
    "docker",
    "requests",
)
CLI_COMMANDS = {
    "cli:prefect --help": ["--help"],
    "cli:prefect register --help": ["register", "--help"],
    "cli:prefect run --help": ["run", "--help"],
    "cli:prefect agent local start --help": ["agent", "local", "start", "--help"],
    "cli:prefect server config": ["server", "config"],
}
CLI_TIMEOUT = 180  # seconds
START = {"year": 2026, "month": 1, "day": 1, "tz": "America/New_York"}  # pendulum.datetime()


def installed_versions() -> dict[str, str | None]:
    try:
        from importlib.metadata import PackageNotFoundError, version
    except ImportError:  # Python 3.7
        from importlib_metadata import PackageNotFoundError, version  # type: ignore
    found: dict[str, str | None] = {}
    for name in PACKAGES:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = None
    return found


def last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1].strip() if lines else ""


def start_date() -> Any:
    """A start date in a named zone: CronClock hands the zone's name to pytz, so a fixed offset
    such as ``datetime.timezone.utc`` fails on every release (``UnknownTimeZoneError: '+00:00'``)."""
    import pendulum

    return pendulum.datetime(**START)


def build_flow() -> Any:
    from prefect import Flow, Parameter, task
    from prefect.schedules import Schedule
    from prefect.schedules.clocks import CronClock, IntervalClock

    @task
    def numbers(count: int) -> list:
        return list(range(count))

    @task
    def double(value: int) -> int:
        return value * 2

    @task
    def total(values: list) -> int:
        return sum(values)

    schedule = Schedule(
        clocks=[
            CronClock("0 6 * * *", start_date=start_date()),
            IntervalClock(timedelta(hours=4), start_date=start_date()),
        ]
    )
    with Flow("install-check", schedule=schedule) as flow:
        count = Parameter("count", default=3)
        total(double.map(numbers(count)))
    return flow


def run_flow(executor: Any) -> str:
    flow = build_flow()
    state = flow.run(parameters={"count": 4}, run_on_schedule=False, executor=executor)
    if not state.is_successful():
        raise RuntimeError(f"flow run ended {state!r}")
    results = [state.result[task].result for task in flow.tasks if task.name == "total"]
    if results != [12]:
        raise RuntimeError(f"total was {results}, expected [12]")
    return "total=12"


def step_serialize() -> str:
    serialized = build_flow().serialize()
    json.dumps(serialized)
    clocks = [clock["type"] for clock in serialized["schedule"]["clocks"]]
    return f"{len(serialized['tasks'])} tasks, clocks {clocks}"


def step_next(kind: str) -> str:
    from prefect.schedules import CronSchedule, IntervalSchedule

    if kind == "cron":
        schedule = CronSchedule("0 6 * * *", start_date=start_date())
    else:
        schedule = IntervalSchedule(start_date=start_date(), interval=timedelta(hours=4))
    upcoming = schedule.next(3)
    if len(upcoming) != 3:
        raise RuntimeError(f"next(3) gave {upcoming}")
    return str(upcoming[0])


def step_local_dask() -> str:
    from prefect.executors import LocalDaskExecutor

    return run_flow(LocalDaskExecutor(scheduler="threads", num_workers=2))


def step_dask_cluster() -> str:
    from prefect.executors import DaskExecutor

    return run_flow(DaskExecutor(cluster_kwargs={"n_workers": 1, "threads_per_worker": 2}))


def step_local() -> str:
    from prefect.executors import LocalExecutor

    return run_flow(LocalExecutor())


def step_import() -> str:
    import prefect

    return prefect.__version__


def step_validate() -> str:
    build_flow().validate()
    return "valid"


def fake_docker_compose() -> dict[str, str]:
    """An environment whose PATH has a ``docker-compose`` that echoes its arguments: ``prefect
    server config`` hands its generated config to docker-compose, which this check does not
    need (Prefect's own part is what the installed packages can break)."""
    folder = tempfile.mkdtemp(prefix="fake-compose-")
    script = os.path.join(folder, "docker-compose")
    with open(script, "w", encoding="utf-8") as target:
        target.write('#!/bin/sh\necho "docker-compose $*"\n')
    os.chmod(script, 0o755)
    return dict(os.environ, PATH=folder + os.pathsep + os.environ.get("PATH", ""))


def run_cli(args: list[str]) -> str:
    prefect = os.path.join(os.path.dirname(sys.executable), "prefect")
    completed = subprocess.run(
        [prefect, *args],
        env=fake_docker_compose(),
        capture_output=True,
        text=True,
        timeout=CLI_TIMEOUT,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(
            f"exit {completed.returncode}: {last_line(completed.stderr or completed.stdout)}"
        )
    return last_line(completed.stdout)[:120]


def steps(dask_cluster: bool) -> dict[str, Callable[[], str]]:
    table: dict[str, Callable[[], str]] = {
        "import": step_import,
        "validate": step_validate,
        "serialize": step_serialize,
        "cron next(3)": lambda: step_next("cron"),
        "interval next(3)": lambda: step_next("interval"),
        "run LocalExecutor": step_local,
        "run LocalDaskExecutor": step_local_dask,
    }
    for name, args in CLI_COMMANDS.items():
        table[name] = lambda args=args: run_cli(args)
    if dask_cluster:
        table["run DaskExecutor"] = step_dask_cluster
    return table


def write(path: str, answer: dict[str, Any]) -> None:
    with open(path, "w", encoding="utf-8") as target:
        json.dump(answer, target, indent=1, sort_keys=True)


def main() -> None:
    out_path = sys.argv[1]
    planned = steps(dask_cluster="--no-dask-cluster" not in sys.argv)
    answer: dict[str, Any] = {
        "python": platform.python_version(),
        "versions": installed_versions(),
        "planned": list(planned),
        "steps": {},
    }
    for name, step in planned.items():
        try:
            answer["steps"][name] = {"ok": True, "detail": step()}
        except BaseException:  # SystemExit from click, errors in Prefect's own code
            answer["steps"][name] = {"ok": False, "error": last_line(traceback.format_exc())}
        write(out_path, answer)


if __name__ == "__main__":
    main()
