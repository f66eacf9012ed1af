"""Pin Prefect 1.x in ``setup.py`` and ``noxfile.py`` (upgrade guide: "Additional changes", next to
``prefect-pins``, which does the same for requirements, setup.cfg, pyproject.toml, Pipfile
and conda files).

Rewrites every plain string literal of a ``setup.py`` that is a ``prefect`` requirement
allowing a 0.x release (``"prefect[aws]==0.15.13"``, ``"prefect>=0.14,<0.16"``) to the target
version (``--prefect-version``), keeping extras, markers and the pin's style (the rules:
``prefect1_migrate.codemods._versions.repin``); a ``prefect>=1.0`` open to 2.x gets ``<2``, and a bare
``"prefect"`` in ``install_requires``/``extras_require``/``tests_require``/``setup_requires``
(or a variable named like ``REQUIREMENTS``, ``deps``, ``extras``) becomes
``"prefect>=<target>,<2"``. The companion pins Prefect 1.x needs (``marshmallow<4``,
``pendulum<3``: ``codemods/_companions.py``) follow the repinned string in its list, once:
in ``install_requires`` when that installs Prefect (extras are installed on top of it), else
in the first list repinned. In a ``noxfile.py`` the same goes for the arguments of
``session.install(...)``, the companions following the Prefect argument of each call (each
session is an environment of its own). Flags specifiers it
cannot read.
"""

from __future__ import annotations

import re

from fissix.pgen2 import token
from fissix.pytree import Leaf, Node
from prefect1_migrate.codemods._companion_pins import missing_companions, requirement_name
from prefect1_migrate.codemods._python.calls import keyword_argument
from prefect1_migrate.codemods._python.literals import set_string_value, string_value
from prefect1_migrate.codemods._python.markers import add_todo
from prefect1_migrate.codemods._python.tree import leaves_of, syms
from prefect1_migrate.codemods._versions import (
    PREFECT_DISTRIBUTION,
    UNREADABLE_PIN_TODO,
    UnreadableSpecifier,
    repin,
)

from prefect1_migrate.codemod import PythonCodemod, SourceFile
from prefect1_migrate.guide import ADDITIONAL

CODEMOD = PythonCodemod(
    __name__,
    title="Pin Prefect 1.x in setup.py and noxfile.py",
    guide_section=ADDITIONAL,
    order=91,
    summary="prefect requirement strings in setup.py (install_requires, extras_require) move to "
    "the target 1.x version, keeping extras and the pin's style, with marshmallow<4, pendulum<3.",
    description=(
        "Moved the Prefect requirements of setup.py to the target 1.x release, keeping extras, "
        "markers and each pin's style (== stays ==, a range or a bare prefect becomes "
        ">=<target>,<2, an open prefect>=1.x gets <2), and added the companion pins Prefect "
        "1.x needs next to it (marshmallow<4, pendulum<3)."
    ),
    review_note="Re-install the project's environments.",
    flags=("Prefect requirements whose version specifier cannot be read",),
    triggers=("prefect",),
    file_names=frozenset({"setup.py", "noxfile.py"}),
)


_REQUIREMENT = re.compile(
    rf"^\s*{PREFECT_DISTRIBUTION}(?P<extras>\s*\[[^\]]*\])?"
    r"(?P<spec>\s*(?:===|==|~=|!=|<=|>=|<|>)[^;@]*?)?\s*(?:;.*)?$",
    re.IGNORECASE,
)
# Where a bare "prefect" string is a requirement: these keywords of setup(), or a variable
# whose name says it holds requirements.
_REQUIREMENT_KEYWORDS = frozenset(
    {"install_requires", "extras_require", "tests_require", "setup_requires"}
)
_REQUIREMENT_VARIABLE = re.compile(r"req|dep|extra", re.IGNORECASE)


