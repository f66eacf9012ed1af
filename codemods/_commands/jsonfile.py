"""JSON files: the values of command keys. ``package.json``/``composer.json`` ``scripts``,
ECS task definitions' ``command``/``entryPoint``, devcontainer ``postCreateCommand`` and the
other ``...Command`` keys, Docker's ``Cmd``/``Entrypoint``, ``args``: a string is a command
line, a list of strings one argv (when it starts with the program) or one command line per
item, an object (``scripts``, a devcontainer's parallel commands) each of its values."""

from __future__ import annotations

import re

from prefect1_migrate.codemods._commands.json import (
    escape_double_quoted,
    json_element,
    list_segments,
)
from prefect1_migrate.codemods._commands.segments import Segment, ShellSegment
from prefect1_migrate.codemods._commands.words import Codec, Mapped
from prefect1_migrate.codemods._json_document import JsonValue, parse_json, walk

_COMMAND_KEY = re.compile(
    r"(?i:command|commands|cmd|entrypoint|args|script|scripts|run)|\w+Command", re.ASCII
)


def json_scan(text: str, base: int, code_block: bool) -> list[Segment]:
    """Command values of a JSON document; a document that does not read as JSON has none."""
    document = parse_json(text)
    if document is None:
        return []
    segments: list[Segment] = []
    taken: set[int] = set()  # a value is read once, also when two command keys hold it
    for value in walk(document):
        if value.kind != "object":
            continue
        for key, member in value.members():
            name = key.string(text)
            if name is None or not _COMMAND_KEY.fullmatch(name):
                continue
            values = member.items if member.kind == "object" else [member]
            for command in values:
                if command.start not in taken:
                    taken.add(command.start)
                    segments.extend(_command_segments(text, command, base, code_block))
    return segments


def _command_segments(text: str, value: JsonValue, base: int, code_block: bool) -> list[Segment]:
    if value.kind == "string":
        string = _string(text, value, base)
        return [] if string is None else [ShellSegment(*string[:2], code_block=code_block)]
    if value.kind != "array" or not value.items:
        return []
    strings = [_string(text, item, base) for item in value.items]
    if any(string is None for string in strings):
        return []
    separator = ", "
    if len(value.items) > 1:
        separator = text[value.items[0].end : value.items[1].start]
    items = [string for string in strings if string is not None]
    return list_segments(items, json_element, None, code_block, separator)


def _string(text: str, value: JsonValue, base: int) -> tuple[str, Codec, int, int] | None:
    """A JSON string value: (value, codec, raw start, raw end)."""
    decoded = value.decoded(text)
    if decoded is None:
        return None
    string, offsets = decoded
    codec = Mapped(tuple(base + offset for offset in offsets), escape_double_quoted)
    return string, codec, base + value.start, base + value.end
