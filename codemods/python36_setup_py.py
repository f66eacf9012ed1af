"""Python 3.6 is no longer supported, in setup.py (upgrade guide: "Drop support for Python 3.6").

In files named ``setup.py`` that mention Prefect (the same rule the text-side codemods use):

- ``python_requires`` (keyword argument or dict key) that admits Python 3.6 gets a 3.7 lower
  bound, keeping the rest of the specifier: ``">=3.6"`` -> ``">=3.7"``, ``">=3.6, <4"`` ->
  ``">=3.7, <4"``, ``"~=3.6"`` -> ``"~=3.7"``, ``">3.5"`` -> ``">=3.7"``, ``"<4"`` ->
  ``">=3.7, <4"`` (``prefect1_migrate.codemods._versions.bump_python_specifier``, shared with ``setup.cfg`` /
  ``pyproject.toml``);
- the trove classifier ``"Programming Language :: Python :: 3.6"`` is dropped from its list.

A ``python_requires`` admitting nothing Prefect 1.x works on because its lower bound is above
3.11 (``">=3.12"``) comes down to 3.11, keeping its operator (``prefect1_migrate.codemods._versions.
fit_python_specifier``: pendulum<3, a companion pin of Prefect 1.x, has no build for 3.12+).

In a ``noxfile.py`` that mentions Prefect, ``@nox.session(python=...)``: a single version
above 3.11 becomes ``"3.11"``; 3.6, or a version above 3.11 in a list of several, is flagged
(which interpreters a session list runs is a human choice; 3.6 CI entries are flagged too).

Flags a ``python_requires`` that cannot be widened mechanically (``"==3.6.*"``, ``"~=3.6.1"``,
or not a version specifier). Prefect 1.0.0's own metadata still says ``>=3.6`` (fixed in
1.2.0), but its dependencies no longer resolve on 3.6.
"""

from __future__ import annotations

import re

from fissix.pgen2 import token
from fissix.pytree import Node
from prefect1_migrate.codemods._companions import NEWEST_PYTHON, NEWEST_PYTHON_TEXT, OLDEST_PYTHON
from prefect1_migrate.codemods._python.calls import keyword_argument, remove_listed
from prefect1_migrate.codemods._python.literals import set_string_value, string_value
from prefect1_migrate.codemods._python.markers import add_todo
from prefect1_migrate.codemods._python.tree import LN, leaves_of, syms, walk
from prefect1_migrate.codemods._text import mentions_prefect
from prefect1_migrate.codemods._versions import fit_python_specifier

from prefect1_migrate.codemod import PythonCodemod, SourceFile
from prefect1_migrate.guide import PYTHON_36

CLASSIFIER = "Programming Language :: Python :: 3.6"

CODEMOD = PythonCodemod(
    __name__,
    title="Python 3.7 to 3.11 in setup.py and noxfile.py",
    guide_section=PYTHON_36,
    order=10,
    summary="setup.py: python_requires allowing 3.6 gets a >=3.7 lower bound, one above 3.11 comes "
    "down to 3.11; the 3.6 trove classifier is dropped; nox sessions above 3.11 move or are "
    "flagged.",
    description=(
        "Raised python_requires in setup.py to a Python 3.7 lower bound (keeping the rest of the "
        "specifier) and dropped the Python 3.6 trove classifier: Prefect 1.0 no longer supports "
        "3.6. Prefect 1.0.0's own package metadata still says >=3.6 (fixed in 1.2.0), so pip "
        "would not stop a 3.6 install by itself."
    ),
    flags=("python_requires that cannot be widened mechanically (e.g. ==3.6.*)",),
    review_note=(
        "Interpreters elsewhere (CI matrices, tox envs, base images, runtime.txt, .python-version) "
        "must be 3.7 or newer too; a python_requires computed at run time is not rewritten."
    ),
    triggers=("python_requires", CLASSIFIER, "session"),
    file_names=frozenset({"setup.py", "noxfile.py"}),
)


NOX_TODO = (
    "Prefect 1.x works on Python 3.7 to 3.11: run this nox session on those (drop the version "
    "if the others cover it)"
)
SPECIFIER_TODO = (
    "python_requires {spec!r} cannot be moved mechanically; Prefect 1.x works on Python 3.7 to "
    "3.11: allow those here, together with the interpreters you build and run on"
)


@CODEMOD.rewriter
def rewrite(root: Node, file: SourceFile) -> None:
    if not mentions_prefect(str(root)):
        return
    for node in walk(root):
        if node.parent is None and node is not root:
            continue  # removed below
        value = _python_requires_value(node)
        if value is not None:
            _raise_lower_bound(value)
        elif _nox_session_python(node) is not None:
            _nox_versions(_assigned_value(root, _nox_session_python(node)))  # type: ignore[arg-type]
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


def _nox_session_python(node: LN) -> LN | None:
    """The value of ``python=`` in ``@nox.session(...)`` / ``nox.session(...)``."""
    keyword = keyword_argument(node) if node.type == syms.argument else None
    if keyword is None or keyword[0] != "python":
        return None
    call = node.parent
    while call is not None and call.type not in (syms.decorator, syms.power):
        call = call.parent
    head = str(call).lstrip().split("(", 1)[0] if call is not None else ""
    return keyword[1] if re.fullmatch(r"@?\s*(?:[\w.]*\.)?session", head.strip()) else None


def _assigned_value(root: Node, value: LN) -> LN:
    """``value``, or for a name the value of its module-level assignment (``PYTHONS = [...]``)."""
    if value.type != token.NAME:
        return value
    for statement in root.children:
        assignment = statement.children[0] if statement.type == syms.simple_stmt else None
        if (
            assignment is not None
            and assignment.type == syms.expr_stmt
            and len(assignment.children) == 3
            and str(assignment.children[0]).strip() == value.value
        ):
            return assignment.children[2]
    return value


def _nox_versions(value: LN) -> None:
    """A nox session's Python versions: one above 3.11 becomes 3.11; 3.6, or above 3.11 in a
    list of several, is flagged."""
    strings = (
        [value]
        if value.type == token.STRING
        else [leaf for leaf in leaves_of(value) if leaf.type == token.STRING]
    )
    for leaf in strings:
        version = string_value(leaf)
        if version is None or not re.fullmatch(r"3\.\d+", version):
            continue
        minor = int(version.split(".")[1])
        if minor < OLDEST_PYTHON[1]:
            add_todo(leaf, NOX_TODO)
        elif minor > NEWEST_PYTHON[1] and len(strings) == 1:
            set_string_value(leaf, NEWEST_PYTHON_TEXT)
        elif minor > NEWEST_PYTHON[1]:
            add_todo(leaf, NOX_TODO)


def _raise_lower_bound(leaf: LN) -> None:
    spec = string_value(leaf)
    if spec is None:
        return
    bumped = fit_python_specifier(spec)
    if bumped is None:
        add_todo(leaf, SPECIFIER_TODO.format(spec=spec))
    elif bumped != spec:
        set_string_value(leaf, bumped)
