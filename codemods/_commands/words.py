"""Shell words and codecs: a word's value with where each character came from, and how a
segment's value maps back to the file text (and how new text is written there)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

#: Stands for one run-time part of a word (``$VAR``, ``$(cmd)``, ``{{ x }}``, an f-string field).
PLACEHOLDER = "\ue000"


class Unencodable(Exception):
    """New text cannot be written at that place (e.g. ``: `` inside a plain YAML scalar)."""


@dataclass(frozen=True)
class Word:
    """One shell word: its value (quotes removed) and where each value character came from.

    Offsets are in the coordinates of the segment value the word was read from.
    """

    value: str
    start: int
    end: int
    spans: tuple[tuple[int, int], ...]
    broken: bool = False  # an unterminated quote
    subs: tuple[tuple[int, int], ...] = ()  # command substitutions inside the word
    quote: str = ""  # the quote character the word starts with, if any
    splits: bool = False  # an unquoted expansion alone (``$ARGS``): any number of words

    @property
    def is_static(self) -> bool:
        return PLACEHOLDER not in self.value

    def value_span(self, begin: int, end: int) -> tuple[int, int]:
        """Segment offsets of the value characters ``[begin, end)``."""
        if begin == end:
            at = self.spans[begin][0] if begin < len(self.spans) else self.end
            return at, at
        return self.spans[begin][0], self.spans[end - 1][1]


class Codec(Protocol):
    """Maps offsets of a segment's value to offsets of the file text, and encodes new text."""

    def raw(self, offset: int) -> int: ...

    def encode(self, text: str) -> str: ...


@dataclass(frozen=True)
class Identity:
    """A segment whose value is the file text from ``base`` on (masking keeps lengths)."""

    base: int
    forbidden: re.Pattern[str] | None = None

    def raw(self, offset: int) -> int:
        return self.base + offset

    def encode(self, text: str) -> str:
        if self.forbidden is not None and self.forbidden.search(text):
            raise Unencodable(text)
        return text


@dataclass(frozen=True)
class Mapped:
    """A decoded string: ``offsets[i]`` is where value character ``i`` starts in the file
    (``offsets[len(value)]`` is where the value ends)."""

    offsets: tuple[int, ...]
    encoder: Callable[[str], str]

    def raw(self, offset: int) -> int:
        return self.offsets[offset]

    def encode(self, text: str) -> str:
        return self.encoder(text)


@dataclass(frozen=True)
class Opaque:
    """A run-time list item (a Python expression): it can be moved, never edited inside."""

    start: int
    end: int

    def raw(self, offset: int) -> int:
        return self.start if offset == 0 else self.end

    def encode(self, text: str) -> str:
        raise Unencodable(text)
