"""Python code held in a document: a Markdown fence (```` ```python ````, ```` ```py ````) or a
reST ``.. code-block:: python`` directive, in a ``.md``/``.rst`` file or a notebook's Markdown
cell. The text codemods read the document (its shell, YAML... blocks and inline code); each
Python block is read as a Python module of its own, through the Python codemods, and its
rewritten lines are put back in place: its indentation (a fence in a list item) is removed
before and added again after (in a ``>>>`` session, the prompts: its output lines stay below
the line they follow), the lines no codemod changed keep their bytes. A block that
does not parse is left as it was and listed, the rest of the document is migrated (a
notebook with such a Markdown cell is left as it was, as with a Python cell that does not
parse).

The codemods' scanners find the blocks (the engine asks through
:func:`prefect1_migrate.registry.python_code_blocks`); this module runs and splices them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from prefect1_migrate.filekinds import FileKind
from prefect1_migrate.linemap import LineMap, matching_blocks

if TYPE_CHECKING:
    from prefect1_migrate.pipeline import FileProcessor, FileResult

#: The document kinds whose Python code blocks are read as Python.
DOCUMENT_KINDS = frozenset({FileKind.MARKDOWN, FileKind.RST})


@dataclass(frozen=True)
class CodeBlock:
    """Python code in a document: lines ``first`` to ``end`` (0-based, ``end`` excluded, of
    ``text.split("\n")``), each non-blank one starting with ``indent``; a ``session``
    (``>>>`` first) holds the code on its prompted lines, the others are output."""

    first: int
    end: int
    indent: str
    session: bool = False


#: A session's prompt: ``>>> `` starts a statement, ``... `` continues one.
_PROMPT = re.compile(r"(?:>>>|\.\.\.)(?: |$)")


def code_block(lines: Sequence[str], first: int, end: int) -> CodeBlock:
    """The block of ``lines[first:end]``, its indentation the one all its code lines share."""
    code = [line for line in lines[first:end] if line.strip()]
    if not code:
        return CodeBlock(first, end, "")
    indents = [line[: len(line) - len(line.lstrip())] for line in code]
    low, high = min(indents), max(indents)  # what these two share, all share
    shared = next(
        (at for at, (a, b) in enumerate(zip(low, high, strict=False)) if a != b), len(low)
    )
    return CodeBlock(first, end, low[:shared], code[0].lstrip().startswith(">>>"))


def _code_lines(lines: Sequence[str], block: CodeBlock) -> list[tuple[int, str]]:
    """(index in the block, what precedes the code) of each line whose code makes the
    module: every line (a blank one may lack the indentation), or a session's prompted ones."""
    body = _body(lines, block)
    if not block.session:
        return [
            (i, block.indent if line.startswith(block.indent) else "")
            for i, line in enumerate(body)
        ]
    found = []
    for index, line in enumerate(body):
        prompt = _PROMPT.match(line, len(block.indent)) if line.startswith(block.indent) else None
        if prompt is not None:
            found.append((index, line[: prompt.end()]))
    return found


def block_code(lines: Sequence[str], block: CodeBlock) -> str:
    """The block's code as a module: without its indentation and prompts (a blank line keeps
    what it has: Python reads it as blank), a final newline added."""
    body = _body(lines, block)
    return "".join(body[index][len(prefix) :] + "\n" for index, prefix in _code_lines(lines, block))


def _body(lines: Sequence[str], block: CodeBlock) -> Sequence[str]:
    return lines[block.first : block.end]


