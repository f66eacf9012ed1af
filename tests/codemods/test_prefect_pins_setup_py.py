"""prefect-pins-setup-py: its golden cases, fixtures/codemods/prefect-pins-setup-py/."""

from __future__ import annotations

from tests.codemods.tools import GoldenRun, golden_cases


@golden_cases("prefect-pins-setup-py")
def test_golden(run: GoldenRun) -> None:
    run.check()
