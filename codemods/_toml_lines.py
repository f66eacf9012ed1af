"""The layout of a TOML text, line by line: which lines hold which table and which key/value
entry, and the columns of each key and value.

Only a layout: values are not interpreted (read them with a TOML reader), so that a codemod can
edit a setting in place and leave every other line, comment and blank byte-identical.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

_KEY_PART = r"(?:[A-Za-z0-9_-]+|\"(?:[^\"\\]|\\.)*\"|'[^']*')"
_DOTTED_KEY = rf"{_KEY_PART}(?:[ \t]*\.[ \t]*{_KEY_PART})*"
_TOML_HEADER = re.compile(rf"\s*(\[\[?)\s*({_DOTTED_KEY})\s*\]\]?\s*(?:#.*)?$")
_TOML_KEY_VALUE = re.compile(rf"\s*({_DOTTED_KEY})[ \t]*=[ \t]*")


def _key_parts(dotted: str) -> tuple[str, ...]:
    parts = []
    for match in re.finditer(_KEY_PART, dotted):
        part = match.group(0)
        parts.append(part[1:-1] if part[0] in "\"'" else part)
    return tuple(parts)


@dataclass(frozen=True)
class TomlTable:
    path: tuple[str, ...]  # () for the root table
    header: int | None  # line of ``[path]``; None for the root table
    end: int  # the line after its body
    is_array: bool


@dataclass(frozen=True)
class TomlEntry:
    table: TomlTable
    key: tuple[str, ...]  # the (dotted) key as written, unquoted
    first: int  # lines [first, end) hold the key and its value
    end: int
    key_span: tuple[int, int]  # columns of the key on line ``first``
    value_start: int  # column where the value starts on line ``first``

    @property
    def path(self) -> tuple[str, ...]:
        return self.table.path + self.key


def scan_toml(lines: Sequence[str]) -> tuple[list[TomlTable], list[TomlEntry]]:
    """Tables and key/value entries of a TOML text, with the lines each occupies.

    Only a layout: values are not interpreted (read them with a TOML reader); multi-line strings,
    arrays and inline tables are skipped over so that their contents are never taken for keys.
    """
    headers: list[tuple[int, tuple[str, ...], bool]] = []
    raw_entries: list[tuple[int, int, int, int, int, tuple[str, ...]]] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        header = _TOML_HEADER.match(line)
        if header:
            headers.append((index, _key_parts(header.group(2)), header.group(1) == "[["))
            index += 1
            continue
        key_value = _TOML_KEY_VALUE.match(line)
        if key_value:
            end = _toml_value_end(lines, index, key_value.end())
            raw_entries.append(
                (index, end, key_value.start(1), key_value.end(1), key_value.end(),
                 _key_parts(key_value.group(1)))
            )  # fmt: skip
            index = end
            continue
        index += 1
    tables = [TomlTable((), None, headers[0][0] if headers else len(lines), False)]
    for position, (line, path, is_array) in enumerate(headers):
        end = headers[position + 1][0] if position + 1 < len(headers) else len(lines)
        tables.append(TomlTable(path, line, end, is_array))
    entries = []
    for first, end, key_start, key_end, value_start, key in raw_entries:
        table = next(
            t for t in reversed(tables) if (t.header is None or t.header < first) and first < t.end
        )
        entries.append(TomlEntry(table, key, first, end, (key_start, key_end), value_start))
    return tables, entries


def _toml_value_end(lines: Sequence[str], index: int, column: int) -> int:
    """The line after the value that starts at ``lines[index][column]``."""
    depth = 0
    string: str | None = None  # the delimiter of the string being read
    line_no, position = index, column
    while line_no < len(lines):
        text = lines[line_no]
        while position < len(text):
            char = text[position]
            if string is not None:
                if char == "\\" and string in ('"', '"""'):
                    position += 2
                    continue
                if text.startswith(string, position):
                    position += len(string)
                    string = None
                    continue
                position += 1
                continue
            if char == "#":
                break
            if text.startswith('"""', position) or text.startswith("'''", position):
                string = text[position : position + 3]
                position += 3
                continue
            if char in "\"'":
                string = char
            elif char in "[{":
                depth += 1
            elif char in "]}":
                depth -= 1
            position += 1
        if string in ('"', "'"):
            string = None  # single-line strings end with their line
        if depth <= 0 and string is None:
            return line_no + 1
        line_no, position = line_no + 1, 0
    return len(lines)
