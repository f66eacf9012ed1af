"""The fleet's parts on their own: the repositories file, URL credentials, retries, the
state store's folder names, the campaign table."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from prefect1_migrate.fleet.command import FleetRequest, FleetUsageProblem, run_fleet
from prefect1_migrate.fleet.credentials import (
    connection_environment,
    redacted_url,
    redacted_urls_in,
    without_userinfo,
)
from prefect1_migrate.fleet.model import RepositoryState, StepLog
from prefect1_migrate.fleet.report import CampaignRow, markdown_report, table_lines
from prefect1_migrate.fleet.repos_file import ReposFileProblem, parse_repos_file
from prefect1_migrate.fleet.retry import RetryPolicy, TransientFailure, with_retries
from prefect1_migrate.fleet.state import RepositoryRecord, StateStore


def _parse(tmp_path: Path, text: str) -> list[tuple[str, str | None, bool, str]]:
    path = tmp_path / "repos.txt"
    path.write_text(text)
    return [(e.location, e.ref, e.is_url, e.name) for e in parse_repos_file(path)]


def test_the_repositories_file(tmp_path: Path) -> None:
    text = (
        "# flows of the data team\n"
        "\n"
        "  flows/etl   \n"
        "/srv/git/agents.git release-0.15\n"
        "https://github.com/org/deploy.git\n"
        "git@github.com:org/shared-lib.git main\n"
        "ssh://git@host:2222/org/x y/\n"
    )
    assert _parse(tmp_path, text) == [
        (str(tmp_path / "flows" / "etl"), None, False, "etl"),
        ("/srv/git/agents.git", "release-0.15", False, "agents@release-0.15"),
        ("https://github.com/org/deploy.git", None, True, "deploy"),
        ("git@github.com:org/shared-lib.git", "main", True, "shared-lib@main"),
        ("ssh://git@host:2222/org/x", "y/", True, "x@y-"),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a\nb c d\n", "repos.txt:2: expected LOCATION [REF], got 3 fields"),
        (
            "https://u:pw@h/r.git\nhttps://v:other@h/r.git\n",
            "***@h/r.git is already listed on line 1",
        ),
        ("flows\n./flows/ release\n", "flows is already listed on line 1"),
    ],
)
def test_a_repositories_file_it_refuses(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "repos.txt"
    path.write_text(text)
    with pytest.raises(
        ReposFileProblem, match=message.replace("*", r"\*").replace("[", r"\[")
    ) as error:
        parse_repos_file(path)
    assert "pw" not in str(error.value) and "other" not in str(error.value)


def test_a_urls_user_information_is_hidden_and_given_to_git_alone() -> None:
    url = "https://bob:s3cret@git.example.com/org/flows.git"
    assert redacted_url(url) == "https://***@git.example.com/org/flows.git"
    assert (
        redacted_url("https://ghp_token0123456789@github.com/o/r") == "https://***@github.com/o/r"
    )
    assert redacted_url("git@github.com:o/r.git") == "git@github.com:o/r.git"
    assert without_userinfo(url) == "https://git.example.com/org/flows.git"
    assert connection_environment(url) == {
        "GIT_CONFIG_COUNT": "1",
        "GIT_CONFIG_KEY_0": f"url.{url}.insteadOf",
        "GIT_CONFIG_VALUE_0": "https://git.example.com/org/flows.git",
    }
    assert connection_environment("https://github.com/o/r.git") == {}
    said = "fatal: unable to access 'https://bob:s3cret@git.example.com/org/flows.git/': refused"
    assert (
        redacted_urls_in(said)
        == "fatal: unable to access 'https://***@git.example.com/org/flows.git/': refused"
    )


def test_retries_wait_longer_each_time_and_record_every_try(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    waits: list[float] = []
    monkeypatch.setattr("prefect1_migrate.fleet.retry.time.sleep", waits.append)
    outcomes = iter([TransientFailure("reset by peer"), TransientFailure("timed out"), "done"])

    def flaky() -> str:
        outcome = next(outcomes)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    log = StepLog()
    assert (
        with_retries(flaky, RetryPolicy(tries=3, first_delay=0.5, factor=3), log, "push") == "done"
    )
    assert waits == [0.5, 1.5]
    assert [(s.operation, s.try_number, s.ok, s.detail) for s in log.steps] == [
        ("push", 1, False, "reset by peer"),
        ("push", 2, False, "timed out"),
        ("push", 3, True, ""),
    ]


def test_retries_stop_at_the_limit_and_never_retry_other_failures(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("prefect1_migrate.fleet.retry.time.sleep", lambda _: None)
    calls: list[int] = []

    def always(error: Exception) -> None:
        calls.append(1)
        raise error

    with pytest.raises(TransientFailure):
        with_retries(
            lambda: always(TransientFailure("down")), RetryPolicy(tries=2), StepLog(), "clone"
        )
    assert len(calls) == 2
    with pytest.raises(ValueError):
        with_retries(lambda: always(ValueError("bug")), RetryPolicy(tries=5), StepLog(), "clone")
    assert len(calls) == 3


def test_each_repository_keeps_its_own_folder_across_runs(tmp_path: Path) -> None:
    repos = tmp_path / "repos.txt"
    repos.write_text("team-a/flows\nteam-b/flows\n")
    store = StateStore(tmp_path / "state.sqlite")
    first = store.register(parse_repos_file(repos))
    repos.write_text("team-c/flows\nteam-b/flows\nteam-a/flows\n")
    second = store.register(parse_repos_file(repos))
    store.close()
    assert sorted(record.folder for record in first.values()) == ["flows", "flows-2"]
    assert {key: second[key].folder for key in first} == {key: first[key].folder for key in first}
    assert second[str(tmp_path / "team-c" / "flows")].folder == "flows-3"
    assert StateStore(tmp_path / "absent.sqlite", read_only=True).records() == {}
    assert not (tmp_path / "absent.sqlite").exists()


def test_the_campaign_table_escapes_what_git_said() -> None:
    record = RepositoryRecord(
        "x", "flows", RepositoryState.FAILED, reason="hook said \x1b[31m|no|\nsecond line"
    )
    rows = [CampaignRow("/srv/flows", record)]
    assert table_lines(rows)[1].endswith("hook said \\x1b[31m|no|")
    assert "| `flows` | failed | - | - | - | - | hook said \\x1b[31m\\|no\\| |" in markdown_report(
        rows, "b"
    )


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"verify": True}, "--verify and --python go together"),
        ({"status": True, "push": "origin"}, "--status writes nothing"),
        ({"branch": "a..b"}, "--branch a..b is not a valid branch name"),
        ({"push": "--mirror"}, "--push --mirror: name a remote"),
        ({"report": Path("campaign.sarif")}, "name a .md or .json file"),
        ({"author": "nobody"}, "--author: expected 'Name <email>'"),
    ],
)
def test_a_fleet_request_it_refuses_before_doing_anything(
    tmp_path: Path, options: dict[str, object], message: str
) -> None:
    repos = tmp_path / "repos.txt"
    repos.write_text("flows\n")
    with pytest.raises(FleetUsageProblem, match=re.escape(message)):
        run_fleet(FleetRequest(repos, **options), print)  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == [repos]


def test_one_run_at_a_time_on_a_campaign(tmp_path: Path) -> None:
    other_run = [
        sys.executable,
        "-c",
        "import sys; from pathlib import Path; "
        "from prefect1_migrate.fleet.state import StateStore; "
        "StateStore(Path(sys.argv[1])).close()",
        str(tmp_path / "state.sqlite"),
    ]
    first = StateStore(tmp_path / "state.sqlite")
    refused = subprocess.run(other_run, capture_output=True, text=True)
    assert refused.returncode == 1
    assert "CampaignBusy: another fleet run is working on" in refused.stderr
    assert StateStore(tmp_path / "state.sqlite", read_only=True).records() == {}  # --status
    first.close()
    assert subprocess.run(other_run).returncode == 0
