"""The pre-commit hook, run by pre-commit itself (try-repo) against a temporary repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, commit_all, git, init_repo

OLD = "from prefect.engine.executors import LocalExecutor\n"
NEW = "from prefect.executors import LocalExecutor\n"
MARKED = "import prefect\n\n# TODO(prefect-1.0): use an API key\nclient = prefect.Client()\n"


def _hook_source(tmp_path: Path) -> Path:
    """A committed snapshot of this project's working tree (try-repo installs from a commit)."""
    source = tmp_path / "hook-source"
    shutil.copytree(
        ROOT,
        source,
        ignore=shutil.ignore_patterns(
            ".git", ".venv", ".cache", "*.egg-info", "__pycache__", "benchmarks"
        ),
    )
    init_repo(source)
    commit_all(source, "snapshot")
    return source


def test_pre_commit_try_repo_runs_the_check_on_the_files_it_is_given(tmp_path: Path) -> None:
    pre_commit = Path(sys.executable).with_name("pre-commit")
    source = _hook_source(tmp_path)
    target = init_repo(tmp_path / "target")
    (target / "old.py").write_text(OLD)
    (target / "new.py").write_text(NEW)
    (target / "marked.py").write_text(MARKED)
    commit_all(target)
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-cache"), "NO_COLOR": "1"}

    def try_repo(*files: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(pre_commit), "try-repo", str(source), "prefect1-migrate-check", "--files", *files],
            cwd=target,
            capture_output=True,
            text=True,
            env=env,
        )

    failing = try_repo("old.py", "new.py")
    assert failing.returncode == 1, failing.stdout + failing.stderr
    assert "old.py:1: would be rewritten: Imports have moved (imports-moved)" in failing.stdout
    assert "new.py" not in failing.stdout

    # The tool's own commits carry TODO(prefect-1.0) markers: they must not block a commit.
    passing = try_repo("new.py", "marked.py")
    assert passing.returncode == 0, passing.stdout + passing.stderr
    assert git(target, "status", "--porcelain") == ""


def test_a_file_name_that_looks_like_an_option_is_only_a_file_name(tmp_path: Path) -> None:
    """pre-commit appends the staged names to the hook's command line; a tracked file named
    ``--report=README.md`` must be checked, never read as ``--report`` (which would overwrite
    README.md)."""
    pre_commit = Path(sys.executable).with_name("pre-commit")
    source = _hook_source(tmp_path)
    target = init_repo(tmp_path / "target")
    readme = "# The project\n"
    (target / "README.md").write_text(readme)
    (target / "--report=README.md").write_text("```\nprefect register flow -f flow.py\n```\n")
    commit_all(target)
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-cache"), "NO_COLOR": "1"}
    result = subprocess.run(
        [str(pre_commit), "try-repo", str(source), "prefect1-migrate-check", "--all-files"],
        cwd=target,
        capture_output=True,
        text=True,
        env=env,
    )
    assert (target / "README.md").read_text() == readme
    assert result.returncode == 1, result.stdout + result.stderr
    assert "--report=README.md:2: would be rewritten: " in result.stdout
    assert git(target, "status", "--porcelain") == ""
