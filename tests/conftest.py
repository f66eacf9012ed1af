"""Shared fixtures: real temporary git repositories (no mocks of git) and the CLI."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
EXAMPLE_PROJECT = FIXTURES / "example-project"


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=repo, check=True, capture_output=True, text=True
    ).stdout


def init_repo(path: Path, identity: bool = True) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", "main")
    if identity:
        git(path, "config", "user.name", "Test User")
        git(path, "config", "user.email", "test@example.com")
    git(path, "config", "commit.gpgsign", "false")
    return path


def commit_all(repo: Path, message: str = "initial") -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--no-verify", "-m", message)
    return git(repo, "rev-parse", "HEAD").strip()


@pytest.fixture
def make_repo(tmp_path: Path) -> Callable[..., Path]:
    """Build a committed repository from a folder or from {path: content} files."""
    counter = iter(range(1000))

    def build(
        source: Path | None = None,
        files: dict[str, str | bytes] | None = None,
        identity: bool = True,
    ) -> Path:
        repo = init_repo(tmp_path / f"repo{next(counter)}", identity=identity)
        if source is not None:
            shutil.copytree(source, repo, dirs_exist_ok=True)
        for name, content in (files or {}).items():
            target = repo / name
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                target.write_bytes(content)
            else:
                target.write_text(content, encoding="utf-8")
        if not identity:
            git(repo, "-c", "user.name=Seed", "-c", "user.email=seed@example.com", "add", "-A")
            git(
                repo,
                "-c",
                "user.name=Seed",
                "-c",
                "user.email=seed@example.com",
                "commit",
                "-q",
                "-m",
                "initial",
            )
        else:
            commit_all(repo)
        return repo

    return build


def run_cli(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    """The real command line in a subprocess, as a user runs it."""
    import os

    return subprocess.run(
        [sys.executable, "-m", "prefect1_migrate", *args],
        cwd=cwd,
        capture_output=True,
        env={**os.environ, "NO_COLOR": "1", **(env or {})},
    )


# The real command line with two test-only codemods added to the pipeline (never registered):
# ``test-settings`` (text, INI files: OLD_SETTING -> NEW_SETTING, one commit after
# imports-moved) and ``test-explodes`` (Python: raises on every file whose name contains
# "boom"). Select them with --only imports-moved,test-settings,test-explodes.
_TEST_CODEMODS_DRIVER = """
import sys
from prefect1_migrate import cli, registry
from prefect1_migrate.codemod import PythonCodemod, TextCodemod
from prefect1_migrate.filekinds import FileKind
from prefect1_migrate.guide import SECTIONS

def explode(root, file):
    if "boom" in file.path:
        raise RuntimeError("test codemod exploded")

EXPLODES = PythonCodemod(
    "test_explodes", title="Test: raises", guide_section=SECTIONS[-1], order=999,
    summary="test", description="test", triggers=("prefect",), rewrite=explode,
)
SETTINGS = TextCodemod(
    "test_settings", title="Test: OLD_SETTING is NEW_SETTING", guide_section=SECTIONS[-1],
    order=998, summary="test", description="Renamed OLD_SETTING to NEW_SETTING.",
    triggers=("OLD_SETTING",), file_kinds=frozenset({FileKind.INI}),
    rewrite=lambda text, file: text.replace("OLD_SETTING", "NEW_SETTING"),
)
everything = (*registry.all_codemods(), SETTINGS, EXPLODES)
registry.all_codemods = lambda: tuple(sorted(everything, key=lambda c: c.pipeline_position))
sys.argv = ["prefect1-migrate", *sys.argv[1:]]
cli.main()
"""

TEST_CODEMODS = "imports-moved,test-settings,test-explodes"


def cli_with_test_codemods(*args: str) -> list[str]:
    """argv running the real command line with the test-only codemods available."""
    return [sys.executable, "-c", _TEST_CODEMODS_DRIVER, *args]
