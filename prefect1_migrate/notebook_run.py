"""Runs the codemods over a Jupyter notebook's cells (``prefect1_migrate/notebooks.py`` reads
and writes the notebook): its Python cells as one module through the Python codemods, its
shell command lines (``!cmd``, ``%pip``...) through the text codemods that read shell
scripts, each cell read as a file (Markdown, a shell or ``%%python`` cell's script, a
``%%writefile`` cell's file) through the codemods of that file's kind. Each codemod that changes a cell gives a version of the notebook, as for
any other file; review places are cells' lines (``path:cell N:line M``).
"""

from __future__ import annotations

from itertools import pairwise

from prefect1_migrate.filekinds import FileKind
from prefect1_migrate.linemap import LineMap
from prefect1_migrate.markers import marker_lines
from prefect1_migrate.notebooks import (
    CellCode,
    CellFile,
    Notebook,
    NotebookError,
    cell_file_text,
    cell_of_module_line,
    cell_texts,
    read_code,
    read_notebook,
    shell_line,
    shell_replacements,
)
from prefect1_migrate.pipeline import (
    _PREFECT,
    FileProblem,
    FileProcessor,
    FileResult,
    Finding,
    Listing,
    Place,
    StepOutput,
    _fitted,
    first_changed_line,
    line_before,
    new_markers,
)
from prefect1_migrate.redaction import secret_values

CellVersion = dict[int, str]  # cell index -> text


def process_notebook(
    processor: FileProcessor, result: FileResult, data: bytes, line_length: int | None = None
) -> None:
    """Fills ``result`` for the notebook whose bytes are ``data``, as
    ``FileProcessor.process_source`` does for other files (``line_length``: its rewritten
    Python lines are fitted to it, as a ``.py`` file's are)."""
    path = result.path
    try:
        notebook = read_notebook(data)
        code = read_code(notebook)
    except NotebookError as error:
        result.problems.append(FileProblem(path, None, f"{error}; left as it was"))
        return
    if processor.report_marked:
        for cell in notebook.cells:
            for line, message in marker_lines(cell.text.encode()):
                result.places.append(Place(path, line, f"marked: {message}", cell=cell.number))
    for index in code.unread:
        if _PREFECT.search(notebook.cells[index].text.encode()):
            reason = "a cell with carriage returns in its source is not read; left as it was"
            result.problems.append(FileProblem(path, 1, reason, cell=index + 1))
    if result.problems:
        return
    texts = [code.module, *(piece.text for piece in code.shells)]
    texts += [file.text for file in code.files]
    result.secrets = frozenset(value for text in texts for value in secret_values(text))
    listed: list[tuple[Listing, CellFile]] = []
    versions = _versions(processor, notebook, code, result, line_length, listed)
    if versions:
        _keep_steps(processor, result, notebook, data, versions)
    if listed and not result.problems:
        _list_places(processor, result, notebook, versions, listed)


