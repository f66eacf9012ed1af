"""The migrated golden notebooks (``fixtures/notebooks/*/after``) against the real Prefect 1.x:
each notebook's Python cells, read as the tool reads them (one module, IPython lines masked),
pass the import and signature checks of 1.0.0 and 1.4.1, and its shell commands parse with
their CLI. The modules are checked, not run: the notebooks run their flows and draw them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from realprefect import runner
from realprefect.checks import NEW_VERSIONS

from prefect1_migrate.filekinds import FileKind
from prefect1_migrate.notebooks import read_code, read_notebook
from prefect1_migrate.registry import prefect_command_lines

pytestmark = pytest.mark.real_prefect

GOLDEN = Path(__file__).resolve().parents[1] / "fixtures" / "notebooks"
AFTER = sorted(GOLDEN.glob("*/after/*.ipynb"))


@pytest.fixture(scope="module")
def modules(tmp_path_factory: pytest.TempPathFactory) -> dict[Path, Path]:
    """{after notebook: its Python cells as one module file}."""
    folder = tmp_path_factory.mktemp("notebooks")
    written = {}
    for notebook in AFTER:
        code = read_code(read_notebook(notebook.read_bytes()))
        module = folder / f"{notebook.parent.parent.name}.py"
        module.write_text(code.module, encoding="utf-8")
        written[notebook] = module
    return written


def test_every_transforming_case_is_checked() -> None:
    assert len(AFTER) == sum(1 for case in GOLDEN.iterdir() if (case / "after").is_dir()) >= 4


@pytest.mark.parametrize("version", NEW_VERSIONS)
def test_migrated_cells_import_and_bind_on_prefect_1(
    modules: dict[Path, Path], version: str
) -> None:
    results = runner.check_api(version, list(modules.values()))
    failures = [
        f"{notebook.parent.parent.name}: {results[str(module)]}"
        for notebook, module in modules.items()
        if "error" in results[str(module)] or results[str(module)]["problems"]
    ]
    assert not failures, "\n".join(failures)
    exempted = [
        notebook.name for notebook, module in modules.items() if results[str(module)]["exempted"]
    ]
    assert not exempted, f"marked statements that would not bind: {exempted}"


@pytest.mark.parametrize("version", NEW_VERSIONS)
def test_migrated_shell_commands_parse_on_prefect_1(version: str) -> None:
    argvs = [
        command.argv
        for notebook in AFTER
        for piece in read_code(read_notebook(notebook.read_bytes())).shells
        for command in prefect_command_lines(piece.text, FileKind.SHELL)
        if command.argv
    ]
    assert len(argvs) >= 4
    results = runner.parse_cli(version, argvs)
    failures = [
        f"prefect {' '.join(argv)}: {result['error']}"
        for argv, result in zip(argvs, results, strict=True)
        if not result["accepted"]
    ]
    assert not failures, "\n".join(failures)
