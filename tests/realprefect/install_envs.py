"""Fresh virtualenvs installed from a requirements file, and the install check run in them.

``cached_env(requirements)`` builds ``<repo>/.cache/install-envs/<digest>/`` once, where the
digest covers the interpreter's version and the requirement lines (comments, blank lines and
surrounding spaces ignored), so an edit to the pins builds a new env and an unchanged file
reuses the old one. A ``.complete`` marker written last tells a finished env from an
interrupted one; builders are serialised by a file lock. ``check_install(python)`` runs
``checkers/check_install.py`` in such an env (see its docstring for the steps).

``resolved_env(requirements)`` first asks pip which releases the requirements resolve to
(``pip install --dry-run --report``; the answer is cached next to the envs, keyed like them)
and returns the env of that pinned set: requirement files written differently that resolve to
the same releases (``prefect==1.4.1``, ``prefect>=1.4,<2.0``, ``prefect~=1.4.1``) share one
env.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from prefect1_migrate.verify.probe import probe_environment
from realprefect.envs import build_lock, run_logged

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".cache" / "install-envs"
CHECKER = Path(__file__).resolve().parent / "checkers" / "check_install.py"
MARKER_NAME = ".complete"
CHECK_TIMEOUT = 900  # seconds for all steps, Dask cluster and CLI included


def requirement_lines(text: str) -> list[str]:
    """The lines pip reads as requirements: comments and blank lines dropped."""
    lines = (line.split(" #")[0].strip() for line in text.splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def build_env(interpreter: str, requirements: Sequence[str], folder: Path, log: Path) -> Path:
    """A new virtualenv in ``folder`` (replacing any) with ``requirements`` installed by pip;
    its python."""
    if folder.exists():
        shutil.rmtree(folder)
    log.write_text("", encoding="utf-8")
    run_logged([interpreter, "-m", "venv", str(folder)], log)
    python = folder / "bin" / "python"
    run_logged(
        [str(python), "-m", "pip", "install", "--disable-pip-version-check", *requirements], log
    )
    return python


def _digest(interpreter: str, requirements: Sequence[str]) -> str:
    identity = "\0".join([interpreter, *requirements])
    return hashlib.sha256(identity.encode()).hexdigest()[:16]


def cached_env(requirements_file: Path) -> Path:
    """The python of the cached env installed from ``requirements_file`` (built if missing)."""
    requirements = requirement_lines(requirements_file.read_text(encoding="utf-8"))
    digest = _digest(f"python{sys.version_info.major}.{sys.version_info.minor}", requirements)
    folder = CACHE / digest
    marker = folder / MARKER_NAME
    with build_lock(CACHE):
        if not (marker.is_file() and (folder / "bin" / "python").exists()):
            pinned = CACHE / f"{digest}.requirements.txt"
            pinned.write_text("\n".join(requirements) + "\n", encoding="utf-8")
            build_env(sys.executable, ["-r", str(pinned)], folder, CACHE / f"{digest}.log")
            marker.write_text("\n".join(requirements) + "\n", encoding="utf-8")
    return folder / "bin" / "python"


def resolved_env(requirements_file: Path) -> Path:
    """The python of the cached env of the releases ``requirements_file`` resolves to."""
    requirements = requirement_lines(requirements_file.read_text(encoding="utf-8"))
    digest = _digest(f"python{sys.version_info.major}.{sys.version_info.minor}", requirements)
    resolution = CACHE / f"{digest}.resolved.txt"
    with build_lock(CACHE):
        if not resolution.is_file():
            asked = CACHE / f"{digest}.requirements.txt"
            asked.write_text("\n".join(requirements) + "\n", encoding="utf-8")
            report = CACHE / f"{digest}.report.json"
            command = [sys.executable, "-m", "pip", "install", "--disable-pip-version-check"]
            command += ["--dry-run", "--ignore-installed", "--quiet", "--report", str(report)]
            run_logged([*command, "-r", str(asked)], CACHE / f"{digest}.log")
            installs = json.loads(report.read_text(encoding="utf-8"))["install"]
            pins = sorted(
                f"{item['metadata']['name']}=={item['metadata']['version']}" for item in installs
            )
            resolution.write_text("\n".join(pins) + "\n", encoding="utf-8")
    return cached_env(resolution)


def check_install(python: Path, dask_cluster: bool = True) -> dict[str, Any]:
    """The answer of ``check_install.py`` run by ``python`` (steps done before a timeout are
    kept; the step that was running is then missing)."""
    with tempfile.TemporaryDirectory(prefix="install-check-") as folder:
        work = Path(folder)
        (work / "home").mkdir()
        out_path = work / "out.json"
        command = [str(python.absolute()), str(CHECKER), str(out_path)]
        if not dask_cluster:
            command.append("--no-dask-cluster")
        try:
            subprocess.run(
                command,
                cwd=work,
                env=probe_environment(work / "home"),
                capture_output=True,
                timeout=CHECK_TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired:
            pass
        if not out_path.exists():
            return {"python": None, "versions": {}, "planned": ["import"], "steps": {}}
        return json.loads(out_path.read_text(encoding="utf-8"))


def failed_steps(answer: dict[str, Any]) -> dict[str, str]:
    """{step: error} for every planned step that failed or never finished."""
    steps = answer["steps"]
    return {
        name: steps[name]["error"] if name in steps else "did not finish"
        for name in answer["planned"]
        if not steps.get(name, {}).get("ok")
    }
