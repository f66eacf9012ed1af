"""cli-server-expose: its golden cases, fixtures/codemods/cli-server-expose/."""

from __future__ import annotations

from tests.codemods.tools import GoldenRun, golden_cases


@golden_cases("cli-server-expose")
def test_golden(run: GoldenRun) -> None:
    run.check()
