"""codemods/_versions.py against packaging's reference implementation of PEP 440: which
releases a specifier admits, the Python 3.7 lower bound, and Prefect pins moved in their style."""

from __future__ import annotations

import pytest
from packaging.specifiers import SpecifierSet
from packaging.version import Version
from prefect1_migrate.codemods._versions import (
    bump_python_specifier,
    fit_python_specifier,
    parse_specifier,
    repin,
    specifier_admits,
)

PEP440_SPECS = [
    ">=3.6",
    ">=3.6, <4",
    "~=3.6",
    "~=3.6.1",
    "==3.6.*",
    "!=3.6.*,>=3.5",
    ">3.6",
    "<=3.7",
    "==3.7",
    ">=2.7, !=3.0.*, !=3.1.*",
    "<4",
    "~=0.15.0",
    "~=0.15",
    ">=0.14,<0.16",
    "==0.15.13",
]
VERSIONS = [
    "2.7",
    "3.5.9",
    "3.6",
    "3.6.0",
    "3.6.15",
    "3.7",
    "3.7.1",
    "3.8.0",
    "3.10",
    "4.0",
    "0.14.22",
    "0.15",
    "0.15.0",
    "0.15.13",
    "0.16.0",
    "1.4.1",
]


@pytest.mark.parametrize("spec", PEP440_SPECS)
def test_specifier_admits_agrees_with_packaging(spec: str) -> None:
    clauses = parse_specifier(spec)
    assert clauses is not None
    reference = SpecifierSet(spec)
    for version in VERSIONS:
        release = tuple(int(part) for part in version.split("."))
        assert specifier_admits(clauses, release) == (Version(version) in reference), version


@pytest.mark.parametrize("spec", [s for s in PEP440_SPECS if "3." in s or s == "<4"])
def test_bumped_python_specifier_starts_at_3_7(spec: str) -> None:
    bumped = bump_python_specifier(spec)
    reference = SpecifierSet(spec)
    if not any(Version(f"3.{minor}") in reference for minor in range(7, 13)):
        assert bumped is None  # nothing mechanical can make it allow 3.7+
        return
    assert bumped is not None
    new = SpecifierSet(bumped)
    assert not any(Version(f"3.6.{micro}") in new for micro in range(16))
    for minor in range(7, 13):  # 3.7+ stays allowed exactly where it was
        assert (Version(f"3.{minor}") in new) == (Version(f"3.{minor}") in reference)


@pytest.mark.parametrize(
    ("spec", "target", "expected"),
    [
        ("==0.15.13", "1.4.1", "==1.4.1"),
        ("==0.15.*", "1.4.1", "==1.4.*"),
        ("~=0.15.0", "1.4.1", "~=1.4.1"),
        ("~=0.15", "1.0.0", "~=1.0"),
        ("^0.15", "1.4.1", "^1.4"),
        ("0.15.13", "1.4.1", "1.4.1"),
        ("=0.15", "1.4.1", "=1.4"),
        (">=0.14,<0.16", "1.4.1", ">=1.4.1,<2.0"),
        (">= 0.14, < 0.16", "1.0.0", ">=1.0.0, <2.0"),
        (">=0.15", "1.4.1", ">=1.4.1,<2"),
        ("~0.15.4", "1.4.1", "~1.4.1"),
        ("", "1.4.1", ">=1.4.1,<2"),  # no version at all
        ("*", "1.4.1", ">=1.4.1,<2"),
        (">=1.0", "1.4.1", ">=1.0,<2"),  # open to 2.x
        (">=1.0, <3", "1.4.1", ">=1.0, <2"),
        ("^1.4", "1.4.1", None),  # 1.x only
        ("==1.4.1", "1.4.1", None),
        ("==2.7.0", "1.4.1", None),  # no 1.x at all
        (">=2", "1.4.1", None),
    ],
)
def test_repin_keeps_the_style(spec: str, target: str, expected: str | None) -> None:
    assert repin(spec, target) == expected


@pytest.mark.parametrize(
    "spec",
    [
        ">=3.12",
        ">=3.12,<4",
        "^3.12",
        "~=3.12",
        ">3.12",
        ">=3.13, <3.14",
        "==3.12.*",
        ">=3.8",
        "^3.6",
        ">=3.6, <4",
        "~=3.11",
    ],
)
def test_fitted_python_specifier_admits_3_7_to_3_11_where_it_can(spec: str) -> None:
    """A fitted specifier admits a Python from 3.7 to 3.11 and no 3.6; what it admitted there
    before stays admitted; None only when nothing mechanical gets there."""
    fitted = fit_python_specifier(spec)
    if spec.startswith("=="):
        assert fitted is None
        return
    assert fitted is not None
    if spec.startswith("^"):
        assert fitted == {"^3.12": "^3.11", "^3.6": "^3.7"}[spec]  # Poetry's: not PEP 440
        return
    reference, new = SpecifierSet(spec), SpecifierSet(fitted)
    supported = [Version(f"3.{minor}") for minor in range(7, 12)]
    assert any(version in new for version in supported)
    assert not any(Version(f"3.6.{micro}") in new for micro in range(16))
    for version in supported:
        assert version in new or version not in reference
