"""cli-agent: its golden cases, fixtures/codemods/cli-agent/."""

from __future__ import annotations

import pytest

from prefect1_migrate.pipeline import FileProcessor
from prefect1_migrate.registry import codemod_by_id
from tests.codemods.tools import (
    DEFAULT_OPTIONS,
    ROOT,
    GoldenRun,
    check_transformed,
    golden_cases,
    review_entries,
)


@golden_cases("cli-agent")
def test_golden(run: GoldenRun) -> None:
    run.check()


def test_0_14_commands_with_a_token_end_as_1_0_commands_with_a_key() -> None:
    """cli-auth (earlier in the pipeline) renames the token option of 0.14's command, then
    cli-agent puts the type first."""
    codemods = [codemod_by_id("cli-auth"), codemod_by_id("cli-agent")]
    processor = FileProcessor(ROOT, codemods, DEFAULT_OPTIONS)
    source = b'prefect agent start -t "$T" kubernetes --import-path /app\n'
    result = processor.process_source("agent.sh", source)
    assert result.steps[-1][1].decode().split("\n")[-2:] == [
        'prefect agent kubernetes start --key "$T"',
        "",
    ]
    assert [finding.message.split(":")[0] for finding in result.findings] == [
        "agents authenticate with an API key",
        "removed --import-path",
    ]


@pytest.mark.parametrize(
    "command",
    [
        "prefect agent start ecs",  # 0.14.22: "ecs is not a valid agent"
        'prefect agent install "$AGENT_TYPE" -l prod',
        "prefect agent install local kubernetes",  # click: unexpected extra argument
    ],
)
def test_0_14_commands_it_cannot_read_are_flagged(command: str) -> None:
    result = check_transformed(
        "cli-agent",
        f"{command}\n",
        "# TODO(prefect-1.0): could not read the options of this `prefect agent "
        f"{command.split()[2]}`; rewrite it for Prefect 1.0 by hand\n{command}\n",
        "agent.sh",
    )
    assert len(review_entries(result)) == 1


def test_0_14_arguments_only_the_fargate_agent_read_are_removed_elsewhere() -> None:
    result = check_transformed(
        "cli-agent",
        "prefect agent start local --cluster=x --label x $EXTRA\n",
        "# TODO(prefect-1.0): arguments known only at run time may hold `prefect agent start` "
        "options that Prefect 1.0 renamed or removed; check them\n"
        "# TODO(prefect-1.0): removed --cluster=x: 0.14's `prefect agent start` accepted every "
        "agent type's options; the local agent never read these\n"
        "prefect agent local start --label x $EXTRA\n",
        "agent.sh",
    )
    assert len(review_entries(result)) == 2


def test_0_14_verbose_becomes_the_debug_log_level() -> None:
    check_transformed(
        "cli-agent",
        "prefect agent start docker -v --no-pull\n",
        "prefect agent docker start --log-level DEBUG --no-pull\n",
        "agent.sh",
    )
