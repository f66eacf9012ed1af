"""env-var-auth-token: its golden cases, fixtures/codemods/env-var-auth-token/."""

from __future__ import annotations

from tests.codemods.tools import GoldenRun, golden_cases


@golden_cases("env-var-auth-token")
def test_golden(run: GoldenRun) -> None:
    run.check()
