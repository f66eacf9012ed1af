"""cli-run: its golden cases, fixtures/codemods/cli-run/."""

from __future__ import annotations

from tests.codemods.tools import GoldenRun, golden_cases


@golden_cases("cli-run")
def test_golden(run: GoldenRun) -> None:
    run.check()
