"""Adding a name to the imports, in the layout the file already has."""

from __future__ import annotations

import pytest
from prefect1_migrate.codemods._python.imports import ensure_from_import

from prefect1_migrate.python_tree import parse


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from m import a\n", "from m import a, b\n"),
        ("from m import a, c\n", "from m import a, c, b\n"),
        ("from m import (a)\n", "from m import (a, b)\n"),
        ("from m import (\n    a,\n    c,\n)\n", "from m import (\n    a,\n    c, b,\n)\n"),
        ("from m import (a, c)\n", "from m import (a, c, b)\n"),
        ('"""Doc."""\nx = 1\n', '"""Doc."""\nfrom m import b\nx = 1\n'),
        ("x = 1\n", "from m import b\nx = 1\n"),
        ("from m import b as c, b\n", "from m import b as c, b\n"),
    ],
)
def test_a_name_joins_the_import_of_its_module_or_a_new_one(source: str, expected: str) -> None:
    tree = parse(source)
    ensure_from_import(tree, "m", "b")
    assert str(tree) == expected
