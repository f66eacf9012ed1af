"""The git side of a campaign: where each repository's migration branch lives and is checked
out, and the only network operations (clone, fetch, push, each run with retries).

A local path's branch is made in that repository; a URL is cloned (without a checkout) into
the campaign's ``clones/`` folder first. Either way the branch is checked out in a linked
worktree in the campaign's ``repos/`` folder, never in the repository's own work tree, and
detached again once migrated, so the user can check it out. The commit the branch started
from is kept as a per-worktree ref. No other branch is ever changed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path

from prefect1_migrate.commitmsg import TITLE_PREFIX
from prefect1_migrate.fleet.credentials import connection_environment, without_userinfo
from prefect1_migrate.fleet.model import (
    Action,
    FleetOptions,
    RepositoryFailure,
    RepositoryJob,
    StepLog,
)
from prefect1_migrate.fleet.retry import TransientFailure, with_retries

BASE_REF = "refs/worktree/prefect1-migrate-base"  # private to the campaign's worktree
_DEFAULT_BRANCH_GUESSES = ("main", "master")


def git(
    cwd: Path,
    *args: str,
    env: Mapping[str, str] | None = None,
    transient: bool = False,
) -> str:
    """git's output; a failure raises RepositoryFailure (``TransientFailure`` for a network
    operation). Never prompts: credentials come from git's helpers, as for any script."""
    process = subprocess.run(
        ["git", *args],
        cwd=cwd,
        env={**os.environ, "GIT_TERMINAL_PROMPT": "0", **(env or {})},
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="surrogateescape",
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    if process.returncode != 0:
        message = f"git {args[0]} failed: {(process.stderr or process.stdout).strip()}"
        raise TransientFailure(message) if transient else RepositoryFailure(message)
    return process.stdout.strip()


def _succeeds(cwd: Path, *args: str) -> bool:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True).returncode == 0


