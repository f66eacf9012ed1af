"""environments-to-run-configs beyond the golden cases: the signatures its tables encode
(checked against the real releases), rewrites that need a tree of their own (imports in
blocks, environments built in functions) and what is left for a human."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from prefect1_migrate.codemods._environments.flows import FLOW_PARAMETERS_0_15
from prefect1_migrate.codemods._environments.mapping import PARAMETERS
from realprefect import envs

from prefect1_migrate.codemod import MigrationOptions
from prefect1_migrate.pipeline import FileProcessor
from prefect1_migrate.registry import all_codemods
from tests.codemods.tools import GoldenRun, check_transformed, golden_cases, review_entries


@golden_cases("environments-to-run-configs")
def test_golden(run: GoldenRun) -> None:
    run.check()


_SIGNATURES = """
import inspect, json, sys
import prefect
from prefect import Flow

def names(function):
    return [
        p.name for p in inspect.signature(function).parameters.values()
        if p.name != "self" and p.kind is not p.VAR_KEYWORD
    ]

found = {"Flow": names(Flow.__init__)}
if prefect.__version__.startswith("0."):
    import prefect.environments as environments
    for name in sys.argv[1:]:
        found[name] = names(getattr(environments, name).__init__)
print(json.dumps(found))
"""


def _signatures(version: str) -> dict[str, list[str]]:
    python = envs.ensure_envs((version,))[version]
    output = subprocess.run(
        [str(python), "-W", "ignore", "-c", _SIGNATURES, *PARAMETERS],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output)


@pytest.mark.real_prefect
def test_parameter_tables_are_the_0_15_13_signatures() -> None:
    found = _signatures("0.15.13")
    assert found.pop("Flow") == list(FLOW_PARAMETERS_0_15)
    assert found == {name: list(parameters) for name, parameters in PARAMETERS.items()}


@pytest.mark.real_prefect
def test_flow_lost_exactly_environment_in_1_x() -> None:
    expected = [name for name in FLOW_PARAMETERS_0_15 if name != "environment"]
    for version in ("1.0.0", "1.4.1"):
        assert _signatures(version)["Flow"] == expected, version


def test_an_import_that_was_a_block_s_only_statement_leaves_pass() -> None:
    check_transformed(
        "environments-to-run-configs",
        """\
from prefect import Flow

try:
    from prefect.environments import LocalEnvironment
except ImportError:
    raise SystemExit("prefect 0.x needed")

flow = Flow("f", environment=LocalEnvironment(labels=["a"]))
""",
        """\
from prefect import Flow
from prefect.run_configs import UniversalRun

try:
    pass
except ImportError:
    raise SystemExit("prefect 0.x needed")

flow = Flow("f", run_config=UniversalRun(labels=["a"]))
""",
    )


def test_import_prefect_environments_among_other_modules() -> None:
    check_transformed(
        "environments-to-run-configs",
        """\
import os, prefect.environments

flow = prefect.Flow(os.environ["NAME"])
flow.environment = prefect.environments.LocalEnvironment()
""",
        """\
import os, prefect
from prefect.run_configs import UniversalRun

flow = prefect.Flow(os.environ["NAME"])
flow.run_config = UniversalRun()
""",
    )


def test_an_environment_built_inside_a_function() -> None:
    check_transformed(
        "environments-to-run-configs",
        """\
from prefect import Flow
from prefect.environments import KubernetesJobEnvironment


def build(spec):
    return Flow("inner", None, None, KubernetesJobEnvironment(spec, labels=["k"]))
""",
        """\
from prefect import Flow
from prefect.run_configs import KubernetesRun


def build(spec):
    return Flow("inner", None, None, run_config=KubernetesRun(job_template_path=spec, labels=["k"]))
""",
    )


def test_an_arn_together_with_an_image_is_left_for_a_human() -> None:
    check_transformed(
        "environments-to-run-configs",
        """\
from prefect import Flow
from prefect.environments import FargateTaskEnvironment

flow = Flow("f")
flow.environment = FargateTaskEnvironment(
    taskDefinition="arn:aws:ecs:task-definition/x:1", metadata={"image": "i"}
)
""",
        """\
from prefect import Flow
# TODO(prefect-1.0): prefect.environments was removed in Prefect 1.0 (ImportError): drop this import once the uses marked in this file are gone
from prefect.environments import FargateTaskEnvironment

flow = Flow("f")
# TODO(prefect-1.0): FargateTaskEnvironment(...) was not converted because ECSRun cannot take both task_definition_arn and image: set flow.run_config = ECSRun(cpu=..., memory=..., task_definition={...}, run_task_kwargs={...}, labels=...) (run by an ECS agent) and its executor as flow.executor
flow.environment = FargateTaskEnvironment(
    taskDefinition="arn:aws:ecs:task-definition/x:1", metadata={"image": "i"}
)
""",
    )


def test_todo_messages_never_quote_string_values() -> None:
    result = check_transformed(
        "environments-to-run-configs",
        """\
from prefect import Flow
from prefect.environments import LocalEnvironment

def hook(secret):
    return lambda: secret

flow = Flow("f", environment=LocalEnvironment(on_exit=hook("s3cr3t-value")))
""",
        """\
from prefect import Flow
from prefect.run_configs import UniversalRun

def hook(secret):
    return lambda: secret

# TODO(prefect-1.0): on_exit=... has no Prefect 1.0 equivalent (the environment called it after the flow run): use Flow(state_handlers=[...]) reacting to Running / finished states
flow = Flow("f", run_config=UniversalRun())
""",
    )
    assert not any("s3cr3t" in message for _, message in review_entries(result))


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param(
            'from prefect.environments import LocalEnvironment as LE\n__all__ = ["LE"]\n',
            'from prefect.run_configs import UniversalRun\n__all__ = ["UniversalRun"]\n',
            id="convertible-class",
        ),
        pytest.param(
            'from prefect.environments import Environment as Base\n__all__ = ["Base"]\n',
            "# TODO(prefect-1.0): prefect.environments was removed in Prefect 1.0 (ImportError): "
            "drop this import once the uses marked in this file are gone\n"
            'from prefect.environments import Environment as Base\n__all__ = ["Base"]\n',
            id="class-without-run-config",
        ),
    ],
)
def test_a_package_re_exporting_an_environment_class_is_migrated_not_refused(
    source: str, expected: str
) -> None:
    """Every codemod, as a migration runs them: the exported import is never dropped (the
    bindings guard refused the whole file when it was), and what cannot be converted keeps
    its marker."""
    processor = FileProcessor(Path("."), all_codemods(), MigrationOptions())
    result = processor.process_source("mypkg/compat/__init__.py", source.encode())
    assert not result.problems
    assert result.steps[-1][1].decode() == expected
