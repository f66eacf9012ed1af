"""cli-auth: its golden cases, fixtures/codemods/cli-auth/."""

from __future__ import annotations

from tests.codemods.tools import GoldenRun, golden_cases


@golden_cases("cli-auth")
def test_golden(run: GoldenRun) -> None:
    run.check()
