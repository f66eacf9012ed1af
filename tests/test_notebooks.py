"""Jupyter notebooks: golden notebooks through every codemod (``fixtures/notebooks/<case>/
{before,after}``, a case without ``after/`` is a no-op case), bytes outside the changed
cells' sources, review places as ``path:cell N:line M``, IPython syntax put back byte for
byte, and the command line on a repository of notebooks."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT, git, run_cli

from prefect1_migrate.codemod import MigrationOptions
from prefect1_migrate.linefit import DEFAULT_LINE_LENGTH
from prefect1_migrate.markers import MARKER
from prefect1_migrate.notebooks import (
    cell_texts,
    read_code,
    read_notebook,
    shell_replacements,
    split_lines,
)
from prefect1_migrate.pipeline import FileProcessor, FileResult, StepOutput
from prefect1_migrate.registry import all_codemods

GOLDEN = ROOT / "fixtures" / "notebooks"
CASES = sorted(case for case in GOLDEN.iterdir() if case.is_dir())
TRANSFORMING = [case for case in CASES if (case / "after").is_dir()]


def migrated(
    path: str,
    data: bytes,
    output: StepOutput = StepOutput.BYTES,
    line_length: int | None = DEFAULT_LINE_LENGTH,
) -> FileResult:
    """What a run does to the notebook in a repository without formatter settings."""
    processor = FileProcessor(ROOT, list(all_codemods()), MigrationOptions(), output)
    return processor.process_source(path, data, line_length)  # ROOT: never read


def only_file(folder: Path) -> Path:
    (path,) = folder.iterdir()
    return path


def final_bytes(result: FileResult, data: bytes) -> bytes:
    return result.steps[-1][1] if result.steps else data


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_golden_notebook(case: Path) -> None:
    before = only_file(case / "before")
    after = case / "after" / before.name
    expected = after.read_bytes() if after.exists() else before.read_bytes()
    result = migrated(before.name, before.read_bytes())
    assert not result.problems, result.problems
    assert final_bytes(result, before.read_bytes()) == expected
    assert bool(result.steps) == after.exists()
    if after.exists():  # the no-op twin: a second run leaves the result as it is
        again = migrated(after.name, expected)
        assert not again.steps and not again.problems, again.problems


@pytest.mark.parametrize("case", TRANSFORMING, ids=[case.name for case in TRANSFORMING])
def test_only_changed_sources_change(case: Path) -> None:
    """Outside the ``source`` values of changed cells, the bytes are the original ones."""
    before_data = only_file(case / "before").read_bytes()
    after_data = only_file(case / "after").read_bytes()
    before, after = read_notebook(before_data), read_notebook(after_data)
    assert [cell.cell_type for cell in before.cells] == [cell.cell_type for cell in after.cells]
    changed = [
        index
        for index, (old, new) in enumerate(zip(before.cells, after.cells, strict=True))
        if old.text != new.text
    ]
    assert changed
    assert _outside_sources(before.text, before, changed) == _outside_sources(
        after.text, after, changed
    )
    assert json.loads(before_data)["cells"][changed[0]].keys() == (
        json.loads(after_data)["cells"][changed[0]].keys()
    )


def _outside_sources(text: str, notebook, changed: list[int]) -> list[str]:
    pieces, position = [], 0
    for index in changed:
        source = notebook.cells[index].source
        pieces.append(text[position : source.start])
        position = source.end
    pieces.append(text[position:])
    return pieces


@pytest.mark.parametrize("case", TRANSFORMING, ids=[case.name for case in TRANSFORMING])
def test_review_places_are_the_markers_cells_and_lines(case: Path) -> None:
    before = only_file(case / "before")
    result = migrated(before.name, before.read_bytes())
    after = read_notebook(final_bytes(result, b""))
    markers = sorted(
        (cell.number, number)
        for cell in after.cells
        for number, line in enumerate(cell.text.split("\n"), start=1)
        if MARKER in line and MARKER not in read_notebook(before.read_bytes()).text
    )
    assert sorted((finding.cell, finding.line) for finding in result.findings) == markers


def test_shell_lines_and_cells_are_rewritten_with_markers_in_their_cells() -> None:
    before = only_file(GOLDEN / "shell-cells" / "before")
    result = migrated("deploy.ipynb", before.read_bytes())
    places = {(finding.where, finding.codemod_id) for finding in result.findings}
    assert places == {
        ("deploy.ipynb:cell 1:line 5", "cli-register"),
        ("deploy.ipynb:cell 2:line 3", "cli-auth"),
    }
    cells = read_notebook(final_bytes(result, b"")).cells
    assert cells[0].text.split("\n")[5] == "    !prefect register --path flows/etl.py --project ETL"
    assert cells[2].text == "%%script bash\nprefect run --name etl --project ETL"
    assert cells[3].text == "%%writefile notes.txt\nprefect is nice"  # not Python, not shell


def test_check_lists_places_in_the_original_notebook() -> None:
    before = only_file(GOLDEN / "imports-across-cells" / "before")
    result = migrated("etl.ipynb", before.read_bytes(), StepOutput.NONE)
    assert {place.where for place in result.places} == {
        "etl.ipynb:cell 1:line 3",  # cli-run, in the Markdown cell
        "etl.ipynb:cell 2:line 5",  # imports-moved
        "etl.ipynb:cell 2:line 6",  # environments-to-run-configs
        "etl.ipynb:cell 2:line 7",  # legacy-storage-path
    }


def test_dry_run_diff_is_each_codemods_change_to_the_file() -> None:
    before = only_file(GOLDEN / "crlf-string-sources" / "before")
    (step,) = migrated("windows.ipynb", before.read_bytes(), StepOutput.PATCH).steps
    assert step[0] == "imports-moved"
    assert b'-      "source": "from prefect.engine.executors import LocalExecutor' in step[1]
    assert b"\r\n" in step[1]


# --- IPython syntax and what cannot be put back -------------------------------------------

IPYTHON = (
    "%matplotlib inline\n"
    "if True:\n"
    "    %time x = 1\n"
    "rows, n = !ls -l \\\n"
    "   /tmp\n"
    "!!echo hi\n"
    "?Flow\n"
    "Flow??\n"
    "from prefect.engine.executors import LocalExecutor\n"
    "x = %env PREFECT__X\n"
    "ok = (1\n"
    "      != 2)\n"
    'message = ("%s"\n'
    "           % ok)"
)


def _notebook(*sources: str, language: str = "python", markdown: tuple[int, ...] = ()) -> bytes:
    """A notebook of code cells (the cells at the ``markdown`` indexes: Markdown cells)."""
    cells = [
        {"cell_type": "markdown", "metadata": {}, "source": source}
        if index in markdown
        else {"cell_type": "code", "metadata": {}, "outputs": [], "source": source}
        for index, source in enumerate(sources)
    ]
    metadata = {"language_info": {"name": language}}
    return json.dumps({"cells": cells, "metadata": metadata, "nbformat": 4}).encode()


def test_ipython_lines_are_masked_and_put_back_byte_for_byte() -> None:
    notebook = read_notebook(_notebook(IPYTHON, "%%capture out\nprint(1)"))
    code = read_code(notebook)
    assert len(code.masked) == code.module.count("pass  # __p1m_ipython_") == 9
    assert "      != 2)\n" in code.module and "           % ok)\n" in code.module
    compile(code.module, "module", "exec")
    assert cell_texts(notebook, code, code.module, {}) == {0: IPYTHON, 1: notebook.cells[1].text}
    assert [(piece.prefix, piece.text) for piece in code.shells] == [
        ("rows, n = !", "ls -l \\\n   /tmp\n"),
        ("!!", "echo hi\n"),
    ]


SHELL_MAGICS = (
    "%pip install -q prefect==0.15.13\n"
    "out = %sx prefect run flow --name x\n"
    "if True:\n"
    "    %system prefect run flow --name y\n"
    "%pipe = 1\n"
    "%env PREFECT__LOGGING__LOG_TO_CLOUD=false\n"
    "home = %env HOME\n"
    "import prefect"
)


def test_pip_sx_system_and_env_setting_line_magics_are_shell_commands() -> None:
    code = read_code(read_notebook(_notebook(SHELL_MAGICS)))
    assert [(piece.prefix, piece.text) for piece in code.shells] == [
        ("%", "pip install -q prefect==0.15.13\n"),
        ("out = %sx ", "prefect run flow --name x\n"),
        ("    %system ", "prefect run flow --name y\n"),
        ("%env ", "PREFECT__LOGGING__LOG_TO_CLOUD=false\n"),
    ]
    (cell,) = read_notebook(final_bytes(migrated("n.ipynb", _notebook(SHELL_MAGICS)), b"")).cells
    assert cell.text.split("\n")[:7] == [
        '%pip install -q prefect==1.4.1 "marshmallow<4" "pendulum<3"',
        "out = %sx prefect run --name x",
        "if True:",
        "    %system prefect run --name y",
        "%pipe = 1",
        "%env PREFECT__CLOUD__SEND_FLOW_RUN_LOGS=false",
        "home = %env HOME",
    ]


def test_ipython_lines_survive_the_codemods() -> None:
    result = migrated("n.ipynb", _notebook(IPYTHON))
    (cell,) = read_notebook(final_bytes(result, b"")).cells
    assert cell.text == IPYTHON.replace("prefect.engine.executors", "prefect.executors")


def test_a_lost_or_doubled_mask_leaves_the_notebook_as_it_was() -> None:
    notebook = read_notebook(_notebook("%time 1\nimport prefect"))
    code = read_code(notebook)
    assert cell_texts(notebook, code, code.module.replace("pass  #", "x = 1  #"), {}) is None
    masked = code.module.split("\n")[0]
    assert cell_texts(notebook, code, f"{masked}\n{code.module}", {}) is None


def test_a_shell_rewrite_that_does_not_fit_a_bang_line_is_refused() -> None:
    piece = read_code(read_notebook(_notebook("!prefect run flow"))).shells[0]
    assert shell_replacements(piece, "prefect run\nprefect run\n") is None
    assert shell_replacements(piece, "# TODO(prefect-1.0): x\nprefect run\n") == {
        0: "# TODO(prefect-1.0): x\n!prefect run"
    }


def test_a_cell_that_does_not_parse_is_named_and_nothing_changes() -> None:
    data = _notebook("from prefect.engine.executors import LocalExecutor", "x = (\nprint(1")
    result = migrated("n.ipynb", data)
    assert not result.steps
    (problem,) = result.problems
    assert problem.cell == 2 and problem.where.startswith("n.ipynb:cell 2:line ")


def test_cells_of_other_kernels_and_languages_are_not_read() -> None:
    source = "from prefect.engine.executors import LocalExecutor"
    assert not migrated("r.ipynb", _notebook(source, language="R")).steps
    assert not migrated("n.ipynb", _notebook("%%sql\n" + source)).steps
    assert not migrated("n.ipynb", _notebook("%%writefile notes.txt\n" + source)).steps


def test_markdown_cells_are_read_as_markdown_in_any_kernel() -> None:
    """Prose gets Markdown's marker (an HTML comment), a code block a shell comment."""
    prose = "Register with `prefect register flow --file f.py --project P`."
    block = "```bash\nprefect register flow --file f.py --project P\n```"
    result = migrated("n.ipynb", _notebook(prose, block, language="R", markdown=(0, 1)))
    first, second = (cell.text for cell in read_notebook(final_bytes(result, b"")).cells)
    assert first.startswith("<!-- TODO(prefect-1.0): `prefect register` registers")
    assert first.endswith(" -->\nRegister with `prefect register --path f.py --project P`.")
    assert second.split("\n")[1].startswith("# TODO(prefect-1.0): `prefect register`")
    assert second.split("\n")[2:] == ["prefect register --path f.py --project P", "```"]
    assert [finding.where for finding in result.findings] == [
        "n.ipynb:cell 1:line 1",
        "n.ipynb:cell 2:line 2",
    ]


