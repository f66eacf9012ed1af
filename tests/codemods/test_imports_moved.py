"""imports-moved: its golden cases, fixtures/codemods/imports-moved/."""

from __future__ import annotations

from tests.codemods.tools import GoldenRun, golden_cases


@golden_cases("imports-moved")
def test_golden(run: GoldenRun) -> None:
    run.check()
