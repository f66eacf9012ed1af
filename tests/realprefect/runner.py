"""Runs the product's probe (``prefect1_migrate/verify/envside``, what ``verify`` runs) and the
test suite's own ``checkers/check_api.py`` under a real Prefect env: one subprocess per env and
check kind.

The tool under test never imports user code; only these checks do, in the Prefect envs.
Prefect's optional extras that are not installed become stubs here (``stub_prefect_extras``),
so that Prefect's task classes for them can be checked.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from prefect1_migrate.verify.probe import PROBE, ProbeFailed, run_probe
from realprefect.envs import ensure_envs

CHECKERS = Path(__file__).resolve().parent / "checkers"
ITEM_TIMEOUT = 120.0  # seconds for one file or command line

CheckerFailed = ProbeFailed  # a checker itself crashed (not a finding about a checked file)


def run_checker(version: str, request: dict[str, Any], script: Path = PROBE) -> dict[str, Any]:
    python = ensure_envs()[version]
    result = run_probe(python, {**request, "stub_prefect_extras": True}, ITEM_TIMEOUT, None, script)
    if result.get("prefect") != version:
        raise CheckerFailed(
            f"{script.name}: expected prefect {version}, ran {result.get('prefect')}"
        )
    return result


def describe_flows(version: str, files: Sequence[tuple[Path, Path]]) -> dict[str, Any]:
    """{file: {"flows": [...]} | {"error": ...}} for (file, root) pairs."""
    if not files:
        return {}
    request = {"flows": [{"path": str(path), "root": str(root)} for path, root in files]}
    return run_checker(version, request)["flows"]


def check_api(version: str, files: Sequence[Path]) -> dict[str, Any]:
    """{file: {"problems": [[line, text]], "exempted": [...]} | {"error": ...}}."""
    if not files:
        return {}
    request = {"files": [str(p) for p in files]}
    return run_checker(version, request, CHECKERS / "check_api.py")["files"]


def parse_cli(version: str, argvs: Sequence[Sequence[str]]) -> list[dict[str, Any]]:
    """[{"accepted": bool, "error"?: str}] in the order of ``argvs``."""
    if not argvs:
        return []
    return run_checker(version, {"commands": [list(a) for a in argvs]})["commands"]


def load_config(version: str, files: Sequence[tuple[Path, Sequence[str]]]) -> dict[str, Any]:
    """{file: {"values": {key: value}, "missing": [key], ...} | {"error": ...}}."""
    if not files:
        return {}
    request = {"configs": [{"path": str(path), "keys": list(keys)} for path, keys in files]}
    return run_checker(version, request)["configs"]


def run_all(jobs: dict[str, Callable[[], Any]]) -> dict[str, Any]:
    """Run independent checker batches side by side (each is mostly a waiting subprocess)."""
    ensure_envs()
    with ThreadPoolExecutor(max_workers=3) as pool:
        futures = {name: pool.submit(job) for name, job in jobs.items()}
        return {name: future.result() for name, future in futures.items()}
