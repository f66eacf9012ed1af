"""Review markers in non-Python files: the comment syntax of each file kind.

Text codemods work on a list of lines (``text.split("\\n")``) and call
:func:`insert_todo_above` for the line a human must look at.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from prefect1_migrate.codemod import TextFile
from prefect1_migrate.filekinds import FileKind
from prefect1_migrate.markers import MARKER


def comment_delimiters(file: TextFile, in_code_block: bool = False) -> tuple[str, str]:
    """(opening, closing) of a whole-line comment in ``file``.

    Markdown and reStructuredText prose get their own comment forms; inside a fenced or
    literal code block (shell, YAML, Dockerfile...) a ``#`` comment is used instead.
    """
    if PurePosixPath(file.path).name == "Jenkinsfile":
        return "// ", ""
    if file.kind is FileKind.MARKDOWN and not in_code_block:
        return "<!-- ", " -->"
    if file.kind is FileKind.RST and not in_code_block:
        return ".. ", ""
    return "# ", ""


def todo_line(file: TextFile, indent: str, message: str, in_code_block: bool = False) -> str:
    opening, closing = comment_delimiters(file, in_code_block)
    return f"{indent}{opening}{MARKER}: {message}{closing}"


def leading_whitespace(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]


def insert_todo_above(
    lines: list[str],
    index: int,
    file: TextFile,
    message: str,
    in_code_block: bool = False,
    indent: str | None = None,
) -> int:
    """Insert a marker line above ``lines[index]``; returns how many lines were inserted.

    Nothing is inserted when the same marker already stands directly above (idempotence).
    ``indent`` defaults to the indentation of the marked line (none in Makefiles, where an
    indented comment would be handed to the shell as part of the recipe).
    """
    if indent is None:
        indent = "" if file.kind is FileKind.MAKEFILE else leading_whitespace(lines[index])
    marker = todo_line(file, indent, message, in_code_block)
    # A reST comment is explicit markup, which must end with a blank line before prose.
    block = [marker, ""] if file.kind is FileKind.RST and not in_code_block else [marker]
    above = index - 1
    while above >= 0 and (MARKER in lines[above] or (len(block) == 2 and not lines[above].strip())):
        if lines[above].strip() == marker.strip():
            return 0
        above -= 1
    lines[index:index] = block
    return len(block)
