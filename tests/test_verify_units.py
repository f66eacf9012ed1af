"""The parts of ``verify`` that need no Prefect: what the probe may use, which files it looks
at, and how a cached environment is named."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from prefect1_migrate.verify import sources
from prefect1_migrate.verify.environment import dependency_files, environment_key
from prefect1_migrate.verify.probe import ENVSIDE


@pytest.mark.parametrize(
    "path", sorted(ENVSIDE.rglob("*.py")), ids=lambda p: p.relative_to(ENVSIDE).as_posix()
)
def test_the_probe_runs_on_the_pythons_prefect_supports_and_needs_nothing_of_the_tool(
    path: Path,
) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"), feature_version=(3, 7))
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    } | {
        node.module.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module
    }
    assert not imported & {"prefect1_migrate", "codemods", "typer", "rich", "fissix"}


def write(root: Path, files: dict[str, str]) -> list[str]:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return sorted(files)


def test_flow_files_build_a_flow_at_module_level(tmp_path: Path) -> None:
    files = write(
        tmp_path,
        {
            "flows/with_block.py": "from prefect import Flow\nwith Flow('a') as flow:\n    pass\n",
            "flows/aliased.py": "import prefect as p\nflow = p.Flow('b')\n",
            "flows/in_function.py": "from prefect import Flow\ndef build():\n    return Flow('c')\n",
            "flows/main_only.py": (
                "from prefect import Flow\nif __name__ == '__main__':\n    Flow('d').run()\n"
            ),
            "flows/broken.py": "from prefect import Flow\nflow = Flow('e'\n",
            "flows/via_helper.py": "from team.compat import Flow\nflow = Flow('f')\n",
        },
    )
    assert sources.flow_files(tmp_path, files) == [
        "flows/aliased.py",
        "flows/broken.py",  # building it says why it does not parse
        "flows/via_helper.py",  # Flow re-exported by the repository's own module
        "flows/with_block.py",
    ]


def _notebook(source: str) -> str:
    cell = {"cell_type": "code", "metadata": {}, "outputs": [], "source": source}
    return json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


def test_notebook_flows_are_modules_whose_runs_are_kept_from_running(tmp_path: Path) -> None:
    files = write(
        tmp_path,
        {
            "nb/flow.ipynb": _notebook("from prefect import Flow\nflow = Flow('a')\nflow.run()"),
            "nb/no_flow.ipynb": _notebook("import prefect\nprint(prefect.__version__)"),
            "nb/loop.ipynb": _notebook(
                "from prefect import Flow\nflows = [Flow('b')]\nfor f in flows:\n    f.run()"
            ),
            "nb/not_json.ipynb": '{"cells": [Flow',
            "nb/other.ipynb.txt": _notebook("from prefect import Flow\nflow = Flow('c')"),
        },
    )
    modules, unbuilt = sources.notebook_flows(tmp_path, files)
    assert modules == {
        "nb/flow.ipynb": (
            "from prefect import Flow\nflow = Flow('a')\nif __name__ == \"__main__\": flow.run()\n"
        )
    }
    assert unbuilt == {
        "nb/loop.ipynb": "line 3 of its Python cells may run a flow in a statement that cannot be "
        "kept from running",
        "nb/not_json.ipynb": unbuilt["nb/not_json.ipynb"],
    }
    assert "JSON" in unbuilt["nb/not_json.ipynb"]


def test_config_files_are_the_prefect_settings_among_the_toml_files(tmp_path: Path) -> None:
    files = write(
        tmp_path,
        {
            "config.toml": "backend = 'server'\n",
            "deploy/agent.toml": "[cloud]\napi_key = 'x'\n",
            "ruff.toml": "line-length = 100\n",
            "pyproject.toml": "[tool.prefect]\n",
        },
    )
    assert sources.config_files(tmp_path, files) == ["config.toml", "deploy/agent.toml"]


def test_command_lines_come_from_the_codemods_scanners_through_the_registry(
    tmp_path: Path,
) -> None:
    files = write(
        tmp_path,
        {
            "deploy.sh": '#!/bin/sh\nprefect register --path flows/etl.py --project "$P"\n',
            "run.py": "import subprocess\nsubprocess.run(['prefect', 'run', '--name', 'etl'])\n",
            "notes.txt": "prefect register flow -f x.py\n",  # not a kind that runs commands
        },
    )
    found = sources.command_lines(tmp_path, files)
    assert {name: [(c.line, c.argv) for c in lines] for name, lines in found.items()} == {
        "deploy.sh": [(2, ["register", "--path", "flows/etl.py", "--project", "RUNTIME_VALUE"])],
        "run.py": [(2, ["run", "--name", "etl"])],
    }


def test_an_environment_is_named_by_the_content_of_the_dependency_files(tmp_path: Path) -> None:
    files = write(
        tmp_path,
        {
            "requirements.txt": "prefect==1.4.1\n",
            "requirements-dev.txt": "pytest\n",
            "constraints.txt": "marshmallow<4\n",
            "docs/requirements.in": "sphinx\n",
        },
    )
    assert dependency_files(tmp_path, files) == (
        ["requirements-dev.txt", "requirements.txt"],
        ["constraints.txt"],
    )
    key = environment_key(tmp_path, ["requirements.txt", "constraints.txt"])
    assert key == environment_key(tmp_path, ["constraints.txt", "requirements.txt"])
    (tmp_path / "requirements.txt").write_text("prefect==1.4.0\n", encoding="utf-8")
    assert environment_key(tmp_path, ["requirements.txt", "constraints.txt"]) != key
