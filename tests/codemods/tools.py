"""Running one codemod in a test the way a migration runs it: through the pipeline, on a
source held in memory.

- ``check_transformed(codemod_id, before, after)``: the codemod turns ``before`` into exactly
  ``after``, and leaves ``after`` as it is on a second run.
- ``check_noop(codemod_id, source)``: the codemod leaves ``source`` as it is.
- ``golden_cases(codemod_id)``: parametrizes a test over the codemod's golden cases,
  ``fixtures/codemods/<id>/<case>/before/...`` and ``.../after/...`` (a case without
  ``after/`` is a no-op case); each ``GoldenRun.check()`` asserts exact bytes. The files of a
  case are one repository: its modules are surveyed first
  (:func:`prefect1_migrate.modules.survey`), so a case may hold a package and its importers.
  A case is written at the width the codemod writes, lines are not fitted to a line length
  unless the case configures one as a repository does (``line-length`` in a
  ``pyproject.toml``/``ruff.toml`` of the case): then long new markers are folded and long
  rewritten Python lines split as a run does (``prefect1_migrate/linefit.py``).

Sources are ``str`` (encoded as UTF-8) or ``bytes``; the path is the file's name as the
codemod sees it (it decides the file's kind). Nothing is read from or written to disk.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from prefect1_migrate.codemod import MigrationOptions
from prefect1_migrate.linefit import configured_line_length
from prefect1_migrate.modules import survey
from prefect1_migrate.pipeline import FileProcessor, FileResult
from prefect1_migrate.registry import codemod_by_id

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "fixtures" / "codemods"
DEFAULT_OPTIONS = MigrationOptions()


def run_codemod(
    codemod_id: str,
    source: str | bytes,
    path: str = "flow.py",
    options: MigrationOptions = DEFAULT_OPTIONS,
    line_length: int | None = None,
) -> FileResult:
    """The pipeline's result for the file at ``path`` holding ``source``, run through one
    codemod (its problems and findings included); with ``line_length``, long lines fitted as
    a run fits them."""
    processor = FileProcessor(ROOT, [codemod_by_id(codemod_id)], options)  # ROOT: never read
    return processor.process_source(path, _encoded(source), line_length)


def check_transformed(
    codemod_id: str,
    before: str | bytes,
    after: str | bytes,
    path: str = "flow.py",
    options: MigrationOptions = DEFAULT_OPTIONS,
) -> FileResult:
    """Asserts the codemod rewrites ``before`` into exactly ``after`` and changes nothing
    in ``after``; returns the result of the first run (for its findings)."""
    result = _check_output(codemod_id, before, after, path, options)
    assert result.steps, f"{path} was not changed"
    check_noop(codemod_id, after, path, options)
    return result


def check_noop(
    codemod_id: str,
    source: str | bytes,
    path: str = "flow.py",
    options: MigrationOptions = DEFAULT_OPTIONS,
) -> FileResult:
    """Asserts the codemod leaves ``source`` exactly as it is, without a problem."""
    return _check_output(codemod_id, source, source, path, options)


def review_entries(result: FileResult) -> list[tuple[int, str]]:
    """(line, message) of every review marker the codemod added, as the report lists them."""
    return [(finding.line, finding.message) for finding in result.findings]


def _check_output(
    codemod_id: str,
    source: str | bytes,
    expected: str | bytes,
    path: str,
    options: MigrationOptions,
    line_length: int | None = None,
) -> FileResult:
    data, wanted = _encoded(source), _encoded(expected)
    result = run_codemod(codemod_id, data, path, options, line_length)
    assert not result.problems, result.problems
    output = result.steps[-1][1] if result.steps else data
    assert output.decode("utf-8", "replace") == wanted.decode("utf-8", "replace"), path
    assert output == wanted, f"{path}: same text, different bytes"
    return result


def _encoded(source: str | bytes) -> bytes:
    return source.encode("utf-8") if isinstance(source, str) else source


# --- golden cases ---------------------------------------------------------------------------


@dataclass(frozen=True)
class GoldenRun:
    """One run of a codemod over a golden folder and the folder it must produce: a case's
    ``before/`` into its ``after/`` (itself for a no-op case), or ``after/`` run again."""

    codemod_id: str
    source: Path
    expected: Path

    def check(self) -> None:
        """Each file against its expected bytes; the files of the folder are one repository
        (a file may follow a name into another one, as a migration's survey lets it)."""
        files = _files(self.source)
        assert files == _files(self.expected), "before/ and after/ must hold the same files"
        sources = {name: (self.source / name).read_bytes() for name in files}
        options = MigrationOptions(modules=survey(files, sources.get))
        for name in files:
            folder = (self.source / name).parent
            _check_output(
                self.codemod_id,
                sources[name],
                (self.expected / name).read_bytes(),
                name,
                options,
                configured_line_length(self.source, folder),
            )


def golden_case_folders(codemod_id: str) -> list[Path]:
    folder = GOLDEN / codemod_id
    if not folder.is_dir():
        return []
    return sorted(case for case in folder.iterdir() if case.is_dir())


def golden_cases(codemod_id: str) -> pytest.MarkDecorator:
    """Parametrizes a test taking ``run: GoldenRun`` over every golden case of the codemod
    and, for a transforming case, the second run over its ``after/`` (which must not change)."""
    runs = []
    for case in golden_case_folders(codemod_id):
        before, after = case / "before", case / "after"
        if after.exists():
            runs.append(pytest.param(GoldenRun(codemod_id, before, after), id=case.name))
            runs.append(
                pytest.param(GoldenRun(codemod_id, after, after), id=f"{case.name}-second-run")
            )
        else:
            runs.append(pytest.param(GoldenRun(codemod_id, before, before), id=case.name))
    assert runs, f"no golden cases under {GOLDEN / codemod_id}"
    return pytest.mark.parametrize("run", runs)


def _files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
