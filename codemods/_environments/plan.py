"""What an environment call is turned into: a :class:`Plan` built of :data:`Value` pieces.

Argument values are moved as source (:class:`Source`), never evaluated; only literals
(``None``, booleans, strings, dicts with string keys) are looked into.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from fissix.pgen2 import token
from prefect1_migrate.codemods._python.tree import LN, leaves_of, source_of, syms

SPLAT = "**"  # the keyword of a ``**mapping`` argument


class Unconvertible(Exception):
    """The call cannot be mapped mechanically; the message says why."""


@dataclass(frozen=True)
class Source:
    """An expression of the original call, moved as it is written."""

    node: LN
    text: str | None = None  # the node's source after an edit, when it was edited


@dataclass(frozen=True)
class DictValue:
    """A dict literal built from string keys and values (rendered on one line)."""

    entries: tuple[tuple[str, Value], ...]


@dataclass(frozen=True)
class CallValue:
    """``name(keyword=value, ...)``."""

    name: str
    arguments: tuple[NewArgument, ...]


Value = Source | str | DictValue | CallValue


@dataclass(frozen=True)
class NewArgument:
    keyword: str
    value: Value
    origin: LN | None = None  # the argument it comes from (its comments are kept)


@dataclass
class Plan:
    run_config: CallValue | None = None
    executor: Value | None = None
    executor_origin: LN | None = None  # the environment's own executor= argument
    imports: list[tuple[str, str]] = field(default_factory=list)  # (module, name)
    kube_cluster_factory: bool = False
    todos: list[str] = field(default_factory=list)


# --- the original call -----------------------------------------------------------------------


@dataclass(frozen=True)
class Argument:
    """An argument of the environment call, bound to its 0.15.13 parameter name."""

    name: str
    node: LN  # the whole argument (its prefix holds its layout and comments)
    value: LN


_NOT_LITERAL = object()


def shown(node: LN, strings: bool = False) -> str:
    """``node``'s source for a TODO message; ``...`` when it is long or holds string literals
    (which may be secrets) unless ``strings`` says the parameter never holds one."""
    text = " ".join(source_of(node).split())
    has_string = any(leaf.type == token.STRING for leaf in leaves_of(node))
    if len(text) > 60 or (has_string and not strings):
        return "..."
    return text


def literal_value(node: LN) -> object:
    """The value of a literal expression, or a marker object that equals no value."""
    try:
        return ast.literal_eval(source_of(node).strip())
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return _NOT_LITERAL


def dict_entries(node: LN) -> list[tuple[str, LN]] | None:
    """(key, value node) of a ``{...}`` literal whose keys are all string literals."""
    if node.type != syms.atom or node.children[0].type != token.LBRACE:
        return None
    if len(node.children) == 2:
        return []
    inner = node.children[1]
    items = inner.children if inner.type == syms.dictsetmaker else [inner]
    entries: list[tuple[str, LN]] = []
    index = 0
    while index < len(items):
        if index + 2 >= len(items) or items[index + 1].type != token.COLON:
            return None
        key = literal_value(items[index])
        if not isinstance(key, str):
            return None
        entries.append((key, items[index + 2]))
        index += 3
        if index < len(items) and items[index].type == token.COMMA:
            index += 1
    return entries
