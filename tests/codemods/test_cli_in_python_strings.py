"""cli-in-python-strings: its golden cases, fixtures/codemods/cli-in-python-strings/."""

from __future__ import annotations

from tests.codemods.tools import GoldenRun, golden_cases


@golden_cases("cli-in-python-strings")
def test_golden(run: GoldenRun) -> None:
    run.check()
