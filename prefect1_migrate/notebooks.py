"""Jupyter notebooks (``.ipynb``, nbformat 4): the cells the codemods read, and the notebook's
bytes with some cells' ``source`` replaced.

The notebook is never re-serialized: each cell's ``source`` value is located in the original
text and only the values of changed cells are spliced in, written the way the file writes
them (indentation, line endings, ``ensure_ascii``, list of lines or one string); unchanged
lines of a changed cell keep their original JSON text.

Code cells in Python are read as one module (so an import in one cell is in view where a
later cell uses it): the cells joined with a boundary comment between them. IPython syntax
(``%magic``, ``!cmd``, ``x = !cmd``, ``obj?``) is masked as ``pass`` lines before parsing and
put back byte for byte. Shell commands (``!cmd`` lines, and ``%pip``, ``%conda``, ``%sx``,
``%system`` and ``%env NAME=value`` lines) are read as shell text, one piece per command.
Other cells are read as the file they hold: a Markdown cell as a Markdown file, the body of
a ``%%bash``/``%%sh``/``%%script bash`` cell as a shell script, of a ``%%python`` cell as a
Python script, of a ``%%writefile`` cell as a file of the kind its target's name gives.
"""

from __future__ import annotations

import json
import re
import shlex
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from json.decoder import scanstring
from pathlib import PurePosixPath

from prefect1_migrate.filekinds import FileKind, classify


class NotebookError(ValueError):
    """The file is not a notebook this tool can read (not JSON, not nbformat 4)."""


@dataclass(frozen=True)
class SourceValue:
    """Where a cell's ``source`` value stands in the notebook's text, and its elements'
    original JSON text (``as_list`` False: the value is one string)."""

    start: int
    end: int
    as_list: bool
    raw_items: tuple[tuple[str, str], ...]  # (decoded line, its JSON text)
    key_space: str  # whitespace before the ``"source"`` key


@dataclass(frozen=True)
class ListStyle:
    """The whitespace of a JSON list of lines: after ``[``, after each ``,``, before ``]``."""

    opening: str
    separator: str  # includes the comma
    closing: str


@dataclass(frozen=True)
class Cell:
    number: int  # 1-based, counting every cell
    cell_type: str
    text: str
    language: str | None  # the cell's own language (VS Code), when it names one
    source: SourceValue


@dataclass
class Notebook:
    text: str  # the file decoded (without a BOM)
    bom: bool
    language: str
    cells: list[Cell]
    ensure_ascii: bool
    list_style: ListStyle | None  # from a cell whose source lists two lines or more
    indent_unit: str

    def render(self, texts: dict[int, str]) -> bytes:
        """The notebook's bytes with the cells at the given indexes holding new text."""
        pieces: list[str] = []
        position = 0
        for index in sorted(texts):
            cell = self.cells[index]
            if texts[index] == cell.text:
                continue
            pieces.append(self.text[position : cell.source.start])
            pieces.append(self._source_json(cell, texts[index]))
            position = cell.source.end
        pieces.append(self.text[position:])
        return ("\ufeff" if self.bom else "").encode() + "".join(pieces).encode("utf-8")

    def _source_json(self, cell: Cell, text: str) -> str:
        if not cell.source.as_list:
            return json.dumps(text, ensure_ascii=self.ensure_ascii)
        raw = dict(cell.source.raw_items)
        items = [
            raw.get(line) or json.dumps(line, ensure_ascii=self.ensure_ascii)
            for line in split_lines(text)
        ]
        if not items:
            return "[]"
        style = self.list_style or self._derived_style(cell.source.key_space)
        return "[" + style.opening + style.separator.join(items) + style.closing + "]"

    def _derived_style(self, key_space: str) -> ListStyle:
        if "\n" not in key_space:  # written without indentation
            return ListStyle("", "," + key_space, "")
        newline = "\r\n" if "\r\n" in key_space else "\n"
        indent = key_space.rpartition("\n")[2]
        inner = newline + indent + self.indent_unit
        return ListStyle(inner, "," + inner, newline + indent)


def split_lines(text: str) -> list[str]:
    """``text`` as nbformat lists it: lines keeping their ``\\n``, the last one without."""
    return re.findall(r"[^\n]*\n|[^\n]+$", text)


