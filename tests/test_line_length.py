"""Rewritten Python within the repository's line length (issue 16 item 3): long rewritten
calls split the way black splits them, so black and ruff-format commit hooks accept every
migration commit."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import black
import pytest
from conftest import EXAMPLE_PROJECT, git, run_cli

from prefect1_migrate.linefit import DEFAULT_LINE_LENGTH, line_length, split_line

BIN = Path(sys.executable).parent

LONG_STATEMENTS = [
    'etl_run_id = create_flow_run(flow_name="nightly-etl", project_name="data-platform", parameters={"table": "warehouse.orders"})',
    '    flow.run_config = KubernetesRun(image="registry.example.com/ml/train:2021.12", labels=["k8s"])',
    'client = Client(api_key=os.environ["PREFECT_API_KEY"], api_server="https://api.prefect.io/graphql")',
    '        agent = ECSAgent(cluster="prod", launch_type="FARGATE", task_role_arn=ROLE, execution_role_arn=EXEC_ROLE, labels=["a"])',
    'return wait_for_flow_run(create_flow_run(flow_name="a-very-long-flow-name-indeed", project_name="data-platform-project"), raise_final_state=True)',
    "x = call(argument_one_is_long, argument_two_is_longer, argument_three_is_longest_of_all, fourth_argument,)",
    '        return {"flow_name": flow_name, "project_name": project_name, "run_name": run_name, "labels": ["a"]}',
    'labels = sorted(["k8s", "gpu", "team-data-platform", "region-eu-west-1", "nightly-etl-queue", "x"])',
]


@pytest.mark.parametrize("statement", LONG_STATEMENTS)
@pytest.mark.parametrize("limit", [88, 100])
def test_a_long_rewritten_statement_is_split_as_black_splits_it(statement: str, limit: int) -> None:
    indent = statement[: len(statement) - len(statement.lstrip())]
    source = statement.lstrip() + "\n"
    if indent:  # black formats whole blocks: put the statement in one of the right depth
        depth = len(indent) // 4
        source = "".join(f"{'    ' * n}if x:\n" for n in range(depth)) + indent + source
    expected = black.format_str(source, mode=black.Mode(line_length=limit))
    split = "\n".join(split_line(statement, limit)) + "\n"
    assert expected.endswith(split), (expected, split)


def test_line_length_comes_from_the_nearest_formatter_configuration(tmp_path: Path) -> None:
    (tmp_path / "pkg" / "sub").mkdir(parents=True)
    assert line_length(tmp_path, tmp_path / "pkg" / "sub") == DEFAULT_LINE_LENGTH
    (tmp_path / "pyproject.toml").write_text("[tool.black]\nline-length = 100\n")
    assert line_length(tmp_path, tmp_path / "pkg" / "sub") == 100
    (tmp_path / "pkg" / "ruff.toml").write_text("line-length = 79\n")
    assert line_length(tmp_path, tmp_path / "pkg" / "sub") == 79
    (tmp_path / "pkg" / "pyproject.toml").write_text("[tool.ruff]\nline-length = 120\n")
    assert line_length(tmp_path, tmp_path / "pkg" / "sub") == 120
    (tmp_path / "pkg" / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    assert line_length(tmp_path, tmp_path / "pkg" / "sub") == 79


def test_the_repositorys_line_length_is_used(make_repo) -> None:
    call = 'run = create_flow_run(flow_name="nightly-etl", project_name="data-platform")'
    old = (
        "from prefect import Flow\nfrom prefect.tasks.prefect import StartFlowRun\n\n"
        'with Flow("parent") as flow:\n'
        '    run = StartFlowRun(flow_name="nightly-etl", project_name="data-platform")()\n'
    )
    wide = make_repo(files={"flow.py": old, "pyproject.toml": "[tool.black]\nline-length = 100\n"})
    narrow = make_repo(files={"flow.py": old, "pyproject.toml": "[tool.black]\nline-length = 60\n"})
    for repo in (wide, narrow):
        assert run_cli("migrate", "--only", "subflow-create-flow-run", str(repo)).returncode == 0
    assert f"    {call}\n" in (wide / "flow.py").read_text()
    assert "    run = create_flow_run(\n" in (narrow / "flow.py").read_text()


HOOKS = """repos:
  - repo: local
    hooks:
      - id: black
        name: black
        entry: {bin}/black
        language: system
        types: [python]
      - id: ruff-format
        name: ruff format
        entry: {bin}/ruff format
        language: system
        types: [python]
"""


def test_black_and_ruff_format_hooks_accept_every_migration_commit(make_repo, tmp_path) -> None:
    repo = make_repo(source=EXAMPLE_PROJECT)
    subprocess.run([BIN / "black", "-q", "."], cwd=repo, check=True)
    subprocess.run([BIN / "ruff", "format", "-q", "."], cwd=repo, check=True)
    (repo / ".pre-commit-config.yaml").write_text(HOOKS.format(bin=BIN))
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "formatted")
    start = git(repo, "rev-parse", "HEAD").strip()
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-cache")}
    subprocess.run([BIN / "pre-commit", "install"], cwd=repo, check=True, env=env)
    result = run_cli("migrate", str(repo), env={"PRE_COMMIT_HOME": env["PRE_COMMIT_HOME"]})
    assert result.returncode == 0, result.stdout.decode() + result.stderr.decode()
    assert int(git(repo, "rev-list", "--count", f"{start}..HEAD")) > 10
    assert git(repo, "status", "--porcelain") == ""
    check = subprocess.run([BIN / "black", "--check", "-q", "."], cwd=repo)
    assert check.returncode == 0
