"""star-imports: its golden cases, fixtures/codemods/star-imports/."""

from __future__ import annotations

from tests.codemods.tools import GoldenRun, golden_cases


@golden_cases("star-imports")
def test_golden(run: GoldenRun) -> None:
    run.check()