def read_notebook(data: bytes) -> Notebook:
    bom = data.startswith(b"\xef\xbb\xbf")
    try:
        text = data[3 if bom else 0 :].decode("utf-8")
        document = json.loads(text, object_pairs_hook=_no_duplicate_keys)
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise NotebookError(f"not a notebook this tool reads (not JSON: {error})") from error
    if not isinstance(document, dict) or document.get("nbformat") != 4:
        raise NotebookError("not a notebook this tool reads (not nbformat 4)")
    cells = document.get("cells")
    if not isinstance(cells, list) or not all(
        isinstance(cell, dict) and _source_text(cell.get("source")) is not None for cell in cells
    ):
        raise NotebookError("not a notebook this tool reads (cells without a text source)")
    try:
        values = _source_values(text)
    except (IndexError, ValueError) as error:  # cannot happen to valid JSON; never guess
        raise NotebookError(f"cannot locate the cells' sources ({error})") from error
    if len(values) != len(cells):
        raise NotebookError("cannot locate the cells' sources")
    metadata = document.get("metadata") or {}
    return Notebook(
        text=text,
        bom=bom,
        language=_notebook_language(metadata),
        cells=[
            Cell(
                number=index + 1,
                cell_type=str(cell.get("cell_type")),
                text=_source_text(cell["source"]) or "",
                language=_cell_language(cell.get("metadata")),
                source=value,
            )
            for index, (cell, value) in enumerate(zip(cells, values, strict=True))
        ],
        ensure_ascii=_writes_ascii(text),
        list_style=_list_style(text, values),
        indent_unit=_indent_unit(text),
    )


def _no_duplicate_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    keys = [key for key, _ in pairs]
    if len(set(keys)) != len(keys):
        raise ValueError("duplicate key")
    return dict(pairs)


def _source_text(source: object) -> str | None:
    if isinstance(source, str):
        return source
    if isinstance(source, list) and all(isinstance(line, str) for line in source):
        return "".join(source)
    return None


def _notebook_language(metadata: object) -> str:
    if isinstance(metadata, dict):
        for key, name in (("language_info", "name"), ("kernelspec", "language")):
            section = metadata.get(key)
            if isinstance(section, dict) and isinstance(section.get(name), str):
                return section[name].lower()
    return "python"  # what Jupyter assumes


def _cell_language(metadata: object) -> str | None:
    if isinstance(metadata, dict):
        vscode = metadata.get("vscode")
        if isinstance(vscode, dict) and isinstance(vscode.get("languageId"), str):
            return vscode["languageId"].lower()
    return None


_ESCAPED_NON_ASCII = re.compile(r"(?<!\\)(?:\\\\)*\\u(?!00[0-7])[0-9a-fA-F]{4}")


def _writes_ascii(text: str) -> bool:
    if not text.isascii():
        return False
    return _ESCAPED_NON_ASCII.search(text) is not None


def _indent_unit(text: str) -> str:
    """The whitespace before the notebook's first key (one level of indentation)."""
    match = re.match(r"\{(?:\r?\n)?([ \t]*)\"", text.lstrip(" \t\r\n"))
    return match.group(1) if match else ""


# --- locating the cells' sources ----------------------------------------------------------

_SPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()

Visit = Callable[[str, int, int], int | None]  # (key, key start, value start) -> value end


def _skip_space(text: str, position: int) -> int:
    match = _SPACE.match(text, position)
    assert match is not None
    return match.end()


def _expect(text: str, position: int, character: str) -> None:
    if text[position] != character:
        raise ValueError(f"expected {character!r} at {position}")


def _scan_object(text: str, position: int, visit: Visit) -> int:
    """Walks the JSON object at ``position``; ``visit`` scans the values it wants (others are
    skipped); returns the object's end."""
    _expect(text, position, "{")
    position = _skip_space(text, position + 1)
    if text[position] == "}":
        return position + 1
    while True:
        _expect(text, position, '"')
        key_start = position
        key, position = scanstring(text, position + 1)
        position = _skip_space(text, position)
        _expect(text, position, ":")
        value_start = _skip_space(text, position + 1)
        end = visit(key, key_start, value_start)
        if end is None:
            end = _DECODER.raw_decode(text, value_start)[1]
        position = _skip_space(text, end)
        if text[position] == "}":
            return position + 1
        _expect(text, position, ",")
        position = _skip_space(text, position + 1)


def _scan_list(text: str, position: int, item: Callable[[int], int]) -> int:
    _expect(text, position, "[")
    position = _skip_space(text, position + 1)
    if text[position] == "]":
        return position + 1
    while True:
        position = _skip_space(text, item(position))
        if text[position] == "]":
            return position + 1
        _expect(text, position, ",")
        position = _skip_space(text, position + 1)


