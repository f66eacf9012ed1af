"""Python code blocks of documents (``prefect1_migrate/code_blocks.py``): a Markdown fence or
reST directive naming Python is read as a module by the Python codemods, in a ``.md``/``.rst``
file and a notebook's Markdown cell alike; its lines are put back byte for byte; a block that
does not parse is listed and left as it was, the rest of the document migrated."""

from __future__ import annotations

import json

from conftest import ROOT, git, run_cli

from prefect1_migrate.codemod import MigrationOptions
from prefect1_migrate.markers import MARKER
from prefect1_migrate.pipeline import FileProcessor, FileResult, StepOutput
from prefect1_migrate.registry import all_codemods


def migrated(path: str, data: bytes, output: StepOutput = StepOutput.BYTES) -> FileResult:
    processor = FileProcessor(ROOT, list(all_codemods()), MigrationOptions(), output)
    return processor.process_source(path, data)  # ROOT: never read


def final(result: FileResult) -> bytes:
    assert result.steps, result.problems
    return result.steps[-1][1]


HURRIED = (
    "Deploy notes\r\n"
    "\r\n"
    "1. Build:\r\n"
    "\r\n"
    "   ```Python\r\n"
    "   from prefect.engine.executors import DaskExecutor   # moved\r\n"
    "  \r\n"
    "   executor = DaskExecutor()\t\r\n"
    "   ```\r\n"
    "\r\n"
    "```python\r\n"
    "from prefect.environments import LocalEnvironment\r\n"
    "flow.environment = LocalEnvironment(labels=['dev'])\r\n"
    "```"
)


def test_every_codemod_rewrites_a_documents_python_blocks_byte_for_byte_elsewhere() -> None:
    result = migrated("docs/notes.md", HURRIED.encode())
    assert not result.problems
    assert final(result).decode() == (
        "Deploy notes\r\n"
        "\r\n"
        "1. Build:\r\n"
        "\r\n"
        "   ```Python\r\n"
        "   from prefect.executors import DaskExecutor   # moved\r\n"
        "  \r\n"
        "   executor = DaskExecutor()\t\r\n"
        "   ```\r\n"
        "\r\n"
        "```python\r\n"
        "from prefect.run_configs import UniversalRun\r\n"
        "flow.run_config = UniversalRun(labels=['dev'])\r\n"
        "```"
    )
    assert [step for step, _ in result.steps] == ["environments-to-run-configs", "imports-moved"]


def test_a_block_that_does_not_parse_is_listed_and_the_rest_migrated() -> None:
    text = (
        "```py\n"
        "from prefect.engine.executors import <your executor>\n"
        "```\n"
        "\n"
        "```python\n"
        "from prefect.engine.executors import LocalExecutor\n"
        "```\n"
    )
    result = migrated("README.md", text.encode())
    assert [(p.line, p.reason) for p in result.problems] == [
        (2, "fissix cannot parse this syntax (at '<') in a Python code block, which is not read")
    ]
    assert final(result).decode() == text.replace(
        "engine.executors import LocalExecutor", "executors import LocalExecutor"
    )


def test_a_sessions_prompted_lines_are_its_code_and_its_output_stays_below_them() -> None:
    session = (
        "  ```pycon\n"
        "  >>> import prefect.engine.executors as ex\n"
        "  >>> ex.LocalExecutor()\n"
        "  <prefect.engine.executors.local.LocalExecutor object at 0x1>\n"
        "  >>> def run(flow):\n"
        "  ...     flow.environment = ex.LocalDaskExecutor()\n"
        "  ...\n"
        "  >>> 1 + 1\n"
        "  2\n"
        "  ```\n"
    )
    result = migrated("docs/try.md", session.encode())
    assert not result.problems
    assert final(result).decode().split("\n") == [
        "  ```pycon",
        "  >>> import prefect.executors as ex",
        "  >>> ex.LocalExecutor()",
        "  <prefect.engine.executors.local.LocalExecutor object at 0x1>",
        "  >>> def run(flow):",
        "  ...     # TODO(prefect-1.0): flow.environment is ignored by Prefect 1.0: set "
        "flow.run_config (and flow.executor) instead of ex.LocalDaskExecutor()",
        "  ...     flow.environment = ex.LocalDaskExecutor()",
        "  ...",
        "  >>> 1 + 1",
        "  2",
        "  ```",
        "",
    ]


def test_what_no_codemod_can_rewrite_is_marked_inside_the_block() -> None:
    text = (
        "Our own environment:\n"
        "\n"
        "```python\n"
        "from prefect.environments import Environment\n"
        "class Slurm(Environment):\n"
        "    pass\n"
        "```\n"
    )
    result = migrated("README.md", text.encode())
    lines = final(result).decode().split("\n")
    assert lines[3].startswith(f"# {MARKER}: prefect.environments was removed")
    assert lines[4] == "from prefect.environments import Environment"
    assert lines[5].startswith(f"# {MARKER}: Slurm derives from Environment")
    assert [(f.line, f.codemod_id) for f in result.findings] == [
        (4, "environments-to-run-configs"),
        (6, "environment-subclasses"),
    ]
    check = migrated("README.md", text.encode(), StepOutput.NONE)
    assert {(p.line, p.codemod_id) for p in check.places} == {
        (4, "environments-to-run-configs"),
        (5, "environment-subclasses"),
    }


def test_a_notebooks_markdown_cell_is_read_as_a_document() -> None:
    cells = [
        {"cell_type": "markdown", "metadata": {}, "source": ["Old setup:\n", "\n", "```python\n",
         "from prefect.engine.executors import LocalDaskExecutor\n", "```"]},
        {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
         "source": ["import prefect"]},
    ]  # fmt: skip
    notebook = {
        "cells": cells,
        "metadata": {"kernelspec": {"language": "python", "name": "python3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    data = (json.dumps(notebook, indent=1) + "\n").encode()
    result = migrated("explore.ipynb", data)
    assert not result.problems
    migrated_cells = json.loads(final(result))["cells"]
    assert migrated_cells[0]["source"][3] == "from prefect.executors import LocalDaskExecutor\n"
    assert migrated_cells[1:] == cells[1:]


def test_check_lists_a_markdown_python_block_on_a_repository(make_repo) -> None:
    doc = "```python\nimport prefect\nflow.environment = prefect.environments.LocalEnvironment()\n```\n"
    repo = make_repo(files={"docs/run.md": doc})
    result = run_cli("migrate", "--check", str(repo))
    assert result.returncode == 1
    output = result.stdout.decode() + result.stderr.decode()
    assert "docs/run.md:3: would be rewritten" in output
    assert git(repo, "status", "--porcelain") == ""


def test_a_session_in_a_block_of_no_language_is_python_too() -> None:
    rst = "In a shell::\n\n    >>> from prefect.engine.executors import LocalExecutor\n    >>> 1\n    1\n"
    assert final(migrated("docs/usage.rst", rst.encode())).decode() == rst.replace(
        "engine.executors", "executors"
    )
    markdown = "Try:\n\n    >>> import prefect.engine.executors\n\n```\n>>> import prefect\n```\n"
    assert final(migrated("docs/try.md", markdown.encode())).decode() == markdown.replace(
        "engine.executors", "executors"
    )
