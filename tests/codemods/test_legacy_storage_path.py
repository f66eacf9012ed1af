"""legacy-storage-path: its golden cases, fixtures/codemods/legacy-storage-path/."""

from __future__ import annotations

from tests.codemods.tools import GoldenRun, golden_cases


@golden_cases("legacy-storage-path")
def test_golden(run: GoldenRun) -> None:
    run.check()