def _source_values(text: str) -> list[SourceValue]:
    values: list[SourceValue] = []

    def source(key: str, key_start: int, start: int) -> int | None:
        if key != "source":
            return None
        space_start = key_start
        while text[space_start - 1] in " \t\r\n":
            space_start -= 1
        key_space = text[space_start:key_start]
        if text[start] == "[":
            items: list[tuple[str, str]] = []

            def line(item_start: int) -> int:
                _expect(text, item_start, '"')
                decoded, item_end = scanstring(text, item_start + 1)
                items.append((decoded, text[item_start:item_end]))
                return item_end

            end = _scan_list(text, start, line)
            values.append(SourceValue(start, end, True, tuple(items), key_space))
        else:
            end = _DECODER.raw_decode(text, start)[1]
            values.append(SourceValue(start, end, False, (), key_space))
        return end

    def cell(item_start: int) -> int:
        return _scan_object(text, item_start, source)

    def top(key: str, key_start: int, start: int) -> int | None:
        return _scan_list(text, start, cell) if key == "cells" else None

    _scan_object(text, _skip_space(text, 0), top)
    return values


def _list_style(text: str, values: list[SourceValue]) -> ListStyle | None:
    for value in values:
        if value.as_list and len(value.raw_items) >= 2:
            inner = text[value.start + 1 : value.end - 1]
            first, second = value.raw_items[0][1], value.raw_items[1][1]
            opening_end = inner.index(first)
            separator_end = inner.index(second, opening_end + len(first))
            last_end = len(inner.rstrip(" \t\r\n"))
            return ListStyle(
                inner[:opening_end],
                inner[opening_end + len(first) : separator_end],
                inner[last_end:],
            )
    return None


# --- the code the codemods read -----------------------------------------------------------

_SHELL_PROGRAMS = frozenset({"bash", "sh", "zsh"})
_WRITEFILE_MAGICS = frozenset({"writefile", "file"})
_WRITEFILE_OPTIONS = frozenset({"-a", "--append"})
_PYTHON_BODY_MAGICS = frozenset({"time", "timeit", "capture", "prun"})
_CELL_MAGIC = re.compile(r"%%(?P<name>\w+)(?P<args>[^\n]*)")
# `!=` and `% x` starting a continued line are Python; `!cmd` and `%name` never are. Shell
# commands: `!cmd`, `%sx cmd`, `%system cmd`, `%pip ...`/`%conda ...` (`pip ...` run in the
# kernel's environment) and `%env NAME=value` (a variable setting).
_LINE_SHELL = re.compile(
    r"(?P<prefix>[ \t]*(?:[\w.]+(?:[ \t]*,[ \t]*[\w.]+)*[ \t]*=[ \t]*)?"
    r"(?:!+(?!=)|%(?:sx|system)[ \t]+|%(?=(?:pip|conda|mamba)[ \t]+\w)|%env[ \t]+(?=\w+=)))"
)
_LINE_MAGIC = re.compile(r"[ \t]*(?:[\w.]+(?:[ \t]*,[ \t]*[\w.]+)*[ \t]*=[ \t]*)?%+[A-Za-z_]")
_HELP = re.compile(r"[ \t]*(?:\?{1,2}[\w.]+|[\w.]+\?{1,2})[ \t]*")
_BOUNDARY = "# __p1m_notebook_cell_boundary__"  # no notebook holds "__p1m_" (read_code)
_MASK = "pass  # __p1m_ipython_{}__"
_MASK_FOUND = re.compile(r"[ \t]*pass  # __p1m_ipython_(\d+)__")


@dataclass
class ShellPiece:
    """A shell command of a notebook: ``!cmd`` lines of a Python cell (the masks numbered
    ``masks``, the first one ``prefix``ed by its indentation, ``x =`` and ``!``), or a
    ``%sx``/``%system``/``%pip``/``%conda``/``%env NAME=value`` line (``prefix`` ends with
    ``%sx ``, ``%system ``, ``%env `` or ``%``)."""

    cell: int  # index into the notebook's cells
    text: str  # the command, ending with a newline as a shell file does
    prefix: str
    masks: tuple[int, ...]


