"""TOML task runners: ``Pipfile`` ``[scripts]``; in ``pyproject.toml`` the tasks of poethepoet
(``[tool.poe.tasks]``), taskipy, PDM, Rye and Hatch (``[tool.hatch.envs.X.scripts]``). A task
is a command string, an inline table or sub-table with ``cmd``/``shell``, or a list (Hatch:
command lines; PDM ``cmd``: an argv). Strings of every TOML form are read with the offset of
each character; markers go above the task's key (a comment inside a string would be part of
the command)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from prefect1_migrate.codemods._commands.json import escape_double_quoted, list_segments
from prefect1_migrate.codemods._commands.quoted import decode_body
from prefect1_migrate.codemods._commands.segments import Segment, ShellSegment, line_spans
from prefect1_migrate.codemods._commands.words import Mapped, Unencodable
from prefect1_migrate.codemods._toml_lines import scan_toml

#: Tables whose keys are tasks (``*`` is any one key).
_TASK_TABLES = (
    ("scripts",),
    ("tool", "poe", "tasks"),
    ("tool", "taskipy", "tasks"),
    ("tool", "pdm", "scripts"),
    ("tool", "rye", "scripts"),
    ("tool", "hatch", "envs", "*", "scripts"),
)
_COMMAND_KEYS = frozenset({"cmd", "shell"})
_ESCAPES = {
    "\\": "\\",
    '"': '"',
    "b": "\b",
    "t": "\t",
    "n": "\n",
    "f": "\f",
    "r": "\r",
    "e": "\x1b",
}
_SPACE = re.compile(r"(?:\s+|#[^\n]*)*")
_BARE_KEY = re.compile(r"[\w-]+|\"(?:[^\"\\\n]|\\.)*\"|'[^'\n]*'")


@dataclass(eq=False)
class _Value:
    kind: str  # "string", "array", "table" or "other"
    start: int
    end: int
    decoded: tuple[str, list[int]] | None = None  # a string's value and character offsets
    encoder: Callable[[str], str] | None = None  # how a string of this form writes new text
    items: list[_Value] = field(default_factory=list)  # an array's items, a table's values
    keys: list[str] = field(default_factory=list)  # an inline table's keys


def toml_scan(text: str, base: int, code_block: bool) -> list[Segment]:
    lines = text.split("\n")
    starts = [start for start, _ in line_spans(text)] or [0]
    segments: list[Segment] = []
    for entry in scan_toml(lines)[1]:
        role = _role(entry.path)
        if role is None:
            continue
        anchor = base + starts[entry.first]
        value = _value_at(text, starts[entry.first] + entry.value_start)
        if value is None:
            continue
        for command in _commands(role, value):
            segments.extend(_segments(text, command, base, anchor, code_block))
    return segments


def _commands(role: str, value: _Value) -> list[_Value]:
    """The values of a task that hold commands: a string, an inline table's ``cmd``/``shell``,
    a list's strings together (one argv or command lines) and its inline tables' commands."""
    if role == "command" or value.kind == "string":
        return [value]
    if value.kind == "table":
        return _table_commands(value)
    if value.kind != "array":
        return []
    strings = [item for item in value.items if item.kind == "string"]
    tables = [command for item in value.items for command in _table_commands(item)]
    return tables + ([_Value("array", value.start, value.end, items=strings)] if strings else [])


def _table_commands(value: _Value) -> list[_Value]:
    if value.kind != "table":
        return []
    return [item for key, item in zip(value.keys, value.items, strict=True) if key in _COMMAND_KEYS]


def _role(path: Sequence[str]) -> str | None:
    """ "task" for a task's value, "command" for a task's ``cmd``/``shell``, else None."""
    for table in _TASK_TABLES:
        size = len(table)
        if len(path) <= size or any(
            w not in ("*", p) for w, p in zip(table, path[:size], strict=True)
        ):
            continue
        rest = path[size:]
        if len(rest) == 1:
            return "task"
        if len(rest) == 2 and rest[1] in _COMMAND_KEYS:
            return "command"
    return None


def _segments(text: str, value: _Value, base: int, anchor: int, code_block: bool) -> list[Segment]:
    if value.kind == "string" and value.decoded is not None and value.encoder is not None:
        string, offsets = value.decoded
        codec = Mapped(tuple(base + offset for offset in offsets), value.encoder)
        return [ShellSegment(string, codec, code_block=code_block, anchor=anchor)]
    strings = [item for item in value.items if item.kind == "string" and item.decoded]
    if value.kind != "array" or not strings or len(strings) != len(value.items):
        return []
    items = []
    for item in strings:
        assert item.decoded is not None and item.encoder is not None
        string, offsets = item.decoded
        codec = Mapped(tuple(base + offset for offset in offsets), item.encoder)
        items.append((string, codec, base + item.start, base + item.end))
    separator = text[strings[0].end : strings[1].start] if len(strings) > 1 else ", "
    encoder = strings[0].encoder
    assert encoder is not None
    quote = text[strings[0].start]
    return list_segments(
        items, lambda word: quote + encoder(word) + quote, None, code_block, separator
    )


def _value_at(text: str, position: int) -> _Value | None:
    """The TOML value starting at ``position`` (strings, arrays and inline tables read; other
    values skipped to the next delimiter)."""
    for quote in ('"""', "'''", '"', "'"):
        if text.startswith(quote, position):
            return _string_at(text, position, quote)
    if text.startswith("[", position):
        return _container_at(text, position, "]", keyed=False)
    if text.startswith("{", position):
        return _container_at(text, position, "}", keyed=True)
    end = position
    while end < len(text) and text[end] not in ",]}#\n":
        end += 1
    return _Value("other", position, end)


