"""Literals: reading and replacing plain string literals, recognising ``None``."""

from __future__ import annotations

import re
from collections.abc import Callable

from fissix.pgen2 import token
from fissix.pytree import Leaf
from prefect1_migrate.codemods._python.tree import LN, leaves_of, syms

_STRING_START = re.compile(r"(?P<prefix>[rRuU]?)(?P<quote>'''|\"\"\"|'|\")")


def string_value(node: LN) -> str | None:
    """The text of a plain string literal (no f/b prefix, no escapes, no implicit concatenation)."""
    if node.type != token.STRING:
        return None
    parent = node.parent
    if parent is not None and parent.type == syms.atom and parent.children[0].type == token.STRING:
        return None  # one piece of "a" "b"
    match = _STRING_START.match(node.value)
    if match is None or "\\" in node.value:
        return None
    quote = match.group("quote")
    return node.value[match.end() : len(node.value) - len(quote)]


def set_string_value(leaf: Leaf, text: str) -> None:
    """Replace the text of a plain string literal, keeping its prefix and quotes."""
    match = _STRING_START.match(leaf.value)
    assert match is not None
    quote = match.group("quote")
    if quote in text or "\\" in text:
        raise ValueError(f"cannot put {text!r} between {quote} quotes")
    leaf.value = f"{match.group('prefix')}{quote}{text}{quote}"


def rewrite_whole_strings(
    root: LN, pattern: re.Pattern[str], new_text: Callable[[re.Match[str]], str]
) -> None:
    """Every plain string literal whose whole text matches ``pattern`` gets ``new_text(match)``
    (a dotted path in a setting or a ``mock.patch`` target); strings that merely contain it,
    f-strings and byte strings are left alone."""
    for leaf in leaves_of(root):
        if leaf.type != token.STRING:
            continue
        match = pattern.fullmatch(string_value(leaf) or "")
        if match is not None:
            set_string_value(leaf, new_text(match))


def is_none(node: LN) -> bool:
    """Whether ``node`` is the literal ``None``."""
    return node.type == token.NAME and node.value == "None"
