"""Source text parsed into a detached node, ready to be put into a tree."""

from __future__ import annotations

from prefect1_migrate.codemods._python.tree import LN

from prefect1_migrate.python_tree import parse


def parse_statement(code: str) -> LN:
    """The first statement of ``code`` (a simple statement or a whole ``def``/``class``)."""
    return _detached(parse(code.rstrip("\n") + "\n").children[0])


def parse_expression(code: str) -> LN:
    """The expression ``code`` (it may span lines)."""
    parenthesized = parse(f"({code})\n").children[0].children[0]
    return _detached(parenthesized.children[1])


def parse_call_trailer(code: str) -> LN:
    """The call trailer ``code``: ``(arguments)``."""
    return _detached(parse(f"f{code}\n").children[0].children[0].children[1])


def parse_argument(code: str) -> LN:
    """The call argument ``code``: ``name=value``, ``*args``, ``**kwargs`` or a value."""
    trailer = parse(f"f({code})\n").children[0].children[0].children[1]
    return _detached(trailer.children[1])


def _detached(node: LN) -> LN:
    node.remove()
    return node
