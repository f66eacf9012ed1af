"""Properties that hold for every repository, checked on real corpora (the standard library
and installed packages; every golden fixture at once) and on generated files."""

from __future__ import annotations

import ast
import importlib.util
import shutil
import subprocess
import sysconfig
import warnings
from pathlib import Path

import pytest
import tomllib
import yaml
from conftest import EXAMPLE_PROJECT, FIXTURES, git, run_cli
from fissix.pytree import Node
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_files_bytes import SHAPES

from prefect1_migrate.codemod import MigrationOptions, PythonCodemod, SourceFile, TextCodemod
from prefect1_migrate.filekinds import FileKind
from prefect1_migrate.guide import SECTIONS
from prefect1_migrate.pipeline import FileProcessor
from prefect1_migrate.registry import all_codemods

PACKAGES = ("click", "yaml", "fissix", "attr", "rich", "git")


def corpus_files() -> dict[str, bytes]:
    """The standard library's top-level modules and a few installed packages, as they are."""
    files: dict[str, bytes] = {}
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    for path in sorted(stdlib.glob("*.py")):
        files[f"stdlib/{path.name}"] = path.read_bytes()
    for package in PACKAGES:
        spec = importlib.util.find_spec(package)
        assert spec is not None and spec.submodule_search_locations, package
        folder = Path(next(iter(spec.submodule_search_locations)))
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                files[f"site-packages/{package}/{path.relative_to(folder)}"] = path.read_bytes()
    return files


def test_a_large_real_corpus_without_prefect_is_left_alone_with_exit_0(make_repo) -> None:
    files = corpus_files()
    assert len(files) > 300
    assert not any(b"prefect" in data.lower() for data in files.values())
    repo = make_repo(files=files)
    start = git(repo, "rev-parse", "HEAD").strip()
    result = run_cli("migrate", str(repo))
    assert result.returncode == 0, result.stderr
    assert git(repo, "rev-parse", "HEAD").strip() == start
    assert git(repo, "status", "--porcelain", "--untracked-files=all") == ""
    output = (result.stdout + result.stderr).decode()
    assert "Files left as they were" not in output
    assert "no tracked file mentions Prefect" in output


def test_the_corpus_with_a_mention_of_prefect_still_changes_nothing(make_repo) -> None:
    """With the gate open, every codemod runs over the corpus: none rewrites anything. Files
    that contain a (generic) trigger but that fissix cannot parse are reported, exit 3."""
    files = corpus_files()
    files["README.md"] = b"We evaluated Prefect for scheduling.\n"
    repo = make_repo(files=files)
    start = git(repo, "rev-parse", "HEAD").strip()
    result = run_cli("migrate", str(repo))
    assert result.returncode in (0, 3), result.stderr
    assert git(repo, "rev-parse", "HEAD").strip() == start
    assert git(repo, "status", "--porcelain", "--untracked-files=all") == ""
    problems = [line for line in result.stdout.decode().splitlines() if line.startswith("  ")]
    for line in problems:
        assert "fissix cannot parse" in line or "cannot tokenize" in line, line


def golden_corpus() -> dict[str, bytes]:
    """Every golden "before" file of every codemod, plus the example project, in one tree."""
    files: dict[str, bytes] = {}
    for before in sorted((FIXTURES / "codemods").glob("*/*/before")):
        prefix = f"{before.parent.parent.name}/{before.parent.name}"
        for path in sorted(before.rglob("*")):
            if path.is_file():
                files[f"{prefix}/{path.relative_to(before).as_posix()}"] = path.read_bytes()
    for path in sorted(EXAMPLE_PROJECT.rglob("*")):
        if path.is_file():
            files[f"example/{path.relative_to(EXAMPLE_PROJECT).as_posix()}"] = path.read_bytes()
    files.update({f"shapes/{name}": data for name, data in SHAPES.items()})
    return files


