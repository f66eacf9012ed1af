"""The work on one repository: one pure function of (job, options) -> result, so the process
pool and the Dask workers run the very same thing. It touches the repository's git data and
the campaign folder, never the state database (the coordinating process owns it); every
failure comes back in the result, with each operation's tries."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from prefect1_migrate.codemod import MigrationOptions
from prefect1_migrate.fleet import checkout
from prefect1_migrate.fleet.model import (
    VERIFY_FAILED,
    Action,
    DefaultBranchCheck,
    FleetOptions,
    RepositoryFailure,
    RepositoryJob,
    RepositoryResult,
    StepLog,
    failure_text,
)
from prefect1_migrate.fleet.recheck import check_default_branch, check_places
from prefect1_migrate.fleet.retry import TransientFailure
from prefect1_migrate.gitops import RepositoryProblem
from prefect1_migrate.migrate import Migration, MigrationOutcome, MigrationRequest, Mode
from prefect1_migrate.migrate import UsageProblem as MigrationRefused
from prefect1_migrate.registry import all_codemods


def work_on_repository(job: RepositoryJob, options: FleetOptions) -> RepositoryResult:
    """Migrates (``Action.MIGRATE``) or re-checks the repository of ``job``; then verifies and
    pushes if the options ask. A failure of any step is the result's ``failure``."""
    log = StepLog()
    result = RepositoryResult(
        job.entry.key,
        job.action,
        (),
        default_ref=job.default_ref,
        pushed_tip=job.pushed_tip,
        pushed_to=job.pushed_to,
        migrated=job.action is not Action.MIGRATE,
    )
    try:
        result = _work(job, options, log, result)
    except (RepositoryFailure, TransientFailure, RepositoryProblem, MigrationRefused) as failure:
        result = replace(result, failure=failure_text(failure))
    except Exception as error:  # a bug on one repository does not stop the campaign
        result = replace(
            result, failure=f"internal error: {type(error).__name__}: {failure_text(error)}"
        )
    return replace(result, steps=tuple(log.steps))


def _work(
    job: RepositoryJob, options: FleetOptions, log: StepLog, result: RepositoryResult
) -> RepositoryResult:
    source = checkout.source_repository(job, options, log)
    if job.action is Action.STATUS and job.entry.is_url:
        checkout.fetch(job, source, options, log)
    worktree = options.worktree(job.folder)
    branch_ref = f"refs/heads/{options.branch}"
    if job.action is Action.MIGRATE:
        with log.step("prepare"):
            default_ref = checkout.default_ref(job, source)
            start = checkout.commit_of(source, default_ref)
            assert start is not None  # default_ref names a commit
            base = checkout.campaign_worktree(source, worktree, start)
            checkout.start_branch(worktree, options.branch, base)
        with log.step("migrate"):
            try:
                outcome = _migrate(worktree, options)
            finally:  # the branch is free for the user to check out, whatever happened
                checkout.detach(worktree, branch_ref)
            _write_description(options.description(job.folder), outcome)
        result = replace(result, default_ref=default_ref, migrated=True)
        tip = checkout.branch_tip(worktree, options.branch, None)
    else:
        with log.step("prepare"):
            base = checkout.existing_base(worktree)
            tip = checkout.branch_tip(worktree, options.branch, job.tip)
            checkout.detach(worktree, tip)
    with log.step("check"):
        count = check_places(worktree, options, pending_only=False)
    result = replace(
        result,
        base=base,
        tip=tip,
        commits=checkout.commit_count(worktree, base, tip),
        places=count.places,
        skipped_files=count.unreadable,
    )
    if job.action is Action.STATUS:
        with log.step("check-default-branch"):
            default = _default_branch(job, source, worktree, options, result)
        return replace(result, default=default)
    if options.verify_python is not None:
        with log.step("verify"):
            result = replace(result, verify=_verify(worktree, options))
    pushed = (job.pushed_tip, job.pushed_to) == (tip, options.push_remote)
    if options.push_remote is not None and result.commits and not pushed:
        checkout.push(job, worktree, options, log)
        result = replace(result, pushed_tip=tip, pushed_to=options.push_remote)
    return result


def _migrate(worktree: Path, options: FleetOptions) -> MigrationOutcome:
    """The same run as ``prefect1-migrate migrate`` on the checked-out branch."""
    request = MigrationRequest(
        paths=[worktree],
        codemods=all_codemods(),
        mode=Mode.WRITE,
        author=options.author,
        run_hooks=options.run_hooks,
        options=MigrationOptions(prefect_version=options.prefect_version),
        jobs=1,
    )
    return Migration(request).run()


def _write_description(path: Path, outcome: MigrationOutcome) -> None:
    """The pull request description: the Markdown report of the run."""
    from prefect1_migrate.report import write_report

    write_report(path, outcome, outcome.exit_code)


def _default_branch(
    job: RepositoryJob,
    source: Path,
    worktree: Path,
    options: FleetOptions,
    result: RepositoryResult,
) -> DefaultBranchCheck:
    """The default branch as it is now (for a clone: as just fetched)."""
    default = checkout.commit_of(source, job.default_ref) if job.default_ref else None
    if default is None:
        raise RepositoryFailure(f"the default branch {job.default_ref} is gone")
    assert result.base is not None and result.tip is not None
    return check_default_branch(worktree, options, result.base, result.tip, default)


def _verify(worktree: Path, options: FleetOptions) -> str:
    """``verify --python`` on the branch, summed up: ok, FAILED or why it could not run."""
    from prefect1_migrate.verify.environment import NoEnvironment
    from prefect1_migrate.verify.run import Result, VerifyRequest, VerifyUsageProblem, verify

    assert options.verify_python is not None
    request = VerifyRequest(worktree, options.verify_python, timeout=options.verify_timeout)
    try:
        outcome = verify(request)
    except (NoEnvironment, VerifyUsageProblem) as problem:
        return f"not run: {failure_text(problem)}"
    failed = outcome.count(Result.FAILED)
    passed = outcome.count(Result.OK)
    if failed:
        return f"{VERIFY_FAILED} ({failed} of {len(outcome.findings)})"
    return f"ok ({passed} ok, {outcome.count(Result.NOT_CHECKED)} not checked)"
