"""The fissix tree: node types, walking it, and reading what a node is and where it sits."""

from __future__ import annotations

from collections.abc import Collection, Iterator

from fissix import pygram
from fissix.pgen2 import token
from fissix.pytree import Leaf, Node

syms = pygram.python_symbols
LN = Leaf | Node

_STATEMENT_PARENTS = {syms.file_input, syms.suite}


def walk(node: LN, skipping: Collection[int] = ()) -> list[LN]:
    """``node`` and every node under it, in pre-order: what fissix's ``node.pre_order()``
    gives, without its recursive generators (slow, and deep on long files). A list, taken
    before the caller changes anything in the tree. Nodes of a type in ``skipping`` are left
    out, with everything under them."""
    found: list[LN] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type in skipping:
            continue
        found.append(current)
        if current.children:
            stack.extend(current.children[::-1])
    return found


def leaves_of(node: LN) -> list[Leaf]:
    """The leaves under ``node`` in order (fissix's ``node.leaves()``), as a list."""
    found: list[Leaf] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, Leaf):
            found.append(current)
        else:
            stack.extend(current.children[::-1])
    return found


def root_of(node: LN) -> LN:
    while node.parent is not None:
        node = node.parent
    return node


def statement_of(node: LN) -> LN:
    """The statement (simple_stmt or compound statement) that contains ``node``."""
    while node.parent is not None and node.parent.type not in _STATEMENT_PARENTS:
        node = node.parent
    return node


def first_leaf(node: LN) -> Leaf:
    while isinstance(node, Node):
        node = node.children[0]
    return node


def dotted_text(node: LN) -> str:
    """``a.b.c`` for a NAME or dotted_name node, without whitespace or comments."""
    return "".join(leaf.value for leaf in leaves_of(node))


def is_attribute(node: LN, name: str | None) -> bool:
    """Whether ``node`` is a ``.name`` trailer (any name when ``name`` is None)."""
    return (
        node.type == syms.trailer
        and len(node.children) == 2
        and node.children[0].type == token.DOT
        and (name is None or node.children[1].value == name)
    )


def indentation_of(statement: LN) -> str:
    parent = statement.parent
    if parent is None or parent.type == syms.file_input:
        return ""
    for child in parent.children:
        if child.type == token.INDENT:
            return child.value
    return ""


def names_in(root: LN) -> Iterator[Leaf]:
    """Every NAME leaf used as a plain name: not an attribute, not a keyword argument name."""
    for leaf in leaves_of(root):
        if leaf.type != token.NAME:
            continue
        previous = leaf.prev_sibling
        if previous is not None and previous.type == token.DOT:
            continue
        parent = leaf.parent
        if parent is not None and parent.type == syms.argument and leaf is parent.children[0]:
            if len(parent.children) > 1 and parent.children[1].type == token.EQUAL:
                continue
        yield leaf


def source_of(node: LN) -> str:
    """The source of ``node`` without the whitespace and comments in front of it."""
    return str(node)[len(first_leaf(node).prefix) :]


def loop_names_over(root: LN, word: str) -> set[str]:
    """The names a ``for`` loop or comprehension binds while iterating over an expression
    whose source holds ``word`` (any case): ``f`` for ``for f in all_flows`` and
    ``[f.name for f in flows]``."""
    found: set[str] = set()
    for node in walk(root):
        if node.type not in (syms.for_stmt, syms.comp_for):
            continue
        start = 1 if node.children[0].type == token.NAME and node.children[0].value == "for" else 2
        target, iterable = node.children[start], node.children[start + 2]
        if word in str(iterable).lower():
            found.update(leaf.value for leaf in leaves_of(target) if leaf.type == token.NAME)
    return found
