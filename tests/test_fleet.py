"""``prefect1-migrate fleet`` end to end, on real git repositories made from the golden cases
and the example projects: states, the branches, resume, retries, --status, --push."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import EXAMPLE_PROJECT, run_cli
from fleet_repos import (
    BRANCH,
    ENVIRONMENTS,
    EXECUTORS,
    EXECUTORS_AFTER,
    HELPERS_PROJECT,
    MARKER,
    REGISTER_AFTER,
    REGISTER_CI,
    attempts,
    branch_history,
    first_case,
    fleet,
    git,
    markers_on,
    repos_file,
    source_repo,
    states,
    steps,
)
from realprefect.envs import ensure_envs

from prefect1_migrate.commitmsg import TITLE_PREFIX


def _bare_copy(source: Path, target: Path) -> str:
    git(source.parent, "clone", "--quiet", "--bare", str(source), str(target))
    return target.as_uri()


def test_a_campaign_over_a_dozen_repositories(tmp_path: Path) -> None:
    sources = tmp_path / "src"
    local = {
        "example-project": source_repo(sources / "example-project", EXAMPLE_PROJECT),
        "example-project-helpers": source_repo(
            sources / "example-project-helpers", HELPERS_PROJECT
        ),
        "executors": source_repo(sources / "executors", EXECUTORS),
        "register-ci": source_repo(sources / "register-ci", REGISTER_CI),
        "environments": source_repo(sources / "environments", ENVIRONMENTS),
        "pins": source_repo(sources / "pins", first_case("prefect-pins")),
        "done-register": source_repo(sources / "done-register", REGISTER_AFTER),
        "done-executors": source_repo(sources / "done-executors", EXECUTORS_AFTER),
        "no-prefect": source_repo(sources / "no-prefect"),
        "hooked": source_repo(sources / "hooked", EXECUTORS),
    }
    hook = local["hooked"] / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho 'lint says no' >&2\nexit 1\n")
    hook.chmod(0o755)
    remote = _bare_copy(
        source_repo(tmp_path / "seed" / "served", REGISTER_CI), tmp_path / "served.git"
    )
    missing = (tmp_path / "gone" / "missing.git").as_uri()
    before = {
        name: (git(repo, "rev-parse", "main"), git(repo, "symbolic-ref", "HEAD"))
        for name, repo in local.items()
    }
    repos = repos_file(tmp_path, [f"src/{name}" for name in local] + [remote, missing])
    campaign = tmp_path / "repos.campaign"

    result = run_cli(
        "fleet", str(repos), "--jobs", "2", "--tries", "2", "--author", "Fleet <fleet@example.com>"
    )

    output = result.stdout.decode()
    assert result.returncode == 1, output + result.stderr.decode()  # two repositories failed
    recorded = states(campaign)
    assert len(recorded) == 12
    for name, repo in local.items():
        assert (git(repo, "rev-parse", "main"), git(repo, "symbolic-ref", "HEAD")) == before[name]
        assert git(repo, "status", "--porcelain") == ""
    for name in (
        "example-project",
        "example-project-helpers",
        "executors",
        "register-ci",
        "environments",
        "pins",
    ):
        state, commits, left, reason = recorded[name]
        repo = local[name]
        history = branch_history(repo)
        assert commits == len(history) > 0, name
        assert all(entry.split("\n")[1].startswith(TITLE_PREFIX) for entry in history)
        assert left >= markers_on(repo, BRANCH)
        assert state == ("needs-review" if left else "migrated"), (name, state, left)
        assert (campaign / "repos" / f"{name}.md").read_text().startswith("# Prefect 1.0 migration")
        assert git(campaign / "repos" / name, "rev-parse", "HEAD") == git(repo, "rev-parse", BRANCH)
    assert recorded["example-project"][0] == "needs-review" and recorded["example-project"][2] > 0
    for name in ("done-register", "done-executors", "no-prefect"):
        state, commits, left, _ = recorded[name]
        assert commits == 0 and branch_history(local[name]) == []
        assert state == ("needs-review" if left else "nothing-to-do")
        assert left == markers_on(local[name], "main")
    assert recorded["no-prefect"][:3] == ("nothing-to-do", 0, 0)
    state, commits, _, reason = recorded["hooked"]
    assert (state, commits) == ("failed", 0) and "lint says no" in reason
    assert git(local["hooked"], "rev-parse", BRANCH) == before["hooked"][0]  # rolled back
    git(local["hooked"], "checkout", "--quiet", BRANCH)  # the campaign does not hold it
    git(local["hooked"], "checkout", "--quiet", "main")
    assert recorded["served"][0] in ("migrated", "needs-review") and recorded["served"][1] > 0
    clone = campaign / "clones" / "served"
    assert git(clone, "config", "remote.origin.url") == remote
    assert branch_history(local["register-ci"]) == [
        entry for entry in _history(clone, f"origin/main..{BRANCH}")
    ]
    state, _, _, reason = recorded["missing"]
    assert state == "failed" and "git clone failed" in reason
    assert [(t, ok) for t, ok, _ in steps(campaign, "missing", "clone")] == [(1, 0), (2, 0)]
    assert "missing: failed (git clone failed" in output
    assert "Campaign: 12 repositories:" in output.splitlines()[-1]


def _history(repo: Path, revisions: str) -> list[str]:
    log = git(repo, "log", "--format=%T%n%B%x00", revisions)
    return [entry.strip() for entry in log.split("\0") if entry.strip()]


def test_a_second_run_rechecks_what_is_done_and_never_migrates_it_again(tmp_path: Path) -> None:
    repo = source_repo(tmp_path / "src" / "flows", EXECUTORS)
    repos = repos_file(tmp_path, ["src/flows"])
    campaign = tmp_path / "repos.campaign"
    assert fleet(repos)[0] == 0
    tip = git(repo, "rev-parse", BRANCH)

    code, printed = fleet(repos)

    assert code == 0
    assert git(repo, "rev-parse", BRANCH) == tip
    assert [action for _, action, _ in attempts(campaign, "flows")] == ["migrate", "recheck"]
    assert printed[0].startswith("[1/1] flows: migrated (")


def _campaign_stopped_after_two(repos: Path, campaign: Path, stop: signal.Signals) -> int:
    """Runs the command line on ``repos`` and sends ``stop`` to it (and its pool) once two
    repositories are done; its exit code."""
    process = subprocess.Popen(
        [sys.executable, "-m", "prefect1_migrate", "fleet", str(repos), "--jobs", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if _finished_attempts(campaign) >= 2:
            break
        time.sleep(0.02)
    os.killpg(process.pid, stop)
    return process.wait()


@pytest.mark.parametrize("stop", [signal.SIGKILL, signal.SIGINT])
def test_resume_after_the_campaign_was_stopped(tmp_path: Path, stop: signal.Signals) -> None:
    names = [f"flows{number}" for number in range(6)]
    repos_list = [source_repo(tmp_path / "src" / name, EXECUTORS) for name in names]
    repos = repos_file(tmp_path, [f"src/{name}" for name in names])
    campaign = tmp_path / "repos.campaign"

    exit_code = _campaign_stopped_after_two(repos, campaign, stop)

    assert exit_code == (-signal.SIGKILL if stop is signal.SIGKILL else 130)
    finished_first = {
        folder for folder, (state, *_) in states(campaign).items() if state != "pending"
    }
    assert 2 <= len(finished_first) < len(names)

    code, _ = fleet(repos)

    assert code == 0
    reference = branch_history(repos_list[0])
    for name, repo in zip(names, repos_list, strict=True):
        actions = [(run, action) for run, action, _ in attempts(campaign, name)]
        second = "recheck" if name in finished_first else "migrate"
        assert actions[-1] == (2, second), (name, actions)
        assert branch_history(repo) == reference  # one commit per codemod, none twice
        assert git(repo, "status", "--porcelain") == ""
    assert {state for state, *_ in states(campaign).values()} == {"migrated"}


def _finished_attempts(campaign: Path) -> int:
    if not (campaign / "state.sqlite").exists():
        return 0
    try:
        with sqlite3.connect(campaign / "state.sqlite", timeout=0.1) as db:
            return db.execute(
                "SELECT count(*) FROM attempts WHERE finished IS NOT NULL"
            ).fetchone()[0]
    except sqlite3.OperationalError:  # the schema is being made
        return 0


def test_a_failed_clone_is_tried_again_after_a_back_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed = source_repo(tmp_path / "seed" / "flows", EXECUTORS)
    served = tmp_path / "served" / "flows.git"
    repos = repos_file(tmp_path, [served.as_uri()])
    waits: list[float] = []

    def server_comes_back(seconds: float) -> None:  # the wait between two tries
        waits.append(seconds)
        if len(waits) == 2:
            _bare_copy(seed, served)

    monkeypatch.setattr("prefect1_migrate.fleet.retry.time.sleep", server_comes_back)

    code, printed = fleet(repos, tries=4, retry_delay=1.5)

    assert code == 0, printed
    assert waits == [1.5, 3.0]
    tries = steps(tmp_path / "repos.campaign", "flows", "clone")
    assert [(number, ok) for number, ok, _ in tries] == [(1, 0), (2, 0), (3, 1)]
    assert "does not appear to be a git repository" in tries[0][2]
    assert states(tmp_path / "repos.campaign")["flows"][0] == "migrated"


def test_a_clone_that_failed_in_one_run_is_retried_in_the_next(tmp_path: Path) -> None:
    served = tmp_path / "served" / "flows.git"
    repos = repos_file(tmp_path, [served.as_uri()])
    assert fleet(repos, tries=2)[0] == 1
    _bare_copy(source_repo(tmp_path / "seed" / "flows", EXECUTORS), served)

    code, _ = fleet(repos, tries=2)

    assert code == 0
    campaign = tmp_path / "repos.campaign"
    assert [(run, state) for run, _, state in attempts(campaign, "flows")] == [
        (1, "failed"),
        (2, "migrated"),
    ]
    assert [ok for _, ok, _ in steps(campaign, "flows", "clone")] == [0, 0, 1]


def test_status_after_a_merge_and_after_new_0x_code(tmp_path: Path) -> None:
    merged = source_repo(tmp_path / "src" / "merged", EXECUTORS)
    open_ = source_repo(tmp_path / "src" / "open", EXECUTORS)
    repos = repos_file(tmp_path, ["src/merged", "src/open"])
    campaign = tmp_path / "repos.campaign"
    assert fleet(repos)[0] == 0
    report = tmp_path / "status.json"
    database = (campaign / "state.sqlite").read_bytes()

    code, printed = fleet(repos, status=True, report=report)
    assert code == 1  # nothing merged yet
    assert _default_branches(report) == {"merged": (False, 0, None), "open": (False, 0, None)}

    git(merged, "merge", "--quiet", "--ff-only", BRANCH)
    git(merged, "branch", "--delete", BRANCH)  # as a pull request's merge does
    code, printed = fleet(repos, status=True, report=report)
    assert _default_branches(report) == {"merged": (True, 0, 0), "open": (False, 0, None)}
    assert code == 1  # open is not merged

    new_line = "from prefect.engine.executors import LocalDaskExecutor\n"
    for repo in (merged, open_):
        (repo / "late.py").write_text(new_line)
        git(repo, "add", "late.py")
        git(repo, "commit", "--quiet", "-m", "a late 0.x flow")
    code, printed = fleet(repos, status=True, report=report)

    assert _default_branches(report) == {"merged": (True, 1, 1), "open": (False, 1, None)}
    assert code == 1
    assert any(
        line.startswith("merged ") and "merged, 1 left, 1 new 0.x" in line for line in printed
    )
    assert any(line.startswith("open ") and "not merged, 1 new 0.x" in line for line in printed)
    assert (campaign / "state.sqlite").read_bytes() == database  # --status wrote nothing
    assert [action for _, action, _ in attempts(campaign, "open")] == ["migrate"]

    for repo in (merged, open_):
        git(repo, "reset", "--quiet", "--hard", "HEAD~1")
    git(open_, "merge", "--quiet", "--ff-only", BRANCH)
    code, _ = fleet(repos, status=True, report=report)
    assert code == 0  # every repository merged, nothing left


def _default_branches(report: Path) -> dict[str, tuple[bool, int, int | None]]:
    """folder -> (merged, new 0.x places, what --check finds there once merged)."""
    data = json.loads(report.read_text())
    return {
        item["folder"]: tuple(
            item["default_branch"][key] for key in ("merged", "new_places", "left")
        )
        for item in data["repositories"]
    }


def test_push_to_local_bare_remotes(tmp_path: Path) -> None:
    names = ["alpha", "beta"]
    sources = {name: source_repo(tmp_path / "src" / name, EXECUTORS) for name in names}
    for name, repo in sources.items():
        _bare_copy(repo, tmp_path / "remotes" / f"{name}.git")
        git(repo, "remote", "add", "origin", str(tmp_path / "remotes" / f"{name}.git"))
    repos = repos_file(tmp_path, [f"src/{name}" for name in names])
    campaign = tmp_path / "repos.campaign"

    code, printed = fleet(repos, push="origin")

    assert code == 0, printed
    for name, repo in sources.items():
        remote = tmp_path / "remotes" / f"{name}.git"
        assert git(remote, "rev-parse", BRANCH) == git(repo, "rev-parse", BRANCH)
        assert git(remote, "rev-parse", "main") == git(repo, "rev-parse", "main")
        assert states(campaign)[name][0] == "pushed"
    assert fleet(repos, push="origin")[0] == 0
    assert len(steps(campaign, "alpha", "push")) == 1  # the same commit is not pushed twice

    alpha = sources["alpha"]  # someone adds a commit to the branch: it is pushed again
    git(alpha, "checkout", "--quiet", BRANCH)
    (alpha / "NOTES.md").write_text("Reviewed.\n")
    git(alpha, "add", "NOTES.md")
    git(alpha, "commit", "--quiet", "-m", "review notes")
    git(alpha, "checkout", "--quiet", "main")
    assert fleet(repos, push="origin")[0] == 0
    assert len(steps(campaign, "alpha", "push")) == 2
    remote = tmp_path / "remotes" / "alpha.git"
    assert git(remote, "rev-parse", BRANCH) == git(alpha, "rev-parse", BRANCH)
    assert states(campaign)["alpha"][:2] == ("pushed", len(branch_history(alpha)))

    code, printed = fleet(repos, push="upstream")
    assert code == 1  # another remote: pushed again, and there is none of that name
    assert states(campaign)["alpha"][3] == "no remote named upstream"
    assert states(campaign)["alpha"][0] == "failed"


def test_a_branch_of_that_name_made_by_someone_else_is_left_alone(tmp_path: Path) -> None:
    repo = source_repo(tmp_path / "src" / "flows", EXECUTORS)
    git(repo, "checkout", "--quiet", "-b", BRANCH)
    (repo / "mine.txt").write_text("my work\n")
    git(repo, "add", "mine.txt")
    git(repo, "commit", "--quiet", "-m", "my own work")
    git(repo, "checkout", "--quiet", "main")
    mine = git(repo, "rev-parse", BRANCH)

    code, _ = fleet(repos_file(tmp_path, ["src/flows"]))

    assert code == 1
    assert git(repo, "rev-parse", BRANCH) == mine
    reason = states(tmp_path / "repos.campaign")["flows"][3]
    assert "already exists with commits this campaign did not make" in reason


def test_a_url_password_is_never_printed_or_stored(tmp_path: Path) -> None:
    secret = "hunter2-s3cr3t"
    repos = repos_file(tmp_path, [f"http://bob:{secret}@127.0.0.1:9/org/flows.git"])
    report = tmp_path / "campaign.json"

    code, printed = fleet(repos, tries=2, report=report)

    assert code == 1
    text = "\n".join(printed)
    assert "flows: failed (git clone failed" in text
    stored = [report.read_bytes()] + [
        path.read_bytes() for path in (tmp_path / "repos.campaign").rglob("*") if path.is_file()
    ]
    for content in [text.encode(), *stored]:
        assert secret.encode() not in content and b"bob" not in content
    assert "http://***@127.0.0.1:9/org/flows.git" in report.read_text()


def test_verify_judges_each_migrated_branch_with_the_given_python(tmp_path: Path) -> None:
    python = ensure_envs(("1.4.1",))["1.4.1"]
    source_repo(tmp_path / "src" / "builds", ENVIRONMENTS)
    breaks = source_repo(tmp_path / "src" / "breaks", EXECUTORS)
    (breaks / "flow.py").write_text(
        "from prefect import Flow\n"
        "from prefect.engine.executors import LocalExecutor\n"
        "\n"
        'with Flow("etl") as flow:\n'
        "    pass\n"
        "flow.executor = LocalExecutor()\n"
        'raise RuntimeError("needs the warehouse")\n'
    )
    git(breaks, "add", "flow.py")
    git(breaks, "commit", "--quiet", "-m", "a flow")
    repos = repos_file(tmp_path, ["src/builds", "src/breaks"])

    code, printed = fleet(repos, verify=True, python=python)

    assert code == 1, printed  # a branch does not build
    with sqlite3.connect(tmp_path / "repos.campaign" / "state.sqlite") as db:
        verified = dict(db.execute("SELECT folder, verify FROM repositories"))
    assert verified == {"builds": "ok (3 ok, 0 not checked)", "breaks": "FAILED (1 of 1)"}


def test_the_branch_starts_from_the_ref_the_line_names(tmp_path: Path) -> None:
    repo = source_repo(tmp_path / "src" / "flows", EXECUTORS)
    git(repo, "checkout", "--quiet", "-b", "release-0.15")
    (repo / "hotfix.py").write_text("from prefect.engine.executors import LocalExecutor\n")
    git(repo, "add", "hotfix.py")
    git(repo, "commit", "--quiet", "-m", "hotfix")
    git(repo, "checkout", "--quiet", "main")
    release = git(repo, "rev-parse", "release-0.15")

    code, _ = fleet(repos_file(tmp_path, ["src/flows release-0.15"]))

    assert code == 0
    assert states(tmp_path / "repos.campaign")["flows@release-0.15"][0] == "migrated"
    assert git(repo, "rev-list", "--count", f"{release}..{BRANCH}") == "1"
    assert git(repo, "merge-base", "--is-ancestor", release, BRANCH) == ""
    assert "from prefect.executors import LocalExecutor" in git(repo, "show", f"{BRANCH}:hotfix.py")
    assert git(repo, "rev-parse", "release-0.15") == release


def test_status_fetches_a_clone_first(tmp_path: Path) -> None:
    seed = source_repo(tmp_path / "seed" / "flows", EXECUTORS)
    served = _bare_copy(seed, tmp_path / "served" / "flows.git")
    repos = repos_file(tmp_path, [served])
    assert fleet(repos)[0] == 0
    (seed / "late.py").write_text("from prefect.engine.executors import LocalExecutor\n")
    git(seed, "add", "late.py")
    git(seed, "commit", "--quiet", "-m", "a late 0.x flow")
    git(seed, "push", "--quiet", served, "main")

    code, printed = fleet(repos, status=True)

    assert code == 1
    assert any(line.startswith("flows ") and "not merged, 1 new 0.x" in line for line in printed)
    clone = tmp_path / "repos.campaign" / "clones" / "flows"
    assert git(clone, "rev-parse", "origin/main") == git(seed, "rev-parse", "main")


def test_markers_resolved_on_the_branch_are_measured_by_the_next_run(tmp_path: Path) -> None:
    repo = source_repo(tmp_path / "src" / "flows", ENVIRONMENTS)
    repos = repos_file(tmp_path, ["src/flows"])
    campaign = tmp_path / "repos.campaign"
    assert fleet(repos)[0] == 0
    state, commits, left, _ = states(campaign)["flows"]
    assert state == "needs-review" and left == markers_on(repo, BRANCH) > 0
    git(repo, "checkout", "--quiet", BRANCH)
    for path in git(repo, "grep", "--name-only", "--fixed-strings", MARKER).splitlines():
        lines = (repo / path).read_text().splitlines(keepends=True)
        (repo / path).write_text("".join(line for line in lines if MARKER not in line))
    git(repo, "commit", "--quiet", "--all", "-m", "resolve the review markers")
    git(repo, "checkout", "--quiet", "main")

    code, printed = fleet(repos)

    assert code == 0
    assert states(campaign)["flows"][:3] == ("migrated", commits + 1, 0)
    assert printed[0] == f"[1/1] flows: migrated ({commits + 1} commit(s), 0 left)"
