"""Interrupted runs and concurrent runs, on real subprocesses of the real command line.

Deterministic points come from the documented debugging hook PREFECT1_MIGRATE_PAUSE_AT
(the run stops there, says so on stderr, and waits for a line on stdin); a real-timing sweep
kills runs over many files after growing delays. After any interruption the working tree is
clean, HEAD is at the starting commit, and running migrate again completes the migration.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import TEST_CODEMODS, cli_with_test_codemods, git

from prefect1_migrate.interrupts import PAUSE_VARIABLE

OLD = b"from prefect.engine.executors import LocalExecutor\n"
NEW = b"from prefect.executors import LocalExecutor\n"
LOCK = Path(".git") / "prefect1-migrate.lock"


def repo_files(count: int) -> dict[str, bytes]:
    """Files the test codemods migrate in two commits: imports-moved, then test-settings."""
    files = {f"flows/flow{n:03}.py": b"import os\n" + OLD + b"x = %d\n" % n for n in range(count)}
    files.update({f"conf/app{n}.ini": b"[app]\nOLD_SETTING = %d\n" % n for n in range(3)})
    return files


def migrated(files: dict[str, bytes]) -> dict[str, bytes]:
    return {
        name: data.replace(OLD, NEW).replace(b"OLD_SETTING", b"NEW_SETTING")
        for name, data in files.items()
    }


def start_run(repo: Path, *options: str, pause: str | None = None) -> subprocess.Popen[bytes]:
    """The run in a process group of its own, as a shell runs a foreground command."""
    env = {**os.environ, "NO_COLOR": "1", "PYTHONUNBUFFERED": "1"}
    if pause:
        env[PAUSE_VARIABLE] = pause
    return subprocess.Popen(
        cli_with_test_codemods("migrate", "--only", TEST_CODEMODS, *options, str(repo)),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        start_new_session=True,
    )


TERMINAL_SIGNALS = (signal.SIGINT, signal.SIGHUP, signal.SIGQUIT)


def stop(process: subprocess.Popen[bytes], sig: signal.Signals) -> None:
    """SIGINT, SIGHUP and SIGQUIT as Ctrl-C, a closed terminal and Ctrl-\\ send them (to the
    whole foreground group: the run, its workers); SIGTERM as ``kill`` sends it (to the run
    alone)."""
    if sig in TERMINAL_SIGNALS:
        os.killpg(process.pid, sig)
    else:
        process.send_signal(sig)


def wait_for_pause(process: subprocess.Popen[bytes], point: str) -> None:
    assert process.stderr is not None
    line = process.stderr.readline()
    assert line.decode().strip() == f"prefect1-migrate: paused at {point}", line


def run_paused_at(
    make_repo, point: str, files: dict[str, bytes], commit_hook: bool = False
) -> tuple[Path, str, subprocess.Popen[bytes]]:
    """A repository of ``files`` (with a pre-commit hook that passes, if asked), its starting
    commit, and a run on it that is paused at ``point`` (``name:n``)."""
    repo = make_repo(files=files)
    if commit_hook:
        hook = repo / ".git" / "hooks" / "pre-commit"
        hook.write_text("#!/bin/sh\nexit 0\n")
        hook.chmod(0o755)
    start = git(repo, "rev-parse", "HEAD").strip()
    run = start_run(repo, "--jobs", "1", pause=point)
    wait_for_pause(run, point)
    return repo, start, run


def tracked_bytes(repo: Path) -> dict[str, bytes]:
    return {name: (repo / name).read_bytes() for name in git(repo, "ls-files").splitlines()}


def assert_at_start_and_clean(repo: Path, start: str, files: dict[str, bytes]) -> None:
    assert git(repo, "rev-parse", "HEAD").strip() == start
    assert git(repo, "status", "--porcelain", "--untracked-files=all", "--ignored") == ""
    assert {name: data for name, data in tracked_bytes(repo).items() if name in files} == files
    assert not (repo / LOCK).exists()


def assert_migrated_and_committed(repo: Path, start: str, files: dict[str, bytes]) -> None:
    assert {name: tracked_bytes(repo)[name] for name in files} == migrated(files)
    assert git(repo, "rev-list", "--count", f"{start}..HEAD").strip() == "2"
    assert git(repo, "status", "--porcelain", "--untracked-files=all") == ""
    assert not (repo / LOCK).exists()


def assert_rerun_completes(repo: Path, start: str, files: dict[str, bytes]) -> None:
    rerun = start_run(repo)
    _, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, err
    assert_migrated_and_committed(repo, start, files)


# Without commit hooks the commits are built first (``committed``), then each file is written
# once (``file-written``); with a hook, each codemod's files are written, then committed.
POINTS = [
    ("scanned:1", signal.SIGINT),
    ("committed:1", signal.SIGTERM),  # the first codemod's commit is made, then undone
    ("file-written:1", signal.SIGTERM),
    ("file-written:5", signal.SIGINT),
    ("file-written:10", signal.SIGINT),
    ("committed:2", signal.SIGTERM),
    ("committed:1", signal.SIGHUP),  # the terminal closed
    ("file-written:5", signal.SIGHUP),
    ("committed:1", signal.SIGQUIT),
    ("file-written:5", signal.SIGQUIT),
]


@pytest.mark.parametrize("commit_hook", [False, True], ids=["built-commits", "git-commit"])
@pytest.mark.parametrize(("point", "sig"), POINTS, ids=[f"{p}-{s.name}" for p, s in POINTS])
def test_a_stop_at_any_point_puts_the_repository_back_and_a_rerun_completes(
    make_repo, point: str, sig: signal.Signals, commit_hook: bool
) -> None:
    files = repo_files(8)
    repo, start, run = run_paused_at(make_repo, point, files, commit_hook)
    stop(run, sig)
    _, err = run.communicate(timeout=120)
    assert run.returncode == 130, err
    assert b"interrupted; the repository was put back as it was" in err
    assert_at_start_and_clean(repo, start, files)
    assert_rerun_completes(repo, start, files)


def test_ctrl_c_once_the_branch_moved_finishes_the_run_and_claims_no_rollback(make_repo) -> None:
    files = repo_files(8)
    repo, start, run = run_paused_at(make_repo, "branch-moved:1", files)
    stop(run, signal.SIGINT)
    _, err = run.communicate(input=b"\n", timeout=120)  # the wait ends; the run goes on
    assert run.returncode == 0, err
    assert b"put back" not in err
    assert b"SIGINT arrived once the migration was in place; the run finished" in err
    assert_migrated_and_committed(repo, start, files)


def test_ctrl_c_during_a_parallel_scan_stops_cleanly_and_writes_nothing(make_repo) -> None:
    files = repo_files(600)
    repo = make_repo(files=files)
    start = git(repo, "rev-parse", "HEAD").strip()
    run = start_run(repo, "--jobs", "2")
    assert run.stdout is not None
    assert run.stdout.readline().startswith(b"Scanning 603 files")  # the workers have begun
    stop(run, signal.SIGINT)  # reaches the workers too, as a real Ctrl-C does
    _, err = run.communicate(timeout=300)
    assert run.returncode == 130, err
    assert b"Traceback" not in err
    assert_at_start_and_clean(repo, start, files)
    assert_rerun_completes(repo, start, files)


def test_real_timing_kills_at_growing_delays_never_leave_a_half_done_state(make_repo) -> None:
    files = repo_files(400)
    reference = migrated(files)
    stopped_inside = 0
    for delay in (0.0, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 1.0, 1.5, 2.5):
        repo = make_repo(files=files)
        start = git(repo, "rev-parse", "HEAD").strip()
        run = start_run(repo, "--jobs", "1")
        time.sleep(delay)
        stop(run, signal.SIGTERM)
        run.communicate(timeout=300)
        # whatever the moment: interpreter start-up, scan, writes, commits, the summary
        assert run.returncode in (0, 130, -signal.SIGTERM), (delay, run.returncode)
        stopped_inside += run.returncode == 130
        if git(repo, "rev-parse", "HEAD").strip() == start:
            assert_at_start_and_clean(repo, start, files)
            assert_rerun_completes(repo, start, files)
        else:  # the run had finished: every commit is there and the tree is clean
            assert git(repo, "rev-list", "--count", f"{start}..HEAD").strip() == "2"
            assert {name: tracked_bytes(repo)[name] for name in files} == reference
            assert git(repo, "status", "--porcelain", "--untracked-files=all") == ""
    assert stopped_inside  # at least one kill landed inside a run


def test_sigkill_leaves_no_stale_lock_and_a_half_written_tree_is_refused_not_remigrated(
    make_repo,
) -> None:
    files = repo_files(4)
    repo, start, run = run_paused_at(make_repo, "file-written:2", files)
    stop(run, signal.SIGKILL)  # nothing can be undone after this
    run.communicate(timeout=60)
    assert git(repo, "rev-parse", "HEAD").strip() == start
    dirty = git(repo, "status", "--porcelain").splitlines()
    assert len(dirty) == 2 and all(line.startswith(" M ") for line in dirty), dirty
    again = start_run(repo)
    _, err = again.communicate(timeout=120)
    assert again.returncode == 2  # the kernel released the lock; the dirty tree is refused
    assert dirty[0][3:].encode() in err and b"another prefect1-migrate run" not in err
    git(repo, "checkout", "--", ".")
    assert_rerun_completes(repo, start, files)


def test_a_second_run_on_the_same_repository_is_refused_while_the_first_runs(make_repo) -> None:
    files = repo_files(4)
    repo = make_repo(files=files)
    start = git(repo, "rev-parse", "HEAD").strip()
    first = start_run(repo, "--jobs", "1", pause="scanned")
    wait_for_pause(first, "scanned:1")
    assert (repo / LOCK).exists()
    second = start_run(repo)
    _, err = second.communicate(timeout=120)
    assert second.returncode == 2
    assert f"another prefect1-migrate run (process {first.pid})".encode() in err
    _, first_err = first.communicate(input=b"\n", timeout=300)  # let the first run go on
    assert first.returncode == 0, first_err
    assert_migrated_and_committed(repo, start, files)
    third = start_run(repo)
    third.communicate(timeout=120)
    assert third.returncode == 0
    assert git(repo, "rev-list", "--count", f"{start}..HEAD").strip() == "2"


def test_a_git_index_lock_held_for_a_moment_by_another_git_command_is_waited_for(
    make_repo,
) -> None:
    files = repo_files(2)
    repo, start, run = run_paused_at(make_repo, "file-written:2", files)
    index_lock = repo / ".git" / "index.lock"
    index_lock.write_bytes(b"")  # as `git status` in an editor does
    assert run.stdin is not None
    run.stdin.write(b"\n")
    run.stdin.flush()
    time.sleep(0.5)  # the commit finds the index locked and waits
    index_lock.unlink()
    _, err = run.communicate(timeout=120)
    assert run.returncode == 0, err
    assert_migrated_and_committed(repo, start, files)


@pytest.mark.parametrize("options", [["--no-commit"], ["--allow-dirty"]])
def test_a_stopped_run_without_commits_gives_back_uncommitted_edits_exactly(
    make_repo, options: list[str]
) -> None:
    files = repo_files(4)
    repo = make_repo(files=files)
    start = git(repo, "rev-parse", "HEAD").strip()
    edited = files["flows/flow002.py"] + b"# my unsaved work\r\n"
    if "--allow-dirty" in options:
        (repo / "flows/flow002.py").write_bytes(edited)
    expected = tracked_bytes(repo)
    status = git(repo, "status", "--porcelain")
    run = start_run(repo, "--jobs", "1", *options, pause="file-written:4")
    wait_for_pause(run, "file-written:4")
    stop(run, signal.SIGTERM)
    _, err = run.communicate(timeout=120)
    assert run.returncode == 130, err
    assert tracked_bytes(repo) == expected
    assert git(repo, "status", "--porcelain", "--untracked-files=all") == status
    assert git(repo, "rev-parse", "HEAD").strip() == start


NOTE = "notes.txt"  # a tracked file the migration never touches


def edit(path: Path, by_rename: bool = False) -> bytes:
    """Saves a user's edit: in place, or as editors that write a new file and rename it over
    the old one. Returns the bytes saved."""
    data = path.read_bytes() + b"# my edit, saved during the run\n"
    if by_rename:
        fresh = path.with_name(f"{path.name}.saving")
        fresh.write_bytes(data)
        fresh.replace(path)
    else:
        with path.open("r+b") as handle:
            handle.write(data)
    return data


@pytest.mark.parametrize("commit_hook", [False, True], ids=["built-commits", "git-commit"])
def test_a_stop_never_reverts_an_edit_saved_during_the_run_and_lists_it(
    make_repo, commit_hook: bool
) -> None:
    files = {**repo_files(8), NOTE: b"notes\n"}
    repo, start, run = run_paused_at(make_repo, "file-written:3", files, commit_hook)
    edits = {
        "flows/flow000.py": edit(repo / "flows/flow000.py"),  # the run wrote it
        "flows/flow006.py": edit(repo / "flows/flow006.py", by_rename=True),  # not yet
        NOTE: edit(repo / NOTE),  # the run never writes it
    }
    stop(run, signal.SIGTERM)
    _, err = run.communicate(timeout=120)
    assert run.returncode == 130, err
    assert (
        b"interrupted; the run stopped; the files the run wrote were put back as they were and "
        b"HEAD is at " + start[:10].encode() + b" again, with these exceptions:\n" in err
    )
    for name in edits:
        listed = f"\n  {name} was changed during the run, by a hook or by someone else: it was "
        assert (listed + "left as it is").encode() in err
    assert tracked_bytes(repo) == {**files, **edits}
    assert git(repo, "rev-parse", "HEAD").strip() == start
    assert git(repo, "diff", "--cached", "--name-only") == ""  # the index is back at start
    assert not (repo / LOCK).exists()
    assert git(repo, "status", "--porcelain", "--untracked-files=all", "--ignored") == "".join(
        f" M {name}\n" for name in sorted(edits)
    )


@pytest.mark.parametrize("by_rename", [False, True], ids=["in-place", "renamed-over"])
def test_an_edit_saved_after_the_scan_is_never_overwritten_and_the_run_says_so(
    make_repo, by_rename: bool
) -> None:
    # every file was checked against its scan
    files = repo_files(8)
    repo, start, run = run_paused_at(make_repo, "file-written:2", files)
    edited = edit(repo / "flows/flow005.py", by_rename)
    _, err = run.communicate(input=b"\n", timeout=120)  # the run goes on
    assert run.returncode == 2, err
    assert b"Done" not in err
    assert (
        b"flows/flow005.py changed while the migration was running; it was not overwritten. "
        b"The run stopped; the files the run wrote were put back as they were and HEAD is at "
        + start[:10].encode()
        + b" again, with these exceptions:\n  flows/flow005.py was changed during the run, by a "
        b"hook or by someone else: it was left as it is" in err
    )
    assert tracked_bytes(repo) == {**files, "flows/flow005.py": edited}
    assert git(repo, "rev-parse", "HEAD").strip() == start
    assert git(repo, "status", "--porcelain", "--untracked-files=all", "--ignored") == (
        " M flows/flow005.py\n"
    )


def test_edits_saved_at_random_moments_of_runs_always_survive(make_repo) -> None:
    """Whatever the moment (before the run looks, during the scan, the writes, the commits,
    after), a saved edit is in the file afterwards; the run stops (exit 2) or finishes."""
    files = repo_files(150)
    names = sorted(files)
    randomness = random.Random(17)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        repo = make_repo(files=files)
        start = git(repo, "rev-parse", "HEAD").strip()
        name = randomness.choice(names)
        run = start_run(repo, "--jobs", "1")
        time.sleep(randomness.uniform(0.0, 3.0))
        edited = edit(repo / name, by_rename=randomness.random() < 0.5)
        _, err = run.communicate(timeout=300)
        assert run.returncode in (0, 2), err
        assert (repo / name).read_bytes() == edited, (name, err)
        assert git(repo, "status", "--porcelain") == f" M {name}\n", err
        assert git(repo, "ls-files", "--others", "--ignored", "--exclude-standard") == ""
        assert git(repo, "rev-list", "--count", f"{start}..HEAD").strip() in ("0", "2")
        assert not (repo / LOCK).exists()


# The real command line, killed with SIGKILL inside its third file write (after the temporary
# file is written, before it is renamed): what a kill -9 or the OOM killer leaves.
_KILLED_INSIDE_A_WRITE = """
import os, signal, sys
from prefect1_migrate import cli

