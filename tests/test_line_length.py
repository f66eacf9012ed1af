"""Rewritten Python within the repository's line length (issue 16 item 3): long rewritten
calls split the way black splits them and long review markers folded over several comment
lines, so black, ruff-format and line-length (E501) commit hooks accept every migration
commit."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import black
import pytest
from conftest import EXAMPLE_PROJECT, git, run_cli

from prefect1_migrate.codemod import MigrationOptions
from prefect1_migrate.filekinds import FileKind, classify
from prefect1_migrate.linefit import DEFAULT_LINE_LENGTH, line_length, split_line
from prefect1_migrate.markers import MARKER, in_marker, marker_end, marker_lines
from prefect1_migrate.modules import survey
from prefect1_migrate.pipeline import new_markers
from prefect1_migrate.registry import all_codemods
from tests.codemods.tools import golden_case_folders, run_codemod

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
      - id: line-length
        name: ruff E501
        entry: {bin}/ruff check --select E501
        language: system
        types: [python]
"""


def _with_hooks(repo: Path, tmp_path: Path) -> tuple[str, dict[str, str]]:
    """Formats ``repo`` with black and ruff format, commits it with the hooks installed; the
    commit and the environment to run the migration in."""
    subprocess.run([BIN / "black", "-q", "."], cwd=repo, check=True)
    subprocess.run([BIN / "ruff", "format", "-q", "."], cwd=repo, check=True)
    (repo / ".pre-commit-config.yaml").write_text(HOOKS.format(bin=BIN))
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "formatted")
    env = {"PRE_COMMIT_HOME": str(tmp_path / "pre-commit-cache")}
    subprocess.run([BIN / "pre-commit", "install"], cwd=repo, check=True, env={**os.environ, **env})
    return git(repo, "rev-parse", "HEAD").strip(), env


# The prefix of a marker's first line and of its continuation lines
# (prefect1_migrate/markers.py); what follows it is the marker's text.
_MARKER_PREFIX = re.compile(r"[ \t]*(?:#|//) " + re.escape(MARKER) + r": |[ \t]*(?:#|//)   ")


def _unsplittable(line: str) -> bool:
    """Whether ``line`` may exceed the line length: a marker line whose text is one word (a
    run of characters with no single space between two others: a URL, a path, a quoted
    command) that does not fit after the line's prefix."""
    prefix = _MARKER_PREFIX.match(line)
    return prefix is not None and re.search(r"\S \S", line[prefix.end() :]) is None


def _lines_written(repo: Path, start: str) -> dict[str, list[str]]:
    """The lines the migration added or changed, by file, as they stand now."""
    written: dict[str, list[str]] = {}
    path = ""
    for line in git(repo, "diff", "--unified=0", start, "HEAD").split("\n"):
        if line.startswith("+++ "):
            path = line.removeprefix("+++ b/")
        elif line.startswith("+"):
            written.setdefault(path, []).append(line[1:])
    return written


def _check_lines_fit(repo: Path, start: str, limit: int) -> None:
    """Every Python line the migration wrote, and every line of a marker it wrote in any
    file, fits within ``limit`` unless it is unsplittable; some marker was folded."""
    written = _lines_written(repo, start)
    folded = 0
    for path, lines in written.items():
        text = (repo / path).read_text(encoding="utf-8")
        marker_lines = {
            line for line in text.split("\n") if in_marker(text, text.index(line)) if line
        }
        folded += sum(1 for line in lines if line in marker_lines and MARKER not in line)
        for line in lines:
            if path.endswith(".py") or line in marker_lines:
                assert len(line) <= limit or _unsplittable(line), (path, line)
    assert folded, "no marker was folded: the test proves nothing"


