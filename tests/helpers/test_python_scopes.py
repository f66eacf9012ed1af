"""Which binding a name refers to, by Python's scoping rules read off the tree."""

from __future__ import annotations

import pytest
from prefect1_migrate.codemods._python.scopes import (
    binding_of,
    binding_sites,
    defining_scope,
    scope_of,
)

from prefect1_migrate.python_tree import parse


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