def test_a_second_run_after_a_successful_run_is_a_no_op(make_repo) -> None:
    repo = make_repo(files=golden_corpus())
    first = run_cli("migrate", str(repo))
    assert first.returncode in (0, 3), first.stderr
    migrated = git(repo, "rev-parse", "HEAD").strip()
    second = run_cli("migrate", str(repo))
    assert second.returncode == first.returncode, second.stderr
    assert git(repo, "rev-parse", "HEAD").strip() == migrated
    assert git(repo, "status", "--porcelain", "--untracked-files=all") == ""
    assert run_cli("migrate", "--check", "--pending-only", str(repo)).returncode != 1
    # the markers are work left (1); a file the run could not migrate makes the check exit 3
    left_unread = first.returncode == 3
    assert run_cli("migrate", "--check", str(repo)).returncode == (3 if left_unread else 1)


def split_dry_run(patch: bytes) -> list[tuple[str, bytes]]:
    """(codemod id, its patch) in the order --dry-run printed them."""
    sections: list[tuple[str, bytes]] = []
    for line in patch.splitlines(keepends=True):
        if line.startswith(b"# prefect1-migrate: "):
            sections.append((line.split(b": ")[1].decode(), b""))
        else:
            codemod_id, body = sections[-1]
            sections[-1] = (codemod_id, body + line)
    return sections


def test_the_dry_run_diff_is_exactly_what_the_commits_change(make_repo, tmp_path: Path) -> None:
    files = golden_corpus()
    repo = make_repo(files=files)
    untouched = make_repo(files=files)
    start = git(repo, "rev-parse", "HEAD").strip()
    dry = run_cli("migrate", "--dry-run", str(repo))
    assert dry.returncode in (0, 3), dry.stderr
    assert git(repo, "status", "--porcelain") == ""
    sections = split_dry_run(dry.stdout)
    assert sections
    assert run_cli("migrate", str(repo)).returncode == dry.returncode
    commits = git(repo, "rev-list", "--reverse", f"{start}..HEAD").split()
    assert [codemod_of(repo, sha) for sha in commits] == [cid for cid, _ in sections]
    for (codemod_id, patch), sha in zip(sections, commits, strict=True):
        patch_file = tmp_path / f"{codemod_id}.patch"
        patch_file.write_bytes(patch)
        git(untouched, "apply", "--whitespace=nowarn", str(patch_file))
        for name in git(untouched, "ls-files").splitlines():
            committed = subprocess.run(
                ["git", "show", f"{sha}:{name}"], cwd=repo, check=True, capture_output=True
            ).stdout
            assert (untouched / name).read_bytes() == committed, (codemod_id, name)


def codemod_of(repo: Path, sha: str) -> str:
    message = git(repo, "log", "-1", "--format=%B", sha)
    return next(line for line in message.splitlines() if line.startswith("Codemod: "))[9:]


def loads(name: str, data: bytes) -> bool:
    """Whether the file parses as what its name says (Python, TOML, YAML); True otherwise."""
    try:
        if name.endswith(".py"):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                ast.parse(data)
        elif name.endswith(".toml"):
            tomllib.loads(data.decode("utf-8"))
        elif name.endswith((".yml", ".yaml")):
            list(yaml.safe_load_all(data))
    except (SyntaxError, ValueError, yaml.YAMLError, UnicodeDecodeError):
        return False
    return True


def test_every_file_written_still_parses_or_loads_when_it_did_before(make_repo) -> None:
    files = golden_corpus()
    repo = make_repo(files=files)
    start = git(repo, "rev-parse", "HEAD").strip()
    run_cli("migrate", str(repo))
    changed = git(repo, "diff", "--name-only", f"{start}..HEAD").split()
    assert any(name.endswith(".py") for name in changed)
    assert any(name.endswith(".toml") for name in changed)
    assert any(name.endswith((".yml", ".yaml")) for name in changed)
    for name in changed:
        if loads(name, files[name]):
            assert loads(name, (repo / name).read_bytes()), name


