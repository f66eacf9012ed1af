"""python36-images beyond the golden cases: another target version."""

from __future__ import annotations

from prefect1_migrate.codemod import MigrationOptions
from tests.codemods.tools import GoldenRun, check_transformed, golden_cases


@golden_cases("python36-images")
def test_golden(run: GoldenRun) -> None:
    run.check()


def test_another_target_version_is_used_for_images() -> None:
    check_transformed(
        "python36-images",
        "FROM prefecthq/prefect:0.15.13-python3.6\n",
        "FROM prefecthq/prefect:1.0.0-python3.7\n",
        "Dockerfile",
        MigrationOptions(prefect_version="1.0.0"),
    )
