"""python36-images-python: its golden cases, fixtures/codemods/python36-images-python/."""

from __future__ import annotations

from tests.codemods.tools import GoldenRun, golden_cases


@golden_cases("python36-images-python")
def test_golden(run: GoldenRun) -> None:
    run.check()