def test_black_and_ruff_format_hooks_accept_every_migration_commit(make_repo, tmp_path) -> None:
    repo = make_repo(source=EXAMPLE_PROJECT)
    (repo / "agent" / "run_agent.py").write_text(  # the example's one line over 88 (E501)
        (repo / "agent" / "run_agent.py")
        .read_text()
        .replace("Run on the agent host: python", "Run on the agent host:\n    python", 1)
    )
    start, env = _with_hooks(repo, tmp_path)
    result = run_cli("migrate", str(repo), env=env)
    assert result.returncode == 0, result.stdout.decode() + result.stderr.decode()
    assert int(git(repo, "rev-list", "--count", f"{start}..HEAD")) > 10
    assert git(repo, "status", "--porcelain") == ""
    check = subprocess.run([BIN / "black", "--check", "-q", "."], cwd=repo)
    assert check.returncode == 0
    _check_lines_fit(repo, start, DEFAULT_LINE_LENGTH)


LONG_MARKERS = Path(__file__).resolve().parent.parent / "fixtures" / "codemods"
LONG_MARKER_CASES = [
    LONG_MARKERS / "api-keys-python" / "long-markers" / "before",
    LONG_MARKERS / "residual-0x-uses" / "long-markers-yaml" / "before",
    LONG_MARKERS / "residual-0x-uses" / "long-markers-shell-makefile" / "before",
]
NARROW = "[tool.black]\nline-length = 79\n\n[tool.ruff]\nline-length = 79\n"


def _long_markers_repo(make_repo) -> Path:
    """A repository of the long-marker golden cases' inputs, formatted for 79 columns."""
    repo = make_repo(files={"README.md": "The team's pipelines.\n"})
    for case in LONG_MARKER_CASES:
        shutil.copytree(case, repo, dirs_exist_ok=True)
    (repo / "ruff.toml").unlink()
    (repo / "pyproject.toml").write_text(NARROW)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "the team's files")
    return repo


def test_long_markers_pass_black_ruff_format_and_line_length_hooks(make_repo, tmp_path) -> None:
    repo = _long_markers_repo(make_repo)
    start, env = _with_hooks(repo, tmp_path)
    result = run_cli("migrate", str(repo), env=env)
    assert result.returncode == 0, result.stdout.decode() + result.stderr.decode()
    assert git(repo, "status", "--porcelain") == ""
    _check_lines_fit(repo, start, 79)
    migrated = git(repo, "rev-parse", "HEAD")
    again = run_cli("migrate", str(repo), env=env)
    assert again.returncode == 0 and git(repo, "rev-parse", "HEAD") == migrated


def _marker_count(repo: Path) -> int:
    return sum(
        (repo / path).read_text(encoding="utf-8").count(MARKER)
        for path in git(repo, "ls-files").split()
    )


def test_check_counts_a_folded_marker_once_and_an_orphan_continuation_not_at_all(
    make_repo,
) -> None:
    repo = _long_markers_repo(make_repo)
    assert run_cli("migrate", str(repo)).returncode == 0
    migrated = git(repo, "rev-parse", "HEAD").strip()
    markers = _marker_count(repo)
    check = run_cli("migrate", "--check", str(repo))
    marked = [line for line in check.stdout.decode().split("\n") if ": marked: " in line]
    assert check.returncode == 1 and len(marked) == markers > 5, check.stdout.decode()
    # Each place is a marker's first line, with the whole message.
    flow = (repo / "pipelines" / "tenant.py").read_text()
    expected = [
        f"pipelines/tenant.py:{line}: marked: {message}"
        for line, message in marker_lines(flow.encode())
    ]
    assert [place for place in marked if place.startswith("pipelines/tenant.py:")] == expected
    assert len(expected) == 4 and all(
        len(message) > 79 for _, message in marker_lines(flow.encode())
    )

    # A wider line length later: the folded markers are the same markers, nothing changes.
    (repo / "pyproject.toml").write_text(NARROW.replace("79", "120"))
    git(repo, "commit", "-q", "-am", "wider")
    wider = run_cli("migrate", str(repo))
    assert wider.returncode == 0, wider.stdout.decode() + wider.stderr.decode()
    assert git(repo, "diff", "--name-only", migrated, "HEAD") == "pyproject.toml\n"

    # The Python markers resolved: only their first lines deleted. The continuation lines
    # left behind are comments, not markers: not counted, not marked again.
    resolved = [line for line in flow.split("\n") if MARKER not in line]
    (repo / "pipelines" / "tenant.py").write_text("\n".join(resolved))
    git(repo, "commit", "-q", "-am", "resolved")
    after = run_cli("migrate", "--check", str(repo))
    still = [line for line in after.stdout.decode().split("\n") if ": marked: " in line]
    assert len(still) == markers - 4 and not any("tenant.py" in line for line in still)
    resolved_head = git(repo, "rev-parse", "HEAD")
    assert run_cli("migrate", str(repo)).returncode == 0
    assert git(repo, "rev-parse", "HEAD") == resolved_head


