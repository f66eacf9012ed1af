"""The golden notebooks (``fixtures/notebooks/<case>/{before,after}``) against the real Prefect
releases, with the checks of the ``.py`` golden cases (``tests/realprefect/checks.py``).

Each side of a case becomes a tree of the files its notebook holds (``notebook_files``): the
Python cells as one module, as the tool reads them (IPython lines stripped); each
``%%writefile`` cell's file; the ``!`` commands and shell cells as one script; the Markdown
cells as one Markdown file. The case is then a :class:`Migration` like a golden case's: the
before files are valid Prefect 0.15.13 (0.14.22 for the 0.14 shapes), the after files'
imports resolve and calls bind on 1.0.0 and 1.4.1, their flows build on both and serialize
into the same flows, their command lines parse with the 1.x CLI (marked ones aside), their
config files load. Every codemod ran over the notebook, so the case is a complete migration:
building must not make Prefect warn about moved APIs, and every command line is checked.

A notebook runs its flows (``flow.run()``), draws them (``flow.visualize()``, which needs
graphviz) and registers them: at module level, such a statement, and a later one that uses
what it bound, is guarded as a script's ``__main__`` block would be (on the same line, so
line numbers stay), so the flows are built, not run; its calls are still checked.
"""

from __future__ import annotations

import shlex
import tempfile
from pathlib import Path, PurePosixPath

import pytest
from realprefect.checks import CHECKS, OLD, OLDEST, Batch, Check
from realprefect.sources import Migration, Tree

from prefect1_migrate.filekinds import FileKind
from prefect1_migrate.notebooks import read_code, read_notebook
from prefect1_migrate.verify.notebook_code import checked_module

pytestmark = pytest.mark.real_prefect

GOLDEN = Path(__file__).resolve().parents[1] / "fixtures" / "notebooks"
CASES = sorted(case for case in GOLDEN.iterdir() if case.is_dir())

# Cases whose before notebooks are Prefect 0.14's (checked on 0.14.22, as BUILT_ON_0_14_22 and
# COMMANDS_OF_0_14_22 in tests/test_real_prefect.py; 0.15.13 must refuse them).
OF_0_14_22: dict[str, str] = {
    "imports-across-cells": "prefect.environments.storage was removed in 0.15.0",
    "shell-cells": "Prefect 0.14's `prefect agent start docker` was removed in 0.15.0",
    "markdown-cells": "Prefect 0.14's `prefect agent start local` was removed in 0.15.0",
    "hurried-data-scientist": "Prefect 0.14's `prefect agent start local` was removed in 0.15.0",
}

# {case: {written TOML file: {dotted key: value}}}, as a golden case's expect.json.
EXPECTED_CONFIG: dict[str, dict[str, dict[str, object]]] = {
    "writefile-cells": {"config.toml": {"cloud.send_flow_run_logs": False}},
}


def notebook_files(data: bytes, stem: str) -> dict[str, str]:
    """{file name: text} of the files the notebook holds, as the checks read them."""
    notebook = read_notebook(data)
    code = read_code(notebook)
    files: dict[str, str] = {}
    if code.module:
        files[f"{stem}.py"] = checked_module(code)
    shell = [piece.text for piece in code.shells]
    markdown: list[str] = []
    for file in code.files:
        if file.kind is FileKind.MARKDOWN:
            markdown.append(file.text)
        elif file.name is None and file.kind is FileKind.SHELL:
            shell.append(file.text)
        elif file.name is None:  # a %%python cell's script
            files[f"{stem}-cell{file.cell + 1}.py"] = file.text
        else:
            target = shlex.split(file.header)[-1]
            name = target.removeprefix("./") if not target.startswith(("/", "~")) else file.name
            assert name not in files, f"{stem}: two files named {name}"
            files[name] = file.text
    for name, texts in ((f"{stem}-commands.sh", shell), (f"{stem}.md", markdown)):
        if texts:
            assert name not in files
            files[name] = "\n".join(texts)
    return files


