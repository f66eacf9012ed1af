"""subflow-legacy-task-names: its golden cases, fixtures/codemods/subflow-legacy-task-names/."""

from __future__ import annotations

from tests.codemods.tools import GoldenRun, golden_cases


@golden_cases("subflow-legacy-task-names")
def test_golden(run: GoldenRun) -> None:
    run.check()
