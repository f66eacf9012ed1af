"""env-var-executor-class: its golden cases, fixtures/codemods/env-var-executor-class/."""

from __future__ import annotations

from tests.codemods.tools import GoldenRun, golden_cases


@golden_cases("env-var-executor-class")
def test_golden(run: GoldenRun) -> None:
    run.check()