# {case: (the cell's magic line, the file it writes, that file migrated)}
WRITTEN_FILES = {
    "python": (
        "%%writefile flows/f.py",
        "import prefect.engine.executors\n",
        "import prefect.executors\n",
    ),
    "file-alias-append": (
        "%%file -a run.sh",
        "prefect run flow --name f\n",
        "prefect run --name f\n",
    ),
    "shebang": ("%%writefile run", "#!/bin/bash\nprefect run flow", "#!/bin/bash\nprefect run"),
    "python-script": (
        "%%script python3",
        "import prefect.engine.executors",
        "import prefect.executors",
    ),
    "quoted-requirements": (
        '%%writefile "requirements dev.txt"',
        "prefect==0.15.13",
        "prefect==1.4.1",
    ),
}


@pytest.mark.parametrize(
    ("header", "body", "expected"), WRITTEN_FILES.values(), ids=list(WRITTEN_FILES)
)
def test_a_cell_that_writes_or_runs_a_file_is_read_as_that_file(
    header: str, body: str, expected: str
) -> None:
    result = migrated("n.ipynb", _notebook(f"{header}\n{body}"))
    assert not result.problems
    (cell,) = read_notebook(final_bytes(result, b"")).cells
    assert cell.text.startswith(f"{header}\n{expected}")


