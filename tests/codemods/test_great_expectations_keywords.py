"""great-expectations-keywords: its golden cases, fixtures/codemods/great-expectations-keywords/."""

from __future__ import annotations

from tests.codemods.tools import GoldenRun, golden_cases


@golden_cases("great-expectations-keywords")
def test_golden(run: GoldenRun) -> None:
    run.check()
