"""Runs that cannot or must not go ahead, and runs that fail half-way: each says clearly
what is wrong, and the repository is left exactly as it was (files, index, HEAD, no lock,
no temporary files)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from conftest import TEST_CODEMODS, cli_with_test_codemods, git, run_cli

OLD = b"from prefect.engine.executors import LocalExecutor\n"
NEW = b"from prefect.executors import LocalExecutor\n"


def snapshot(repo: Path) -> dict[str, object]:
    """Everything a run could disturb: every file's bytes (tracked or not, .git excluded),
    HEAD, the branch, the index, and any lock or scratch file of the tool in .git."""
    files = {
        path.relative_to(repo).as_posix(): path.read_bytes()
        for path in sorted(repo.rglob("*"))
        if path.is_file() and ".git" not in path.relative_to(repo).parts
    }
    head = subprocess.run(
        ["git", "rev-parse", "-q", "--verify", "HEAD"], cwd=repo, capture_output=True
    )
    return {
        "files": files,
        "head": head.stdout,
        "branch": (repo / ".git" / "HEAD").read_bytes(),
        "index": git(repo, "ls-files", "--stage"),
        "tool_files": sorted(p.name for p in (repo / ".git").glob("prefect1-migrate*")),
    }


def migrate_only(repo: Path, *options: str, env: dict[str, str] | None = None):
    return run_cli("migrate", "--only", "imports-moved", *options, str(repo), env=env)


def run_with_test_codemods(repo: Path, *options: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        cli_with_test_codemods("migrate", "--only", TEST_CODEMODS, *options, str(repo)),
        capture_output=True,
        env={**os.environ, "NO_COLOR": "1"},
    )


def test_dirty_tree_is_refused_before_anything_is_written_naming_what_is_dirty(make_repo) -> None:
    repo = make_repo(files={"flow.py": OLD, "staged.py": "x = 1\n", "edited.py": "y = 1\n"})
    (repo / "staged.py").write_text("x = 2\n")
    git(repo, "add", "staged.py")
    (repo / "edited.py").write_text("y = 2\n")
    (repo / "untracked.py").write_bytes(OLD)  # untracked files alone never make a tree dirty
    before = snapshot(repo)
    result = migrate_only(repo)
    assert result.returncode == 2
    assert b"M staged.py" in result.stderr and b"M edited.py" in result.stderr
    assert b"untracked.py" not in result.stderr
    assert snapshot(repo) == before


def test_not_a_repository_and_a_bare_repository_are_refused(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "flow.py").write_bytes(OLD)
    result = migrate_only(plain)
    assert result.returncode == 2
    assert b"not inside a git work tree" in result.stderr
    assert (plain / "flow.py").read_bytes() == OLD
    bare = tmp_path / "bare.git"
    subprocess.run(["git", "init", "-q", "--bare", str(bare)], check=True)
    before = sorted(p.relative_to(bare) for p in bare.rglob("*"))
    result = migrate_only(bare)
    assert result.returncode == 2
    assert b"bare repository" in result.stderr
    assert sorted(p.relative_to(bare) for p in bare.rglob("*")) == before


@pytest.mark.parametrize(
    ("prepare", "message"),
    [
        (lambda repo: git(repo, "checkout", "-q", "--detach"), b"HEAD is detached"),
        (
            lambda repo: git(repo, "checkout", "-q", "--orphan", "fresh"),
            b"the current branch has no commits yet",
        ),
        (
            lambda repo: (repo / ".git" / "MERGE_HEAD").write_text(git(repo, "rev-parse", "HEAD")),
            b"a merge is in progress",
        ),
        (
            lambda repo: (repo / ".git" / "rebase-merge").mkdir(),
            b"a rebase is in progress",
        ),
    ],
    ids=["detached-head", "unborn-branch", "merge-in-progress", "rebase-in-progress"],
)
def test_unsafe_repository_states_are_refused_with_a_clear_message(
    make_repo, prepare, message: bytes
) -> None:
    repo = make_repo(files={"flow.py": OLD})
    prepare(repo)
    before = snapshot(repo)
    result = migrate_only(repo)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr
    assert snapshot(repo) == before


def test_no_identity_is_refused_with_nothing_written(make_repo, tmp_path: Path) -> None:
    repo = make_repo(files={"flow.py": OLD}, identity=False)
    home = tmp_path / "home"
    home.mkdir()
    env = {"HOME": str(home), "XDG_CONFIG_HOME": str(home), "GIT_CONFIG_NOSYSTEM": "1"}
    before = snapshot(repo)
    result = migrate_only(repo, env=env)
    assert result.returncode == 2
    assert b"no user identity" in result.stderr
    assert snapshot(repo) == before


def install_hook(repo: Path, name: str, script: str) -> None:
    hook = repo / ".git" / "hooks" / name
    hook.write_text("#!/bin/sh\n" + script)
    hook.chmod(0o755)


def two_commit_repo(make_repo) -> Path:
    """A repository the test codemods migrate in two commits: imports-moved, test-settings."""
    return make_repo(files={"flow.py": OLD, "tasks.py": OLD, "app.ini": "[app]\nOLD_SETTING = 1\n"})


HOOKS = {  # hook, script, what the run says, the file the hook changes
    "pre-commit-fails": ("pre-commit", 'echo "lint failed" >&2\nexit 1\n', b"lint failed", None),
    "commit-msg-fails": ("commit-msg", 'echo "bad message" >&2\nexit 1\n', b"bad message", None),
    "pre-commit-rewrites-a-file": (
        "pre-commit",
        'echo "# formatted" >> flow.py\n',
        b"a git hook changed files during the commit (flow.py)",
        "flow.py",
    ),
    "pre-commit-rewrites-and-stages": (
        "pre-commit",
        'echo "# formatted" >> flow.py\ngit add flow.py\n',
        b"a git hook changed files during the commit (flow.py)",
        "flow.py",
    ),
    "pre-commit-stages-another-file": (
        "pre-commit",
        'echo "# note" >> README.md\ngit add README.md\n',
        b"a git hook changed files during the commit (README.md)",
        "README.md",
    ),
    "commit-msg-rewrites-a-tracked-file": (
        "commit-msg",
        'echo "x" >> tasks.py\n',
        b"a git hook changed files during the commit (tasks.py)",
        "tasks.py",
    ),
}


def test_a_stale_git_index_lock_is_refused_before_anything_is_written(make_repo) -> None:
    repo = make_repo(files={"flow.py": OLD, "app.ini": b"OLD_SETTING = 1\n"})
    index_lock = repo / ".git" / "index.lock"
    index_lock.write_bytes(b"")  # left behind by a git that crashed
    before = snapshot(repo)
    index = (repo / ".git" / "index").read_bytes()
    result = run_with_test_codemods(repo)
    assert result.returncode == 2, result.stderr
    assert f"git's index is locked: {index_lock} exists".encode() in result.stderr
    assert f"rm {index_lock}".encode() in result.stderr
    assert b"Nothing was written" in result.stderr
    assert snapshot(repo) == before
    assert (repo / ".git" / "index").read_bytes() == index
    index_lock.unlink()
    assert run_with_test_codemods(repo).returncode == 0
    assert (repo / "flow.py").read_bytes() == NEW


@pytest.mark.parametrize("case", sorted(HOOKS))
@pytest.mark.parametrize("failing_commit", [1, 2])
def test_a_hook_that_fails_or_rewrites_files_undoes_the_whole_run_but_what_it_changed(
    make_repo, case: str, failing_commit: int
) -> None:
    """What a hook changed cannot be told from what someone saved meanwhile: the run leaves
    it as it is and lists it; HEAD, the index and every other file go back."""
    repo = two_commit_repo(make_repo)
    (repo / "README.md").write_text("readme\n")
    git(repo, "add", "README.md")
    git(repo, "commit", "-q", "-m", "readme")
    hook, script, message, changed = HOOKS[case]
    # the hook acts on the n-th commit the tool makes only
    counter = repo / ".git" / "hook-count"
    install_hook(
        repo,
        hook,
        f'n=$(cat "{counter}" 2>/dev/null || echo 0); n=$((n+1)); echo $n > "{counter}"\n'
        f"[ $n -eq {failing_commit} ] || exit 0\n" + script,
    )
    before = snapshot(repo)
    result = run_with_test_codemods(repo)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr
    if changed is None:
        assert b"nothing was changed" in result.stderr
        assert snapshot(repo) == before
    else:
        assert (
            f"\n  {changed} was changed during the run, by a hook or by someone else: it was "
            "left as it is"
        ).encode() in result.stderr
        after = snapshot(repo)
        assert after["files"][changed] != before["files"][changed]  # type: ignore[index]
        assert {**after, "files": {**after["files"], changed: b""}} == {  # type: ignore[dict-item]
            **before,
            "files": {**before["files"], changed: b""},  # type: ignore[dict-item]
        }
        git(repo, "checkout", "--", changed)
        assert snapshot(repo) == before
    assert git(repo, "status", "--porcelain", "--untracked-files=all") == ""


def test_hooks_run_by_default_and_no_verify_skips_them(make_repo) -> None:
    repo = two_commit_repo(make_repo)
    log = repo / ".git" / "hook-log"
    install_hook(repo, "pre-commit", f'echo pre-commit >> "{log}"\n')
    install_hook(repo, "commit-msg", f'echo commit-msg >> "{log}"\n')
    assert run_with_test_codemods(repo).returncode == 0
    assert log.read_text().split() == ["pre-commit", "commit-msg"] * 2
    repo = two_commit_repo(make_repo)
    log = repo / ".git" / "hook-log"
    install_hook(repo, "pre-commit", "exit 1\n")
    install_hook(repo, "commit-msg", "exit 1\n")
    install_hook(repo, "post-commit", f'echo post-commit >> "{log}"\n')  # as git commit -n
    result = run_with_test_codemods(repo, "--no-verify")
    assert result.returncode == 0, result.stderr
    assert git(repo, "rev-list", "--count", "HEAD").strip() == "3"
    assert log.read_text().split() == ["post-commit"] * 2


def test_a_codemod_that_raises_leaves_that_file_as_it_was_and_the_run_goes_on(
    make_repo, tmp_path: Path
) -> None:
    repo = make_repo(
        files={
            "a_flow.py": OLD,
            "boom_flow.py": OLD,  # imports-moved rewrites it, then test-explodes raises
            "z_flow.py": OLD,
            "app.ini": "OLD_SETTING = 1\n",
        }
    )
    for jobs in ("1", "2"):
        report = tmp_path / f"report-{jobs}.json"
        result = run_with_test_codemods(repo, "--check", "--jobs", jobs, "--report", str(report))
        assert json.loads(report.read_text())["skipped_files"] == [
            {
                "path": "boom_flow.py",
                "line": None,
                "cell": None,  # a notebook cell's number, for .ipynb files
                "reason": "codemod raised RuntimeError('test codemod exploded'); "
                "file left as it was",
                "codemod": "test-explodes",
            }
        ], jobs
    report = tmp_path / "report.json"
    result = run_with_test_codemods(repo, "--report", str(report))
    assert result.returncode == 3, result.stderr
    output = (result.stdout + result.stderr).decode()
    assert (
        "boom_flow.py [test-explodes]: codemod raised RuntimeError('test codemod exploded')"
        in output
    )
    assert (repo / "boom_flow.py").read_bytes() == OLD  # not even imports-moved's change
    assert (repo / "a_flow.py").read_bytes() == NEW
    assert (repo / "z_flow.py").read_bytes() == NEW
    assert (repo / "app.ini").read_text() == "NEW_SETTING = 1\n"
    assert git(repo, "log", "--format=%s", "-2").splitlines() == [
        "prefect-1.0: Test: OLD_SETTING is NEW_SETTING",
        "prefect-1.0: Imports have moved",
    ]
    assert git(repo, "status", "--porcelain") == ""
    codemods = {item["id"]: item for item in json.loads(report.read_text())["codemods"]}
    assert codemods["imports-moved"]["files_changed"] == ["a_flow.py", "z_flow.py"]


def test_a_failed_write_puts_everything_back(make_repo, monkeypatch) -> None:
    """In-process: the third file write fails (disk full); the two files already written are
    put back."""
    from prefect1_migrate.codemods.imports_moved import CODEMOD as IMPORTS_MOVED

    from prefect1_migrate import rollback, writing
    from prefect1_migrate.gitops import RepositoryProblem
    from prefect1_migrate.migrate import Migration, MigrationRequest

    repo = make_repo(files={f"flow{n}.py": OLD for n in range(5)})
    before = snapshot(repo)
    real_write = writing.write_atomic
    calls = []

    def failing_write(root: Path, path: str, data: bytes, *checks: object) -> None:
        calls.append(path)
        if len(calls) == 3:
            raise OSError(28, "No space left on device", path)
        real_write(root, path, data, *checks)

    for module in (writing, rollback):  # the writes, and the put-back
        monkeypatch.setattr(module, "write_atomic", failing_write)
    monkeypatch.chdir(repo)
    with pytest.raises(RepositoryProblem, match=r"No space left on device.*put back"):
        Migration(MigrationRequest(paths=[repo], codemods=[IMPORTS_MOVED])).run()
    assert snapshot(repo) == before


def test_write_atomic_leaves_the_old_file_and_no_temporary_file_when_it_fails(
    tmp_path: Path, monkeypatch
) -> None:
    from prefect1_migrate import workspace

    target = tmp_path / "flow.py"
    target.write_bytes(OLD)

    def broken_fsync(_descriptor: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(workspace.os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="Input/output error"):
        workspace.write_atomic(tmp_path, "flow.py", NEW)
    assert target.read_bytes() == OLD
    assert [p.name for p in tmp_path.iterdir()] == ["flow.py"]


def test_a_file_edited_during_the_run_is_never_overwritten(make_repo, monkeypatch) -> None:
    from prefect1_migrate.codemods.imports_moved import CODEMOD as IMPORTS_MOVED

    from prefect1_migrate.gitops import RepositoryProblem
    from prefect1_migrate.migrate import Migration, MigrationRequest, Progress
    from prefect1_migrate.pipeline import FileResult

    repo = make_repo(files={"a.py": OLD, "b.py": OLD})

    def edit_once_scanned(result: FileResult) -> None:
        if result.path == "b.py":
            (repo / "b.py").write_bytes(OLD + b"# edited by someone else\n")

    monkeypatch.chdir(repo)
    migration = Migration(
        MigrationRequest(paths=[repo], codemods=[IMPORTS_MOVED], allow_dirty=True, commit=False),
        Progress(file_done=edit_once_scanned),
    )
    with pytest.raises(RepositoryProblem, match=r"b\.py changed while the migration was running"):
        migration.run()
    assert (repo / "a.py").read_bytes() == OLD
    assert (repo / "b.py").read_bytes() == OLD + b"# edited by someone else\n"


def test_a_disk_too_full_for_the_run_is_refused_before_anything_is_written(
    make_repo, monkeypatch
) -> None:
    import shutil

    from prefect1_migrate.codemods.imports_moved import CODEMOD as IMPORTS_MOVED

    from prefect1_migrate.gitops import RepositoryProblem
    from prefect1_migrate.migrate import Migration, MigrationRequest

    repo = make_repo(files={f"flow{n}.py": OLD for n in range(5)})
    before = snapshot(repo)
    real_usage = shutil.disk_usage

    def nearly_full(path: str | Path) -> object:
        return real_usage(path)._replace(free=4 * 2**20)  # 4 MB left

    monkeypatch.setattr(shutil, "disk_usage", nearly_full)
    monkeypatch.chdir(repo)
    with pytest.raises(
        RepositoryProblem,
        match=r"not enough free space: the run needs about 1 MB on the file system of .*, "
        r"which has 4 MB free\. Free some space and run migrate again\. Nothing was written\.",
    ):
        Migration(MigrationRequest(paths=[repo], codemods=[IMPORTS_MOVED])).run()
    assert snapshot(repo) == before


def test_a_rollback_carries_on_past_a_failed_restore_and_says_how_to_finish_it(
    make_repo, monkeypatch
) -> None:
    """In-process: the disk fills up at the third write, and putting back the first file
    fails too; the second is put back, HEAD and the index are at the start, and the message
    gives the command that finishes the rollback once there is room."""
    from prefect1_migrate.codemods.imports_moved import CODEMOD as IMPORTS_MOVED

    from prefect1_migrate import rollback, writing
    from prefect1_migrate.gitops import RepositoryProblem
    from prefect1_migrate.migrate import Migration, MigrationRequest

    repo = make_repo(files={f"flow{n}.py": OLD for n in range(5)})
    start = git(repo, "rev-parse", "HEAD").strip()
    before = snapshot(repo)
    real_write = writing.write_atomic
    migrations = []

    def disk_filling_up(root: Path, path: str, data: bytes, *checks: object) -> None:
        if data == NEW:
            migrations.append(path)
        if (len(migrations) == 3 and data == NEW) or (data == OLD and path == migrations[0]):
            raise OSError(28, "No space left on device", path)
        real_write(root, path, data, *checks)

    for module in (writing, rollback):  # the writes, and the put-back
        monkeypatch.setattr(module, "write_atomic", disk_filling_up)
    monkeypatch.chdir(repo)
    with pytest.raises(RepositoryProblem) as stopped:
        Migration(MigrationRequest(paths=[repo], codemods=[IMPORTS_MOVED], jobs=1)).run()
    first, second = migrations[:2]
    assert str(stopped.value).endswith(
        f"HEAD is at {start[:10]} again, with these exceptions:\n"
        f"  {first} still holds the migration (No space left on device); once that is fixed, "
        f"run: git checkout {start} -- {first}"
    )
    assert (repo / first).read_bytes() == NEW
    assert (repo / second).read_bytes() == OLD
    assert git(repo, "rev-parse", "HEAD").strip() == start
    assert git(repo, "diff", "--cached", "--name-only") == ""
    git(repo, "checkout", start, "--", first)  # the command the message gives
    assert snapshot(repo) == before