def test_a_written_python_file_that_does_not_parse_is_named_by_its_cell_line() -> None:
    source = "%%writefile f.py\nimport prefect\nx = (\n"
    result = migrated("n.ipynb", _notebook("import prefect.engine.executors", source))
    assert not result.steps
    (problem,) = result.problems
    assert (problem.where, problem.reason[:15]) == ("n.ipynb:cell 2:line 4", "cannot tokenize")


WRITTEN_JSON = (
    "%%writefile package.json\n"
    '{\n "scripts": {\n  "reg": "prefect register flow -f f.py",\n'
    '  "run": "prefect run flow --name x"\n }\n}\n'
)


def test_a_place_listed_in_a_written_json_file_is_reported_at_its_cell_line() -> None:
    """JSON has no comments: the place is listed, as in a ``.json`` file of the repository."""
    data = _notebook(WRITTEN_JSON)
    result = migrated("n.ipynb", data)
    (cell,) = read_notebook(final_bytes(result, b"")).cells
    assert cell.text.split("\n")[3:5] == [
        '  "reg": "prefect register --path f.py",',
        '  "run": "prefect run --name x"',
    ]
    (finding,) = result.findings
    assert (finding.where, finding.codemod_id) == ("n.ipynb:cell 1:line 4", "cli-register")
    places = migrated("n.ipynb", data, StepOutput.NONE).places
    assert [place.where for place in places if place.reason.startswith("listed")] == [
        "n.ipynb:cell 1:line 4"
    ]


