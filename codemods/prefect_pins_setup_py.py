"""Pin Prefect 1.x in ``setup.py`` (upgrade guide: "Additional changes", next to
``prefect-pins``, which does the same for requirements, setup.cfg, pyproject.toml, Pipfile
and conda files).

Rewrites every plain string literal of a ``setup.py`` that is a ``prefect`` requirement
allowing a 0.x release (``"prefect[aws]==0.15.13"``, ``"prefect>=0.14,<0.16"``) to the target
version (``--prefect-version``), keeping extras, markers and the pin's style. Flags specifiers
it cannot read.
"""

from __future__ import annotations

import re

from fissix.pgen2 import token
from fissix.pytree import Node

from codemods._python.literals import set_string_value, string_value
from codemods._python.markers import add_todo
from codemods._python.tree import leaves_of
from codemods._versions import (
    PREFECT_DISTRIBUTION,
    UNREADABLE_PIN_TODO,
    UnreadableSpecifier,
    repin,
)
from prefect1_migrate.codemod import PythonCodemod, SourceFile
from prefect1_migrate.guide import ADDITIONAL

CODEMOD = PythonCodemod(
    __name__,
    title="Pin Prefect 1.x in setup.py",
    guide_section=ADDITIONAL,
    order=91,
    summary="prefect requirement strings in setup.py (install_requires, extras_require) move to "
    "the target 1.x version, keeping extras and the pin's style.",
    description=(
        "Moved the Prefect requirements of setup.py to the target 1.x release, keeping extras, "
        "markers and each pin's style (== stays ==, a range becomes >=<target>,<2)."
    ),
    review_note="Regenerate lock files and re-install the project's environments.",
    flags=("Prefect requirements whose version specifier cannot be read",),
    triggers=("prefect",),
    file_names=frozenset({"setup.py"}),
)


_REQUIREMENT = re.compile(
    rf"^\s*{PREFECT_DISTRIBUTION}(?:\s*\[[^\]]*\])?"
    r"(?P<spec>\s*(?:===|==|~=|!=|<=|>=|<|>)[^;@]*?)\s*(?:;.*)?$",
    re.IGNORECASE,
)


@CODEMOD.rewriter
def rewrite(root: Node, file: SourceFile) -> None:
    target = file.options.prefect_version
    for leaf in leaves_of(root):
        if leaf.type != token.STRING:
            continue
        value = string_value(leaf)
        match = _REQUIREMENT.match(value) if value is not None else None
        if value is None or match is None or not match.group("spec").strip():
            continue
        try:
            new_spec = repin(match.group("spec"), target)
        except UnreadableSpecifier:
            add_todo(leaf, UNREADABLE_PIN_TODO.format(target=target))
            continue
        if new_spec is not None:
            start, end = match.span("spec")
            set_string_value(leaf, value[:start] + new_spec + value[end:])
