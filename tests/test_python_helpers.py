"""The shared fissix helpers that every Python codemod relies on for review markers."""

from __future__ import annotations

from fissix.pgen2 import token

from codemods._python.markers import add_todo
from codemods._python.names import shadowed_imports
from codemods._python.tree import leaves_of, walk
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


def test_walk_and_leaves_of_follow_fissix_order() -> None:
    tree = parse(NESTED + "class C(B):\n    z = [i for i in range(3)]\n")
    assert [id(node) for node in walk(tree)] == [id(node) for node in tree.pre_order()]
    assert [id(leaf) for leaf in leaves_of(tree)] == [id(leaf) for leaf in tree.leaves()]
    leaf = leaves_of(tree)[0]
    assert walk(leaf) == [leaf] and leaves_of(leaf) == [leaf]


def test_shadowed_imports_are_imported_names_a_parameter_or_assignment_binds() -> None:
    tree = parse(
        "import os\nfrom a import b, c, d\n"
        "def f(b):\n    return b\n"
        "class K:\n    c = 1\n"
        "g = lambda d: d\n"
        "import os\n"
    )
    bindings = {"os": "os", "b": "a.b", "c": "a.c", "d": "a.d"}
    assert shadowed_imports(tree, bindings) == {"b", "c", "d"}
