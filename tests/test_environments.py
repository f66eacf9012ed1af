"""The environment codemods beyond their golden cases: the signatures their tables encode
(checked against the real releases) and rewrites that need a tree of their own."""

from __future__ import annotations

import json
import subprocess
import textwrap
from pathlib import Path

import pytest
from realprefect import envs

from codemods import environment_subclasses, environments_to_run_configs
from codemods._environments.mapping import PARAMETERS
from prefect1_migrate.codemod import MigrationOptions
from prefect1_migrate.pipeline import FileProcessor

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
    assert found.pop("Flow") == list(environments_to_run_configs.FLOW_PARAMETERS_0_15)
    assert found == {name: list(parameters) for name, parameters in PARAMETERS.items()}


@pytest.mark.real_prefect
def test_flow_lost_exactly_environment_in_1_x() -> None:
    expected = [
        name for name in environments_to_run_configs.FLOW_PARAMETERS_0_15 if name != "environment"
    ]
    for version in ("1.0.0", "1.4.1"):
        assert _signatures(version)["Flow"] == expected, version


def _migrate(
    tmp_path: Path, source: str, codemod: object = environments_to_run_configs.CODEMOD
) -> str:
    (tmp_path / "flow.py").write_text(textwrap.dedent(source), encoding="utf-8")
    outcome = FileProcessor(tmp_path, [codemod], MigrationOptions()).process("flow.py")
    assert not outcome.problems, outcome.problems
    data = outcome.steps[-1][1] if outcome.steps else (tmp_path / "flow.py").read_bytes()
    return data.decode("utf-8")


def test_an_import_that_was_a_block_s_only_statement_leaves_pass(tmp_path: Path) -> None:
    migrated = _migrate(
        tmp_path,
        """\
        from prefect import Flow

        try:
            from prefect.environments import LocalEnvironment
        except ImportError:
            raise SystemExit("prefect 0.x needed")

        flow = Flow("f", environment=LocalEnvironment(labels=["a"]))
        """,
    )
    assert "try:\n    pass\nexcept ImportError:" in migrated
    assert 'flow = Flow("f", run_config=UniversalRun(labels=["a"]))' in migrated


def test_import_prefect_environments_among_other_modules(tmp_path: Path) -> None:
    migrated = _migrate(
        tmp_path,
        """\
        import os, prefect.environments

        flow = prefect.Flow(os.environ["NAME"])
        flow.environment = prefect.environments.LocalEnvironment()
        """,
    )
    assert migrated.startswith("import os, prefect\n")
    assert "flow.run_config = UniversalRun()" in migrated


def test_an_environment_built_inside_a_function(tmp_path: Path) -> None:
    migrated = _migrate(
        tmp_path,
        """\
        from prefect import Flow
        from prefect.environments import KubernetesJobEnvironment


        def build(spec):
            return Flow("inner", None, None, KubernetesJobEnvironment(spec, labels=["k"]))
        """,
    )
    assert (
        'return Flow("inner", None, None, '
        'run_config=KubernetesRun(job_template_path=spec, labels=["k"]))'
    ) in migrated
    assert "from prefect.run_configs import KubernetesRun\n" in migrated
    assert "prefect.environments" not in migrated


def test_an_arn_together_with_an_image_is_left_for_a_human(tmp_path: Path) -> None:
    source = """\
        from prefect import Flow
        from prefect.environments import FargateTaskEnvironment

        flow = Flow("f")
        flow.environment = FargateTaskEnvironment(
            taskDefinition="arn:aws:ecs:task-definition/x:1", metadata={"image": "i"}
        )
        """
    migrated = _migrate(tmp_path, source)
    assert "flow.environment = FargateTaskEnvironment(" in migrated
    assert (
        "# TODO(prefect-1.0): FargateTaskEnvironment(...) was not converted because ECSRun "
        "cannot take both task_definition_arn and image"
    ) in migrated


def test_todo_messages_never_quote_string_values(tmp_path: Path) -> None:
    migrated = _migrate(
        tmp_path,
        """\
        from prefect import Flow
        from prefect.environments import LocalEnvironment

        def hook(secret):
            return lambda: secret

        flow = Flow("f", environment=LocalEnvironment(on_exit=hook("s3cr3t-value")))
        """,
    )
    markers = [line for line in migrated.splitlines() if "TODO(prefect-1.0)" in line]
    assert markers == [
        "# TODO(prefect-1.0): on_exit=... has no Prefect 1.0 equivalent (the environment called "
        "it after the flow run): use Flow(state_handlers=[...]) reacting to Running / finished "
        "states"
    ]


def test_markers_after_an_indented_block_are_not_repeated(tmp_path: Path) -> None:
    source = """\
        from prefect.environments import Environment


        class Custom(Environment):
            pass

        # kept
        DEFAULT = Environment()
        """
    once = _migrate(tmp_path, source, environment_subclasses.CODEMOD)
    (tmp_path / "flow.py").write_text(once, encoding="utf-8")
    assert _migrate(tmp_path, once, environment_subclasses.CODEMOD) == once
    assert once.count("prefect.environments.Environment was removed") == 1
