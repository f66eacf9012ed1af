"""Review markers: ``# TODO(prefect-1.0): ...`` on its own comment line above a statement."""

from __future__ import annotations

from fissix.pgen2 import token
from fissix.pytree import Leaf, Node
from prefect1_migrate.codemods._python.tree import LN, first_leaf, indentation_of, statement_of

from prefect1_migrate.markers import MARKER, unfolded_lines


def add_todo(node: LN, message: str) -> None:
    """Put ``# TODO(prefect-1.0): message`` on its own line above the statement of ``node``.

    A marker with the same message already among the comment lines right above the
    statement (folded over several lines or not) is not repeated, so a second run adds
    nothing. A long marker is folded by the engine once the codemods ran
    (``prefect1_migrate/linefit.py``).
    """
    statement = statement_of(node)
    marker = f"# {MARKER}: {message}"
    leaf = first_leaf(statement)
    if marker in _comment_lines_above(leaf):
        return
    indent = indentation_of(statement)
    indent_leaf = _indent_before(leaf)
    if indent_leaf is not None and not leaf.prefix:
        indent_leaf.prefix += f"{indent}{marker}\n"
        return
    head, newline, tail = leaf.prefix.rpartition("\n")
    if newline:
        leaf.prefix = f"{head}\n{indent}{marker}\n{tail}"
        return
    # The line's indentation may already be written by the DEDENT leaves before ``leaf``.
    carried = _whitespace_carried(leaf)
    lead = indent[len(carried) :] if indent.startswith(carried) else indent
    leaf.prefix = f"{lead}{marker}\n{indent}"


def has_todo_above(node: LN) -> bool:
    """Whether a ``TODO(prefect-1.0)`` marker, whatever its message, is among the comment
    lines right above the statement of ``node``."""
    return any(MARKER in line for line in _comment_lines_above(first_leaf(statement_of(node))))


def _previous_leaf(leaf: LN) -> Leaf | None:
    node: LN | None = leaf
    while node is not None and node.prev_sibling is None:
        node = node.parent
    if node is None:
        return None
    previous = node.prev_sibling
    while isinstance(previous, Node):
        previous = previous.children[-1]
    return previous


def _whitespace_before(leaf: Leaf) -> str:
    """The prefixes and values of the whitespace-only leaves right before ``leaf``."""
    text = ""
    previous = _previous_leaf(leaf)
    while previous is not None and not previous.value.strip():
        text = previous.prefix + previous.value + text
        previous = _previous_leaf(previous)
    return text


def _whitespace_carried(leaf: Leaf) -> str:
    """What earlier leaves already wrote on ``leaf``'s line before its own prefix."""
    return _whitespace_before(leaf).rpartition("\n")[2]


def _comment_lines_above(leaf: Leaf) -> list[str]:
    """The stripped comment lines directly above ``leaf``'s line, a folded marker as one
    line.

    fissix stores the comments above a statement in its first leaf's prefix, or, after an
    indented block, in the prefixes of the block's closing NEWLINE/DEDENT leaves.
    """
    text = _whitespace_before(leaf) + leaf.prefix
    lines: list[str] = []
    for line in reversed(text.split("\n")[:-1]):
        if not line.lstrip().startswith("#"):
            break
        lines.append(line)
    return [line.strip() for line in unfolded_lines(lines[::-1])]


def _indent_before(leaf: Leaf) -> Leaf | None:
    previous = leaf.prev_sibling
    node: LN = leaf
    while previous is None and node.parent is not None:
        node = node.parent
        previous = node.prev_sibling
    if previous is not None and previous.type == token.INDENT:
        return previous
    return None
