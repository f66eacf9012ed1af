"""Builds the benchmark repository: real code that never mentions Prefect plus many Prefect
0.15 projects, committed into a git repository under ``benchmarks/work/``.

- The standard library of the running interpreter (``Lib/`` with its tests: real code, much
  of it syntax fissix rejects, some binary data), without compiled files, ``site-packages``
  and build artefacts. Scale 1 holds one copy; scale 10 holds ten; a fraction takes an evenly
  spread sample of the files.
- ``projects x scale`` copies of ``fixtures/example-project`` (Python flows and an agent
  script, shell, Dockerfile, CI YAML, config.toml, requirements...), spread over team folders.

Defaults are sized like the repository the issue measured (about 6,600 files, 2,700 of them
mentioning ``prefect`` once the example project is complete). A repository that was already
built with the same inputs is reused (and put back to its first commit).

    python -m benchmarks.generate [--scale 10] [--projects 300]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import shutil
import subprocess
import sys
import sysconfig
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "benchmarks" / "work"
EXAMPLE_PROJECT = ROOT / "fixtures" / "example-project"
GENERATOR_VERSION = 1
DEFAULT_PROJECTS = 300
TEAMS = ("data-platform", "analytics", "ml-platform", "finance", "growth", "risk", "ops")
MAX_FILE_BYTES = 1_000_000
_SKIPPED_FOLDERS = {"site-packages", "__pycache__", "lib-dynload"}


@dataclass(frozen=True)
class Manifest:
    """What a generated repository holds; stored beside it as JSON."""

    fingerprint: str
    path: str
    base_commit: str
    scale: float
    projects: int
    files: int
    python_files: int
    python_files_mentioning_prefect: int
    files_mentioning_prefect: int
    bytes: int


def stdlib_files() -> list[Path]:
    """The interpreter's standard library files worth copying, relative and sorted."""
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    found: list[Path] = []
    for folder, subfolders, names in os.walk(stdlib):
        subfolders[:] = sorted(
            name
            for name in subfolders
            if name not in _SKIPPED_FOLDERS and not name.startswith("config-")
        )
        for name in sorted(names):
            path = Path(folder, name)
            if path.is_symlink() or name.endswith((".pyc", ".so", ".a")):
                continue
            if path.stat().st_size <= MAX_FILE_BYTES:
                found.append(path.relative_to(stdlib))
    return found


def project_files() -> list[Path]:
    if not EXAMPLE_PROJECT.is_dir():
        raise SystemExit(f"{EXAMPLE_PROJECT} is missing: the benchmark copies that project")
    return sorted(
        path.relative_to(EXAMPLE_PROJECT)
        for path in EXAMPLE_PROJECT.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    )


def fingerprint(scale: float, projects: int) -> str:
    digest = hashlib.sha256()
    digest.update(f"{GENERATOR_VERSION} {scale} {projects} {sys.version}".encode())
    digest.update(sysconfig.get_paths()["stdlib"].encode())
    for relative in project_files():
        digest.update(str(relative).encode() + b"\0" + (EXAMPLE_PROJECT / relative).read_bytes())
    return digest.hexdigest()[:16]


def repository_path(scale: float, projects: int = DEFAULT_PROJECTS) -> Path:
    return WORK / f"repo-scale-{scale:g}-projects-{projects}"


def generate(scale: float = 1.0, projects: int = DEFAULT_PROJECTS, fresh: bool = False) -> Manifest:
    """The repository for ``scale`` (``projects`` example projects at scale 1), built unless an
    identical one is there already."""
    target = repository_path(scale, projects)
    manifest_path = target.with_suffix(".json")
    wanted = fingerprint(scale, projects)
    if not fresh and manifest_path.exists() and (target / ".git").is_dir():
        manifest = Manifest(**json.loads(manifest_path.read_text()))
        if manifest.fingerprint == wanted:
            reset(target, manifest.base_commit)
            return manifest
    if target.exists():
        shutil.rmtree(target)
    manifest_path.unlink(missing_ok=True)
    target.mkdir(parents=True)
    _copy_stdlib(target, scale)
    project_count = round(projects * scale)
    sources = project_files()
    for index in range(project_count):
        team = TEAMS[index % len(TEAMS)]
        destination = target / "teams" / team / f"flows-{index:04d}"
        for relative in sources:
            (destination / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(EXAMPLE_PROJECT / relative, destination / relative)
    base_commit = _commit(target)
    manifest = Manifest(
        fingerprint=wanted,
        path=str(target),
        base_commit=base_commit,
        scale=scale,
        projects=project_count,
        **_count(target),
    )
    manifest_path.write_text(json.dumps(asdict(manifest), indent=2) + "\n")
    return manifest


def reset(repository: Path, commit: str) -> None:
    """Put the repository back to ``commit`` (the benchmark's own scratch repository only)."""
    _git(repository, "reset", "--quiet", "--hard", commit)
    _git(repository, "clean", "-fdxq")


def _copy_stdlib(target: Path, scale: float) -> None:
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    files = stdlib_files()
    whole, fraction = int(scale), scale - int(scale)
    copies = [files] * whole
    if fraction > 0:
        step = 1 / fraction
        copies.append(
            [files[math.floor(i * step)] for i in range(math.floor(len(files) * fraction))]
        )
    for copy, relatives in enumerate(copies):
        prefix = f"vendor/cpython-{copy + 1}/Lib"
        for relative in relatives:
            destination = target / prefix / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(stdlib / relative, destination)


def _commit(target: Path) -> str:
    _git(target, "init", "--quiet", "-b", "main")
    for key, value in (
        ("user.name", "Benchmark"),
        ("user.email", "benchmark@example.com"),
        ("commit.gpgsign", "false"),
        ("gc.auto", "0"),
        ("core.hooksPath", os.devnull),
    ):
        _git(target, "config", key, value)
    # The copied test data holds .gitignore'd names and nested .git-like files: add everything.
    _git(target, "add", "--all", "--force", ".")
    _git(target, "commit", "--quiet", "--no-verify", "-m", "Benchmark repository")
    return _git(target, "rev-parse", "HEAD").strip()


def _count(target: Path) -> dict[str, int]:
    tracked = _git(target, "ls-files", "-z").split("\0")
    counts = {
        "files": 0,
        "python_files": 0,
        "python_files_mentioning_prefect": 0,
        "files_mentioning_prefect": 0,
        "bytes": 0,
    }
    for name in filter(None, tracked):
        data = (target / name).read_bytes()
        mentions = b"prefect" in data
        counts["files"] += 1
        counts["bytes"] += len(data)
        counts["files_mentioning_prefect"] += mentions
        if name.endswith(".py"):
            counts["python_files"] += 1
            counts["python_files_mentioning_prefect"] += mentions
    return counts


def _git(repository: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args],
        cwd=repository,
        check=True,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    ).stdout


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1 = the issue's size; 10 = 10x")
    parser.add_argument("--projects", type=int, default=DEFAULT_PROJECTS, help="at scale 1")
    parser.add_argument("--fresh", action="store_true", help="rebuild even if up to date")
    args = parser.parse_args(argv)
    manifest = generate(args.scale, args.projects, args.fresh)
    print(json.dumps(asdict(manifest), indent=2))


if __name__ == "__main__":
    main()
