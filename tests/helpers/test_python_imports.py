"""Finding the import statements of a file; adding a name to the imports, in the layout the
file already has."""

from __future__ import annotations

import pytest
from prefect1_migrate.codemods._python.imports import ensure_from_import, import_statements
from prefect1_migrate.codemods._python.tree import syms, walk

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


_IMPORTS_EVERYWHERE = """\
import a
if a: import b
try:
    from c import d
except ImportError:
    import e as f
else:
    pass
finally:
    import g
while a:
    import h; import i
for x in a:
    import j
else:
    import k
with a as y, a:
    from . import l
@a
def m():
    import n

    class O:
        from p import (
            q,
        )

        async def r():
            import s
            async with a:
                import t
            async for u in a:
                import v
value = [__import__("w") for _ in a] or (lambda: a)()
"""


def test_import_statements_are_every_import_in_walk_order() -> None:
    """In blocks, functions, classes, one-line compound statements: the nodes a full walk
    finds, in the same order (the walk that only visits statements must miss none)."""
    tree = parse(_IMPORTS_EVERYWHERE)
    expected = [node for node in walk(tree) if node.type in (syms.import_name, syms.import_from)]
    assert len(expected) == 15
    assert import_statements(tree) == expected
