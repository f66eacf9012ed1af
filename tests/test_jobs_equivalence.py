"""``--jobs N`` gives exactly what ``--jobs 1`` gives: the same diff, report and commits.

The repository holds every golden "before" file of every codemod (so each codemod has work)
and copies of the example project, among plain files no codemod looks at, a file fissix cannot
parse and a CRLF file: enough files that the worker pool hands out many chunks in parallel.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from prefect1_migrate.codemod import MigrationOptions, TextCodemod
from prefect1_migrate.filekinds import FileKind
from prefect1_migrate.guide import SECTIONS
from prefect1_migrate.pipeline import FileProcessor, FileResult, process_files
from prefect1_migrate.registry import all_codemods
from tests.conftest import EXAMPLE_PROJECT, FIXTURES, git, run_cli

PROJECT_COPIES = 8
PLAIN_FILES = 80


def _repository_files(target: Path) -> None:
    for before in sorted((FIXTURES / "codemods").glob("*/*/before")):
        case = before.parent
        shutil.copytree(before, target / "golden" / case.parent.name / case.name)
    for index in range(PROJECT_COPIES):
        shutil.copytree(EXAMPLE_PROJECT, target / f"team-{index % 3}" / f"flows-{index}")
    for index in range(PLAIN_FILES):
        module = target / "lib" / f"module_{index:03d}.py"
        module.parent.mkdir(parents=True, exist_ok=True)
        module.write_text(f"def value_{index}() -> int:\n    return {index}\n")
    (target / "lib" / "new_syntax.py").write_text(
        "from prefect.engine.executors import LocalExecutor\n\n"
        "match LocalExecutor():\n    case _:\n        pass\n"
    )
    (target / "lib" / "windows.py").write_bytes(
        b"from prefect.engine.executors import LocalExecutor\r\n\r\nEXECUTOR = LocalExecutor()\r\n"
    )


@pytest.fixture
def build_repo(make_repo: Callable[..., Path], tmp_path: Path) -> Callable[[], Path]:
    source = tmp_path / "source"
    _repository_files(source)
    return lambda: make_repo(source=source)


def _dry_run(repo: Path, jobs: int) -> tuple[int, bytes, dict[str, object]]:
    report = repo.parent / f"report-{repo.name}-{jobs}.json"
    result = run_cli(
        "migrate", "--dry-run", "--jobs", str(jobs), "--report", str(report), ".", cwd=repo
    )
    assert result.returncode in (0, 3), result.stderr.decode()
    return result.returncode, result.stdout, json.loads(report.read_text())


def test_dry_run_diff_and_report_do_not_depend_on_jobs(build_repo: Callable[[], Path]) -> None:
    repo = build_repo()
    one = _dry_run(repo, 1)
    changed = [item for item in one[2]["codemods"] if item["files_changed"]]  # type: ignore[union-attr]
    assert changed and one[1].count(b"\n+++ ") >= PROJECT_COPIES
    assert one[2]["skipped_files"], "the file fissix cannot parse must be reported"
    for jobs in (2, 3):
        assert _dry_run(repo, jobs) == one


def _commits(repo: Path) -> list[str]:
    """Tree, author and message of every commit the run made, oldest first."""
    first = git(repo, "rev-list", "--max-parents=0", "HEAD").strip()
    log = git(repo, "log", "--reverse", "--format=%T %an <%ae>%n%B%x00", f"{first}..HEAD")
    return [entry.strip() for entry in log.split("\0") if entry.strip()]


def test_commits_do_not_depend_on_jobs(build_repo: Callable[[], Path]) -> None:
    serial, parallel = build_repo(), build_repo()
    for repo, jobs in ((serial, 1), (parallel, 2)):
        result = run_cli("migrate", "--jobs", str(jobs), ".", cwd=repo)
        assert result.returncode in (0, 3), result.stderr.decode()
    commits = _commits(serial)
    assert commits
    assert _commits(parallel) == commits
    assert git(parallel, "status", "--porcelain") == git(serial, "status", "--porcelain") == ""


# A codemod the registry does not know: workers must run the codemods they are given.
MARK_READMES = TextCodemod(
    "test_mark_readmes",
    title="Mark READMEs",
    guide_section=SECTIONS[-1],
    summary="Appends a line to Markdown files that mention Prefect.",
    description="Test codemod.",
    triggers=("Prefect",),
    file_kinds=frozenset({FileKind.MARKDOWN}),
    rewrite=lambda text, _file: text + "Migrated.\n",
)


def test_the_pool_really_runs_files_in_other_processes(
    build_repo: Callable[[], Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = build_repo()
    paths = sorted(git(repo, "ls-files").split())
    codemods = (*all_codemods(), MARK_READMES)
    options = MigrationOptions()
    serial = list(process_files(repo, paths, codemods, options, jobs=1))
    assert any(step[0] == MARK_READMES.id for result in serial for step in result.steps)

    seen = tmp_path / "pids"
    seen.mkdir()
    original = FileProcessor.process

    def process_and_note_pid(self: FileProcessor, path: str) -> FileResult:
        (seen / str(os.getpid())).touch()
        return original(self, path)

    monkeypatch.setattr(FileProcessor, "process", process_and_note_pid)
    parallel = list(process_files(repo, paths, codemods, options, jobs=2))
    assert parallel == serial
    assert any(result.changed for result in serial)
    pids = {int(name.name) for name in seen.iterdir()}
    assert pids and os.getpid() not in pids, "every file must be processed by a worker"