@CODEMOD.rewriter
def rewrite(root: Node, file: SourceFile) -> None:
    target = file.options.prefect_version
    repinned: list[tuple[str | None, Leaf]] = []  # (its holder, the repinned string)
    for leaf in leaves_of(root):
        if leaf.type != token.STRING:
            continue
        value = string_value(leaf)
        match = _REQUIREMENT.match(value) if value is not None else None
        if value is None or match is None:
            continue
        holder = _requirement_holder(leaf)
        spec = match.group("spec")
        if spec is None and holder is None:
            continue
        try:
            new_spec = repin(spec or "", target)
        except UnreadableSpecifier:
            add_todo(leaf, UNREADABLE_PIN_TODO.format(target=target))
            continue
        if new_spec is None:
            continue
        start = match.start("spec") if spec is not None else match.end("extras")
        if start < 0:
            start = len(value) - len(value.lstrip()) + len("prefect")
        end = match.end("spec") if spec is not None else start
        set_string_value(leaf, value[:start] + new_spec + value[end:])
        repinned.append((holder, leaf))
    for holder, leaf in repinned:  # each nox session.install() makes an environment of its own
        if holder == "install":
            _add_companions(leaf, target)
    main = [leaf for holder, leaf in repinned if holder == "install_requires"]
    others = [leaf for holder, leaf in repinned if holder != "install"]
    listed = [leaf for leaf in main or others if _is_listed(leaf)]
    if listed:
        _add_companions(listed[0], target)


def _requirement_holder(leaf: Leaf) -> str | None:
    """The ``setup()`` keyword or variable name whose requirements ``leaf`` is one of, or
    ``install`` for an argument of nox's ``session.install(...)``."""
    if _install_argument(leaf):
        return "install"
    node = leaf.parent
    while node is not None and node.type not in (syms.funcdef, syms.classdef, syms.file_input):
        keyword = keyword_argument(node) if node.type == syms.argument else None
        if keyword is not None:
            return keyword[0] if keyword[0] in _REQUIREMENT_KEYWORDS else None
        if node.type == syms.expr_stmt and node.children[0].type == token.NAME:
            name = node.children[0].value
            return name if _REQUIREMENT_VARIABLE.search(name) else None
        node = node.parent
    return None


def _install_argument(leaf: Leaf) -> bool:
    """Whether ``leaf`` is a positional argument of a ``<something>.install(...)`` call."""
    parent = leaf.parent
    trailer = parent.parent if parent is not None and parent.type == syms.arglist else parent
    if trailer is None or trailer.type != syms.trailer or trailer.children[0].type != token.LPAR:
        return False
    callee = trailer.prev_sibling
    return (
        callee is not None
        and callee.type == syms.trailer
        and str(callee.children[-1]).strip() == "install"
    )


def _is_listed(leaf: Leaf) -> bool:
    """Whether ``leaf`` is an element of a list display or an argument of ``.install()``."""
    parent = leaf.parent
    if parent is None:
        return False
    if _install_argument(leaf):
        return True
    if parent.type == syms.listmaker:
        return parent.parent is not None and parent.parent.children[0].type == token.LSQB
    return parent.type == syms.atom and parent.children[0].type == token.LSQB


def _add_companions(leaf: Leaf, target: str) -> None:
    """The companion requirements the list of ``leaf`` lacks, as strings right after it: one a
    line when the list has one element a line, else on its line."""
    parent = leaf.parent
    assert parent is not None
    elements = [child for child in parent.children if child.type == token.STRING]
    names = filter(None, (requirement_name(string_value(e) or "") for e in elements))
    missing = missing_companions(target, names)
    if not missing:
        return
    if parent.type in (syms.atom, syms.trailer):  # ["prefect..."], install("prefect..."):
        kind = syms.listmaker if parent.type == syms.atom else syms.arglist  # one becomes many
        elements = Node(kind, [Leaf(token.STRING, "x")])
        leaf.replace(elements)
        elements.children[0].replace(leaf)
        parent = elements
    quote = leaf.value[-1]
    position = parent.children.index(leaf) + 1
    following = parent.children[position + 1] if position + 1 < len(parent.children) else None
    one_a_line = following is not None and "\n" in following.prefix
    new: list[Leaf] = []
    for name, specifier in missing:
        new += [Leaf(token.COMMA, ","), Leaf(token.STRING, f"{quote}{name}{specifier}{quote}")]
        new[-1].prefix = " "
    if one_a_line:
        assert following is not None
        indent = following.prefix.rsplit("\n", 1)[1]
        new[1].prefix, following.prefix = following.prefix, "\n" + indent
        for string in new[3::2]:
            string.prefix = "\n" + indent
        new = [*new[1:], Leaf(token.COMMA, ",")]  # after the comma that follows ``leaf``
    at = position + 1 if one_a_line else position
    for offset, new_leaf in enumerate(new):
        parent.insert_child(at + offset, new_leaf)
