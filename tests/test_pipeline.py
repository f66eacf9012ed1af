"""How the pipeline chooses what to parse, and how codemods see each other's output."""

from __future__ import annotations

from pathlib import Path

import pytest
from fissix.pytree import Node
from prefect1_migrate.codemods._python.statements import remove_statement

from prefect1_migrate.codemod import MigrationOptions, PythonCodemod, SourceFile
from prefect1_migrate.guide import ADDITIONAL
from prefect1_migrate.pipeline import FileProcessor
from prefect1_migrate.registry import all_codemods, codemod_by_id

LEGACY_THEN_MODERN = """\
from prefect import Flow
from prefect.tasks.prefect import FlowRunTask

child = FlowRunTask(flow_name="child", project_name="data", wait=False)

with Flow("parent") as flow:
    child(run_name="nightly")
"""


def test_a_name_one_codemod_introduces_reaches_the_codemods_after_it() -> None:
    chain = [codemod_by_id("subflow-legacy-task-names"), codemod_by_id("subflow-create-flow-run")]
    assert chain[0].pipeline_position < chain[1].pipeline_position
    processor = FileProcessor(Path("."), chain, MigrationOptions())
    source = LEGACY_THEN_MODERN.replace("wait=False", "wait=True")
    result = processor.process_source("flow.py", source.encode())
    assert [codemod_id for codemod_id, _ in result.steps] == [c.id for c in chain]
    assert result.steps[-1][1].decode() == (
        "from prefect import Flow\n"
        "from prefect.tasks.prefect import create_flow_run, wait_for_flow_run\n"
        "\n"
        'with Flow("parent") as flow:\n'
        '    child_run_id = create_flow_run(flow_name="child", project_name="data", run_name="nightly")\n'
        "    wait_for_flow_run(child_run_id, raise_final_state=True)\n"
    )


def test_python_files_that_never_name_prefect_are_not_parsed() -> None:
    # Generic triggers (Client, import *, 3.6) occur here, and fissix cannot parse the file:
    # it must be neither rewritten nor reported, because it has nothing to do with Prefect.
    source = b"from mylib import *\nclient = Client(api_token=TOKEN)\nmatch client:\n    case _:\n        pass\n"
    processor = FileProcessor(Path("."), all_codemods(), MigrationOptions())
    result = processor.process_source("tool.py", source)
    assert result.steps == [] and result.problems == []


def test_a_python_file_is_parsed_once_however_many_codemods_change_it(monkeypatch) -> None:
    from prefect1_migrate import python_tree

    parsed: list[str] = []
    real_parse = python_tree.parse

    def counting_parse(text: str):
        parsed.append(text)
        return real_parse(text)

    monkeypatch.setattr(python_tree, "parse", counting_parse)
    processor = FileProcessor(Path("."), all_codemods(), MigrationOptions())
    result = processor.process_source("flow.py", LEGACY_THEN_MODERN.encode())
    assert len(result.steps) >= 2
    assert parsed == [LEGACY_THEN_MODERN]


def _drop_first_statement(root: Node, _file: SourceFile) -> None:
    remove_statement(root.children[0])


DROPS_FIRST_IMPORT = PythonCodemod(
    "test_drops_first_import",
    title="Drop the first statement",
    guide_section=ADDITIONAL,
    summary="test codemod",
    description="Drops the first statement of a file.",
    triggers=("prefect",),
    rewrite=_drop_first_statement,
)


@pytest.mark.parametrize(
    "rest",
    [
        "flow = Flow('x')\n",  # still read
        "__all__ = ['Flow']\n",  # still exported
    ],
)
def test_a_rewrite_that_drops_an_import_still_needed_leaves_the_file(
    tmp_path: Path, rest: str
) -> None:
    (tmp_path / "flow.py").write_text(f"from prefect import Flow\n{rest}")
    result = FileProcessor(tmp_path, [DROPS_FIRST_IMPORT], MigrationOptions()).process("flow.py")
    assert result.steps == []
    [problem] = result.problems
    assert problem.codemod_id == "test-drops-first-import"
    assert "removes the import of Flow, which the file still uses or exports" in problem.reason


def test_a_rewrite_that_drops_an_unused_import_is_kept(tmp_path: Path) -> None:
    (tmp_path / "flow.py").write_text("from prefect import Flow\nFlow = None\nprint(Flow)\n")
    result = FileProcessor(tmp_path, [DROPS_FIRST_IMPORT], MigrationOptions()).process("flow.py")
    assert result.problems == []
    assert result.steps[-1][1] == b"Flow = None\nprint(Flow)\n"


def test_review_lines_stay_right_in_a_long_script_of_repeated_commands() -> None:
    # 6,000 lines that repeat two commands: cli-auth marks every login, then cli-register
    # inserts a marker above every register, moving each login marker down (issue 17 item 9:
    # the line mapping between the two versions must stay linear and still be exact).
    script = "prefect auth login -t $TOKEN\nprefect register flow -f flow.py -p demo\n" * 3000
    codemods = [codemod_by_id("cli-auth"), codemod_by_id("cli-register")]
    result = FileProcessor(Path("."), codemods, MigrationOptions()).process_source(
        "deploy.sh", script.encode()
    )
    final_lines = result.steps[-1][1].decode().split("\n")
    assert len(final_lines) == 12_001
    for codemod_id in ("cli-auth", "cli-register"):
        reviewed = [f.line for f in result.findings if f.codemod_id == codemod_id]
        message = next(f.message for f in result.findings if f.codemod_id == codemod_id)
        marked = [n for n, line in enumerate(final_lines, 1) if line.endswith(message)]
        assert reviewed == marked
        assert len(marked) == 3000