def _container_at(text: str, position: int, close: str, keyed: bool) -> _Value | None:
    value = _Value("table" if keyed else "array", position, -1)
    position = _SPACE.match(text, position + 1).end()  # type: ignore[union-attr]
    while position < len(text) and text[position] != close:
        if keyed:
            key = _BARE_KEY.match(text, position)
            equals = re.compile(r"[ \t]*=[ \t]*").match(text, key.end()) if key else None
            if key is None or equals is None:
                return None
            value.keys.append(key.group().strip("\"'"))
            position = equals.end()
        item = _value_at(text, position)
        if item is None:
            return None
        value.items.append(item)
        position = _SPACE.match(text, item.end).end()  # type: ignore[union-attr]
        if text.startswith(",", position):
            position = _SPACE.match(text, position + 1).end()  # type: ignore[union-attr]
        elif position < len(text) and text[position] != close:
            return None
    if position >= len(text):
        return None
    value.end = position + 1
    return value


def _string_at(text: str, position: int, quote: str) -> _Value | None:
    body = position + len(quote)
    if len(quote) == 3 and text.startswith("\n", body):
        body += 1  # a newline right after the opening quotes is not part of the value
    close = body
    while close < len(text) and not text.startswith(quote, close):
        if text[close] == "\n" and len(quote) == 1:
            return None
        close += 2 if text[close] == "\\" and quote[0] == '"' else 1
    if close >= len(text):
        return None
    while text.startswith(quote[0], close + len(quote)) and len(quote) == 3:
        close += 1  # up to two quotes may end the body: """a"""" is 'a"'
    read = _read_basic if quote[0] == '"' else _read_literal
    decoded = decode_body(text, body, close, read)
    encoder = escape_double_quoted if quote[0] == '"' else _literal_encoder(quote)
    return _Value("string", position, close + len(quote), decoded, encoder)


def _read_basic(text: str, position: int, end: int) -> tuple[str, int] | None:
    char = text[position]
    if char != "\\":
        return char, position + 1
    following = text[position + 1 : position + 2]
    if following in _ESCAPES:
        return _ESCAPES[following], position + 2
    width = {"u": 4, "U": 8}.get(following)
    if width is not None:
        digits = text[position + 2 : position + 2 + width]
        if len(digits) == width and all(c in "0123456789abcdefABCDEF" for c in digits):
            return chr(int(digits, 16)), position + 2 + width
        return None
    rest = re.compile(r"[ \t]*\n\s*").match(text, position + 1)  # a line-ending backslash
    return ("", rest.end()) if rest else None


def _read_literal(text: str, position: int, end: int) -> tuple[str, int]:
    return text[position], position + 1


def _literal_encoder(quote: str) -> Callable[[str], str]:
    def encode(new: str) -> str:
        if "'" in new or ("\n" in new and len(quote) == 1):
            raise Unencodable(new)
        return new

    return encode
