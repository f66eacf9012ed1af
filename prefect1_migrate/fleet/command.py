"""``prefect1-migrate fleet``: checks the request, picks the backend, runs the campaign (or
its status) and prints the table. Exit 0: no repository failed and no verification did
(``--status``: every one is merged with nothing left); 1 otherwise; 2: a usage problem;
130: stopped (the next run resumes)."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from prefect1_migrate.escaping import escaped
from prefect1_migrate.fleet.backends import Backend, DaskBackend, LocalBackend
from prefect1_migrate.fleet.campaign import campaign_status, run_campaign
from prefect1_migrate.fleet.model import DEFAULT_BRANCH_NAME, FleetOptions
from prefect1_migrate.fleet.report import summary_line, table_lines, write_campaign_report
from prefect1_migrate.fleet.repos_file import ReposFileProblem, parse_repos_file
from prefect1_migrate.fleet.retry import RetryPolicy
from prefect1_migrate.fleet.state import CampaignBusy
from prefect1_migrate.gitops import Identity

EXIT_INTERRUPTED = 130
_REPORT_SUFFIXES = (".md", ".json")


class FleetUsageProblem(Exception):
    """The request cannot be carried out; nothing was done (exit 2)."""


@dataclass(frozen=True)
class FleetRequest:
    repos_file: Path
    status: bool = False
    push: str | None = None
    dask_scheduler: str | None = None
    jobs: int | None = None
    verify: bool = False
    python: Path | None = None
    report: Path | None = None
    branch: str = DEFAULT_BRANCH_NAME
    campaign: Path | None = None
    author: str | None = None
    tries: int = 3
    prefect_version: str = "1.4.1"
    retry_delay: float = 2.0  # seconds before the second try


def run_fleet(request: FleetRequest, echo: Callable[[str], None]) -> int:
    options = _options(request)
    try:
        entries = parse_repos_file(request.repos_file)
    except ReposFileProblem as problem:
        raise FleetUsageProblem(str(problem)) from None
    backend = _backend(request)
    try:
        if request.status:
            rows = campaign_status(entries, options, backend)
        else:
            command = "fleet" + (f" --push {request.push}" if request.push else "")
            rows = run_campaign(entries, options, backend, command, echo)
    except CampaignBusy as busy:
        raise FleetUsageProblem(str(busy)) from None
    except KeyboardInterrupt:
        echo("prefect1-migrate: interrupted; the next run resumes the campaign")
        return EXIT_INTERRUPTED
    for line in table_lines(rows):
        echo(line)
    if request.report is not None:
        write_campaign_report(request.report, rows, options.branch, options.campaign)
    echo(summary_line(rows))
    if request.status:
        return 0 if all(row.done for row in rows) else 1
    return 1 if any(row.failed for row in rows) else 0


def _options(request: FleetRequest) -> FleetOptions:
    if request.status and (request.push or request.verify):
        raise FleetUsageProblem(
            "--status writes nothing: it cannot be combined with --push or --verify"
        )
    if request.verify != (request.python is not None):
        raise FleetUsageProblem("--verify and --python go together")
    if request.push is not None and (request.push.startswith("-") or not request.push.strip()):
        raise FleetUsageProblem(f"--push {escaped(request.push)}: name a remote")
    if subprocess.run(
        ["git", "check-ref-format", "--branch", request.branch], capture_output=True
    ).returncode or request.branch.startswith("-"):
        raise FleetUsageProblem(f"--branch {escaped(request.branch)} is not a valid branch name")
    report = request.report
    if report is not None and (
        report.suffix.lower() not in _REPORT_SUFFIXES or not report.parent.is_dir()
    ):
        raise FleetUsageProblem(
            f"--report {report}: name a .md or .json file in an existing folder"
        )
    if not request.repos_file.is_file():
        raise FleetUsageProblem(f"{request.repos_file} is not a file")
    try:
        author = Identity.parse(request.author) if request.author else None
    except ValueError as error:
        raise FleetUsageProblem(f"--author: {error}") from None
    campaign = request.campaign or request.repos_file.with_name(
        f"{request.repos_file.stem}.campaign"
    )
    return FleetOptions(
        campaign=campaign.resolve(),
        retry=RetryPolicy(tries=request.tries, first_delay=request.retry_delay),
        branch=request.branch,
        prefect_version=request.prefect_version,
        author=author,
        push_remote=request.push,
        verify_python=request.python,
    )


def _backend(request: FleetRequest) -> Backend:
    if request.dask_scheduler is not None:
        try:
            import distributed  # noqa: F401
        except ImportError:
            raise FleetUsageProblem(
                "--dask-scheduler needs Dask: pip install 'prefect1-migrate[fleet-dask]'"
            ) from None
        return DaskBackend(request.dask_scheduler)
    from prefect1_migrate.pipeline import default_jobs

    return LocalBackend(request.jobs or default_jobs())