def breaking_codemods() -> list[PythonCodemod | TextCodemod]:
    def to_none(root: Node, file: SourceFile) -> None:
        for leaf in root.leaves():
            if leaf.value == "target":
                leaf.value = "None"  # fissix still parses `None = 1`; Python does not

    return [
        PythonCodemod(
            "test_breaks_python",
            title="Test",
            guide_section=SECTIONS[-1],
            summary="test",
            description="test",
            triggers=("prefect",),
            rewrite=to_none,
        ),
        TextCodemod(
            "test_breaks_toml",
            title="Test",
            guide_section=SECTIONS[-1],
            summary="test",
            description="test",
            triggers=("prefect",),
            file_kinds=frozenset({FileKind.TOML, FileKind.PYPROJECT}),
            rewrite=lambda text, file: text.replace('"prefect"', '"prefect'),
        ),
    ]


def test_a_rewrite_that_would_stop_a_file_parsing_is_refused(tmp_path: Path) -> None:
    (tmp_path / "flow.py").write_text("import prefect\ntarget = 1\n")
    (tmp_path / "pyproject.toml").write_text('[tool.x]\nname = "prefect"\n')
    processor = FileProcessor(tmp_path, breaking_codemods(), MigrationOptions())
    flow = processor.process("flow.py")
    assert not flow.changed
    assert [(p.codemod_id, p.reason) for p in flow.problems] == [
        ("test-breaks-python", "the rewrite is not valid Python any more; file left as it was")
    ]
    toml = processor.process("pyproject.toml")
    assert not toml.changed
    assert [(p.codemod_id, p.reason) for p in toml.problems] == [
        ("test-breaks-toml", "the rewrite is not valid TOML any more; file left as it was")
    ]


# --- generated files ---------------------------------------------------------------------

SNIPPETS = [
    "from prefect.engine.executors import LocalExecutor, DaskExecutor",
    "import prefect.engine.executors as executors",
    "from prefect.utilities.exceptions import PrefectError",
    "from prefect.core.task import Parameter",
    "from prefect.environments.storage import Docker",
    "from prefect.environments import LocalEnvironment",
    "from prefect import Client, Flow, task",
    "client = Client(api_token='t0ken-value-1234')",
    "flow = Flow('f', environment=LocalEnvironment())",
    "flow.environment = LocalEnvironment(labels=['x'])",
    "executor = 'prefect.engine.executors.DaskExecutor'",
    "from prefect.tasks.prefect import FlowRunTask",
    "from prefect.artifacts import create_link",
    "import prefect",
    "x = prefect.config.logging.log_to_cloud",
    "def helper(a, b=2):\n    return a + b",
    "class Thing:\n    value = 1",
    "try:\n    from prefect.engine.executors import LocalExecutor\nexcept ImportError:\n    pass",
    "# a comment mentioning prefect.engine.executors",
    "VALUE = 'plain string'",
]


@st.composite
def python_files(draw: st.DrawFn) -> bytes:
    lines = draw(st.lists(st.sampled_from(SNIPPETS), min_size=1, max_size=12))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    text = newline.join(line.replace("\n", newline) for line in lines)
    if draw(st.booleans()):
        text += newline
    data = text.encode()
    return b"\xef\xbb\xbf" + data if draw(st.booleans()) else data


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=python_files())
def test_generated_files_migrate_idempotently_and_still_compile(
    tmp_path_factory: pytest.TempPathFactory, data: bytes
) -> None:
    folder = tmp_path_factory.mktemp("generated")
    processor = FileProcessor(folder, all_codemods(), MigrationOptions())
    (folder / "flow.py").write_bytes(data)
    first = processor.process("flow.py")
    migrated = first.steps[-1][1] if first.steps else data
    if loads("flow.py", data):
        assert loads("flow.py", migrated)
    (folder / "flow.py").write_bytes(migrated)
    second = processor.process("flow.py")
    assert second.steps == [], [codemod_id for codemod_id, _ in second.steps]
    shutil.rmtree(folder)