flushes = []
real_fsync = os.fsync

def fsync_then_die(descriptor):
    flushes.append(descriptor)
    if len(flushes) == 3:
        os.kill(os.getpid(), signal.SIGKILL)
    real_fsync(descriptor)

os.fsync = fsync_then_die
sys.argv = ["prefect1-migrate", *sys.argv[1:]]
cli.main()
"""


def test_after_a_kill_inside_a_write_the_next_run_cleans_up_and_says_how_to_finish(
    make_repo,
) -> None:
    files = repo_files(6)
    repo = make_repo(files=files)
    start = git(repo, "rev-parse", "HEAD").strip()
    killed = subprocess.run(
        [sys.executable, "-c", _KILLED_INSIDE_A_WRITE, "migrate", "--jobs", "1", str(repo)],
        capture_output=True,
        # a pause point never reached: only so that files are written one at a time
        env={**os.environ, PAUSE_VARIABLE: "file-written:1000"},
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    written = " M flows/flow000.py\n M flows/flow001.py\n"
    # the temporary file of the third write is in .git, not among the user's files
    assert git(repo, "status", "--porcelain", "--untracked-files=all", "--ignored") == written
    scratch = repo / ".git" / "prefect1-migrate-tmp"
    assert [path.name[:22] for path in scratch.iterdir()] == [".prefect1-migrate-tmp."]
    again = start_run(repo)
    _, err = again.communicate(timeout=120)
    assert again.returncode == 2, err
    assert (
        f"prefect1-migrate: a previous prefect1-migrate run (process {killed_pid(err)}) was "
        "killed before it finished.\nIt left these files written but not committed:\n"
        "  flows/flow000.py\n  flows/flow001.py\nTo finish: git checkout HEAD -- .\n"
    ).encode() in err
    assert not scratch.exists()
    git(repo, "checkout", "HEAD", "--", ".")  # as the message says
    assert_rerun_completes(repo, start, files)
    assert sorted(path.name for path in (repo / ".git").glob("prefect1-migrate*")) == []


def killed_pid(err: bytes) -> int:
    return int(err.split(b"(process ", 1)[1].split(b")", 1)[0])


def process_children(pid: int) -> set[int]:
    children: set[int] = set()
    for status in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = status.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            children.add(int(status.parent.name))
    return children


def running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has exited; only its parent has not collected it


def test_kill_9_of_the_main_process_alone_leaves_no_worker_and_no_lock(make_repo) -> None:
    """What the OOM killer does: the main process dies mid-scan, its workers do not get the
    signal. They must not keep the lock, and must end."""
    files = repo_files(600)
    repo = make_repo(files=files)
    start = git(repo, "rev-parse", "HEAD").strip()
    run = start_run(repo, "--jobs", "2")
    assert run.stdout is not None
    assert run.stdout.readline().startswith(b"Scanning 603 files")
    deadline = time.monotonic() + 30
    while len(workers := process_children(run.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(workers) >= 2, workers
    run.kill()  # SIGKILL to the main process alone
    run.wait(timeout=60)
    try:
        again = start_run(repo, "--jobs", "2")
        _, err = again.communicate(timeout=300)
        assert again.returncode == 0, err  # the lock died with the main process
        assert_migrated_and_committed(repo, start, files)
        deadline = time.monotonic() + 10
        while any(running(worker) for worker in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(running(worker) for worker in workers)
    finally:
        for worker in filter(running, workers):
            os.kill(worker, signal.SIGKILL)
        for pipe in (run.stdin, run.stdout, run.stderr):
            assert pipe is not None
            pipe.close()


def test_runs_killed_at_random_moments_leave_nothing_the_next_run_cannot_finish(
    make_repo,
) -> None:
    """SIGKILL to the main process alone, at a random moment: no temporary file among the
    user's files, no lock kept by a worker; the next run completes, or names the killed run
    and the command that finishes, after which a run completes."""
    files = repo_files(300)
    randomness = random.Random(6)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        repo = make_repo(files=files)
        start = git(repo, "rev-parse", "HEAD").strip()
        run = start_run(repo, "--jobs", "2")
        time.sleep(randomness.uniform(0.0, 4.0))
        run.kill()
        run.wait(timeout=60)
        for pipe in (run.stdin, run.stdout, run.stderr):
            assert pipe is not None
            pipe.close()
        assert git(repo, "ls-files", "--others") == ""  # untracked, ignored or not
        again = start_run(repo, "--jobs", "2")
        _, err = again.communicate(timeout=300)
        if again.returncode == 2:
            assert b"was killed before it finished" in err, err
            assert b"\nTo finish: git checkout HEAD -- .\n" in err, err
            git(repo, "checkout", "HEAD", "--", ".")
            again = start_run(repo, "--jobs", "2")
            _, err = again.communicate(timeout=300)
        assert again.returncode == 0, err
        assert_migrated_and_committed(repo, start, files)
        assert sorted((repo / ".git").glob("prefect1-migrate*")) == []


def test_an_edit_saved_before_the_scan_reads_the_file_stops_the_run_before_any_write(
    make_repo,
) -> None:
    # the tree was found clean; nothing is scanned yet
    files = repo_files(8)
    repo, start, run = run_paused_at(make_repo, "checked:1", files)
    edited = edit(repo / "flows/flow003.py")
    _, err = run.communicate(input=b"\n", timeout=120)
    assert run.returncode == 2, err
    assert (
        b"flows/flow003.py changed while the migration was running; nothing was written. "
        b"Run migrate again." in err
    )
    assert tracked_bytes(repo) == {**files, "flows/flow003.py": edited}
    assert git(repo, "rev-parse", "HEAD").strip() == start
    assert git(repo, "status", "--porcelain", "--untracked-files=all", "--ignored") == (
        " M flows/flow003.py\n"
    )
