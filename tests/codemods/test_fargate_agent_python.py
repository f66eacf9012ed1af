"""fargate-agent-python: its golden cases, fixtures/codemods/fargate-agent-python/."""

from __future__ import annotations

from tests.codemods.tools import GoldenRun, golden_cases


@golden_cases("fargate-agent-python")
def test_golden(run: GoldenRun) -> None:
    run.check()
