"""subflow-create-flow-run beyond the golden cases: constructor arguments moved only where
their names mean the same, and names the conversion must not take over."""

from __future__ import annotations

from tests.codemods.tools import GoldenRun, check_transformed, golden_cases

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


@golden_cases("subflow-create-flow-run")
def test_golden(run: GoldenRun) -> None:
    run.check()


def test_constructor_arguments_are_not_moved_where_they_mean_something_else() -> None:
    check_transformed(
        "subflow-create-flow-run",
        PARENT,
        """\
from prefect import Flow
from prefect.tasks.prefect import StartFlowRun

NAME = "child"
start = StartFlowRun(flow_name=NAME, project_name="p")

def build(NAME):
    with Flow("parent") as flow:
        # TODO(prefect-1.0): StartFlowRun still works in Prefect 1.x; not converted to create_flow_run: its constructor arguments mean something else where it is called
        start()
    return flow
""",
    )


def test_constructor_arguments_move_into_a_function_when_names_mean_the_same() -> None:
    check_transformed(
        "subflow-create-flow-run",
        PARENT.replace("def build(NAME)", "def build()"),
        """\
from prefect import Flow
from prefect.tasks.prefect import create_flow_run

NAME = "child"

def build():
    with Flow("parent") as flow:
        # TODO(prefect-1.0): create_flow_run names the child run '<parent run name>-<flow name>' when run_name is not given (StartFlowRun let the backend pick a name): pass run_name=... if that matters
        create_flow_run(flow_name=NAME, project_name="p")
    return flow
""",
    )


def test_a_create_flow_run_of_the_users_own_blocks_the_conversion() -> None:
    check_transformed(
        "subflow-create-flow-run",
        PARENT.replace("def build(NAME)", "def create_flow_run(): ...\n\ndef build()"),
        """\
from prefect import Flow
from prefect.tasks.prefect import StartFlowRun

NAME = "child"
# TODO(prefect-1.0): StartFlowRun still works in Prefect 1.x; not converted to create_flow_run: create_flow_run already names something else in this file
start = StartFlowRun(flow_name=NAME, project_name="p")

def create_flow_run(): ...

def build():
    with Flow("parent") as flow:
        start()
    return flow
""",
    )


def test_generated_run_id_names_do_not_collide() -> None:
    check_transformed(
        "subflow-create-flow-run",
        """\
from prefect import Flow
from prefect.tasks.prefect import StartFlowRun

with Flow('parent') as flow:
    done_run_id = 1
    done = StartFlowRun(flow_name='a', project_name='p', wait=True)(run_name='r')
""",
        """\
from prefect import Flow
from prefect.tasks.prefect import create_flow_run, wait_for_flow_run

with Flow('parent') as flow:
    done_run_id = 1
    done_run_id_2 = create_flow_run(flow_name='a', project_name='p', run_name='r')
    done = wait_for_flow_run(done_run_id_2, raise_final_state=True)
""",
    )
