"""JSON-style strings and arrays (Dockerfile exec form, YAML double-quoted scalars and flow
sequences, JSON files): decoding with the offset of each character, encoding new text; a list
of strings as one argv or as command lines."""

from __future__ import annotations

import json
from collections.abc import Callable

from prefect1_migrate.codemods._commands.launchers import program_end
from prefect1_migrate.codemods._commands.quoted import decode_body, quoted_end
from prefect1_migrate.codemods._commands.segments import (
    ArgvSegment,
    Segment,
    ShellSegment,
    list_element,
)
from prefect1_migrate.codemods._commands.words import Codec, Mapped

DOUBLE_QUOTED_ESCAPES = {
    "\\": "\\", '"': '"', "/": "/", "n": "\n", "t": "\t", "r": "\r", "0": "\0", " ": " ",
    "a": "\a", "b": "\b", "e": "\x1b", "f": "\f", "v": "\v", "N": "\x85", "_": "\xa0",
}  # fmt: skip


def decode_escaped(
    text: str, start: int, end: int, escapes: dict[str, str]
) -> tuple[str, list[int]] | None:
    """A backslash-escaped string body: its value and the offset of each character (+ end)."""

    def read(text: str, position: int, end: int) -> tuple[str, int] | None:
        char = text[position]
        if char != "\\" or position + 1 >= end:
            return char, position + 1
        escaped = text[position + 1]
        width = {"x": 2, "u": 4, "U": 8}.get(escaped)
        if width is not None:
            digits = text[position + 2 : position + 2 + width]
            if len(digits) != width or any(c not in "0123456789abcdefABCDEF" for c in digits):
                return None
            return chr(int(digits, 16)), position + 2 + width
        if escaped in escapes:
            return escapes[escaped], position + 2
        return None

    return decode_body(text, start, end, read)


def split_flow(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """(start, end) of each item of a flow sequence body, whitespace trimmed."""
    items: list[tuple[int, int]] = []
    item_start, position = start, start
    while position <= end:
        char = text[position] if position < end else ","
        if char in "'\"":
            position = quoted_end(text, position, end)
            continue
        if char == ",":
            raw = text[item_start:position]
            left = item_start + len(raw) - len(raw.lstrip())
            right = item_start + len(raw.rstrip())
            if right > left:
                items.append((left, right))
            item_start = position + 1
        position += 1
    return items


def escape_double_quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)[1:-1]


def json_element(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def json_array(
    text: str, start: int, end: int, base: int
) -> list[tuple[str, Codec, int, int]] | None:
    """The items of a JSON array of strings at ``text[start:end]`` (Dockerfile exec form)."""
    body = text[start:end].rstrip()
    if not body.startswith("[") or not body.endswith("]"):
        return None
    items: list[tuple[str, Codec, int, int]] = []
    for item_start, item_end in split_flow(text, start + 1, start + len(body) - 1):
        if item_end - item_start < 2 or text[item_start] != '"' or text[item_end - 1] != '"':
            return None
        decoded = decode_escaped(text, item_start + 1, item_end - 1, DOUBLE_QUOTED_ESCAPES)
        if decoded is None:
            return None
        value, offsets = decoded
        codec = Mapped(tuple(base + offset for offset in offsets), escape_double_quoted)
        items.append((value, codec, base + item_start, base + item_end))
    return items or None


def list_segments(
    items: list[tuple[str, Codec, int, int]],
    encode: Callable[[str], str],
    anchor: int | None,
    code_block: bool,
    separator: str = ", ",
) -> list[Segment]:
    """An exec-form list: one argv when it starts with the program, else command lines.
    Markers go above ``anchor``'s line (None: the line of the item, or of the argv's first)."""
    elements = [list_element(value, codec, start, end) for value, codec, start, end in items]
    if program_end([element.word for element in elements], "", frozenset()) is not None:
        argv_anchor = elements[0].raw_start if anchor is None else anchor
        return [ArgvSegment(tuple(elements), encode, separator, argv_anchor, code_block)]
    return [
        ShellSegment(element.word.value, element.codec, code_block=code_block, anchor=anchor)
        for element in elements
    ]
