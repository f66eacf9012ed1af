"""Removing and inserting whole statements, keeping the layout around them."""

from __future__ import annotations

from fissix.pgen2 import token
from fissix.pytree import Leaf
from prefect1_migrate.codemods._python.snippets import parse_statement
from prefect1_migrate.codemods._python.tree import LN, first_leaf, indentation_of, syms


def remove_statement(statement: LN) -> None:
    """Remove a statement, keeping the comments that stood above it.

    When it is the first statement of a block, the block's INDENT leaf already indents the
    statement that moves up into its place, so that one loses its own indentation (and the
    blank lines above it).
    """
    comments = first_leaf(statement).prefix
    previous, following = statement.prev_sibling, statement.next_sibling
    statement.remove()
    if following is None:
        return
    next_leaf = first_leaf(following)
    if previous is not None and previous.type == token.INDENT:
        next_leaf.prefix = next_leaf.prefix.lstrip(" \t\n")  # no blank first line either
    if comments.strip():
        next_leaf.prefix = comments + next_leaf.prefix.lstrip(" \t")


def remove_statement_or_pass(statement: LN) -> None:
    """Remove a statement (:func:`remove_statement`); a block it would leave empty keeps the
    statement's line as ``pass``."""
    parent = statement.parent
    if parent is not None and parent.type == syms.suite:
        others = [c for c in parent.children if c is not statement and c.type not in _LAYOUT_TOKENS]
        if not others:
            for child in list(statement.children):
                if child.type != token.NEWLINE:
                    child.remove()
            statement.insert_child(0, Leaf(token.NAME, "pass"))
            return
    remove_statement(statement)


_LAYOUT_TOKENS = (token.NEWLINE, token.INDENT, token.DEDENT)


def insert_statement_after(statement: LN, code: str) -> LN:
    """Parse ``code`` (one line, no indentation) and insert it after ``statement``."""
    indent = indentation_of(statement)
    new = parse_statement(code)
    first_leaf(new).prefix = indent
    parent = statement.parent
    assert parent is not None
    parent.insert_child(parent.children.index(statement) + 1, new)
    return new


def insert_statement_before(statement: LN, code: str) -> LN:
    """Parse ``code`` (one line, no indentation) and insert it before ``statement``."""
    new = parse_statement(code)
    leaf = first_leaf(statement)
    first_leaf(new).prefix = leaf.prefix
    leaf.prefix = indentation_of(statement)
    parent = statement.parent
    assert parent is not None
    parent.insert_child(parent.children.index(statement), new)
    return new
