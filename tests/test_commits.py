"""How the commits are made. Without commit hooks to run, each codemod's commit is built
from the snapshots with git plumbing and every file is written once, at its final version;
with hooks, or where git stores other bytes than the file holds (filters, line-ending
conversion), each codemod's files are written and committed with ``git commit``. Both give
the same history."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import EXAMPLE_PROJECT, git, run_cli

NO_OP_HOOK = "#!/bin/sh\nexit 0\n"


def history(repo: Path, start: str) -> list[str]:
    """Tree, author, committer and message of every commit after ``start``, oldest first."""
    log = git(repo, "log", "--reverse", "--format=%T %an <%ae> %cn <%ce>%n%B%x00", f"{start}..")
    return [entry.strip() for entry in log.split("\0") if entry.strip()]


def migrate(repo: Path, *options: str) -> str:
    start = git(repo, "rev-parse", "HEAD").strip()
    result = run_cli("migrate", "--jobs", "1", *options, ".", cwd=repo)
    assert result.returncode == 0, result.stderr.decode()
    assert git(repo, "status", "--porcelain", "--untracked-files=all") == ""
    return start


def test_commits_built_from_snapshots_equal_those_git_commit_makes(make_repo) -> None:
    built = make_repo(source=EXAMPLE_PROJECT)
    committed = make_repo(source=EXAMPLE_PROJECT)
    hook = committed / ".git" / "hooks" / "pre-commit"
    hook.write_text(NO_OP_HOOK)
    hook.chmod(0o755)
    built_start, committed_start = migrate(built), migrate(committed)
    commits = history(built, built_start)
    assert len(commits) > 10
    assert history(committed, committed_start) == commits
    assert git(built, "rev-parse", "HEAD^{tree}") == git(committed, "rev-parse", "HEAD^{tree}")
    # one reflog entry for the whole run, which names it
    assert git(built, "reflog", "-1", "--format=%gs").startswith("prefect1-migrate: ")
    for name in git(built, "ls-files").split():
        assert (built / name).read_bytes() == (committed / name).read_bytes(), name
        assert (built / name).stat().st_mode == (committed / name).stat().st_mode, name


@pytest.mark.parametrize(
    ("config", "attributes"),
    [
        ({}, "*.py text eol=crlf\n"),
        ({"core.eol": "crlf"}, "*.py text\n"),
        ({"core.autocrlf": "true"}, ""),
    ],
    ids=["eol-attribute", "text-attribute", "core.autocrlf"],
)
def test_files_git_converts_when_storing_are_committed_the_way_git_stores_them(
    make_repo, config: dict[str, str], attributes: str
) -> None:
    # Stored with LF, checked out with CRLF: git stores LF, and so must the migration.
    old = "from prefect.engine.executors import LocalExecutor\r\n"
    repo = make_repo(files={"flow.py": old.replace("\r", "")})
    (repo / ".gitattributes").write_text(attributes)
    for key, value in config.items():
        git(repo, "config", key, value)
    (repo / "flow.py").unlink()
    git(repo, "add", ".gitattributes")
    git(repo, "commit", "-q", "-m", "attributes")
    git(repo, "checkout", "--", "flow.py")
    assert (repo / "flow.py").read_bytes() == old.encode()
    start = migrate(repo)
    assert git(repo, "rev-list", "--count", f"{start}..").strip() == "1"
    stored = git(repo, "cat-file", "-p", "HEAD:flow.py")
    assert stored == "from prefect.executors import LocalExecutor\n"
    assert (repo / "flow.py").read_bytes() == b"from prefect.executors import LocalExecutor\r\n"
