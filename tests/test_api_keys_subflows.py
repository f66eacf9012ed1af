"""Edge cases of api-keys-python and subflow-create-flow-run that golden cases do not show well:
names hidden by local bindings, receivers that only might be Prefect objects, scope checks."""

from __future__ import annotations

from pathlib import Path

from prefect1_migrate.codemod import MigrationOptions
from prefect1_migrate.markers import MARKER
from prefect1_migrate.pipeline import FileProcessor
from prefect1_migrate.registry import codemod_by_id


def migrate(codemod_id: str, text: str, folder: Path) -> str:
    (folder / "module.py").write_text(text, encoding="utf-8")
    processor = FileProcessor(folder, [codemod_by_id(codemod_id)], MigrationOptions())
    outcome = processor.process("module.py")
    assert not outcome.problems, outcome.problems
    return outcome.steps[-1][1].decode() if outcome.steps else text


# --- api-keys-python -------------------------------------------------------------------------


def test_a_parameter_hiding_the_imported_config_is_left_alone(tmp_path: Path) -> None:
    text = (
        "from prefect import config\n"
        "\n"
        "def read(config):\n"
        "    return config.cloud.auth_token\n"
        "\n"
        "TOKEN = config.cloud.auth_token\n"
    )
    migrated = migrate("api-keys-python", text, tmp_path)
    assert "    return config.cloud.auth_token\n" in migrated
    assert "TOKEN = config.cloud.api_key\n" in migrated


def test_a_client_name_bound_twice_is_flagged_not_rewritten(tmp_path: Path) -> None:
    text = (
        "from prefect import Client\n"
        "\n"
        "def token(make):\n"
        "    client = Client()\n"
        "    client = make()\n"
        "    return client.get_auth_token()\n"
    )
    migrated = migrate("api-keys-python", text, tmp_path)
    assert "return client.get_auth_token()" in migrated
    assert f"# {MARKER}: if `client` is a Prefect Client: get_auth_token() was removed" in migrated


def test_a_comprehension_variable_is_not_taken_for_the_outer_client(tmp_path: Path) -> None:
    text = (
        "from prefect import Client\n"
        "\n"
        "client = Client()\n"
        "TENANTS = [client.active_tenant_id for client in []]\n"
        "CURRENT = client.active_tenant_id\n"
    )
    migrated = migrate("api-keys-python", text, tmp_path)
    assert "TENANTS = [client.active_tenant_id for client in []]" in migrated
    assert "CURRENT = client.tenant_id\n" in migrated


def test_token_members_in_a_file_without_prefect_clients_stay_unmarked(tmp_path: Path) -> None:
    text = (
        "import prefect\n\ndef go(service):\n    return service.login_to_tenant(tenant_slug='a')\n"
    )
    assert migrate("api-keys-python", text, tmp_path) == text


def test_no_token_value_reaches_a_marker(tmp_path: Path) -> None:
    text = (
        "from prefect import Client\n"
        "\n"
        "CLIENT = Client(api_token='tok-1234-secret')\n"
        "CLIENT.graphql('query', token='tok-5678-secret')\n"
    )
    migrated = migrate("api-keys-python", text, tmp_path)
    markers = [line for line in migrated.splitlines() if MARKER in line]
    assert len(markers) == 2
    assert not any("secret" in line for line in markers)


# --- subflow-create-flow-run -----------------------------------------------------------------

PARENT = """\
from prefect import Flow
from prefect.tasks.prefect import StartFlowRun

NAME = "child"
start = StartFlowRun(flow_name=NAME, project_name="p")

def build(NAME):
    with Flow("parent") as flow:
        start()
    return flow
"""


def test_constructor_arguments_are_not_moved_where_they_mean_something_else(
    tmp_path: Path,
) -> None:
    migrated = migrate("subflow-create-flow-run", PARENT, tmp_path)
    assert "start = StartFlowRun(flow_name=NAME" in migrated
    assert "constructor arguments mean something else where it is called" in migrated


def test_constructor_arguments_move_into_a_function_when_names_mean_the_same(
    tmp_path: Path,
) -> None:
    migrated = migrate(
        "subflow-create-flow-run", PARENT.replace("def build(NAME)", "def build()"), tmp_path
    )
    assert "StartFlowRun(" not in migrated
    assert "import StartFlowRun" not in migrated
    assert '        create_flow_run(flow_name=NAME, project_name="p")\n' in migrated
    assert "from prefect.tasks.prefect import create_flow_run\n" in migrated


def test_a_create_flow_run_of_the_users_own_blocks_the_conversion(tmp_path: Path) -> None:
    text = PARENT.replace("def build(NAME)", "def create_flow_run(): ...\n\ndef build()")
    migrated = migrate("subflow-create-flow-run", text, tmp_path)
    assert "start()" in migrated
    assert "create_flow_run already names something else in this file" in migrated


def test_generated_run_id_names_do_not_collide(tmp_path: Path) -> None:
    text = (
        "from prefect import Flow\n"
        "from prefect.tasks.prefect import StartFlowRun\n"
        "\n"
        "with Flow('parent') as flow:\n"
        "    done_run_id = 1\n"
        "    done = StartFlowRun(flow_name='a', project_name='p', wait=True)(run_name='r')\n"
    )
    migrated = migrate("subflow-create-flow-run", text, tmp_path)
    assert "    done_run_id_2 = create_flow_run(" in migrated
    assert "    done = wait_for_flow_run(done_run_id_2, raise_final_state=True)\n" in migrated


def test_legacy_names_are_renamed_before_the_modernisation_sees_them(tmp_path: Path) -> None:
    (tmp_path / "flow.py").write_text(
        "from prefect import Flow\n"
        "from prefect.tasks.prefect import FlowRunTask\n"
        "\n"
        "child = FlowRunTask(flow_name='child', project_name='p', wait=True)\n"
        "\n"
        "with Flow('parent') as flow:\n"
        "    child(run_name='nightly')\n",
        encoding="utf-8",
    )
    codemods = [
        codemod_by_id("subflow-legacy-task-names"),
        codemod_by_id("subflow-create-flow-run"),
    ]
    assert codemods[0].pipeline_position < codemods[1].pipeline_position
    outcome = FileProcessor(tmp_path, codemods, MigrationOptions()).process("flow.py")
    assert [step for step, _ in outcome.steps] == [c.id for c in codemods]
    assert outcome.steps[-1][1].decode() == (
        "from prefect import Flow\n"
        "from prefect.tasks.prefect import create_flow_run, wait_for_flow_run\n"
        "\n"
        "with Flow('parent') as flow:\n"
        "    child_run_id = create_flow_run(flow_name='child', project_name='p', run_name='nightly')\n"
        "    wait_for_flow_run(child_run_id, raise_final_state=True)\n"
    )
