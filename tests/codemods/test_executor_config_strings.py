"""executor-config-strings: its golden cases, fixtures/codemods/executor-config-strings/."""

from __future__ import annotations

from tests.codemods.tools import GoldenRun, golden_cases


@golden_cases("executor-config-strings")
def test_golden(run: GoldenRun) -> None:
    run.check()