def _tree(folder: Path, files: dict[str, str]) -> Tree:
    for name, text in files.items():
        path = folder / PurePosixPath(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return Tree(folder)


def _migration(case: Path, folder: Path) -> Migration:
    (before,) = (case / "before").iterdir()
    stem = before.stem
    before_files = notebook_files(before.read_bytes(), stem)
    before_tree = _tree(folder / case.name / "before", before_files)
    old_release = OLDEST if case.name in OF_0_14_22 else OLD
    after = case / "after" / before.name
    if not after.is_file():
        return Migration(case.name, before_tree, None, (), old_release=old_release)
    after_files = notebook_files(after.read_bytes(), stem)
    changed = tuple(sorted(n for n, text in after_files.items() if before_files.get(n) != text))
    after_tree = _tree(folder / case.name / "after", after_files)
    return Migration(
        case.name,
        before_tree,
        after_tree,
        changed,
        expected_config=EXPECTED_CONFIG.get(case.name, {}),
        complete=True,
        old_release=old_release,
    )


@pytest.fixture(scope="module")
def notebook_batch(tmp_path_factory: pytest.TempPathFactory) -> Batch:
    folder = tmp_path_factory.mktemp("notebooks")
    return Batch([_migration(case, folder) for case in CASES])


def _parameters() -> list[object]:
    """The checks that apply to each case (collected from the notebooks' files in a scratch
    folder, which the fixture builds again)."""
    with tempfile.TemporaryDirectory() as scratch:
        migrations = [_migration(case, Path(scratch)) for case in CASES]
        return [
            pytest.param(check, migration.id, id=f"{name}:{migration.id}")
            for migration in migrations
            for name, applies, check in CHECKS
            if applies(migration)
        ]


PARAMETERS = _parameters()


@pytest.mark.parametrize(("check", "case_id"), PARAMETERS)
def test_golden_notebook_on_real_prefect(notebook_batch: Batch, check: Check, case_id: str) -> None:
    migration = next(m for m in notebook_batch.migrations if m.id == case_id)
    failures = check(notebook_batch, migration)
    assert not failures, "\n".join(failures)


def test_every_transforming_case_builds_flows_and_parses_commands() -> None:
    """Each transforming case is checked against 1.x; together they build flows, parse
    command lines and bind calls in written files, Markdown and shell cells."""
    checked = {param.values[1] for param in PARAMETERS if "after" in param.id}  # type: ignore[attr-defined]
    assert checked == {case.name for case in CASES if (case / "after").is_dir()}
    ids = {param.id for param in PARAMETERS}  # type: ignore[attr-defined]
    assert "after-flows-1.4.1:hurried-data-scientist" in ids
    assert "cli-after-1.4.1:hurried-data-scientist" in ids
    assert "after-api-1.0.0:writefile-cells" in ids
    assert "cli-after-1.0.0:markdown-cells" in ids
    assert "config:writefile-cells" in ids


def test_module_statements_that_run_flows_are_guarded_on_their_line() -> None:
    notebook = (
        b'{"cells": [{"cell_type": "code", "source": "import prefect\\n%time x = 1\\n'
        b'rows = !ls\\nstate = flow.run()\\nstate.result\\nflow.visualize()\\nprint(rows)"}],'
        b' "metadata": {}, "nbformat": 4}'
    )
    assert checked_module(read_code(read_notebook(notebook))).split("\n") == [
        "import prefect",
        "pass",
        "rows = None",
        'if __name__ == "__main__": state = flow.run()',
        'if __name__ == "__main__": state.result',
        'if __name__ == "__main__": flow.visualize()',
        "print(rows)",
        "",
    ]


@pytest.mark.parametrize("case", sorted(OF_0_14_22))
def test_0_14_notebooks_are_refused_by_0_15_13(notebook_batch: Batch, case: str) -> None:
    """Each OF_0_14_22 entry must stay true: the case's before fails a 0.15.13 check."""
    (migration,) = [m for m in notebook_batch.migrations if m.id == case]
    on_0_15_13 = Migration(migration.id, migration.before, None, (), old_release=OLD)
    failures = [
        failure
        for name, applies, check in CHECKS
        if name.startswith(f"cli-before-{OLD}") or name == f"before-{OLD}"
        if applies(on_0_15_13)
        for failure in check(notebook_batch, on_0_15_13)
    ]
    assert failures, "remove the entry"
