"""from-0-14: its golden cases, fixtures/codemods/from-0-14/."""

from __future__ import annotations

from tests.codemods.tools import GoldenRun, golden_cases


@golden_cases("from-0-14")
def test_golden(run: GoldenRun) -> None:
    run.check()
