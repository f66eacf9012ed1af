"""Segments: the parts of a file that hold command lines (shell text or an argv list), and
the masking helpers the per-format scanners cut them out with."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from prefect1_migrate.codemods._commands.words import PLACEHOLDER, Codec, Identity, Word

_EXPANSION = re.compile(r"\$(?:\{[^}]*\}|\([^)]*\)|[A-Za-z_]\w*)")


@dataclass(frozen=True)
class ShellSegment:
    """Text holding shell command lines."""

    value: str
    codec: Codec
    make: bool = False  # Makefile syntax: ``$$`` is a shell ``$``, ``$(X)`` a make variable
    prose: bool = False  # quotes never span lines (comments, docstrings)
    code_block: bool = False  # inside a Markdown/reST code block
    anchor: int | None = None  # markers go above this file offset's line, not the command's
    note: str | None = None  # a review message for every rewrite of its commands


@dataclass(frozen=True)
class Element:
    """One item of an argv list (JSON array, YAML sequence, Python list)."""

    word: Word  # offsets relative to the element's value
    codec: Codec
    raw_start: int
    raw_end: int


@dataclass(frozen=True)
class ArgvSegment:
    """A list whose items are the argv of one command, program first."""

    elements: tuple[Element, ...]
    encode_element: Callable[[str], str]
    separator: str
    anchor: int  # file offset on the line a review marker goes above
    code_block: bool = False
    split: int = 0  # elements before it are another list's (``command:`` of ``args:``): only
    # edits inside their words reach them; ``separator``/``encode_element`` are the last list's
    note: str | None = None  # a review message for every rewrite of its command


Segment = ShellSegment | ArgvSegment


def list_element(
    value: str, codec: Codec, raw_start: int, raw_end: int, expand: bool = True
) -> Element:
    """A list item as a word; with ``expand``, ``$VAR``/``${VAR}``/``$(VAR)`` are run-time."""
    chars: list[str] = []
    spans: list[tuple[int, int]] = []
    position = 0
    for match in _EXPANSION.finditer(value) if expand else ():
        chars.extend(value[position : match.start()])
        spans.extend((i, i + 1) for i in range(position, match.start()))
        chars.append(PLACEHOLDER)
        spans.append((match.start(), match.end()))
        position = match.end()
    chars.extend(value[position:])
    spans.extend((i, i + 1) for i in range(position, len(value)))
    word = Word("".join(chars), 0, len(value), tuple(spans))
    return Element(word, codec, raw_start, raw_end)


def line_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every line of ``text``, without the newline."""
    result, start = [], 0
    while start < len(text):
        end = text.find("\n", start)
        if end < 0:
            result.append((start, len(text)))
            break
        result.append((start, end))
        start = end + 1
    return result


def blank_outside(text: str, keep: Sequence[tuple[int, int]]) -> str:
    """``text`` with everything outside ``keep`` blanked (newlines stay)."""
    pieces, position = [], 0
    for start, end in sorted(keep):
        start = max(start, position)
        if end <= start:
            continue
        pieces.append(_blank(text[position:start]))
        pieces.append(text[start:end])
        position = end
    pieces.append(_blank(text[position:]))
    return "".join(pieces)


def _blank(text: str) -> str:
    """``text`` with every character but newlines turned into a space."""
    return "\n".join(" " * len(line) for line in text.split("\n"))


def is_comment_line(line: str) -> bool:
    return line.lstrip().startswith("#")


def shell_scan(text: str, base: int, code_block: bool) -> list[Segment]:
    """Shell scripts: the whole text is one segment."""
    return [ShellSegment(text, Identity(base), code_block=code_block)]
