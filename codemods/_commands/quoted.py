"""Quoted string bodies in other languages (JSON, YAML, Groovy, Python): reading one into its
value with the offset of each value character, and finding where one (or a bracketed flow
holding them) ends."""

from __future__ import annotations

from collections.abc import Callable

#: Reads the body at a position: the value found there ("" for none, e.g. a line continuation)
#: and the position after it; None when the body cannot be read.
ReadStep = Callable[[str, int, int], tuple[str, int] | None]


def decode_body(text: str, start: int, end: int, read: ReadStep) -> tuple[str, list[int]] | None:
    """The value of ``text[start:end]`` read piece by piece with ``read``, and the offset of each
    piece (+ ``end``); None when ``read`` cannot read a piece."""
    pieces: list[str] = []
    offsets: list[int] = []
    position = start
    while position < end:
        found = read(text, position, end)
        if found is None:
            return None
        piece, after = found
        if piece:
            pieces.append(piece)
            offsets.append(position)
        position = after
    offsets.append(end)
    return "".join(pieces), offsets


def quoted_end(text: str, open_at: int, end: int) -> int:
    """The position after the string whose quote is at ``open_at`` (a backslash escapes the next
    character in a double-quoted one); past ``end`` when it is not closed before ``end``."""
    quote, position = text[open_at], open_at + 1
    while position < end:
        if text[position] == "\\" and quote == '"':
            position += 2
        elif text[position] == quote:
            return position + 1
        else:
            position += 1
    return end + 1


def bracket_end(text: str, open_at: int) -> int | None:
    """The position of the bracket closing the ``[`` or ``{`` at ``open_at`` (strings inside
    skipped); None when it is not closed."""
    depth, position = 0, open_at
    while position < len(text):
        char = text[position]
        if char in "'\"":
            position = quoted_end(text, position, len(text))
            continue
        if char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
            if depth == 0:
                return position
        position += 1
    return None
