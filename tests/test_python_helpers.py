"""The shared fissix helpers that every Python codemod relies on: review markers and the
binding a name resolves to."""

from __future__ import annotations

import pytest
from fissix.pgen2 import token

from codemods._python import (
    add_todo,
    binding_of,
    binding_sites,
    defining_scope,
    leaves_of,
    scope_of,
    shadowed_imports,
    walk,
)
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


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("x = 1\ndef f():\n    return x\n", ("assign", "1")),
        ("def f(x: int):\n    return x\n", ("parameter", "int")),
        ("with open('a') as x:\n    x\n", ("with", "open('a')")),
        ("x = 1\nclass C:\n    x = 2\n    def m(self):\n        return x\n", ("assign", "1")),
    ],
)
def test_a_name_resolves_to_the_binding_python_would_use(
    source: str, expected: tuple[str, str]
) -> None:
    tree = parse(source)
    use = [leaf for leaf in tree.leaves() if leaf.value == "x"][-1]
    scope = defining_scope(use)
    assert scope is not None
    sites = binding_sites(scope, "x")
    assert len(sites) == 1
    kind, value = binding_of(sites[0])
    assert (kind, str(value).strip()) == expected
    assert scope_of(use) is not None
