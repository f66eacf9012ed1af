"""env-var-log-to-cloud: its golden cases, fixtures/codemods/env-var-log-to-cloud/."""

from __future__ import annotations

from tests.codemods.tools import GoldenRun, golden_cases


@golden_cases("env-var-log-to-cloud")
def test_golden(run: GoldenRun) -> None:
    run.check()
