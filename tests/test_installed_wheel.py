"""The wheel as a user installs it (issue 16): built from a copy of the sources, installed into
a fresh virtualenv outside the checkout, it holds nothing under a generic top-level name and
``prefect1-migrate explain`` shows every codemod's before/after example.

No network: the wheel is built with this virtualenv's setuptools and wheel
(``--no-build-isolation``) and installed with ``--no-deps``; the fresh virtualenv reaches the
runtime dependencies through a ``.pth`` line naming this virtualenv's site-packages (a plain
path, so the editable install's own ``.pth`` hook there is not run)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from prefect1_migrate.codemod import Codemod
from prefect1_migrate.explain import explanation
from prefect1_migrate.registry import all_codemods
from tests.conftest import ROOT

#: What the build reads; everything else of the checkout stays out of the copy.
BUILD_SOURCES = (
    "setup.py",
    "setup.cfg",
    "pyproject.toml",
    "README.md",
    "prefect1_migrate",
    "codemods",
)


_PROBE = """
import importlib, importlib.util, pkgutil, prefect1_migrate.codemods as codemods
for info in pkgutil.walk_packages(codemods.__path__, codemods.__name__ + "."):
    print(importlib.import_module(info.name).__file__)
print(importlib.util.find_spec("codemods"))
"""


@dataclass(frozen=True)
class InstalledWheel:
    wheel: Path
    venv: Path
    site_packages: Path
    outside: Path  # an empty working folder away from the checkout

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*args],
            cwd=self.outside,
            env={**os.environ, "PATH": f"{self.venv / 'bin'}{os.pathsep}{os.environ['PATH']}"},
            capture_output=True,
            text=True,
            check=False,
        )


def _copy_sources(target: Path) -> None:
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "build", "dist")
    for name in BUILD_SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=ignore)
        else:
            shutil.copy2(source, target / name)
    shutil.copytree(ROOT / "fixtures" / "codemods", target / "fixtures" / "codemods")


@pytest.fixture(scope="session")
def installed_wheel(tmp_path_factory: pytest.TempPathFactory) -> InstalledWheel:
    base = tmp_path_factory.mktemp("wheel")
    sources, dist, venv, outside = (base / name for name in ("src", "dist", "venv", "elsewhere"))
    sources.mkdir()
    outside.mkdir()
    _copy_sources(sources)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input"]
    subprocess.run(
        [*pip, "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-w", dist, sources],
        check=True,
        capture_output=True,
    )
    (wheel,) = dist.glob("prefect1_migrate-*.whl")
    subprocess.run([sys.executable, "-m", "venv", venv], check=True, capture_output=True)
    python = venv / "bin" / "python"
    site_packages = Path(
        subprocess.run(
            [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    (site_packages / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [python, "-m", "pip", "install", "--no-deps", "--no-index", "-q", wheel],
        check=True,
        capture_output=True,
    )
    return InstalledWheel(wheel, venv, site_packages, outside)


def test_the_wheel_installs_only_the_projects_own_package(installed_wheel: InstalledWheel) -> None:
    with zipfile.ZipFile(installed_wheel.wheel) as wheel:
        top_level = {name.split("/")[0] for name in wheel.namelist()}
    assert {name for name in top_level if not name.endswith(".dist-info")} == {"prefect1_migrate"}
    installed = {path.name for path in installed_wheel.site_packages.iterdir()}
    assert "prefect1_migrate" in installed
    assert "codemods" not in installed
    # every module of the codemods, also those imported only on first use, imports here
    probe = installed_wheel.run(str(installed_wheel.venv / "bin" / "python"), "-c", _PROBE)
    assert probe.returncode == 0, probe.stderr
    *modules, codemods_spec = probe.stdout.splitlines()
    assert len(modules) > len(all_codemods())
    assert all(
        Path(module).is_relative_to(installed_wheel.site_packages / "prefect1_migrate")
        for module in modules
    )
    assert codemods_spec == "None"


@pytest.mark.parametrize("codemod", all_codemods(), ids=lambda codemod: codemod.id)
def test_installed_explain_shows_the_checkouts_example(
    installed_wheel: InstalledWheel, codemod: Codemod
) -> None:
    result = installed_wheel.run("prefect1-migrate", "explain", codemod.id)
    assert result.returncode == 0, result.stderr
    # a notice codemod rewrites nothing and may have no golden case; every other one has one
    assert "\nExample (" in result.stdout or codemod.kind == "notice"
    assert result.stdout == explanation(codemod) + "\n"
