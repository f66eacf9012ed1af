"""server-images: its golden cases, fixtures/codemods/server-images/, and another target."""

from __future__ import annotations

from prefect1_migrate.codemod import MigrationOptions
from tests.codemods.tools import GoldenRun, check_transformed, golden_cases


@golden_cases("server-images")
def test_golden(run: GoldenRun) -> None:
    run.check()


def test_the_target_version_names_the_server_tag() -> None:
    check_transformed(
        "server-images",
        "PREFECT_SERVER_TAG=core-0.15.13\n",
        "# TODO(prefect-1.0): Prefect Server moved to Prefect 1.0.0: upgrade its database "
        "(`prefect-server database upgrade -y`; `prefect server start` does it unless "
        "--skip-upgrade), register the flows with Prefect 1.x, then move the agents; never mix "
        "major versions\nPREFECT_SERVER_TAG=core-1.0.0\n",
        path=".env",
        options=MigrationOptions(prefect_version="1.0.0"),
    )
