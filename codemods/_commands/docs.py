"""Markdown and reStructuredText: code blocks by language (``$ `` prompts stripped) and
inline code, each read by the scanner of its language."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from prefect1_migrate.codemods._commands.docker import dockerfile_scan
from prefect1_migrate.codemods._commands.ini import ini_scan, procfile_scan
from prefect1_migrate.codemods._commands.make import makefile_scan
from prefect1_migrate.codemods._commands.segments import (
    Segment,
    ShellSegment,
    blank_outside,
    line_spans,
    shell_scan,
)
from prefect1_migrate.codemods._commands.words import Identity
from prefect1_migrate.codemods._commands.yaml import yaml_scan

from prefect1_migrate.code_blocks import CodeBlock, code_block
from prefect1_migrate.filekinds import FileKind

_FENCE = re.compile(r"(?P<indent>[ \t]{0,3})(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^`\n]*)$")


_INLINE_CODE = re.compile(r"(?<!`)(?P<ticks>`+)(?!`)(?P<code>.+?)(?<!`)(?P=ticks)(?!`)")


_RST_DIRECTIVE = re.compile(
    r"[ \t]*\.\.[ \t]+(?:code-block|code|sourcecode|prompt)::[ \t]*(?P<language>\S*)"
)


_RST_INLINE = re.compile(r"``(?P<code>[^`]+?)``")


_PROMPT = re.compile(r"[ \t]*(?:\(\S+\)[ \t]*)?[$%][ \t]+")


_SHELL_LANGUAGES = frozenset(
    {"", "sh", "bash", "shell", "zsh", "console", "shell-session", "shellsession", "terminal"}
)


def markdown_scan(text: str, base: int, code_block: bool) -> list[Segment]:
    """Fenced and indented code blocks (fenced ones by language) and inline code spans."""
    return _doc_scan(text, base, code_block, _markdown_block, _INLINE_CODE)


_LIST_ITEM = re.compile(r"[ \t]*(?:[-*+]|\d+[.)])(?:[ \t]|$)")


def indented_block_end(text: str, lines: Sequence[tuple[int, int]], index: int) -> int | None:
    """When a Markdown indented code block starts on line ``index`` (four spaces or a tab,
    after a blank line, not continuing a list item): the index after its last code line."""

    def line(at: int) -> str:
        return text[lines[at][0] : lines[at][1]]

    if not line(index).strip() or not line(index).startswith(("    ", "\t")):
        return None
    if index > 0 and line(index - 1).strip():
        return None
    above = index - 1
    while above >= 0 and not line(above).strip():
        above -= 1
    if above >= 0 and (line(above)[:1] in (" ", "\t") or _LIST_ITEM.match(line(above))):
        return None  # a list item's (or a block's) continuation
    end = last = index
    while end < len(lines) and (not line(end).strip() or line(end).startswith(("    ", "\t"))):
        if line(end).strip():
            last = end
        end += 1
    return last + 1


def _markdown_block(text: str, lines: Sequence[tuple[int, int]], index: int) -> _CodeBlock | None:
    block = _fenced_block(text, lines, index)
    if block is not None:
        return block
    end = indented_block_end(text, lines, index)
    return None if end is None else _CodeBlock("", (index, end - 1), end)


def _fenced_block(text: str, lines: Sequence[tuple[int, int]], index: int) -> _CodeBlock | None:
    fence = _FENCE.match(text[lines[index][0] : lines[index][1]])
    if fence is None:
        return None
    marker = fence.group("fence")
    closing = index + 1
    while closing < len(lines):
        candidate = text[lines[closing][0] : lines[closing][1]].strip()
        if candidate.startswith(marker) and not candidate.strip(marker[0]):
            break
        closing += 1
    body = (index + 1, closing - 1) if closing > index + 1 else None
    return _CodeBlock(fence.group("info"), body, closing + 1)


def rst_scan(text: str, base: int, code_block: bool) -> list[Segment]:
    """Code-block directives, ``::`` literal blocks (read as shell) and inline literals."""
    return _doc_scan(text, base, code_block, _rst_block, _RST_INLINE)


def _rst_block(text: str, lines: Sequence[tuple[int, int]], index: int) -> _CodeBlock | None:
    line = text[lines[index][0] : lines[index][1]]
    directive = _RST_DIRECTIVE.match(line)
    if directive is None and not (
        line.rstrip().endswith("::") and not line.lstrip().startswith("..")
    ):
        return None
    indent = len(line) - len(line.lstrip())
    last, body = index, None
    for following in range(index + 1, len(lines)):
        content = text[lines[following][0] : lines[following][1]]
        if not content.strip():
            continue
        if len(content) - len(content.lstrip()) <= indent:
            break
        if body is None and not (directive and content.lstrip().startswith(":")):
            body = following
        last = following
    language = directive.group("language") if directive else ""
    return _CodeBlock(language, None if body is None else (body, last), last + 1)


@dataclass(frozen=True)
class _CodeBlock:
    language: str  # a fence's info string, a directive's argument ("" for ``::``)
    body: tuple[int, int] | None  # first and last line index of the code (None: no code)
    end: int  # index of the line after the block


def _doc_scan(
    text: str,
    base: int,
    code_block: bool,
    read_block: Callable[[str, Sequence[tuple[int, int]], int], _CodeBlock | None],
    inline_code: re.Pattern[str],
) -> list[Segment]:
    """The code blocks ``read_block`` finds, each read by its language's scanner, and the
    inline code of the lines outside them."""
    segments: list[Segment] = []
    inline: list[tuple[int, int]] = []
    lines = line_spans(text)
    index = 0
    while index < len(lines):
        block = read_block(text, lines, index)
        if block is None:
            start, end = lines[index]
            for match in inline_code.finditer(text, start, end):
                inline.append((match.start("code"), match.end("code")))
            index += 1
            continue
        scanner = _code_scanner(block.language)
        if scanner is not None and block.body is not None:
            body_start, body_end = lines[block.body[0]][0], lines[block.body[1]][1]
            segments.extend(scanner(text[body_start:body_end], base + body_start, True))
        index = block.end
    segments.append(
        ShellSegment(_inline_code(text, inline), Identity(base), prose=True, code_block=code_block)
    )
    return segments


def _inline_code(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """Prose blanked except inline code spans, each its own command line (the opening
    backtick, blanked anyway, becomes a ``;``)."""
    masked = list(blank_outside(text, spans))
    for start, _ in spans:
        masked[start - 1] = ";"
    return "".join(masked)


def _language(info: str) -> str:
    """The language a fence's info string or a directive's argument names (``{.python}``,
    ``python title="flow.py"``), lower case."""
    words = info.strip("{}. \t").split()
    return words[0].lower() if words else ""


_PYTHON_LANGUAGES = frozenset({"python", "py", "python3", "py3", "pycon"})


def python_code_blocks(text: str, kind: FileKind) -> list[CodeBlock]:
    """The Python code blocks of a Markdown or reST document (a fence or directive naming
    Python, ``pycon`` included, and a block of no language that is a ``>>>`` session: an
    indented block, a reST ``::`` literal block), in order."""
    read_block = _markdown_block if kind is FileKind.MARKDOWN else _rst_block
    lines = line_spans(text)
    texts = text.split("\n")
    found: list[CodeBlock] = []
    index = 0
    while index < len(lines):
        block = read_block(text, lines, index)
        if block is None:
            index += 1
            continue
        if block.body is not None:
            code = code_block(texts, block.body[0], block.body[1] + 1)
            language = _language(block.language)
            if language in _PYTHON_LANGUAGES or (not language and code.session):
                found.append(code)
        index = block.end
    return found


def _code_scanner(info: str) -> Callable[[str, int, bool], list[Segment]] | None:
    language = _language(info)
    if language in _SHELL_LANGUAGES:
        return _prompted_shell_scan
    return {
        "yaml": yaml_scan,
        "yml": yaml_scan,
        "dockerfile": dockerfile_scan,
        "docker": dockerfile_scan,
        "makefile": makefile_scan,
        "make": makefile_scan,
        "ini": ini_scan,
        "cfg": ini_scan,
        "systemd": ini_scan,
        "procfile": procfile_scan,
    }.get(language)


def _prompted_shell_scan(text: str, base: int, code_block: bool) -> list[Segment]:
    """Shell code; when some lines start with a ``$ `` prompt, only those are commands."""
    lines = line_spans(text)
    if not any(_PROMPT.match(text[start:end]) for start, end in lines):
        return shell_scan(text, base, code_block)
    keep: list[tuple[int, int]] = []
    continued = False
    for start, end in lines:
        line = text[start:end]
        prompt = _PROMPT.match(line)
        if prompt:
            keep.append((start + prompt.end(), end))
        elif continued:
            keep.append((start, end))
        continued = (prompt is not None or continued) and line.rstrip().endswith("\\")
    return [ShellSegment(blank_outside(text, keep), Identity(base), code_block=code_block)]