NARROW_WIDTH = 60  # every golden case's long markers fold at this width


@pytest.mark.parametrize(
    "codemod_id",
    [codemod.id for codemod in all_codemods() if golden_case_folders(codemod.id)],
)
def test_golden_inputs_at_a_narrow_width_fold_markers_and_a_second_run_changes_nothing(
    codemod_id: str,
) -> None:
    # Every way a codemod finds the markers already there (Python comment lines above a
    # statement, text lines above a command, the residual pass's marked lines) and every
    # scanner that must not read a marker's words as the file's commands, on folded markers.
    for case in golden_case_folders(codemod_id):
        folder = case / "before"
        files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
        sources = {name: (folder / name).read_bytes() for name in files}
        options = MigrationOptions(modules=survey(files, sources.get))
        for name in files:
            first = run_codemod(codemod_id, sources[name], name, options, NARROW_WIDTH)
            assert not first.problems, (case.name, name, first.problems)
            output = first.steps[-1][1] if first.steps else sources[name]
            second = run_codemod(codemod_id, output, name, options, NARROW_WIDTH)
            assert not second.steps and not second.problems, (case.name, name)
            text = output.decode("utf-8", "replace")
            new = [
                line for line, _, _ in new_markers(sources[name].decode("utf-8", "replace"), text)
            ]
            lines = text.split("\n")
            for line in new:
                end = marker_end(lines, line - 1)
                for marker_line in lines[line - 1 : end]:
                    kept_whole = classify(name) in (FileKind.MARKDOWN, FileKind.RST)
                    assert (
                        kept_whole or len(marker_line) <= NARROW_WIDTH or _unsplittable(marker_line)
                    ), (case.name, name, marker_line)


FIRST_LINE = "# TODO(prefect-1.0): kept as the team wrote it before the move:\n"
CONTINUATION = "#   `prefect run flow --name etl --project data` (see the runbook)\n"
QUOTING_COMMANDS = {  # codemod id -> (path, the file with {marker} above the command)
    "cli-in-python-strings": (
        "flows.py",
        "import subprocess\n\n{marker}"
        'subprocess.run(["prefect", "run", "--name", "etl", "--project", "data"])\n',
    ),
    "cli-run": ("run.sh", "{marker}prefect run --name etl --project data\n"),
}


@pytest.mark.parametrize("codemod_id", QUOTING_COMMANDS)
def test_a_continuation_line_quoting_a_0x_command_is_not_rewritten(codemod_id: str) -> None:
    path, template = QUOTING_COMMANDS[codemod_id]
    folded = template.format(marker=FIRST_LINE + CONTINUATION)
    assert not run_codemod(codemod_id, folded, path, line_length=NARROW_WIDTH).steps
    # An orphan continuation line (its first line deleted) is a comment like any other.
    orphan = run_codemod(codemod_id, template.format(marker=CONTINUATION), path)
    assert b"prefect run flow" not in orphan.steps[-1][1]
