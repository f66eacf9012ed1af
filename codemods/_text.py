"""The lines of a non-Python file, as text codemods read and edit them.

Text codemods work on a list of lines (``text.split("\\n")``) and edit them line-precisely
through :class:`LineEdits`: a rewrite replaces only the characters it means to, so the rest of
the file stays byte-identical (no YAML or TOML document is ever re-serialised). Here too: review
markers in each file kind's comment syntax (:func:`insert_todo_above`), which lines of a
Markdown or reStructuredText document are code, the backslash-continued command a line belongs
to, and the one rule for whether a text is about Prefect at all.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import accumulate, pairwise

from prefect1_migrate.codemods._commands.docs import indented_block_end
from prefect1_migrate.codemods._commands.hcl import heredocs

from prefect1_migrate.codemod import SourceFile
from prefect1_migrate.filekinds import COMMENTLESS_KINDS, FileKind
from prefect1_migrate.markers import MARKER, marker_start, unfolded_marker

# --- review markers --------------------------------------------------------------------------


def comment_delimiters(file: SourceFile, in_code_block: bool = False) -> tuple[str, str]:
    """(opening, closing) of a whole-line comment in ``file``.

    Markdown and reStructuredText prose get their own comment forms; inside a fenced or
    literal code block (shell, YAML, Dockerfile...) a ``#`` comment is used instead.
    """
    if file.kind in (FileKind.JENKINSFILE, FileKind.JSON5):
        return "// ", ""
    if file.kind is FileKind.MARKDOWN and not in_code_block:
        return "<!-- ", " -->"
    if file.kind is FileKind.RST and not in_code_block:
        return ".. ", ""
    return "# ", ""


def todo_line(file: SourceFile, indent: str, message: str, in_code_block: bool = False) -> str:
    opening, closing = comment_delimiters(file, in_code_block)
    return f"{indent}{opening}{MARKER}: {message}{closing}"


def leading_whitespace(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]


def insert_todo_above(
    lines: list[str],
    index: int,
    file: SourceFile,
    message: str,
    in_code_block: bool = False,
    indent: str | None = None,
) -> int:
    """Insert a marker line above ``lines[index]``; returns how many lines were inserted.

    Nothing is inserted when the same marker already stands directly above, folded over
    several lines or not (idempotence; the engine folds a long marker once the codemods ran,
    ``prefect1_migrate/linefit.py``).
    ``indent`` defaults to the indentation of the marked line (none in Makefiles, where an
    indented comment would be handed to the shell as part of the recipe). A file without
    comments (JSON) gets no line: the place is listed on ``file`` instead.
    """
    if file.kind in COMMENTLESS_KINDS:
        file.list_place(index, message)
        return 0
    if file.kind is FileKind.TERRAFORM:  # above a heredoc, never inside it
        index = next(
            (
                opening
                for opening, (first, last) in heredocs(lines).items()
                if first <= index <= last
            ),
            index,
        )
    if indent is None:
        indent = "" if file.kind is FileKind.MAKEFILE else leading_whitespace(lines[index])
    marker = todo_line(file, indent, message, in_code_block)
    # A reST comment is explicit markup, which must end with a blank line before prose.
    block = [marker, ""] if file.kind is FileKind.RST and not in_code_block else [marker]
    above = index - 1
    while above >= 0:
        start = marker_start(lines, above)  # a folded marker is one marker
        if start is not None:
            if unfolded_marker(lines, start).strip() == marker.strip():
                return 0
            above = start - 1
        elif len(block) == 2 and not lines[above].strip():
            above -= 1
        else:
            break
    lines[index:index] = block
    return len(block)


# --- line edits ------------------------------------------------------------------------------


@dataclass
class LineEdits:
    """Edits planned against the original lines, applied together from the bottom up."""

    replacements: list[tuple[int, int, int, str]] = field(default_factory=list)
    deletions: set[int] = field(default_factory=set)
    insertions: dict[int, list[str]] = field(default_factory=dict)  # new lines above an index
    todos: list[tuple[int, str, bool]] = field(default_factory=list)  # (line, message, in code)

    def replace(self, line: int, start: int, end: int, text: str) -> None:
        self.replacements.append((line, start, end, text))

    def delete(self, first: int, end: int) -> None:
        self.deletions.update(range(first, end))

    def insert(self, index: int, new_lines: Iterable[str]) -> None:
        self.insertions.setdefault(index, []).extend(new_lines)

    def todo(self, line: int, message: str, in_code_block: bool = True) -> None:
        self.todos.append((line, message, in_code_block))

    def __bool__(self) -> bool:
        return bool(self.replacements or self.deletions or self.insertions or self.todos)

    def apply(self, lines: Sequence[str], file: SourceFile) -> list[str]:
        new = list(lines)
        for line, start, end, text in sorted(self.replacements, reverse=True):
            new[line] = new[line][:start] + text + new[line][end:]
        indexes = {*self.deletions, *self.insertions, *(line for line, _, _ in self.todos)}
        for index in sorted(indexes, reverse=True):
            if index in self.deletions:
                del new[index]
            todos = [(message, code) for line, message, code in self.todos if line == index]
            for message, in_code_block in reversed(todos):
                insert_todo_above(new, index, file, message, in_code_block)
            new[index:index] = self.insertions.get(index, [])
        return new


# --- code blocks in documentation ------------------------------------------------------------

DOC_KINDS = frozenset({FileKind.MARKDOWN, FileKind.RST})
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_RST_BLOCK_START = re.compile(r"\s*(?:\.\.\s+(?:code-block|code|sourcecode)::.*|.*::)\s*$")


def code_block_mask(lines: Sequence[str], kind: FileKind) -> list[bool]:
    """For each line: does it hold code (as opposed to prose)?

    Every line of a non-documentation file is code. In Markdown, the lines inside fenced
    blocks and of indented code blocks are; in reStructuredText, the indented lines after
    ``::`` or a code directive.
    """
    if kind not in DOC_KINDS:
        return [True] * len(lines)
    mask = [False] * len(lines)
    if kind is FileKind.MARKDOWN:
        fence: str | None = None
        text = "\n".join(lines)
        spans = list(pairwise(accumulate((len(line) + 1 for line in lines), initial=0)))
        spans = [(start, end - 1) for start, end in spans]
        indented_end = 0
        for index, line in enumerate(lines):
            match = _FENCE.match(line)
            if fence is None and index >= indented_end:
                indented_end = indented_block_end(text, spans, index) or 0
                mask[index] = indented_end > index
                if match and not mask[index]:
                    fence = match.group(1)
            elif fence is None:
                mask[index] = bool(line.strip())  # inside an indented code block
            elif match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                fence = None
            else:
                mask[index] = True
        return mask
    block_indent: int | None = None
    for index, line in enumerate(lines):
        indent = len(line) - len(line.lstrip())
        if block_indent is not None:
            if not line.strip() or indent > block_indent:
                mask[index] = bool(line.strip())
                continue
            block_indent = None
        if _RST_BLOCK_START.match(line) and not line.lstrip().startswith(".. _"):
            block_indent = indent
    return mask


# --- backslash-continued commands ------------------------------------------------------------


def logical_start(lines: Sequence[str], index: int) -> int:
    """The first line of the backslash-continued command that ``lines[index]`` belongs to."""
    while index > 0 and lines[index - 1].rstrip().endswith("\\"):
        index -= 1
    return index


def logical_end(lines: Sequence[str], index: int) -> int:
    """The line after the backslash-continued command that ``lines[index]`` belongs to."""
    while index < len(lines) - 1 and lines[index].rstrip().endswith("\\"):
        index += 1
    return index + 1


# --- is this text about Prefect? ---------------------------------------------------------------

# ``prefect`` as a word: ``prefect``, ``prefect[aws]``, ``prefect.flow``, ``prefecthq/prefect:``;
# not other distributions such as ``prefect-aws`` or ``prefect_dbt``, nor ``prefecthq``.
_PREFECT_WORD = re.compile(r"(?<![\w-])prefect(?![\w-])", re.IGNORECASE)


def mentions_prefect(text: str) -> bool:
    """Whether ``text`` is about Prefect: the rule every codemod uses that acts only in such
    files. (The engine's gates before a file is decoded are a looser, any-case substring test.)"""
    return _PREFECT_WORD.search(text) is not None