@dataclass(frozen=True)
class CellFile:
    """A cell read as the file it holds: a Markdown cell, the body of a shell cell
    (``%%bash``), of a ``%%python`` cell (a script) or of a ``%%writefile`` cell (the kind
    of its target's name)."""

    cell: int  # index into the notebook's cells
    kind: FileKind
    name: str | None  # the written file's name (``%%writefile``), None: the notebook's
    header: str  # the cell's magic line, kept as it is ("" for a Markdown cell)
    text: str  # what the codemods read, ending with a newline as a file does

    @property
    def header_lines(self) -> int:
        return self.header.count("\n")


@dataclass
class CellCode:
    """The Python module made of a notebook's Python cells, its shell commands and the
    cells read as files of other kinds."""

    module: str = ""
    python_cells: list[int] = field(default_factory=list)  # indexes, in module order
    masked: list[str] = field(default_factory=list)  # the original lines, by mask number
    shells: list[ShellPiece] = field(default_factory=list)  # `!cmd`, `%pip`... lines
    files: list[CellFile] = field(default_factory=list)
    first_lines: list[int] = field(default_factory=list)  # each Python cell's module line
    unread: list[int] = field(default_factory=list)  # cells not read (carriage returns)


def _cell_magic(first_line: str) -> tuple[str, str] | None:
    """(name, program) of the cell magic a cell starts with (``%%script bash``: the program
    is ``bash``)."""
    match = _CELL_MAGIC.match(first_line)
    if match is None:
        return None
    name, arguments = match.group("name"), match.group("args").split()
    if name == "script" and arguments:
        return name, arguments[0].rpartition("/")[2]
    return name, name


def read_code(notebook: Notebook) -> CellCode:
    """What the codemods read of the notebook: its Markdown cells, and, when its kernel is
    Python's, the Python module and shell commands of its code cells and the cells that
    write files."""
    code = CellCode()
    python = notebook.language == "python"
    if python and "__p1m_" in notebook.text:
        raise NotebookError("holds __p1m_, the text this tool masks IPython lines with")
    chunks: list[str] = []
    line_number = 1
    for index, cell in enumerate(notebook.cells):
        markdown = cell.cell_type == "markdown"
        if not markdown and not (
            python and cell.cell_type == "code" and cell.language in (None, "python")
        ):
            continue
        if "\r" in cell.text:
            code.unread.append(index)
            continue
        if markdown:
            if cell.text:
                code.files.append(
                    CellFile(index, FileKind.MARKDOWN, None, "", _with_newline(cell.text))
                )
            continue
        lines = split_lines(cell.text)
        magic = _cell_magic(lines[0]) if lines else None
        if magic is not None:
            name, program = magic
            if name not in _PYTHON_BODY_MAGICS:
                file = _cell_file(index, lines, name, program)
                if file is not None:
                    code.files.append(file)
                continue  # another language: html, sql...
        text = _with_newline("".join(_masked_lines(lines, index, code, magic is not None)))
        if chunks:
            chunks.append(_BOUNDARY + "\n")
            line_number += 1
        code.python_cells.append(index)
        code.first_lines.append(line_number)
        chunks.append(text)
        line_number += text.count("\n")
    code.module = "".join(chunks)
    return code


def _cell_file(index: int, lines: list[str], name: str, program: str) -> CellFile | None:
    """The file a shell, ``%%python`` or ``%%writefile`` cell holds (None: another cell
    magic, an empty body, a target of no known kind)."""
    body = _with_newline("".join(lines[1:]))
    if not body:
        return None
    if program in _SHELL_PROGRAMS:
        return CellFile(index, FileKind.SHELL, None, lines[0], body)
    if re.fullmatch(r"python[\d.]*", program):  # run in a new interpreter: a script
        return CellFile(index, FileKind.PYTHON, None, lines[0], body)
    if name not in _WRITEFILE_MAGICS:
        return None
    try:
        words = shlex.split(lines[0])[1:]  # IPython reads the arguments so
    except ValueError:  # an unclosed quote
        return None
    targets = [word for word in words if word not in _WRITEFILE_OPTIONS]
    if len(targets) != 1:
        return None
    target = targets[0]
    kind = classify(target.removeprefix("./"), body[:256].encode())
    if kind is None or kind is FileKind.NOTEBOOK:
        return None  # read as the file would be read: not at all
    return CellFile(index, kind, PurePosixPath(target).name, lines[0], body)


def _with_newline(text: str) -> str:
    return text if not text or text.endswith("\n") else text + "\n"


