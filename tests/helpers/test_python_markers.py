"""Review markers, which every Python codemod relies on: placed above the statement, at its
indentation, never repeated."""

from __future__ import annotations

from fissix.pgen2 import token
from prefect1_migrate.codemods._python.markers import add_todo

from prefect1_migrate.python_tree import parse

NESTED = """def f(x):
    if x:
        y = 1
    else:
        y = 2
    return y
"""


def _mark(source: str, name: str, message: str = "look here") -> str:
    tree = parse(source)
    leaf = next(leaf for leaf in tree.leaves() if leaf.type == token.NAME and leaf.value == name)
    add_todo(leaf, message)
    return str(tree)


def test_marker_after_a_nested_block_takes_the_statement_indentation() -> None:
    marked = _mark(NESTED, "return")
    assert marked.splitlines()[5:7] == [
        "    # TODO(prefect-1.0): look here",
        "    return y",
    ]
    assert parse(marked)  # still parses


def test_marker_on_the_first_statement_of_a_block_and_at_top_level() -> None:
    assert _mark(NESTED, "if").splitlines()[1:3] == [
        "    # TODO(prefect-1.0): look here",
        "    if x:",
    ]
    assert _mark("import os\nx = os\n", "x").splitlines() == [
        "import os",
        "# TODO(prefect-1.0): look here",
        "x = os",
    ]


def test_marker_is_not_repeated_on_a_second_run() -> None:
    for name in ("return", "if", "y"):
        once = _mark(NESTED, name)
        assert _mark(once, name) == once
