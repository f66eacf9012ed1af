"""The Python that ``verify`` imports a repository's flows with: one the user names
(``--python``), or a virtualenv built from the repository's own dependency files.

A built environment lives under the user's cache folder (``platformdirs``:
``$XDG_CACHE_HOME/prefect1-migrate/verify-envs/<digest>`` on Linux), keyed by the content of
the dependency files and the Python minor version, so changed pins build a new one. Builders
hold a lock on the cache folder; a marker written last tells a finished environment from an
interrupted build, which is deleted and built again.
"""

from __future__ import annotations

import fcntl
import hashlib
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from prefect1_migrate.filekinds import FileKind, classify

INSTALL_TIMEOUT = 1800  # seconds for pip
_MARKER = ".complete"
_VERSION_PROBE = """\
try:
    from importlib.metadata import PackageNotFoundError, version
except ImportError:  # Python 3.7
    from pkg_resources import DistributionNotFound as PackageNotFoundError, get_distribution
    version = lambda name: get_distribution(name).version
try:
    print(version("prefect"))
except PackageNotFoundError:
    print("")
"""


class NoEnvironment(Exception):
    """No Python with the needed Prefect could be found or made (exit 2)."""


@dataclass(frozen=True)
class PrefectEnvironment:
    python: Path
    prefect_version: str
    origin: str  # how it was found: "--python", or the cache folder it was built in


def prefect_version_of(python: Path) -> str:
    """The Prefect version installed for ``python`` ("" when there is none); never imports
    Prefect (which would take seconds) and never runs repository code."""
    if not python.exists():
        raise NoEnvironment(f"{python} does not exist")
    try:
        completed = subprocess.run(
            [str(python), "-c", _VERSION_PROBE],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise NoEnvironment(f"{python} cannot be run: {error}") from None
    if completed.returncode != 0:
        raise NoEnvironment(f"{python} cannot be run: {completed.stderr.strip()[-500:]}")
    return completed.stdout.strip()


def given_environment(python: Path, major: str, what: str) -> PrefectEnvironment:
    """``python`` (from ``--python``/``--old-python``) if it has Prefect ``major``.x."""
    version = prefect_version_of(python)
    if not version:
        raise NoEnvironment(f"{what} {python} has no Prefect installed")
    if version.split(".")[0] != major:
        raise NoEnvironment(f"{what} {python} has Prefect {version}; expected Prefect {major}.x")
    return PrefectEnvironment(python, version, what)


def dependency_files(root: Path, files: list[str]) -> tuple[list[str], list[str]]:
    """(requirements files, constraints files) among ``files``: ``requirements*.txt`` and
    ``constraints*.txt`` anywhere in the repository."""
    requirements, constraints = [], []
    for name in files:
        if classify(name) is not FileKind.REQUIREMENTS or not name.endswith(".txt"):
            continue
        base = name.rpartition("/")[2]
        (constraints if base.startswith("constraints") else requirements).append(name)
    return requirements, constraints


def cache_folder() -> Path:
    return Path(platformdirs.user_cache_dir("prefect1-migrate")) / "verify-envs"


def environment_key(root: Path, files: list[str]) -> str:
    """The digest naming the environment built from ``files`` (their names and bytes) with
    this Python's minor version."""
    digest = hashlib.sha256(f"{sys.version_info[0]}.{sys.version_info[1]}".encode())
    for name in sorted(files):
        digest.update(b"\0" + name.encode() + b"\0" + (root / name).read_bytes())
    return digest.hexdigest()[:24]


def built_environment(root: Path, files: list[str], major: str, option: str) -> PrefectEnvironment:
    """The cached virtualenv made from the dependency files of the tree at ``root`` (built
    first if missing): ``pip install -r`` every requirements file, ``-c`` every constraints
    file. ``option`` names what the user can pass instead (``--python``)."""
    requirements, constraints = dependency_files(root, files)
    if not any(b"prefect" in (root / name).read_bytes().lower() for name in requirements):
        raise NoEnvironment(
            "no requirements*.txt of the repository names prefect, so no environment can be "
            f"built from it; pass {option} with an interpreter that has Prefect "
            f"{major}.x and the repository's dependencies"
        )
    folder = cache_folder() / environment_key(root, requirements + constraints)
    python = folder / "bin" / "python"
    with build_lock(folder.parent):
        if not (folder / _MARKER).is_file():
            _build(folder, root, requirements, constraints, option)
    return given_environment(python, major, str(folder))


@contextmanager
def build_lock(cache: Path) -> Iterator[None]:
    """Held while environments are built in ``cache``: concurrent runs wait instead of
    colliding (the kernel releases it however a run ends)."""
    cache.mkdir(parents=True, exist_ok=True)
    with open(cache / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _build(
    folder: Path, root: Path, requirements: list[str], constraints: list[str], option: str
) -> None:
    if folder.exists():
        shutil.rmtree(folder)
    log = folder.with_suffix(".log")
    arguments = [a for n in requirements for a in ("-r", n)]
    arguments += [a for n in constraints for a in ("-c", n)]
    with open(log, "w", encoding="utf-8") as out:
        for command in (
            [sys.executable, "-m", "venv", str(folder)],
            [
                str(folder / "bin" / "python"),
                "-m",
                "pip",
                "install",
                "--disable-pip-version-check",
                *arguments,
            ],
        ):
            out.write(f"$ {' '.join(command)}\n")
            out.flush()
            try:
                completed = subprocess.run(
                    command,
                    cwd=root,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                    timeout=INSTALL_TIMEOUT,
                    check=False,
                )
                failed = completed.returncode != 0
            except subprocess.TimeoutExpired:
                failed = True
            if failed:
                shutil.rmtree(folder, ignore_errors=True)
                out.flush()
                tail = log.read_text(encoding="utf-8", errors="replace").splitlines()[-8:]
                raise NoEnvironment(
                    f"building an environment from {', '.join(requirements)} failed "
                    f"(offline? pass {option}); the end of {log}:\n" + "\n".join(tail)
                )
    (folder / _MARKER).write_text("built\n", encoding="utf-8")
