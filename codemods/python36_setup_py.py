"""Python 3.6 is no longer supported, in setup.py (upgrade guide: "Drop support for Python 3.6").

In files named ``setup.py`` that mention Prefect (the same rule the text-side codemods use):

- ``python_requires`` (keyword argument or dict key) that admits Python 3.6 gets a 3.7 lower
  bound, keeping the rest of the specifier: ``">=3.6"`` -> ``">=3.7"``, ``">=3.6, <4"`` ->
  ``">=3.7, <4"``, ``"~=3.6"`` -> ``"~=3.7"``, ``">3.5"`` -> ``">=3.7"``, ``"<4"`` ->
  ``">=3.7, <4"`` (``codemods._versions.bump_python_specifier``, shared with ``setup.cfg`` /
  ``pyproject.toml``);
- the trove classifier ``"Programming Language :: Python :: 3.6"`` is dropped from its list.

A ``python_requires`` admitting nothing Prefect 1.x works on because its lower bound is above
3.11 (``">=3.12"``) comes down to 3.11, keeping its operator (``codemods._versions.
fit_python_specifier``: pendulum<3, a companion pin of Prefect 1.x, has no build for 3.12+).

Flags a ``python_requires`` that cannot be widened mechanically (``"==3.6.*"``, ``"~=3.6.1"``,
or not a version specifier). Prefect 1.0.0's own metadata still says ``>=3.6`` (fixed in
1.2.0), but its dependencies no longer resolve on 3.6.
"""

from __future__ import annotations

from fissix.pgen2 import token
from fissix.pytree import Node

from codemods._python.calls import keyword_argument, remove_listed
from codemods._python.literals import set_string_value, string_value
from codemods._python.markers import add_todo
from codemods._python.tree import LN, syms, walk
from codemods._text import mentions_prefect
from codemods._versions import fit_python_specifier
from prefect1_migrate.codemod import PythonCodemod, SourceFile
from prefect1_migrate.guide import PYTHON_36

CLASSIFIER = "Programming Language :: Python :: 3.6"

CODEMOD = PythonCodemod(
    __name__,
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
    flags=("python_requires that cannot be widened mechanically (e.g. ==3.6.*)",),
    review_note=(
        "Interpreters elsewhere (CI matrices, tox envs, base images, runtime.txt, .python-version) "
        "must be 3.7 or newer too; a python_requires computed at run time is not rewritten."
    ),
    triggers=("python_requires", CLASSIFIER),
    file_names=frozenset({"setup.py"}),
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
    bumped = fit_python_specifier(spec)
    if bumped is None:
        add_todo(leaf, SPECIFIER_TODO.format(spec=spec))
    elif bumped != spec:
        set_string_value(leaf, bumped)
