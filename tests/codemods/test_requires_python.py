"""requires-python: its golden cases, fixtures/codemods/requires-python/."""

from __future__ import annotations

from tests.codemods.tools import GoldenRun, golden_cases


@golden_cases("requires-python")
def test_golden(run: GoldenRun) -> None:
    run.check()