def commit_of(cwd: Path, ref: str) -> str | None:
    try:
        return git(cwd, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    except RepositoryFailure:
        return None


def source_repository(job: RepositoryJob, options: FleetOptions, log: StepLog) -> Path:
    """The repository that holds the branch: the local path, or the campaign's clone of the
    URL (cloned now, with retries, if it is not there yet; ``--status`` never clones)."""
    entry = job.entry
    if not entry.is_url:
        path = Path(entry.location)
        if not path.is_dir() or not _succeeds(path, "rev-parse", "--git-dir"):
            raise RepositoryFailure(f"{entry.shown} is not a git repository")
        return path
    clone = options.clone(job.folder)
    if not (clone / ".git").is_dir():
        if job.action is Action.STATUS:  # which clones nothing
            raise RepositoryFailure(f"{clone} is missing: run the campaign again")
        with_retries(lambda: _clone(entry.location, clone), options.retry, log, "clone")
    return clone


def _clone(location: str, target: Path) -> None:
    """Clones into a scratch name first: an interrupted clone is never taken for a clone."""
    partial = target.with_name(f"{target.name}.partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.parent.mkdir(parents=True, exist_ok=True)
    git(
        partial.parent,
        "clone",
        "--quiet",
        "--no-checkout",
        "--",
        without_userinfo(location),
        partial.name,
        env=connection_environment(location),
        transient=True,
    )
    partial.rename(target)


def fetch(job: RepositoryJob, source: Path, options: FleetOptions, log: StepLog) -> None:
    """Brings a clone's remote-tracking branches up to date (``--status`` on a URL)."""
    environment = connection_environment(job.entry.location)
    with_retries(
        lambda: git(source, "fetch", "--quiet", "origin", env=environment, transient=True),
        options.retry,
        log,
        "fetch",
    )


def default_ref(job: RepositoryJob, source: Path) -> str:
    """The full name of the ref the migration branch starts from: the entry's REF, else the
    default branch (a clone's ``origin/HEAD``; in a local repository, the local branch
    named like its ``origin/HEAD``, else ``main`` or ``master``, else the checked-out one)."""
    entry = job.entry
    if entry.is_url:
        names = [entry.ref] if entry.ref else [_remote_head(source) or ""]
        candidates = [f"refs/remotes/origin/{name}" for name in names if name]
    else:
        guesses = [entry.ref] if entry.ref else [_remote_head(source), *_DEFAULT_BRANCH_GUESSES]
        candidates = [f"refs/heads/{name}" for name in guesses if name]
        if not entry.ref:
            try:
                candidates.append(git(source, "symbolic-ref", "--quiet", "HEAD"))
            except RepositoryFailure:
                pass  # a detached HEAD names no branch
    if entry.ref:
        candidates.append(f"refs/tags/{entry.ref}")
    for candidate in candidates:
        if commit_of(source, candidate) is not None:
            return candidate
    wanted = entry.ref or "the default branch"
    raise RepositoryFailure(f"{entry.shown}: cannot find {wanted}")


def _remote_head(source: Path) -> str | None:
    try:
        ref = git(source, "symbolic-ref", "--quiet", "refs/remotes/origin/HEAD")
    except RepositoryFailure:
        return None
    return ref.removeprefix("refs/remotes/origin/")


def campaign_worktree(source: Path, worktree: Path, start: str) -> str:
    """The campaign's worktree of ``source`` (made at ``start`` if missing) and the commit
    its branch starts from."""
    if worktree.exists():
        if not _is_worktree_of(worktree, source):
            raise RepositoryFailure(
                f"{worktree} exists and is not a worktree of {source}; move it away"
            )
        base = commit_of(worktree, BASE_REF)
        if base is not None:
            return base
        # made by a run that stopped before it could record its start: made again
        git(source, "worktree", "remove", "--force", str(worktree))
    worktree.parent.mkdir(parents=True, exist_ok=True)
    git(source, "worktree", "prune")
    git(source, "worktree", "add", "--quiet", "--detach", str(worktree), start)
    git(worktree, "update-ref", BASE_REF, start)
    return start


def _is_worktree_of(worktree: Path, source: Path) -> bool:
    if not (worktree / ".git").is_file():
        return False
    common = ["rev-parse", "--path-format=absolute", "--git-common-dir"]
    try:
        return Path(git(worktree, *common)).resolve() == Path(git(source, *common)).resolve()
    except RepositoryFailure:
        return False


def existing_base(worktree: Path) -> str:
    """The start of a migration branch made before (a re-check needs one)."""
    base = commit_of(worktree, BASE_REF) if (worktree / ".git").is_file() else None
    if base is None:
        raise RepositoryFailure(f"{worktree} is missing: migrate the repository again")
    return base


def start_branch(worktree: Path, branch: str, base: str) -> None:
    """Checks out ``branch`` at ``base`` in the campaign's worktree, making it or putting it
    back at ``base``. An existing branch is only put back when it holds nothing but commits
    of this tool on top of ``base`` (a run stopped half-way); anyone else's branch of that
    name is refused."""
    tip = commit_of(worktree, f"refs/heads/{branch}")
    if tip is not None and tip != base:
        ours = _succeeds(worktree, "merge-base", "--is-ancestor", base, tip) and all(
            subject.startswith(TITLE_PREFIX)
            for subject in git(worktree, "log", "--format=%s", f"{base}..{tip}").splitlines()
        )
        if not ours:
            raise RepositoryFailure(
                f"a branch named {branch} already exists with commits this campaign did not "
                "make; delete it or choose another name with --branch"
            )
    git(worktree, "checkout", "--quiet", "--force", "-B", branch, base)


def detach(worktree: Path, ref: str) -> None:
    """Checks out ``ref`` detached: the branch stays free for the user to check out."""
    git(worktree, "checkout", "--quiet", "--force", "--detach", ref)


def branch_tip(worktree: Path, branch: str, recorded: str | None) -> str:
    """The branch's commit; once the branch is deleted (after its merge, say), the commit
    recorded for it."""
    tip = commit_of(worktree, f"refs/heads/{branch}") or (
        commit_of(worktree, recorded) if recorded else None
    )
    if tip is None:
        raise RepositoryFailure(f"the branch {branch} is gone")
    return tip


def commit_count(worktree: Path, base: str, tip: str) -> int:
    return int(git(worktree, "rev-list", "--count", f"{base}..{tip}"))


def contains(worktree: Path, ancestor: str, descendant: str) -> bool:
    return _succeeds(worktree, "merge-base", "--is-ancestor", ancestor, descendant)


def changed_files(worktree: Path, old: str, new: str) -> list[str]:
    output = git(worktree, "diff", "--name-only", "--no-renames", "-z", old, new, "--")
    return [name for name in output.split("\0") if name]


def push(job: RepositoryJob, worktree: Path, options: FleetOptions, log: StepLog) -> None:
    """Pushes the migration branch to the remote of that name, as git does (its credential
    helpers, SSH agent), with retries. Never forced: a rejected push fails."""
    remote = options.push_remote
    assert remote is not None
    if not _succeeds(worktree, "remote", "get-url", remote):
        raise RepositoryFailure(f"no remote named {remote}")
    spec = f"refs/heads/{options.branch}:refs/heads/{options.branch}"
    environment = connection_environment(job.entry.location) if job.entry.is_url else {}
    with_retries(
        lambda: git(worktree, "push", "--quiet", remote, spec, env=environment, transient=True),
        options.retry,
        log,
        "push",
    )