def _versions(
    processor: FileProcessor,
    notebook: Notebook,
    code: CellCode,
    result: FileResult,
    line_length: int | None,
    listed: list[tuple[Listing, CellFile]],
) -> list[tuple[str, CellVersion]]:
    """The cells' texts after each codemod that changes the notebook; none when one fails.
    The places codemods list in a file a cell writes (JSON: no comments) go to ``listed``."""
    name = result.path.rpartition("/")[2]
    problems = len(result.problems)
    python_texts = _python_texts(processor, result, code.module, name, line_length)
    _place_in_cells(result, code, problems)
    shell_texts: list[dict[str, str]] = []
    for piece in code.shells:
        problems = len(result.problems)
        listings: list[Listing] = []  # shell has comments: codemods mark, they do not list
        texts = _text_texts(processor, result, FileKind.SHELL, piece.text, name, listings)
        if listings:
            reason = "a codemod listed a place in a shell command instead of marking it"
            result.problems.append(FileProblem(result.path, 1, reason))
        shell_texts.append(texts)
        if len(result.problems) > problems:
            _place_in_cell(result, problems, piece.cell, shell_line(code, piece) - 1)
    file_texts: list[dict[str, str]] = []
    for file in code.files:
        problems = len(result.problems)
        if file.kind is FileKind.PYTHON:
            texts = _python_texts(processor, result, file.text, file.name or name, line_length)
        else:
            listings = []
            kind, file_name = file.kind, file.name or name
            texts = _text_texts(processor, result, kind, file.text, file_name, listings)
            listed += [(listing, file) for listing in listings]
        _place_in_cell(result, problems, file.cell, file.header_lines)
        file_texts.append(texts)
    if result.problems:
        return []
    module = code.module
    commands = [piece.text for piece in code.shells]
    bodies = [file.text for file in code.files]
    versions: list[tuple[str, CellVersion]] = []
    for codemod in processor.codemods:
        shells = [k for k, texts in enumerate(shell_texts) if codemod.id in texts]
        files = [k for k, texts in enumerate(file_texts) if codemod.id in texts]
        if codemod.id not in python_texts and not shells and not files:
            continue
        module = python_texts.get(codemod.id, module)
        for k in shells:
            commands[k] = shell_texts[k][codemod.id]
        for k in files:
            bodies[k] = file_texts[k][codemod.id]
        version = _version(notebook, code, module, commands, bodies)
        if version is None:
            reason = f"{codemod.id}'s rewrite cannot be put back into the cells; left as it was"
            result.problems.append(FileProblem(result.path, None, reason, codemod.id))
            return []
        versions.append((codemod.id, version))
    return versions


def _python_texts(
    processor: FileProcessor, result: FileResult, text: str, name: str, line_length: int | None
) -> dict[str, str]:
    """Each Python codemod's text of ``text`` (a module of cells, or a written ``.py`` file),
    its long rewritten lines fitted to ``line_length``."""
    if not _PREFECT.search(text.encode()):
        return {}  # every Python rewrite concerns code that reaches Prefect
    python = [c for c in processor.codemods if c.looks_at(FileKind.PYTHON, name)]
    texts = processor._run_python(result.path, text, python, result)
    if texts and line_length:
        texts = _fitted(text, texts, line_length)
    return dict(texts)


def _text_texts(
    processor: FileProcessor,
    result: FileResult,
    kind: FileKind,
    text: str,
    name: str,
    listings: list[Listing],
) -> dict[str, str]:
    """Each text codemod's text of ``text``, read as a file of ``kind`` named ``name``; the
    places codemods list instead of marking go to ``listings``."""
    candidates = [c for c in processor.codemods if c.looks_at(kind, name)]
    return dict(processor._run_text(result.path, kind, text, candidates, result, listings))


def _version(
    notebook: Notebook, code: CellCode, module: str, commands: list[str], bodies: list[str]
) -> CellVersion | None:
    replacements: dict[int, str | None] = {}
    for piece, command in zip(code.shells, commands, strict=True):
        if command == piece.text:
            continue
        piece_replacements = shell_replacements(piece, command)
        if piece_replacements is None:
            return None
        replacements.update(piece_replacements)
    texts = cell_texts(notebook, code, module, replacements)
    if texts is None:
        return None
    version = {index: cell.text for index, cell in enumerate(notebook.cells)}
    version.update(texts)
    for file, body in zip(code.files, bodies, strict=True):
        if body != file.text:
            version[file.cell] = cell_file_text(notebook, file, body)
    return version


def _place_in_cells(result: FileResult, code: CellCode, since: int) -> None:
    """The problems the Python run added name module lines: name cells' lines instead."""
    for position in range(since, len(result.problems)):
        problem = result.problems[position]
        if problem.line is not None:
            index, line = cell_of_module_line(code, problem.line)
            result.problems[position] = FileProblem(
                problem.path, line, problem.reason, problem.codemod_id, index + 1
            )


def _place_in_cell(result: FileResult, since: int, cell: int, offset: int) -> None:
    """The problems added since ``since`` name lines of a text read from the cell at index
    ``cell`` whose first line is the cell's line ``offset + 1``: name the cell's lines (the
    text's first line when a problem names none)."""
    for position in range(since, len(result.problems)):
        problem = result.problems[position]
        line = (problem.line or 1) + offset
        result.problems[position] = FileProblem(
            problem.path, line, problem.reason, problem.codemod_id, cell + 1
        )


