"""JSON-style strings and arrays (Dockerfile exec form, YAML double-quoted scalars and flow
sequences): decoding with the offset of each character, encoding new text."""

from __future__ import annotations

import json

from codemods._commands.words import Codec, Mapped

DOUBLE_QUOTED_ESCAPES = {
    "\\": "\\", '"': '"', "/": "/", "n": "\n", "t": "\t", "r": "\r", "0": "\0", " ": " ",
    "a": "\a", "b": "\b", "e": "\x1b", "f": "\f", "v": "\v", "N": "\x85", "_": "\xa0",
}  # fmt: skip


def decode_escaped(
    text: str, start: int, end: int, escapes: dict[str, str]
) -> tuple[str, list[int]] | None:
    """A backslash-escaped string body: its value and the offset of each character (+ end)."""
    chars: list[str] = []
    offsets: list[int] = []
    position = start
    while position < end:
        char = text[position]
        offsets.append(position)
        if char != "\\" or position + 1 >= end:
            chars.append(char)
            position += 1
            continue
        escaped = text[position + 1]
        width = {"x": 2, "u": 4, "U": 8}.get(escaped)
        if width is not None:
            digits = text[position + 2 : position + 2 + width]
            if len(digits) != width or any(c not in "0123456789abcdefABCDEF" for c in digits):
                return None
            chars.append(chr(int(digits, 16)))
            position += 2 + width
        elif escaped in escapes:
            chars.append(escapes[escaped])
            position += 2
        else:
            return None
    offsets.append(end)
    return "".join(chars), offsets


def split_flow(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """(start, end) of each item of a flow sequence body, whitespace trimmed."""
    items: list[tuple[int, int]] = []
    quote, item_start, position = "", start, start
    while position <= end:
        char = text[position] if position < end else ","
        if quote:
            if char == "\\" and quote == '"':
                position += 1
            elif char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char == ",":
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
