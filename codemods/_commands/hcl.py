"""Terraform (HCL): ``command``/``args``/``entrypoint`` attributes of container definitions
(Kubernetes, ECS ``jsonencode(...)``, Nomad, Docker), as a string or a list whose items are
strings or expressions (``var.token`` is a run-time value); container definitions written as
JSON in a heredoc are read as JSON. ``${...}``/``%{...}`` templates are run-time values.
Markers go above the attribute's line; for a heredoc, above the line that opens it."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from prefect1_migrate.codemods._commands.json import list_segments, split_flow
from prefect1_migrate.codemods._commands.jsonfile import json_scan
from prefect1_migrate.codemods._commands.lexer import balanced_end
from prefect1_migrate.codemods._commands.quoted import decode_body
from prefect1_migrate.codemods._commands.segments import (
    Element,
    Segment,
    ShellSegment,
    line_spans,
    list_element,
)
from prefect1_migrate.codemods._commands.words import PLACEHOLDER, Codec, Mapped, Opaque

_ATTRIBUTE = re.compile(
    r"(?:^|(?<=[{,]))[ \t]*\"?(?:command|args|entrypoint|entryPoint|entry_point|cmd)\"?"
    r"[ \t]*[=:][ \t]*(?=[\[\"])",
    re.MULTILINE,
)
_HEREDOC_OPENING = re.compile(r"<<-?[ \t]*(\w+)[ \t]*$")
_ESCAPES = {"\\": "\\", '"': '"', "n": "\n", "t": "\t", "r": "\r"}


def hcl_scan(text: str, base: int, code_block: bool) -> list[Segment]:
    segments: list[Segment] = []
    masked = list(text)
    lines = line_spans(text)
    for opening, (first, last) in heredocs([text[start:end] for start, end in lines]).items():
        body_start, body_end = lines[first][0], lines[last][1]
        anchor = base + lines[opening][0]
        for segment in json_scan(text[body_start:body_end], base + body_start, code_block):
            segments.append(replace(segment, anchor=anchor))
        masked[body_start:body_end] = " " * (body_end - body_start)
    scanned = _without_comments("".join(masked), 0, len(text))
    for attribute in _ATTRIBUTE.finditer(scanned):
        anchor = base + text.rfind("\n", 0, attribute.start() + 1) + 1
        segments.extend(
            _attribute_segments(text, scanned, attribute.end(), base, anchor, code_block)
        )
    return segments


def heredocs(lines: Sequence[str]) -> dict[int, tuple[int, int]]:
    """Per line opening a heredoc (``<<EOF``, ``<<-EOF``), the first and last line of its
    body (a marker there would be part of the string)."""
    found: dict[int, tuple[int, int]] = {}
    index = 0
    while index < len(lines):
        opening = _HEREDOC_OPENING.search(lines[index])
        if opening is None:
            index += 1
            continue
        closing = index + 1
        while closing < len(lines) and lines[closing].strip() != opening.group(1):
            closing += 1
        if closing > index + 1 and closing < len(lines):
            found[index] = (index + 1, closing - 1)
        index = closing + 1
    return found


def _attribute_segments(
    text: str, scanned: str, at: int, base: int, anchor: int, code_block: bool
) -> list[Segment]:
    """The command at ``text[at]``; ``scanned`` is ``text`` without comments and heredocs."""
    if text[at] == '"':
        string = _string(text, at, base)
        if string is None:
            return []
        return [ShellSegment(string[0], string[1], code_block=code_block, anchor=anchor)]
    close = _list_end(scanned, at)
    if close is None:
        return []
    items: list[Element] = []
    for start, end in split_flow(scanned, at + 1, close):
        raw = text[start:end]
        string = _string(text, start, base) if raw.startswith('"') else None
        if string is not None and string[2] == end:
            items.append(list_element(string[0], string[1], base + start, base + end, False))
        elif raw.startswith('"'):
            return []
        else:
            items.append(list_element(PLACEHOLDER, Opaque(base + start, base + end), 0, 0))
    return list_segments(
        [(item.word.value, item.codec, item.raw_start, item.raw_end) for item in items],
        _element,
        anchor,
        code_block,
    )


def _element(word: str) -> str:
    return '"' + _encode(word) + '"'


def _string(text: str, at: int, base: int) -> tuple[str, Codec, int] | None:
    """The HCL string at ``text[at]`` (a quote): value, codec and the offset after it."""
    close = at + 1
    while close < len(text) and text[close] != '"':
        if text[close] == "\n":
            return None
        close += 2 if text[close] == "\\" else 1
    decoded = decode_body(text, at + 1, close, _read)
    if close >= len(text) or decoded is None:
        return None
    value, offsets = decoded
    return value, Mapped(tuple(base + offset for offset in offsets), _encode), close + 1


def _read(text: str, position: int, end: int) -> tuple[str, int] | None:
    char = text[position]
    if text.startswith(("$${", "%%{"), position):
        return char + "{", position + 3
    if text.startswith(("${", "%{"), position):
        return PLACEHOLDER, balanced_end(text, position + 1, end)
    if char != "\\":
        return char, position + 1
    escaped = text[position + 1 : position + 2]
    if escaped in _ESCAPES:
        return _ESCAPES[escaped], position + 2
    return None


def _encode(new: str) -> str:
    escaped = new.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return escaped.replace("${", "$${").replace("%{", "%%{")


def _without_comments(text: str, start: int, end: int) -> str:
    """``text`` with the ``#``/``//`` comments between ``start`` and ``end`` blanked (outside
    strings), so that splitting a list at its commas never reads a comment."""
    chars = list(text)
    position = start
    while position < end:
        if text[position] == '"':
            position = _string_end(text, position, end)
        elif text[position] == "#" or text.startswith("//", position):
            line_end = text.find("\n", position, end)
            line_end = end if line_end < 0 else line_end
            chars[position:line_end] = " " * (line_end - position)
            position = line_end
        else:
            position += 1
    return "".join(chars)


def _list_end(text: str, open_at: int) -> int | None:
    """The offset of the ``]`` closing the list at ``open_at`` (strings respected)."""
    depth, position = 0, open_at
    while position < len(text):
        char = text[position]
        if char == '"':
            position = _string_end(text, position, len(text))
            continue
        depth += (char in "[({") - (char in "])}")
        if depth == 0:
            return position if char == "]" else None
        position += 1
    return None


def _string_end(text: str, position: int, end: int) -> int:
    position += 1
    while position < end and text[position] != '"':
        position += 2 if text[position] == "\\" else 1
    return position + 1