def _keep_steps(
    processor: FileProcessor,
    result: FileResult,
    notebook: Notebook,
    data: bytes,
    versions: list[tuple[str, CellVersion]],
) -> None:
    """What the mode needs of each version (as ``FileProcessor._finish``), and the review
    places of the markers each codemod added."""
    original: CellVersion = {index: cell.text for index, cell in enumerate(notebook.cells)}
    texts = [original] + [version for _, version in versions]
    titles = {codemod.id: codemod.title for codemod in processor.codemods}
    processor.keep_steps(
        result,
        data,
        [codemod_id for codemod_id, _ in versions],
        [notebook.render(version) for _, version in versions],
    )
    for step, (codemod_id, version) in enumerate(versions, start=1):
        for index in _changed_cells(texts[step - 1], version):
            number = index + 1
            cell_versions = [text[index] for text in texts]
            forward = [LineMap(old, new) for old, new in pairwise(cell_versions)]
            backward = [LineMap(new, old) for old, new in pairwise(cell_versions)]
            for line, message, marked_line in new_markers(cell_versions[step - 1], version[index]):
                final = line
                for line_map in forward[step:]:
                    final = line_map(final)
                result.findings.append(
                    Finding(result.path, final, line, message, codemod_id, number)
                )
                if processor.output is StepOutput.NONE:
                    before = line_before(backward, step - 1, backward[step - 1](marked_line))
                    place = Place(
                        result.path,
                        before,
                        f"{message} ({codemod_id})",
                        codemod_id,
                        pending=True,
                        cell=number,
                    )
                    result.places.append(place)
        if processor.output is StepOutput.NONE:
            result.places.append(_first_change(result.path, texts, step, titles, codemod_id))


def _list_places(
    processor: FileProcessor,
    result: FileResult,
    notebook: Notebook,
    versions: list[tuple[str, CellVersion]],
    listed: list[tuple[Listing, CellFile]],
) -> None:
    """The places codemods listed in files that cells write, as ``FileProcessor._finish``
    reports a JSON file's: findings at their cell's line in the migrated notebook and, for
    ``--check``, places in the notebook as it is."""
    order = {codemod.id: position for position, codemod in enumerate(processor.codemods)}
    original: CellVersion = {index: cell.text for index, cell in enumerate(notebook.cells)}
    texts = [original] + [version for _, version in versions]
    for listing, file in listed:
        # The cell as the codemod left it: after the last change up to the codemod's own.
        step = sum(order[codemod_id] <= order[listing.codemod_id] for codemod_id, _ in versions)
        cell_versions = [text[file.cell] for text in texts]
        line = file.header_lines + listing.index + 1
        final = line
        for old, new in pairwise(cell_versions[step:]):
            final = LineMap(old, new)(final)
        number = file.cell + 1
        result.findings.append(
            Finding(result.path, final, line, listing.message, listing.codemod_id, number)
        )
        if processor.output is StepOutput.NONE and (listing.changed or processor.report_marked):
            backward = [LineMap(new, old) for old, new in pairwise(cell_versions)]
            reason = f"listed (no comments here): {listing.message} ({listing.codemod_id})"
            before = line_before(backward, step, line)
            result.places.append(Place(result.path, before, reason, cell=number))


def _changed_cells(before: CellVersion, after: CellVersion) -> list[int]:
    return [index for index, text in after.items() if before[index] != text]


def _first_change(
    path: str, texts: list[CellVersion], step: int, titles: dict[str, str], codemod_id: str
) -> Place:
    """The first line the codemod of ``step`` changes, as a line of the original notebook."""
    index = _changed_cells(texts[step - 1], texts[step])[0]
    changed = first_changed_line(texts[step - 1][index], texts[step][index])
    backward = [LineMap(text[index], older[index]) for older, text in pairwise(texts)]
    line = line_before(backward, step - 1, changed)
    reason = f"would be rewritten: {titles[codemod_id]} ({codemod_id})"
    return Place(path, line, reason, codemod_id, pending=True, cell=index + 1)
