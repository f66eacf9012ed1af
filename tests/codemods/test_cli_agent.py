"""cli-agent: its golden cases, fixtures/codemods/cli-agent/."""

from __future__ import annotations

from tests.codemods.tools import GoldenRun, golden_cases


@golden_cases("cli-agent")
def test_golden(run: GoldenRun) -> None:
    run.check()
