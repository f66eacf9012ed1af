"""Walking and reading the fissix tree."""

from __future__ import annotations

from prefect1_migrate.codemods._python.tree import leaves_of, source_of, syms, walk

from prefect1_migrate.python_tree import parse


def test_walk_and_leaves_of_follow_fissix_order() -> None:
    tree = parse(
        "def f(x):\n    if x:\n        return [i for i in x]\n    return None\n"
        "class C(B):\n    z = lambda y: y\n"
    )
    assert [id(node) for node in walk(tree)] == [id(node) for node in tree.pre_order()]
    assert [id(leaf) for leaf in leaves_of(tree)] == [id(leaf) for leaf in tree.leaves()]
    leaf = leaves_of(tree)[0]
    assert walk(leaf) == [leaf] and leaves_of(leaf) == [leaf]


def test_source_of_leaves_out_the_comments_and_layout_before_a_node() -> None:
    tree = parse("call(\n    # why\n    a.b(1),  # trailing\n)\n")
    argument = next(node for node in walk(tree) if node.type == syms.arglist).children[0]
    assert source_of(argument) == "a.b(1)"
    assert str(argument) == "\n    # why\n    a.b(1)"
