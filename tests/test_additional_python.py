"""Edge cases of the Python-side "Additional changes" and "Python 3.6" codemods that golden
cases would spell out one file at a time: python_requires specifiers and image tags."""

from __future__ import annotations

import pytest

from codemods import python36_setup_py
from prefect1_migrate.codemod import MigrationOptions
from prefect1_migrate.markers import MARKER
from prefect1_migrate.python_tree import QueryRunner, parse


def _setup_py(spec: str) -> str:
    tree = parse(f'setup(name="flows", python_requires="{spec}")\n')
    QueryRunner(python36_setup_py.build_queries(MigrationOptions())).apply(tree, "setup.py")
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
        ("==3.*", ">=3.7, ==3.*"),
        ("", ">=3.7"),
        (">=3.6.0,<3.10", ">=3.7,<3.10"),
    ],
)
def test_python_requires_gets_a_37_lower_bound(old: str, new: str) -> None:
    assert _setup_py(old) == f'setup(name="flows", python_requires="{new}")\n'


@pytest.mark.parametrize("spec", [">=3.7", ">=3.8, <3.11", "~=3.9", ">=3.7.2"])
def test_python_requires_without_36_is_left_alone(spec: str) -> None:
    assert _setup_py(spec) == f'setup(name="flows", python_requires="{spec}")\n'


@pytest.mark.parametrize("spec", ["==3.6.*", "~=3.6.1", "<3.7", "==3.6.9"])
def test_python_requires_that_only_allows_36_is_flagged(spec: str) -> None:
    migrated = _setup_py(spec)
    assert migrated.startswith(f"# {MARKER}: python_requires '{spec}' allows no Python >= 3.7")
    assert migrated.endswith(f'setup(name="flows", python_requires="{spec}")\n')


def test_unreadable_python_requires_is_flagged() -> None:
    migrated = _setup_py("python3")
    assert migrated.startswith(f"# {MARKER}: python_requires 'python3' is not a version")
