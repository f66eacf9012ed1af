"""docker-agent-interface: its golden cases, fixtures/codemods/docker-agent-interface/."""

from __future__ import annotations

from tests.codemods.tools import GoldenRun, golden_cases


@golden_cases("docker-agent-interface")
def test_golden(run: GoldenRun) -> None:
    run.check()
