"""File names and paths a repository (or a user) may hold that must stay plain names: tabs,
newlines, terminal escape sequences, bytes that are not UTF-8, pathspec magic."""

from __future__ import annotations

import subprocess

from conftest import git, run_cli

OLD = "from prefect.engine.executors import LocalExecutor\n"
NEW = "from prefect.executors import LocalExecutor\n"


def test_dry_run_patch_applies_to_names_with_tabs_newlines_and_quotes(make_repo) -> None:
    names = ["tab\there.py", "new\nline.py", 'quote"d.py', "back\\slash.py", "plain name.py"]
    repo = make_repo(files=dict.fromkeys(names, OLD))
    dry = run_cli("migrate", "--dry-run", str(repo))
    assert dry.returncode == 0, dry.stderr
    assert b'diff --git "a/tab\\there.py" "b/tab\\there.py"\n' in dry.stdout
    assert b'--- "a/new\\nline.py"\n+++ "b/new\\nline.py"\n' in dry.stdout
    applied = subprocess.run(["git", "apply", "-"], cwd=repo, input=dry.stdout)
    assert applied.returncode == 0
    for name in names:
        assert (repo / name).read_text() == NEW, name


def test_a_path_argument_is_a_literal_path_never_pathspec_magic(make_repo) -> None:
    repo = make_repo(files={"flow.py": OLD, ":(exclude)flows/flow.py": OLD})
    check = run_cli("migrate", "--check", "--quiet", ":(exclude)flows", cwd=repo)
    assert check.returncode == 1, check.stderr
    assert check.stdout.decode().splitlines()[0] == (
        ":(exclude)flows/flow.py: would be changed by imports-moved (Imports have moved)"
    )
    assert b"\nflow.py:" not in check.stdout and not check.stdout.startswith(b"flow.py")
    assert git(repo, "status", "--porcelain") == ""
