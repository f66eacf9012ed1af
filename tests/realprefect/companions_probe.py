"""The experiment behind the companion pins: which packages next to ``prefect==1.x`` make it work.

For every Python x Prefect x companion set asked for, a fresh virtualenv under ``--work``
(default ``/tmp/companions-probe``) gets ``pip install prefect==<version> <companions>`` and
``checkers/check_install.py`` runs in it. One JSON line per experiment is appended to
``<work>/results.jsonl`` (interpreter, requirements, installed versions, every step's outcome)
and a summary table is printed. The results are recorded in docs/catalog.md, section
"Installing Prefect 1.x: companion pins and Python versions".

Run from ``tests/`` (a warm pip cache makes an env take ~30 s, a cold one 1-2 min)::

    ../.venv/bin/python -m realprefect.companions_probe --python 3.11 --python 3.9 \\
        --prefect 1.4.1 --prefect 1.0.0 --set bare --set companions
    ../.venv/bin/python -m realprefect.companions_probe --table   # results.jsonl as Markdown

``--set`` names a set from ``SETS`` (``companions`` is the set ``codemods/_companions.py``
writes); ``--with "pendulum<3"`` adds one requirement to every set of the run.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from prefect1_migrate.codemods._companions import companion_requirements

from realprefect.envs import EnvBuildError
from realprefect.install_envs import build_env, check_install, failed_steps

PYENV = Path.home() / ".pyenv" / "versions"
SETS: dict[str, list[str]] = {
    "bare": [],
    "marshmallow<4": ["marshmallow<4"],
    "pendulum<3": ["pendulum<3"],
    "marshmallow<4 pendulum<3": ["marshmallow<4", "pendulum<3"],
}


def interpreter(version: str) -> str:
    """The pyenv interpreter of ``3.X`` (the newest installed patch release)."""
    candidates = sorted(PYENV.glob(f"{version}.*/bin/python{version}"))
    if not candidates:
        raise SystemExit(f"no pyenv python {version} under {PYENV}")
    return str(candidates[-1])


def requirements_of(prefect: str, set_name: str, extra: list[str]) -> list[str]:
    if set_name == "companions":
        companions = [f"{name}{spec}" for name, spec in companion_requirements(prefect)]
    else:
        companions = SETS[set_name]
    return [f"prefect=={prefect}", *companions, *extra]


def experiment(
    python: str, prefect: str, set_name: str, extra: list[str], work: Path, keep: bool
) -> dict:
    requirements = requirements_of(prefect, set_name, extra)
    label = re.sub(r"[^A-Za-z0-9.]+", "_", f"py{python}-{prefect}-{set_name}-{'-'.join(extra)}")
    folder, log = work / label, work / f"{label}.log"
    record: dict[str, Any] = {"python": python, "prefect": prefect, "set": set_name}
    record["requirements"] = requirements
    try:
        env_python = build_env(interpreter(python), requirements, folder, log)
    except EnvBuildError as error:
        lines = [line for line in str(error).splitlines() if "ERROR" in line or "error" in line]
        record["install_error"] = (lines or str(error).splitlines())[-1][:300]
        return record
    record.update(check_install(env_python))
    if not keep:
        shutil.rmtree(folder)
    return record


SHOWN_VERSIONS = ("marshmallow", "pendulum", "click", "dask", "distributed", "croniter")


def outcome(record: dict[str, Any]) -> tuple[str, str]:
    """(what was installed next to prefect, what happened) for one experiment."""
    companions = " ".join(record["requirements"][1:]) or "(none)"
    if "install_error" in record:
        return companions, f"install failed: {record['install_error']}"
    failed = failed_steps(record)
    if not failed:
        return companions, "all steps pass"
    return companions, "; ".join(f"{step}: {error}" for step, error in failed.items())


def summary(record: dict[str, Any]) -> str:
    companions, result = outcome(record)
    versions = record.get("versions", {})
    resolved = ", ".join(f"{name} {versions.get(name)}" for name in SHOWN_VERSIONS)
    return f"py{record['python']} prefect {record['prefect']} + {companions}: {result} ({resolved})"


def _table_order(record: dict[str, Any]) -> tuple[tuple[int, ...], tuple[int, ...], int]:
    def version(text: str) -> tuple[int, ...]:
        return tuple(int(part) for part in text.split("."))

    return version(record["prefect"]), version(record["python"]), len(record["requirements"])


def table(records: list[dict[str, Any]]) -> str:
    """A Markdown table of the experiments, one row each."""
    rows = [
        "| Python | Prefect | pinned next to it | resolved | result |",
        "| --- | --- | --- | --- | --- |",
    ]
    for record in sorted(records, key=_table_order):
        companions, result = outcome(record)
        versions = record.get("versions", {})
        resolved = ", ".join(
            f"{name} {versions[name]}" for name in SHOWN_VERSIONS if versions.get(name)
        )
        row = [record["python"], record["prefect"], companions, resolved or "-", result]
        rows.append("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |")
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", action="append", default=[], help="3.X (repeatable)")
    parser.add_argument("--prefect", action="append", default=[], help="1.X.Y (repeatable)")
    parser.add_argument("--set", action="append", default=[], choices=[*SETS, "companions"])
    parser.add_argument("--with", dest="extra", action="append", default=[])
    parser.add_argument("--work", type=Path, default=Path("/tmp/companions-probe"))
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--keep", action="store_true", help="keep the envs (to debug a step)")
    parser.add_argument("--table", action="store_true", help="print results.jsonl as Markdown")
    options = parser.parse_args()
    options.work.mkdir(parents=True, exist_ok=True)
    if options.table:
        lines = (options.work / "results.jsonl").read_text(encoding="utf-8").splitlines()
        print(table([json.loads(line) for line in lines]))
        return
    plan = [
        (python, prefect, set_name)
        for python in options.python
        for prefect in options.prefect
        for set_name in options.set
    ]
    with ThreadPoolExecutor(max_workers=options.jobs) as pool:
        futures = [
            pool.submit(experiment, *item, options.extra, options.work, options.keep)
            for item in plan
        ]
        with open(options.work / "results.jsonl", "a", encoding="utf-8") as results:
            for future in futures:
                record = future.result()
                results.write(json.dumps(record, sort_keys=True) + "\n")
                results.flush()
                print(summary(record), flush=True)


if __name__ == "__main__":
    main()