LONG_CELL = (
    "from prefect import Flow\n"
    "from prefect.environments import LocalEnvironment\n"
    'with Flow("hello-there", environment=LocalEnvironment(labels=["nb"])) as flow:\n'
    "    pass"
)


@pytest.mark.parametrize(
    ("line_length", "with_line"),
    [
        (None, 'with Flow("hello-there", run_config=UniversalRun(labels=["nb"])) as flow:'),
        (60, "with Flow("),
        (73, 'with Flow("hello-there", run_config=UniversalRun(labels=["nb"])) as flow:'),
        (72, "with Flow("),
    ],
)
def test_rewritten_python_lines_are_fitted_to_the_line_length(
    line_length: int | None, with_line: str
) -> None:
    """As in a ``.py`` file: the formatter's line length of the notebook's folder (black and
    ruff format notebooks, nbQA runs other formatters on them)."""
    result = migrated(
        "n.ipynb", _notebook(LONG_CELL, "%%writefile f.py\n" + LONG_CELL), line_length=line_length
    )
    cells = read_notebook(final_bytes(result, b"")).cells
    assert cells[0].text.split("\n")[2] == with_line
    assert cells[1].text.split("\n")[3] == with_line


@pytest.mark.parametrize(
    "data",
    [
        b'{"cells": [], "nbformat": 4, "metadata": {} # prefect',
        json.dumps({"nbformat": 3, "worksheets": [], "metadata": {"x": "prefect"}}).encode(),
        json.dumps({"nbformat": 4, "cells": [{"source": 1}], "x": "prefect"}).encode(),
    ],
    ids=["not-json", "nbformat-3", "source-not-text"],
)
def test_an_unreadable_notebook_is_listed_and_left_alone(data: bytes) -> None:
    result = migrated("bad.ipynb", data)
    assert not result.steps
    (problem,) = result.problems
    assert "not a notebook this tool reads" in problem.reason


