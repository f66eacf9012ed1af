"""Python: command lines in string literals (f-string fields are run-time values; a
docstring is read like reStructuredText), comments, and argv list/tuple displays such as
``subprocess.run(["prefect", ...])``."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from fissix import pygram
from fissix.pgen2 import token
from fissix.pytree import Leaf, Node

from codemods._commands.docs import rst_scan
from codemods._commands.launchers import program_end
from codemods._commands.lexer import balanced_end
from codemods._commands.quoted import decode_body
from codemods._commands.segments import (
    ArgvSegment,
    Element,
    Segment,
    ShellSegment,
    blank_outside,
    list_element,
)
from codemods._commands.words import PLACEHOLDER, Identity, Mapped, Opaque, Unencodable, Word
from codemods._python.tree import leaves_of, walk
from prefect1_migrate.markers import MARKER


@dataclass(frozen=True)
class PythonSpot:
    """A place in a fissix tree holding command lines: a STRING leaf's literal (``value``;
    a docstring is read like reStructuredText), a leaf's prefix (``prefix``: comments) or a
    list/tuple display (``node``)."""

    node: Leaf | Node
    part: str
    segment: Segment

    @property
    def text(self) -> str:
        """The text the segment's offsets refer to."""
        if self.part == "value":
            return self.node.value  # type: ignore[union-attr]
        if self.part == "prefix":
            return self.node.prefix
        return str(self.node)[len(self.node.prefix) :]


def python_spots(root: Node) -> Iterator[PythonSpot]:
    nodes = walk(root)
    in_lists: set[int] = set()
    for node in nodes:
        if node.type == pygram.python_symbols.atom:
            segment = _python_argv(node)
            if segment is not None:
                in_lists.update(id(leaf) for leaf in leaves_of(node))
                yield PythonSpot(node, "node", segment)
    for leaf in nodes:
        if not isinstance(leaf, Leaf):
            continue
        if "prefect" in leaf.prefix and "#" in leaf.prefix and id(leaf) not in in_lists:
            comments = [
                (match.start(), match.end())
                for match in re.finditer(r"#[^\n]*", leaf.prefix)
                if MARKER not in match.group()
            ]
            segment = ShellSegment(blank_outside(leaf.prefix, comments), Identity(0), prose=True)
            yield PythonSpot(leaf, "prefix", segment)
        if leaf.type == token.STRING and "prefect" in leaf.value and id(leaf) not in in_lists:
            decoded = decode_python_string(leaf.value)
            if decoded is None:
                continue
            value, offsets, encoder = decoded
            codec = Mapped(offsets, encoder)
            if leaf.parent is not None and leaf.parent.type == pygram.python_symbols.simple_stmt:
                for segment in rst_scan(value, 0, False):  # a docstring: documentation
                    if isinstance(segment, ShellSegment) and segment.codec == Identity(0):
                        yield PythonSpot(
                            leaf, "value", ShellSegment(segment.value, codec, prose=True)
                        )
                continue
            prose = leaf.value.lstrip("rRbBuUfF")[:3] in ('"""', "'''")
            yield PythonSpot(leaf, "value", ShellSegment(value, codec, prose=prose))


def _python_argv(atom: Node) -> ArgvSegment | None:
    """A ``[...]``/``(...)`` display whose items start with the ``prefect`` program."""
    syms = pygram.python_symbols
    if len(atom.children) != 3 or atom.children[0].value not in ("[", "("):  # type: ignore[union-attr]
        return None
    inner = atom.children[1]
    head = [child for child in inner.children[:6] if child.type == token.STRING]
    if not any("prefect" in child.value for child in head):  # type: ignore[union-attr]
        return None
    if inner.type not in (syms.listmaker, syms.testlist_gexp) or any(
        child.type == syms.comp_for for child in inner.children
    ):
        return None
    elements: list[Element] = []
    quote = '"'
    position = 1
    for child in inner.children:
        child_text = str(child)
        if child.type != token.COMMA:
            start, end = position + len(child.prefix), position + len(child_text)
            decoded = decode_python_string(child.value) if child.type == token.STRING else None
            if decoded is None:
                starred = child.type == syms.star_expr or str(child).lstrip().startswith("*")
                word = Word(PLACEHOLDER, 0, 1, ((0, 1),), splits=starred)
                elements.append(Element(word, Opaque(start, end), start, end))
            else:
                value, offsets, encoder = decoded
                if not any(e.word.is_static for e in elements):
                    quote = child.value.lstrip("rRuUfF")[0]
                codec = Mapped(tuple(start + offset for offset in offsets), encoder)
                elements.append(list_element(value, codec, start, end, expand=False))
        position += len(child_text)
    if program_end([element.word for element in elements], "", frozenset()) is None:
        return None
    separator = ", "
    if len(elements) > 1:
        text = str(atom)[len(atom.prefix) :]
        separator = text[elements[0].raw_end : elements[1].raw_start]
    return ArgvSegment(
        tuple(elements), lambda word: _python_literal(word, quote), separator, anchor=0
    )


_PYTHON_PREFIX = re.compile(r"[rRbBuUfF]*")
_PYTHON_ESCAPES = {
    "\\": "\\", "'": "'", '"': '"', "n": "\n", "t": "\t", "r": "\r",
    "a": "\a", "b": "\b", "f": "\f", "v": "\v",
}  # fmt: skip


def decode_python_string(literal: str) -> tuple[str, tuple[int, ...], Callable[[str], str]] | None:
    """A ``str`` literal's value, the offset of each character in ``literal`` (+ end), and an
    encoder for new text; f-string fields are run-time values. None for bytes."""
    prefix = _PYTHON_PREFIX.match(literal).group().lower()  # type: ignore[union-attr]
    if "b" in prefix:
        return None
    rest = literal[len(prefix) :]
    quote = rest[:3] if rest[:3] in ('"""', "'''") else rest[:1]
    start, end = len(prefix) + len(quote), len(literal) - len(quote)
    raw, formatted = "r" in prefix, "f" in prefix

    def read(text: str, position: int, end: int) -> tuple[str, int]:
        char = text[position]
        if formatted and char in "{}" and text.startswith(char * 2, position):
            return char, position + 2
        if formatted and char == "{":
            return PLACEHOLDER, balanced_end(text, position, end)
        if char == "\\" and not raw and position + 1 < end:
            escaped = text[position + 1]
            if escaped == "\n":
                return "", position + 2
            if escaped in _PYTHON_ESCAPES:
                return _PYTHON_ESCAPES[escaped], position + 2
            return char, position + 1  # kept as written (\x.., \u...., unknown escapes)
        return char, position + 1

    decoded = decode_body(literal, start, end, read)
    assert decoded is not None  # read() reads every piece
    value, offsets = decoded

    def encode(text: str) -> str:
        if formatted:
            text = text.replace("{", "{{").replace("}", "}}")
        if raw:
            if quote[0] in text or text.endswith("\\") or (len(quote) == 1 and "\n" in text):
                raise Unencodable(text)
            return text
        text = text.replace("\\", "\\\\").replace(quote[0], "\\" + quote[0])
        return text.replace("\n", "\\n") if len(quote) == 1 else text

    return value, tuple(offsets), encode


def _python_literal(text: str, quote: str = '"') -> str:
    escaped = text.replace("\\", "\\\\").replace(quote, "\\" + quote).replace("\n", "\\n")
    return quote + escaped + quote
