"""Removing and inserting whole statements, keeping the layout around them."""

from __future__ import annotations

from fissix.pgen2 import token

from codemods._python.snippets import parse_statement
from codemods._python.tree import LN, first_leaf, indentation_of


def remove_statement(statement: LN) -> None:
    """Remove a statement, keeping the comments that stood above it.

    When it is the first statement of a block, the block's INDENT leaf already indents the
    statement that moves up into its place, so that one loses its own indentation.
    """
    comments = first_leaf(statement).prefix
    previous, following = statement.prev_sibling, statement.next_sibling
    statement.remove()
    if following is None:
        return
    next_leaf = first_leaf(following)
    if previous is not None and previous.type == token.INDENT:
        next_leaf.prefix = next_leaf.prefix.lstrip(" \t")
    if comments.strip():
        next_leaf.prefix = comments + next_leaf.prefix.lstrip(" \t")


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