# --- the command line ---------------------------------------------------------------------


def test_migrate_check_and_dry_run_on_a_repository(make_repo) -> None:
    repo = make_repo(source=GOLDEN / "shell-cells" / "before")
    check = run_cli("migrate", "--check", str(repo))
    assert check.returncode == 1
    assert b"deploy.ipynb:cell 1:line 5: " in check.stdout
    github = run_cli("migrate", "--check", "--output-format", "github", str(repo)).stdout
    assert (
        b"::error file=deploy.ipynb,line=1,title=prefect1-migrate cli-register::cell 1:line 5: "
        in github
    )
    dry = run_cli("migrate", "--dry-run", str(repo))
    assert dry.returncode == 0, dry.stderr
    subprocess.run(["git", "apply", "--check"], input=dry.stdout, cwd=repo, check=True)
    written = run_cli("migrate", str(repo))
    assert written.returncode == 0, written.stderr
    expected = only_file(GOLDEN / "shell-cells" / "after").read_bytes()
    assert (repo / "deploy.ipynb").read_bytes() == expected
    message = git(repo, "log", "--format=%B", "--grep=Codemod: cli-register", "-n", "1")
    assert "\ndeploy.ipynb\n  cell 1:line 5: `prefect register`" in message


def test_an_invalid_notebook_exits_3_and_stays_as_it_is(make_repo) -> None:
    broken = b'{"cells": [{"source": ["import prefect"]}'
    repo = make_repo(files={"broken.ipynb": broken})
    result = run_cli("migrate", str(repo))
    assert result.returncode == 3
    assert b"broken.ipynb" in result.stdout + result.stderr
    assert (repo / "broken.ipynb").read_bytes() == broken


# --- the file's own JSON style --------------------------------------------------------------

STYLE_SOURCES = (
    "from prefect.engine.executors import LocalExecutor  # exécuteur",
    "import prefect.environments as envs\nenv = envs.LocalEnvironment(labels=['é'])\n",
)


@pytest.mark.parametrize("ensure_ascii", [True, False])
@pytest.mark.parametrize("indent", [None, 1, 2, 4])
@pytest.mark.parametrize("sources", [STYLE_SOURCES[:1], STYLE_SOURCES])
def test_a_notebook_written_by_json_dumps_stays_as_json_dumps_writes_it(
    indent: int | None, ensure_ascii: bool, sources: tuple[str, ...]
) -> None:
    def document(texts: list[str]) -> dict[str, object]:
        cells = [
            {
                "cell_type": "code",
                "execution_count": 1,
                "metadata": {},
                "outputs": [],
                "source": split_lines(text),
            }
            for text in texts
        ]
        return {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}

    def dumped(texts: list[str]) -> bytes:
        return (
            json.dumps(document(texts), indent=indent, ensure_ascii=ensure_ascii) + "\n"
        ).encode()

    result = migrated("n.ipynb", dumped(list(sources)))
    assert result.steps and not result.problems
    after = final_bytes(result, b"")
    texts = [cell.text for cell in read_notebook(after).cells]
    assert texts[0] == sources[0].replace("engine.executors", "executors")
    assert after == dumped(texts)


def test_check_lists_the_markers_a_notebook_already_has() -> None:
    after = only_file(GOLDEN / "ensure-ascii" / "after")
    processor = FileProcessor(ROOT, list(all_codemods()), MigrationOptions(), StepOutput.NONE, True)
    result = processor.process_source(after.name, after.read_bytes())
    assert [(place.where, place.reason[:25]) for place in result.places] == [
        ("meteo.ipynb:cell 2:line 7", "marked: on_start=démarrer"),
    ]
