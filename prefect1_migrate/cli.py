"""The ``prefect1-migrate`` command line (typer). Presents runs; decides nothing itself."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import Any

import typer

from prefect1_migrate import __version__

app = typer.Typer(
    name="prefect1-migrate",
    help="Upgrade a git repository from Prefect 0.x to Prefect 1.0, one commit per documented change.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


class OutputFormat(str, Enum):
    TEXT = "text"
    GITHUB = "github"


def _jobs_option(help_text: str) -> Any:
    """``--jobs N``: at least 1, all cores when not given (``migrate`` and ``fleet``)."""
    return typer.Option(
        None, "--jobs", "-j", metavar="N", min=1, show_default="all cores", help=help_text
    )


def _split_ids(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def _use_colour() -> bool:
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ


def _fail(message: str, code: int) -> typer.Exit:
    """Print ``message`` (which may quote paths and git's or a hook's output) and exit."""
    from prefect1_migrate.escaping import escaped

    typer.echo(f"prefect1-migrate: {escaped(message, multiline=True)}", err=True)
    return typer.Exit(code)


@app.command()
def migrate(
    paths: list[Path] | None = typer.Argument(None, metavar="PATH", hidden=True),
    dry_run: bool = typer.Option(False, "--dry-run", help="Print the unified diff; write nothing."),
    check: bool = typer.Option(
        False,
        "--check",
        help="Write nothing; print path:line: reason for each place that breaks on Prefect "
        "1.x (rewritable, or marked TODO(prefect-1.0)); exit 1 when there is any.",
    ),
    pending_only: bool = typer.Option(
        False,
        "--pending-only",
        help="With --check: existing TODO(prefect-1.0) markers do not count, only what "
        "the codemods would still rewrite or mark (for pre-commit hooks).",
    ),
    allow_dirty: bool = typer.Option(
        False,
        "--allow-dirty",
        help="Run on a tree with uncommitted changes; writes without committing.",
    ),
    no_commit: bool = typer.Option(
        False, "--no-commit", help="Write all changes without committing."
    ),
    only: str | None = typer.Option(
        None, "--only", metavar="ID,...", help="Comma-separated codemod ids to run."
    ),
    skip: str | None = typer.Option(
        None, "--skip", metavar="ID,...", help="Comma-separated codemod ids to leave out."
    ),
    author: str | None = typer.Option(
        None,
        "--author",
        metavar='"NAME <EMAIL>"',
        help="Commit identity (default: git config user.name and user.email).",
    ),
    no_verify: bool = typer.Option(False, "--no-verify", help="Do not run git commit hooks."),
    report: Path | None = typer.Option(
        None,
        "--report",
        metavar="FILE",
        help="Write a report: Markdown for .md, JSON for .json, SARIF 2.1.0 for .sarif.",
    ),
    output_format: OutputFormat = typer.Option(
        OutputFormat.TEXT,
        "--output-format",
        help="text, or github: GitHub workflow commands (::error for what --check finds "
        "to rewrite, ::warning for places to review).",
    ),
    prefect_version: str = typer.Option(
        "1.4.1",
        "--prefect-version",
        metavar="VERSION",
        help="Prefect 1.x version that dependency pins move to.",
    ),
    jobs: int | None = _jobs_option("Worker processes, at least 1."),
    quiet: bool = typer.Option(
        False,
        "--quiet",
        "-q",
        help="No progress, table or review places: only the files that could not be "
        "migrated, errors and the closing line.",
    ),
    verbose: bool = typer.Option(
        False,
        "--verbose",
        "-v",
        help="Print every place to review, whole (by default at most 40 lines of them).",
    ),
) -> None:
    """Migrate a repository in place: one git commit per codemod that changed something.

    PATH: the repository folder, or files and folders inside it (default: the current
    folder)."""
    from prefect1_migrate.codemod import MigrationOptions
    from prefect1_migrate.console import Console
    from prefect1_migrate.gitops import Identity, RepositoryProblem
    from prefect1_migrate.interrupts import Interrupted
    from prefect1_migrate.migrate import (
        EXIT_PROBLEM,
        Migration,
        MigrationRequest,
        Mode,
        UsageProblem,
    )
    from prefect1_migrate.pipeline import default_jobs
    from prefect1_migrate.registry import UnknownCodemod, select_codemods
    from prefect1_migrate.report import report_path_problem

    if dry_run and check:
        raise _fail("--dry-run and --check cannot be combined", EXIT_PROBLEM)
    if pending_only and not check:
        raise _fail("--pending-only needs --check", EXIT_PROBLEM)
    report_problem = report_path_problem(report) if report is not None else None
    if report_problem:
        raise _fail(report_problem, EXIT_PROBLEM)
    try:
        codemods = select_codemods(_split_ids(only), _split_ids(skip))
    except UnknownCodemod as error:
        raise _fail(f"{error}\nvalid ids: {', '.join(error.known)}", EXIT_PROBLEM) from None
    try:
        identity = Identity.parse(author) if author else None
    except ValueError as error:
        raise _fail(f"--author: {error}", EXIT_PROBLEM) from None
    mode = Mode.DRY_RUN if dry_run else Mode.CHECK if check else Mode.WRITE
    request = MigrationRequest(
        paths=paths or [Path.cwd()],
        codemods=codemods,
        mode=mode,
        commit=not (no_commit or allow_dirty),
        allow_dirty=allow_dirty,
        author=identity,
        run_hooks=not no_verify,
        options=MigrationOptions(prefect_version=prefect_version),
        jobs=jobs or default_jobs(),
        pending_only=pending_only,
    )
    console = Console(
        quiet=quiet,
        colour=_use_colour(),
        diff_to_stdout=mode is Mode.DRY_RUN,
        verbose=verbose,
        report=report,
        github=output_format is OutputFormat.GITHUB,
    )
    migration = Migration(request, console.progress())
    try:
        outcome = migration.run()
    except (UsageProblem, RepositoryProblem) as error:
        console.close()
        raise _fail(str(error), EXIT_PROBLEM) from None
    except (Interrupted, KeyboardInterrupt) as stop:
        console.close()
        aftermath = stop.aftermath if isinstance(stop, Interrupted) else Interrupted.aftermath
        raise _fail(f"interrupted; {aftermath}", 130) from None
    console.close()
    if mode is Mode.DRY_RUN:
        console.show_diffs(migration.diffs())
    elif mode is Mode.CHECK:
        console.show_check(outcome)
    exit_code = outcome.exit_code
    console.show_summary(outcome)
    if outcome.late_stop:
        typer.echo(
            f"prefect1-migrate: {outcome.late_stop} arrived once the migration was in place; "
            "the run finished instead of stopping",
            err=True,
        )
    if report is not None:
        from prefect1_migrate.report import write_report

        write_report(report, outcome, exit_code)
    raise typer.Exit(exit_code)


@app.command()
def verify(
    path: Path = typer.Argument(Path("."), metavar="PATH", hidden=True),
    python: Path | None = typer.Option(
        None,
        "--python",
        metavar="PATH",
        help="An interpreter with Prefect 1.x and the repository's dependencies (default: a "
        "virtualenv built from the repository's requirements files, cached).",
    ),
    against: str | None = typer.Option(
        None,
        "--against",
        metavar="REF",
        help="Also build the flows at this git ref and compare them.",
    ),
    old_python: Path | None = typer.Option(
        None,
        "--old-python",
        metavar="PATH",
        help="With --against: an interpreter with Prefect 0.x.",
    ),
    report: Path | None = typer.Option(
        None,
        "--report",
        metavar="FILE",
        help="Write the results: Markdown for .md, JSON for .json.",
    ),
    timeout: float = typer.Option(
        60.0, "--timeout", metavar="SECONDS", help="Seconds one flow file may take to import."
    ),
) -> None:
    """Prove the migration with the real Prefect 1.x: build, validate and serialize every
    flow, parse every prefect command line, load every config.toml. It imports the flow files,
    which runs their module-level code (as `prefect register` does); it never runs a flow and
    never registers one. Exit 0: everything holds; 1: something fails; 2: no environment.

    PATH: the migrated repository (default: the current folder)."""
    from prefect1_migrate.migrate import EXIT_PROBLEM
    from prefect1_migrate.report import report_path_problem
    from prefect1_migrate.verify.environment import NoEnvironment
    from prefect1_migrate.verify.output import (
        environment_line,
        opening_line,
        summary_line,
        table,
        write_report,
    )
    from prefect1_migrate.verify.run import VerifyRequest, VerifyUsageProblem
    from prefect1_migrate.verify.run import verify as run_verify

    if old_python is not None and against is None:
        raise _fail("--old-python needs --against", EXIT_PROBLEM)
    report_problem = report_path_problem(report) if report is not None else None
    if report_problem:
        raise _fail(report_problem, EXIT_PROBLEM)
    if timeout <= 0:
        raise _fail("--timeout must be more than 0 seconds", EXIT_PROBLEM)
    typer.echo(opening_line(path.resolve()))
    progress = _verify_progress() if sys.stderr.isatty() else None
    request = VerifyRequest(path, python, against, old_python, timeout)
    try:
        outcome = run_verify(request, progress)
    except (NoEnvironment, VerifyUsageProblem) as error:
        raise _fail(str(error), EXIT_PROBLEM) from None
    finally:
        if progress is not None:
            typer.echo("\r\x1b[K", nl=False, err=True)
    typer.echo(environment_line(outcome.environment, "Prefect 1.x environment"))
    if outcome.against is not None:
        typer.echo(
            environment_line(outcome.against.environment, f"--against {outcome.against.ref}")
        )
    typer.echo("")
    for line in table(outcome):
        typer.echo(line)
    if report is not None:
        write_report(report, outcome)
    typer.echo(summary_line(outcome))
    raise typer.Exit(outcome.exit_code)


def _verify_progress() -> Callable[[str], None]:
    """Progress on the terminal: the item the probe finished last, and how many so far."""
    from prefect1_migrate.escaping import escaped

    done = 0

    def show(item: str) -> None:
        nonlocal done
        done += 1
        typer.echo(f"\r\x1b[K[{done}] {escaped(item)[-70:]}", nl=False, err=True)

    return show


@app.command()
def fleet(
    repos_file: Path = typer.Argument(..., metavar="REPOS_FILE", hidden=True),
    status: bool = typer.Option(
        False,
        "--status",
        help="Re-check every migration branch and default branch; migrate, push and record "
        "nothing. Exit 0 once every repository is merged with nothing left.",
    ),
    push: str | None = typer.Option(
        None, "--push", metavar="REMOTE", help="Push each migration branch to this remote."
    ),
    dask_scheduler: str | None = typer.Option(
        None, "--dask-scheduler", metavar="ADDRESS", help="Run the work on this Dask cluster."
    ),
    jobs: int | None = _jobs_option("Repositories at a time, at least 1."),
    verify_branches: bool = typer.Option(
        False, "--verify", help="Verify each migrated branch (needs --python)."
    ),
    python: Path | None = typer.Option(
        None, "--python", metavar="PATH", help="With --verify: an interpreter with Prefect 1.x."
    ),
    report: Path | None = typer.Option(
        None, "--report", metavar="FILE", help="Write the campaign table: .md or .json."
    ),
    branch: str = typer.Option(
        "prefect-1.0-migration", "--branch", metavar="NAME", help="The migration branch."
    ),
    campaign: Path | None = typer.Option(
        None,
        "--campaign",
        metavar="DIR",
        show_default="REPOS_FILE's name + .campaign, next to it",
        help="The campaign folder (clones, worktrees, state database).",
    ),
    author: str | None = typer.Option(
        None, "--author", metavar='"NAME <EMAIL>"', help="Commit identity."
    ),
    tries: int = typer.Option(
        3,
        "--tries",
        metavar="N",
        min=1,
        help="Tries of each clone, fetch and push, with back-off, at least 1.",
    ),
    prefect_version: str = typer.Option(
        "1.4.1", "--prefect-version", metavar="VERSION", help="Prefect 1.x version to pin."
    ),
) -> None:
    """Migrate many repositories as one campaign: a migration branch per repository,
    state in an SQLite database, resumable; --status measures where it stands.

    REPOS_FILE: one repository per line, a path or a git URL, then optionally a ref."""
    from prefect1_migrate.fleet.command import FleetRequest, FleetUsageProblem, run_fleet

    request = FleetRequest(  # the fields in the order of the options above
        repos_file, status, push, dask_scheduler, jobs, verify_branches, python, report,
        branch, campaign, author, tries, prefect_version,
    )  # fmt: skip
    try:
        exit_code = run_fleet(request, typer.echo)
    except FleetUsageProblem as problem:
        raise _fail(str(problem), 2) from None
    raise typer.Exit(exit_code)


@app.command("list")
def list_codemods(
    as_json: bool = typer.Option(False, "--json", help="Print the catalogue as JSON."),
    as_markdown: bool = typer.Option(
        False, "--markdown", help="Print the catalogue as a Markdown table (as in the README)."
    ),
) -> None:
    """The codemods, in pipeline order."""
    from prefect1_migrate.registry import all_codemods

    codemods = all_codemods()
    if as_markdown:
        typer.echo("| # | id | guide section | kind | what it does |")
        typer.echo("|---|---|---|---|---|")
        for position, codemod in enumerate(codemods, start=1):
            summary = codemod.summary.replace("|", "\\|")
            typer.echo(
                f"| {position} | `{codemod.id}` | {codemod.guide_section} | {codemod.kind} | {summary} |"
            )
        return
    if as_json:
        typer.echo(
            json.dumps(
                [
                    {
                        "id": c.id,
                        "title": c.title,
                        "guide_section": c.guide_section,
                        "kind": c.kind,
                        "summary": c.summary,
                    }
                    for c in codemods
                ],
                indent=2,
            )
        )
        return
    for position, codemod in enumerate(codemods, start=1):
        typer.echo(f"{position:2}. {codemod.id}  [{codemod.guide_section}]")
        typer.echo(f"    {codemod.summary}")


@app.command()
def explain(
    codemod_id: str = typer.Argument(..., metavar="CODEMOD_ID", hidden=True),
) -> None:
    """What a codemod rewrites and flags, with a before/after example from its fixtures.

    CODEMOD_ID: a codemod id from `list`."""
    from prefect1_migrate.explain import explanation
    from prefect1_migrate.migrate import EXIT_PROBLEM
    from prefect1_migrate.registry import UnknownCodemod, codemod_by_id

    try:
        codemod = codemod_by_id(codemod_id)
    except UnknownCodemod as error:
        raise _fail(f"{error}\nvalid ids: {', '.join(error.known)}", EXIT_PROBLEM) from None
    typer.echo(explanation(codemod))


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"prefect1-migrate {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: bool = typer.Option(
        False, "--version", callback=_version_callback, is_eager=True, help="Show the version."
    ),
) -> None:
    """Upgrade a git repository from Prefect 0.x to Prefect 1.0."""


def main() -> None:
    app()