def put_back(lines: Sequence[str], block: CodeBlock, old_code: str, new_code: str) -> list[str]:
    """The block's lines for ``new_code``: each line equal to one of ``old_code`` is that
    line as the document had it; a new one gets the block's indentation (and in a session a
    ``>>> `` prompt, ``... `` for an indented line); a session's output lines follow the line
    they followed."""
    old, new = old_code.split("\n")[:-1], new_code.split("\n")[:-1]
    body = _body(lines, block)
    code_lines = _code_lines(lines, block)
    result = [_new_line(block, line) for line in new]
    for old_start, new_start, size in matching_blocks(old, new):
        result[new_start : new_start + size] = [
            body[code_lines[k][0]] for k in range(old_start, old_start + size)
        ]
    if not block.session:
        return result
    moved = LineMap(old_code, new_code)
    code_at = {index: k for k, (index, _) in enumerate(code_lines)}
    after: dict[int, list[str]] = {}  # new code line (-1: none) -> the output lines after it
    previous = -1
    for index, line in enumerate(body):
        if index in code_at:
            previous = moved(code_at[index] + 1) - 1
        else:
            after.setdefault(previous, []).append(line)
    session = after.get(-1, [])
    for at, line in enumerate(result):
        session += [line, *after.get(at, [])]
    return session


def _new_line(block: CodeBlock, line: str) -> str:
    if not block.session:
        return block.indent + line if line.strip() else line
    if not line.strip():
        return block.indent + "..."
    return block.indent + ("... " if line[:1] in " \t)]}" else ">>> ") + line


def run_code_blocks(
    processor: FileProcessor,
    path: str,
    kind: FileKind,
    text: str,
    texts: list[tuple[str, str]],
    result: FileResult,
) -> list[tuple[str, str]]:
    """Each codemod's text of the document ``text``, whose text codemods gave ``texts``, with
    its Python code blocks rewritten by the Python codemods; a block that cannot be read is
    a problem of the file (its line, why) and stays as it was."""
    from prefect1_migrate.pipeline import _PREFECT, FileProblem, FileResult
    from prefect1_migrate.registry import python_code_blocks

    if kind not in DOCUMENT_KINDS or _PREFECT.search(text.encode()) is None:
        return texts
    blocks = python_code_blocks(text, kind)
    if not blocks:
        return texts
    lines = text.split("\n")
    python = [c for c in processor.codemods if c.looks_at(FileKind.PYTHON, "")]
    read = [block_code(lines, block) for block in blocks]
    codes = list(read)
    block_texts: list[dict[str, str]] = []
    for block, code in zip(blocks, read, strict=True):
        scratch = FileResult(path)
        block_texts.append(dict(processor._run_python(path, code, python, scratch)))
        for problem in scratch.problems:
            line = block.first + (problem.line or 1)
            reason = problem.reason.removesuffix("; file left as it was")
            reason = f"{reason} in a Python code block, which is not read"
            result.problems.append(FileProblem(path, line, reason, problem.codemod_id))
    if not any(block_texts):
        return texts
    by_codemod = dict(texts)
    document, versions = text, []
    for codemod in processor.codemods:
        changed = [k for k, versions_of in enumerate(block_texts) if codemod.id in versions_of]
        if codemod.id not in by_codemod and not changed:
            continue
        for k in changed:
            codes[k] = block_texts[k][codemod.id]
        document = by_codemod.get(codemod.id, document)
        spliced = _spliced(document, kind, read, codes)
        if spliced is None:
            reason = f"{codemod.id} changed a Python code block as text; file left as it was"
            result.problems.append(FileProblem(path, None, reason, codemod.id))
            return []
        versions.append((codemod.id, spliced))
    return versions


def _spliced(
    document: str, kind: FileKind, read: Sequence[str], codes: Sequence[str]
) -> str | None:
    """``document`` (a text codemod's version) with its Python blocks, which must hold the
    code ``read`` from the file (text codemods do not read them), holding ``codes``; None
    when they do not."""
    from prefect1_migrate.registry import python_code_blocks

    lines = document.split("\n")
    blocks = python_code_blocks(document, kind)
    if len(blocks) != len(read):
        return None
    for block, old_code, code in reversed(list(zip(blocks, read, codes, strict=True))):
        if block_code(lines, block) != old_code:
            return None
        if code != old_code:
            lines[block.first : block.end] = put_back(lines, block, old_code, code)
    return "\n".join(lines)
