"""Cached virtualenvs of the real Prefect releases the checks run against.

Each version lives in ``<repo>/.cache/prefect-envs/<version>/`` and is built on first use with
``python -m venv`` and ``pip install prefect==<version> -c tests/prefect_envs/constraints-<version>.txt``.
The installs run in parallel. An exclusive file lock serialises builders (two pytest
sessions never install into the same folder), and a completion marker, written last, holds a
digest of the version and its constraint file: an env without a matching marker (a partial
install, or one made from other pins) is deleted and rebuilt.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from prefect1_migrate.verify.environment import build_lock

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".cache" / "prefect-envs"
CONSTRAINTS = ROOT / "tests" / "prefect_envs"
VERSIONS = ("0.14.22", "0.15.13", "1.0.0", "1.4.1")
MARKER_NAME = ".complete"
INSTALL_TIMEOUT = 1800  # seconds; a fresh machine needs 2-3 minutes


class EnvBuildError(RuntimeError):
    """An install failed; the message carries the end of pip's log."""


def env_dir(version: str) -> Path:
    return CACHE / version


def python_of(version: str) -> Path:
    return env_dir(version) / "bin" / "python"


def _digest(version: str) -> str:
    constraints = (CONSTRAINTS / f"constraints-{version}.txt").read_bytes()
    return hashlib.sha256(version.encode() + b"\0" + constraints).hexdigest()


def is_complete(version: str) -> bool:
    marker = env_dir(version) / MARKER_NAME
    return (
        marker.is_file()
        and marker.read_text(encoding="utf-8").strip() == _digest(version)
        and python_of(version).exists()
    )


def run_logged(command: list[str], log: Path) -> None:
    """Run ``command`` with its output appended to ``log``; EnvBuildError if it fails."""
    with open(log, "a", encoding="utf-8") as out:
        out.write(f"$ {' '.join(command)}\n")
        out.flush()
        completed = subprocess.run(
            command, stdout=out, stderr=subprocess.STDOUT, timeout=INSTALL_TIMEOUT, check=False
        )
    if completed.returncode != 0:
        tail = "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-30:])
        raise EnvBuildError(f"{' '.join(command)} exited {completed.returncode}:\n{tail}")


def _build(version: str) -> None:
    folder = env_dir(version)
    if folder.exists():
        shutil.rmtree(folder)
    log = CACHE / f"{version}.log"
    log.write_text("", encoding="utf-8")
    run_logged([sys.executable, "-m", "venv", str(folder)], log)
    run_logged(
        [
            str(python_of(version)),
            "-m",
            "pip",
            "install",
            "--disable-pip-version-check",
            f"prefect=={version}",
            "-c",
            str(CONSTRAINTS / f"constraints-{version}.txt"),
        ],
        log,
    )
    run_logged(
        [
            str(python_of(version)),
            "-c",
            f"import prefect; assert prefect.__version__ == {version!r}, prefect.__version__",
        ],
        log,
    )
    (folder / MARKER_NAME).write_text(_digest(version) + "\n", encoding="utf-8")


def ensure_envs(versions: tuple[str, ...] = VERSIONS) -> dict[str, Path]:
    """The python of each version's env, building the missing ones (in parallel) first."""
    if not all(is_complete(version) for version in versions):
        with build_lock(CACHE):
            missing = [version for version in versions if not is_complete(version)]
            with ThreadPoolExecutor(max_workers=len(missing) or 1) as pool:
                for future in [pool.submit(_build, version) for version in missing]:
                    future.result()
    return {version: python_of(version) for version in versions}


if __name__ == "__main__":
    for built_version, python in ensure_envs().items():
        print(built_version, python)
