"""environment-subclasses beyond the golden cases."""

from __future__ import annotations

from tests.codemods.tools import GoldenRun, check_transformed, golden_cases


@golden_cases("environment-subclasses")
def test_golden(run: GoldenRun) -> None:
    run.check()


def test_markers_after_an_indented_block_are_not_repeated() -> None:
    # check_transformed runs the codemod again on its output, which must not change.
    check_transformed(
        "environment-subclasses",
        """\
from prefect.environments import Environment


class Custom(Environment):
    pass

# kept
DEFAULT = Environment()
""",
        """\
# TODO(prefect-1.0): prefect.environments was removed in Prefect 1.0 (ImportError): drop this import once the uses marked in this file are gone
from prefect.environments import Environment


# TODO(prefect-1.0): Custom derives from Environment, removed in Prefect 1.0 with no extension point: move what its setup()/execute() did into the flow's run config (job template, task definition, env) or its executor, run by an agent
class Custom(Environment):
    pass

# kept
# TODO(prefect-1.0): prefect.environments.Environment was removed in Prefect 1.0: configure flows with flow.run_config and flow.executor
DEFAULT = Environment()
""",
    )
