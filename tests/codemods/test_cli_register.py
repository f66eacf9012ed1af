"""cli-register: its golden cases, fixtures/codemods/cli-register/."""

from __future__ import annotations

from tests.codemods.tools import GoldenRun, golden_cases


@golden_cases("cli-register")
def test_golden(run: GoldenRun) -> None:
    run.check()
