"""A JSON document read with the offset of every value, for codemods that edit JSON files in
place (no JSON library keeps the bytes, the indentation, the key order or the escapes).

The reader is linear and iterative (no recursion limit on deep documents) and lenient where
editors are: ``//`` and ``/* */`` comments and trailing commas (devcontainer files are JSONC).
A document it cannot read gives ``None``: the caller then finds nothing structural in it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from prefect1_migrate.codemods._commands.json import decode_escaped

JSON_ESCAPES = {
    "\\": "\\", '"': '"', "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t",
}  # fmt: skip
_SPACE = re.compile(r"(?:\s+|//[^\n]*|/\*.*?\*/)*", re.DOTALL)
_SCALAR = re.compile(r"-?[\w.+-]+")


@dataclass(eq=False)
class JsonValue:
    """One value: ``text[start:end]`` is its source (quotes and brackets included)."""

    kind: str  # "object", "array", "string" or "scalar"
    start: int
    end: int = -1
    keys: list[JsonValue] = field(default_factory=list)  # an object's keys (strings)
    items: list[JsonValue] = field(default_factory=list)  # an object's values, an array's items

    def decoded(self, text: str) -> tuple[str, list[int]] | None:
        """A string's value and the offset of each of its characters (+ the end)."""
        if self.kind != "string":
            return None
        return decode_escaped(text, self.start + 1, self.end - 1, JSON_ESCAPES)

    def string(self, text: str) -> str | None:
        decoded = self.decoded(text)
        return decoded[0] if decoded is not None else None

    def members(self) -> Iterator[tuple[JsonValue, JsonValue]]:
        """(key, value) of an object's members, in order."""
        return zip(self.keys, self.items, strict=True)

    def member(self, text: str, name: str) -> JsonValue | None:
        """The value of an object's member ``name`` (the first one)."""
        return next((value for key, value in self.members() if key.string(text) == name), None)


@lru_cache(maxsize=4)
def parse_json(text: str) -> JsonValue | None:
    """The document's top value, or None when ``text`` is not (lenient) JSON."""
    # Per open container, what may come next: "item" (a value, or a key in an object; or the
    # end), "colon", "value" (after a colon), "next" (a comma or the end).
    stack: list[tuple[JsonValue, str]] = []
    top: JsonValue | None = None
    position = _SPACE.match(text, 0).end()  # type: ignore[union-attr]
    while position < len(text):
        char = text[position]
        container, state = stack[-1] if stack else (None, "item")
        if container is None and top is not None:
            return None  # text after the document
        if char in "]}":
            closing = "}" if container is not None and container.kind == "object" else "]"
            if container is None or char != closing or state not in ("item", "next"):
                return None
            container.end = position + 1
            stack.pop()
            _done(stack)
            position += 1
        elif char in ",:":
            if container is None or state != ("next" if char == "," else "colon"):
                return None
            stack[-1] = (container, "item" if char == "," else "value")
            position += 1
        else:
            value = _value_at(text, position)
            if value is None or state not in ("item", "value"):
                return None
            if container is None:
                top = value
            elif container.kind == "object" and state == "item":
                if value.kind != "string":
                    return None
                container.keys.append(value)
                stack[-1] = (container, "colon")
            else:
                container.items.append(value)
            if value.kind in ("object", "array"):
                stack.append((value, "item"))
                position += 1
            else:
                if container is not None and stack[-1][1] != "colon":
                    _done(stack)
                position = value.end
        position = _SPACE.match(text, position).end()  # type: ignore[union-attr]
    return top if not stack else None


def _done(stack: list[tuple[JsonValue, str]]) -> None:
    """A value of the innermost open container is complete."""
    if stack:
        stack[-1] = (stack[-1][0], "next")


def _value_at(text: str, position: int) -> JsonValue | None:
    """The value starting at ``position``: a complete string or scalar, or an open container."""
    char = text[position]
    if char == "{":
        return JsonValue("object", position)
    if char == "[":
        return JsonValue("array", position)
    if char == '"':
        end = position + 1
        while end < len(text) and text[end] != '"':
            if text[end] == "\n":
                return None
            end += 2 if text[end] == "\\" else 1
        return JsonValue("string", position, end + 1) if end < len(text) else None
    scalar = _SCALAR.match(text, position)
    return JsonValue("scalar", position, scalar.end()) if scalar else None


def walk(value: JsonValue) -> Iterator[JsonValue]:
    """Every value of the document, containers before what they hold."""
    pending = [value]
    while pending:
        current = pending.pop()
        yield current
        pending.extend(reversed(current.items))
