"""How the pipeline chooses what to parse, and how codemods see each other's output."""

from __future__ import annotations

from pathlib import Path

from prefect1_migrate.codemod import MigrationOptions
from prefect1_migrate.pipeline import FileProcessor
from prefect1_migrate.registry import all_codemods, codemod_by_id

LEGACY_THEN_MODERN = """from prefect import Flow
from prefect.tasks.prefect import FlowRunTask

child = FlowRunTask(flow_name="child", project_name="data", wait=False)

with Flow("parent") as flow:
    child(run_name="nightly")
"""


def test_a_name_one_codemod_introduces_reaches_the_codemods_after_it(tmp_path: Path) -> None:
    (tmp_path / "flow.py").write_text(LEGACY_THEN_MODERN)
    chain = [codemod_by_id("subflow-legacy-task-names"), codemod_by_id("subflow-create-flow-run")]
    result = FileProcessor(tmp_path, chain, MigrationOptions()).process("flow.py")
    assert [codemod_id for codemod_id, _ in result.steps] == [c.id for c in chain]
    final = result.steps[-1][1].decode()
    assert "FlowRunTask" not in final and "StartFlowRun" not in final
    assert "create_flow_run(" in final


def test_python_files_that_never_name_prefect_are_not_parsed(tmp_path: Path) -> None:
    # Generic triggers (Client, import *, 3.6) occur here, and fissix cannot parse the file:
    # it must be neither rewritten nor reported, because it has nothing to do with Prefect.
    (tmp_path / "tool.py").write_text(
        "from mylib import *\nclient = Client(api_token=TOKEN)\nmatch client:\n    case _:\n        pass\n"
    )
    result = FileProcessor(tmp_path, all_codemods(), MigrationOptions()).process("tool.py")
    assert result.steps == [] and result.problems == []


def test_a_python_file_is_parsed_once_however_many_codemods_change_it(
    tmp_path: Path, monkeypatch
) -> None:
    from prefect1_migrate import python_tree

    parsed: list[str] = []
    real_parse = python_tree.parse

    def counting_parse(text: str):
        parsed.append(text)
        return real_parse(text)

    monkeypatch.setattr(python_tree, "parse", counting_parse)
    (tmp_path / "flow.py").write_text(LEGACY_THEN_MODERN)
    result = FileProcessor(tmp_path, all_codemods(), MigrationOptions()).process("flow.py")
    assert len(result.steps) >= 2
    assert parsed == [LEGACY_THEN_MODERN]
