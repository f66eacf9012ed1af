"""Edge cases of the Python-side "Additional changes" and "Python 3.6" codemods that golden
cases would spell out one file at a time: python_requires specifiers and image tags."""

from __future__ import annotations

import pytest

from codemods import python36_setup_py
from prefect1_migrate.codemod import MigrationOptions, SourceFile
from prefect1_migrate.filekinds import FileKind
from prefect1_migrate.markers import MARKER
from prefect1_migrate.python_tree import parse

SETUP = 'setup(install_requires=["prefect==0.15.13"], python_requires="{spec}")\n'
SETUP_PY = SourceFile("setup.py", FileKind.PYTHON, MigrationOptions())


def _setup_py(spec: str) -> str:
    tree = parse(SETUP.format(spec=spec))
    python36_setup_py.rewrite(tree, SETUP_PY)
    return str(tree)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (">=3.6", ">=3.7"),
        (">=3.6, <4", ">=3.7, <4"),
        (">=3.6,<4", ">=3.7,<4"),
        ("~=3.6", "~=3.7"),
        ("~=3.5", "~=3.7"),
        (">=3.6.1", ">=3.7"),
        (">3.5", ">=3.7"),
        (">=3", ">=3.7"),
        (">=3.6,!=3.6.0", ">=3.7,!=3.6.0"),
        (">=2.7, !=3.0.*, !=3.1.*", ">=3.7, !=3.0.*, !=3.1.*"),
        ("<4", ">=3.7, <4"),
        (">=3.6.0,<3.10", ">=3.7,<3.10"),
    ],
)
def test_python_requires_gets_a_37_lower_bound(old: str, new: str) -> None:
    assert _setup_py(old) == SETUP.format(spec=new)


@pytest.mark.parametrize("spec", [">=3.7", ">=3.8, <3.11", "~=3.9", ">=3.7.2"])
def test_python_requires_without_36_is_left_alone(spec: str) -> None:
    assert _setup_py(spec) == SETUP.format(spec=spec)


@pytest.mark.parametrize("spec", ["==3.6.*", "~=3.6.1", "<3.7", "==3.6.9", "python3"])
def test_python_requires_that_cannot_be_widened_is_flagged(spec: str) -> None:
    migrated = _setup_py(spec)
    assert migrated.startswith(f"# {MARKER}: python_requires '{spec}' cannot be widened")
    assert migrated.endswith(SETUP.format(spec=spec))


def test_setup_py_that_does_not_mention_prefect_is_left_alone() -> None:
    tree = parse('setup(name="tooling", python_requires=">=3.6")\n')
    python36_setup_py.rewrite(tree, SETUP_PY)
    assert str(tree) == 'setup(name="tooling", python_requires=">=3.6")\n'
