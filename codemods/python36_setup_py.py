"""Python 3.6 is no longer supported, in setup.py (upgrade guide: "Drop support for Python 3.6").

In files named ``setup.py``:

- ``python_requires`` (keyword argument or dict key) that admits Python 3.6 gets a 3.7 lower
  bound, keeping the rest of the specifier: ``">=3.6"`` -> ``">=3.7"``, ``">=3.6, <4"`` ->
  ``">=3.7, <4"``, ``"~=3.6"`` -> ``"~=3.7"``, ``">3.5"`` -> ``">=3.7"``, ``"<4"`` ->
  ``">=3.7, <4"``;
- the trove classifier ``"Programming Language :: Python :: 3.6"`` is dropped from its list.

Flags a ``python_requires`` that allows no Python >= 3.7 at all (``"==3.6.*"``) or that cannot
be read as a version specifier. Prefect 1.0.0's own metadata still says ``>=3.6`` (fixed in
1.2.0), but its dependencies no longer resolve on 3.6.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import PurePosixPath

from bowler import Query
from fissix.pgen2 import token

from codemods._python import (
    LN,
    add_todo,
    keyword_argument,
    remove_listed,
    set_string_value,
    string_value,
    syms,
)
from prefect1_migrate.codemod import MigrationOptions, PythonCodemod
from prefect1_migrate.guide import PYTHON_36

CLASSIFIER = "Programming Language :: Python :: 3.6"
MINIMUM = (3, 7)
CLAUSE = re.compile(r"\s*(?P<op>~=|===|==|!=|<=|>=|<|>)\s*(?P<version>\d+(?:\.\d+)*(?:\.\*)?)\s*")
# Versions a specifier is tried against: every 3.6 release, and the 3.x versions Prefect 1.x runs on.
PYTHON_36_RELEASES = [(3, 6, patch) for patch in range(16)]
SUPPORTED = [(3, minor, 0) for minor in range(7, 13)]

PINS_36_TODO = (
    "python_requires {spec!r} allows no Python >= 3.7; Prefect 1.0 needs Python >= 3.7, "
    "change it together with the interpreters you build and run on"
)
UNREADABLE_TODO = (
    "python_requires {spec!r} is not a version specifier the tool can read; make sure it "
    "requires Python >= 3.7 (Prefect 1.0 no longer supports 3.6)"
)


def build_queries(options: MigrationOptions) -> Sequence[Query]:
    return [Query().select_root().modify(_rewrite)]


def _rewrite(root: LN, capture: dict, filename: str) -> None:
    if PurePosixPath(filename).name != "setup.py":
        return
    for node in list(root.pre_order()):
        if node.parent is None and node is not root:
            continue  # removed below
        value = _python_requires_value(node)
        if value is not None:
            _raise_lower_bound(value)
        elif string_value(node) == CLASSIFIER and node.parent is not None:
            if node.parent.type in (syms.listmaker, syms.testlist_gexp, syms.atom):
                remove_listed(node)


def _python_requires_value(node: LN) -> LN | None:
    """The string literal given to ``python_requires=`` or ``{"python_requires": ...}``."""
    keyword = keyword_argument(node) if node.type == syms.argument else None
    if keyword is not None and keyword[0] == "python_requires":
        return keyword[1] if keyword[1].type == token.STRING else None
    if string_value(node) == "python_requires" and node.parent is not None:
        siblings = node.parent.children
        index = siblings.index(node)
        if (
            node.parent.type == syms.dictsetmaker
            and index + 2 < len(siblings)
            and siblings[index + 1].type == token.COLON
            and siblings[index + 2].type == token.STRING
        ):
            return siblings[index + 2]
    return None


def _raise_lower_bound(leaf: LN) -> None:
    spec = string_value(leaf)
    if spec is None:
        return
    pieces = spec.split(",") if spec.strip() else []
    matches = [CLAUSE.fullmatch(piece) for piece in pieces]
    if not all(matches):
        add_todo(leaf, UNREADABLE_TODO.format(spec=spec))
        return
    if not any(_admits(_clauses(spec), version) for version in PYTHON_36_RELEASES):
        return
    new_pieces = [_raise_clause(piece, match) for piece, match in zip(pieces, matches, strict=True)]
    new_spec = ",".join(new_pieces)
    if any(_admits(_clauses(new_spec), version) for version in PYTHON_36_RELEASES):
        joiner = "," if "," in spec and ", " not in spec else ", "
        new_spec = f">=3.7{joiner}{new_spec.strip()}" if new_spec.strip() else ">=3.7"
    if not any(_admits(_clauses(new_spec), version) for version in SUPPORTED):
        add_todo(leaf, PINS_36_TODO.format(spec=spec))
        return
    set_string_value(leaf, new_spec)


def _raise_clause(piece: str, match: re.Match[str] | None) -> str:
    """A lower bound below 3.7 (``>=``, ``>``, two-part ``~=``) becomes a 3.7 bound."""
    assert match is not None
    op, version = match.group("op"), match.group("version")
    release = _release(version)
    if op in (">=", ">") and release < MINIMUM:
        op, version = ">=", "3.7"
    elif op == "~=" and len(release) == 2 and release[0] == 3 and release < MINIMUM:
        version = "3.7"
    else:
        return piece
    return (
        piece[: match.start("op")]
        + op
        + piece[match.end("op") : match.start("version")]
        + version
        + piece[match.end("version") :]
    )


def _clauses(spec: str) -> list[tuple[str, str]]:
    matches = [CLAUSE.fullmatch(piece) for piece in spec.split(",")]
    return [(m.group("op"), m.group("version")) for m in matches if m is not None]


def _release(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split(".") if part != "*")


def _admits(clauses: list[tuple[str, str]], candidate: tuple[int, ...]) -> bool:
    return all(_clause_admits(op, version, candidate) for op, version in clauses)


def _clause_admits(op: str, version: str, candidate: tuple[int, ...]) -> bool:
    release = _release(version)
    width = max(len(release), len(candidate))
    padded = release + (0,) * (width - len(release))
    value = candidate + (0,) * (width - len(candidate))
    if op in ("==", "===", "!="):
        if version.endswith(".*"):
            equal = candidate[: len(release)] == release
        else:
            equal = value == padded
        return equal if op != "!=" else not equal
    if op == "~=":
        return value >= padded and candidate[: len(release) - 1] == release[:-1]
    return {
        ">=": value >= padded,
        ">": value > padded,
        "<=": value <= padded,
        "<": value < padded,
    }[op]


CODEMOD = PythonCodemod(
    id="python36-setup-py",
    title="Require Python 3.7 in setup.py",
    guide_section=PYTHON_36,
    order=10,
    summary="setup.py: python_requires allowing 3.6 gets a >=3.7 lower bound; the 3.6 trove "
    "classifier is dropped.",
    description=(
        "Raised python_requires in setup.py to a Python 3.7 lower bound (keeping the rest of the "
        "specifier) and dropped the Python 3.6 trove classifier: Prefect 1.0 no longer supports "
        "3.6. Prefect 1.0.0's own package metadata still says >=3.6 (fixed in 1.2.0), so pip "
        "would not stop a 3.6 install by itself."
    ),
    flags=(
        "python_requires that allows no Python >= 3.7 (e.g. ==3.6.*)",
        "python_requires the tool cannot read as a version specifier",
    ),
    review_note=(
        "Interpreters elsewhere (CI matrices, tox envs, base images, runtime.txt, .python-version) "
        "must be 3.7 or newer too; a python_requires computed at run time is not rewritten."
    ),
    triggers=("python_requires", CLASSIFIER),
    build_queries=build_queries,
)
