"""Runs the checker scripts under a real Prefect env: one subprocess per env and check kind.

The tool under test never imports user code; only these checks do, in the Prefect envs.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from realprefect.envs import ensure_envs

CHECKERS = Path(__file__).resolve().parent / "checkers"
BATCH_TIMEOUT = 1200  # seconds for one batch; each file has its own limit inside (120 s)


class CheckerFailed(RuntimeError):
    """A checker script itself crashed (not a finding about a checked file)."""


def checker_environment(home: Path) -> dict[str, str]:
    """The caller's environment without Prefect settings, with a private home and an API
    endpoint that refuses connections at once (flows must not reach a backend while built)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT__")}
    env.update(
        HOME=str(home),
        PYTHONDONTWRITEBYTECODE="1",  # never leave __pycache__ in fixtures
        PYTHONWARNINGS="ignore",
        PREFECT__CLOUD__API="http://127.0.0.1:9",
        PREFECT__SERVER__ENDPOINT="http://127.0.0.1:9",
    )
    return env


def run_checker(version: str, checker: str, request: dict[str, Any]) -> dict[str, Any]:
    python = ensure_envs()[version]
    with tempfile.TemporaryDirectory(prefix=f"realprefect-{checker}-") as folder:
        work = Path(folder)
        (work / "home").mkdir()
        in_path, out_path = work / "in.json", work / "out.json"
        in_path.write_text(json.dumps(request), encoding="utf-8")
        completed = subprocess.run(
            [str(python), str(CHECKERS / f"{checker}.py"), str(in_path), str(out_path)],
            cwd=work,
            env=checker_environment(work / "home"),
            capture_output=True,
            text=True,
            timeout=BATCH_TIMEOUT,
            check=False,
        )
        if completed.returncode != 0 or not out_path.exists():
            raise CheckerFailed(
                f"{checker} under prefect {version} exited {completed.returncode}:\n"
                f"{completed.stderr[-4000:]}"
            )
        result = json.loads(out_path.read_text(encoding="utf-8"))
    if result.get("prefect") != version:
        raise CheckerFailed(f"{checker}: expected prefect {version}, ran {result.get('prefect')}")
    return result


def describe_flows(version: str, files: Sequence[tuple[Path, Path]]) -> dict[str, Any]:
    """{file: {"flows": [...]} | {"error": ...}} for (file, root) pairs."""
    if not files:
        return {}
    request = {"files": [{"path": str(path), "root": str(root)} for path, root in files]}
    return run_checker(version, "describe_flows", request)["files"]


def check_api(version: str, files: Sequence[Path]) -> dict[str, Any]:
    """{file: {"problems": [[line, text]], "exempted": [...]} | {"error": ...}}."""
    if not files:
        return {}
    return run_checker(version, "check_api", {"files": [str(p) for p in files]})["files"]


def parse_cli(version: str, argvs: Sequence[Sequence[str]]) -> list[dict[str, Any]]:
    """[{"accepted": bool, "error"?: str}] in the order of ``argvs``."""
    if not argvs:
        return []
    return run_checker(version, "parse_cli", {"argvs": [list(a) for a in argvs]})["results"]


def load_config(version: str, files: Sequence[tuple[Path, Sequence[str]]]) -> dict[str, Any]:
    """{file: {"values": {key: value}, "missing": [key]} | {"error": ...}}."""
    if not files:
        return {}
    request = {"files": [{"path": str(path), "keys": list(keys)} for path, keys in files]}
    return run_checker(version, "load_config", request)["files"]


def run_all(jobs: dict[str, Callable[[], Any]]) -> dict[str, Any]:
    """Run independent checker batches side by side (each is mostly a waiting subprocess)."""
    ensure_envs()
    with ThreadPoolExecutor(max_workers=3) as pool:
        futures = {name: pool.submit(job) for name, job in jobs.items()}
        return {name: future.result() for name, future in futures.items()}
