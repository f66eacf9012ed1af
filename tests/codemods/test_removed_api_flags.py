"""removed-api-flags: its golden cases, fixtures/codemods/removed-api-flags/."""

from __future__ import annotations

from tests.codemods.tools import GoldenRun, golden_cases


@golden_cases("removed-api-flags")
def test_golden(run: GoldenRun) -> None:
    run.check()
