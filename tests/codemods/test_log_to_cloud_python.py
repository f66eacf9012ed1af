"""log-to-cloud-python: its golden cases, fixtures/codemods/log-to-cloud-python/."""

from __future__ import annotations

from tests.codemods.tools import GoldenRun, golden_cases


@golden_cases("log-to-cloud-python")
def test_golden(run: GoldenRun) -> None:
    run.check()
