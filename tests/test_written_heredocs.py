"""Here-documents that write a file (``cat > run.sh <<EOF``): in a notebook's shell cell as in
a ``.sh`` file (the golden cases of cli-register and residual-0x-uses cover scripts and
Dockerfiles), the body of a script written is read as a script."""

from __future__ import annotations

import json

from conftest import ROOT

from prefect1_migrate.codemod import MigrationOptions
from prefect1_migrate.pipeline import FileProcessor
from prefect1_migrate.registry import all_codemods


def test_a_bash_cell_writing_a_script_has_its_commands_migrated() -> None:
    cell = ["%%bash\n", "cat > run.sh <<'EOF'\n", "prefect run flow --name etl -p ETL\n", "EOF"]
    notebook = {
        "cells": [
            {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
             "source": cell}
        ],
        "metadata": {"kernelspec": {"language": "python", "name": "python3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }  # fmt: skip
    processor = FileProcessor(ROOT, list(all_codemods()), MigrationOptions())
    result = processor.process_source("deploy.ipynb", json.dumps(notebook).encode())
    assert not result.problems
    assert [codemod for codemod, _ in result.steps] == ["cli-run"]
    source = json.loads(result.steps[-1][1])["cells"][0]["source"]
    assert source == [*cell[:2], "prefect run --name etl --project ETL\n", "EOF"]