def _masked_lines(lines: list[str], cell: int, code: CellCode, magic_first: bool) -> list[str]:
    masked: list[str] = []
    continued: ShellPiece | bool = False  # the piece a `\` line continues, or True
    indent = ""  # of the line a `\` line continues
    for number, line in enumerate(lines):
        body = line.rstrip("\n")
        shell = None if continued else _LINE_SHELL.match(body)
        if not (
            continued
            or (magic_first and number == 0)
            or shell is not None
            or _LINE_MAGIC.match(body) is not None
            or _HELP.fullmatch(body) is not None
        ):
            masked.append(line)
            continue
        if not continued:
            indent = body[: len(body) - len(body.lstrip(" \t"))]
        mask = len(code.masked)
        code.masked.append(body)
        if shell is not None:
            prefix = shell.group("prefix")
            piece = ShellPiece(cell, body[len(prefix) :] + "\n", prefix, (mask,))
            code.shells.append(piece)
            continued = piece
        elif isinstance(continued, ShellPiece):
            continued.text += body + "\n"
            continued.masks += (mask,)
        masked.append(indent + _MASK.format(mask) + line[len(body) :])
        if not body.endswith("\\"):
            continued = False
        elif not continued:
            continued = True
    return masked


def shell_replacements(piece: ShellPiece, command: str) -> dict[int, str | None] | None:
    """What replaces each masked line of ``piece`` (None: the line goes) once its command
    is ``command``: the marker comments a codemod put before it become Python comments. None
    when the command does not fit a ``!`` line any more."""
    lines = command.removesuffix("\n").split("\n")
    comments = 0
    while comments < len(lines) and lines[comments].lstrip().startswith("#"):
        comments += 1
    body = lines[comments:]
    if not body or any(line.lstrip().startswith("#") for line in body[1:]):
        return None
    if any(not line.endswith("\\") for line in body[:-1]):
        return None  # a second command: it would not run in the `!` line
    indent = piece.prefix[: len(piece.prefix) - len(piece.prefix.lstrip(" \t"))]
    new = [indent + comment.strip() for comment in lines[:comments]]
    new += [piece.prefix + body[0], *body[1:]]
    replacements: dict[int, str | None] = dict.fromkeys(piece.masks[1:])
    replacements[piece.masks[0]] = "\n".join(new)
    return replacements


def cell_texts(
    notebook: Notebook, code: CellCode, module: str, replacements: dict[int, str | None]
) -> dict[int, str] | None:
    """Each Python cell's text in the rewritten ``module``, its IPython lines put back (or
    replaced as ``replacements`` say); None when the module cannot be split back into the
    cells (the notebook is then left as it was)."""
    chunks = module.split(_BOUNDARY + "\n") if code.python_cells else []
    if len(chunks) != len(code.python_cells) or any(_BOUNDARY in chunk for chunk in chunks):
        return None
    seen: set[int] = set()
    texts: dict[int, str] = {}
    for index, chunk in zip(code.python_cells, chunks, strict=True):
        lines: list[str] = []
        for line in chunk.split("\n"):
            if "__p1m_ipython_" not in line:
                lines.append(line)
                continue
            match = _MASK_FOUND.fullmatch(line)
            if match is None or int(match.group(1)) in seen:
                return None
            mask = int(match.group(1))
            seen.add(mask)
            replacement = replacements.get(mask, code.masked[mask])
            if replacement is not None:
                lines.append(replacement)
        text = "\n".join(lines)
        if not notebook.cells[index].text.endswith("\n"):
            text = text.removesuffix("\n")
        texts[index] = text
    if len(seen) != len(code.masked):
        return None
    return texts


def cell_file_text(notebook: Notebook, file: CellFile, body: str) -> str:
    """The text of the cell of ``file`` once the file holds ``body``."""
    if not notebook.cells[file.cell].text.endswith("\n"):
        body = body.removesuffix("\n")
    return file.header + body


def cell_of_module_line(code: CellCode, line: int) -> tuple[int, int]:
    """(cell index, line in the cell) of a line of the module."""
    position = max(bisect_right(code.first_lines, line) - 1, 0)
    return code.python_cells[position], line - code.first_lines[position] + 1


def shell_line(code: CellCode, piece: ShellPiece) -> int:
    """The line of ``piece``'s ``!`` command in its cell."""
    mask = _MASK.format(piece.masks[0])
    module_line = code.module[: code.module.index(mask)].count("\n") + 1
    return cell_of_module_line(code, module_line)[1]
