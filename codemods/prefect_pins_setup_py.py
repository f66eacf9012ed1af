"""Pin Prefect 1.x in ``setup.py``, ``noxfile.py`` and invoke's ``tasks.py`` (upgrade guide:
"Additional changes", next to ``prefect-pins``, which does the same for requirements,
setup.cfg, pyproject.toml, Pipfile, conda files and the install commands of scripts).

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
session is an environment of its own), and of pip's argv (``session.run("pip", "install",
...)``, ``[sys.executable, "-m", "pip", "install", ...]``). A module constant holding a
requirement (``PREFECT = "prefect==0.15.13"``) moves, and its companions follow each use of it
in such a call or in a requirement list; any other use of it is flagged. Install commands in
string literals (``c.run("pip install prefect==0.15.13")``) are repinned as the prefect-pins
codemod does in a script; such a literal with escapes or several lines, and any command
string still naming a 0.x Prefect (``f"{PIP} prefect==0.15.13"``), is flagged. A
requirement whose version comes from a variable
(``f"prefect=={PREFECT_VERSION}"``, ``"prefect==" + V``, ``"prefect=={}".format(V)``,
``"prefect==%s" % V``) moves by its module-level ``V = "0.15.13"`` when every use of ``V``
is such a requirement and the new pin keeps the operator (``==``, ``~=``); otherwise the
variable (or a requirement whose version is not a module constant) is flagged. Flags
specifiers it cannot read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from fissix.pgen2 import token
from fissix.pytree import Leaf, Node
from prefect1_migrate.codemods._companion_pins import missing_companions, requirement_name
from prefect1_migrate.codemods._python.calls import keyword_argument
from prefect1_migrate.codemods._python.literals import set_string_value, string_value
from prefect1_migrate.codemods._python.markers import add_todo
from prefect1_migrate.codemods._python.tree import LN, first_leaf, leaves_of, syms, walk
from prefect1_migrate.codemods._versions import (
    PREFECT_DISTRIBUTION,
    UNREADABLE_PIN_TODO,
    UnreadableSpecifier,
    repin,
)
from prefect1_migrate.codemods.prefect_pins import repin_install_commands

from prefect1_migrate.codemod import PythonCodemod, SourceFile
from prefect1_migrate.guide import ADDITIONAL

CODEMOD = PythonCodemod(
    __name__,
    title="Pin Prefect 1.x in setup.py, noxfile.py and tasks.py",
    guide_section=ADDITIONAL,
    order=91,
    summary="prefect requirement strings in setup.py (install_requires, extras_require), "
    "noxfile.py and tasks.py (session.install, pip argv, install command strings) move to "
    "the target 1.x version, keeping extras and the pin's style, with marshmallow<4, pendulum<3.",
    description=(
        "Moved the Prefect requirements of setup.py to the target 1.x release, keeping extras, "
        "markers and each pin's style (== stays ==, a range or a bare prefect becomes "
        ">=<target>,<2, an open prefect>=1.x gets <2), and added the companion pins Prefect "
        "1.x needs next to it (marshmallow<4, pendulum<3)."
    ),
    review_note="Re-install the project's environments.",
    flags=(
        "Prefect requirements whose version specifier cannot be read",
        "reads of a requirement constant the companion pins cannot follow, and install "
        "command strings that cannot be rewritten (escapes, several lines, a run-time program)",
    ),
    triggers=("prefect",),
    file_names=frozenset({"setup.py", "noxfile.py", "tasks.py"}),
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
# The words of an argv that runs pip's install command: ``"pip", "install", `` (in a list
# display or a call's arguments).
_ARGV_INSTALL = re.compile(r"[\"']pip3?(?:\.\d+)?[\"']\s*,\s*[\"']install[\"']\s*,")
_COMMAND_STRING = re.compile(r"\binstall\b[^\n]*prefect|\badd\b[^\n]*prefect", re.IGNORECASE)
_CONSTANT_USE_TODO = (
    "`{name}` (Prefect {target}) is read here, where the companion pins cannot follow it: "
    "if this installs Prefect, install {companions} with it"
)
_COMMAND_STRING_TODO = (
    "this string installs Prefect 0.x: pin prefect=={target} and add {companions} to its "
    "install command by hand"
)
# A Prefect requirement allowing a 0.x release left in a command string once the rest has
# moved: after an install word or a run-time value (``f"{PIP} prefect==0.15.13"``).
_OLD_PIN_LEFT = re.compile(
    r"(?:\b(?:install|add)\b|\{[^{}\n]*\}|%s)[^\n]*?"
    rf"(?<![\w.-]){PREFECT_DISTRIBUTION}(?:\[[^\]]*\])?\s*(?:===|==|~=|>=|>|<=|<)\s*0\.",
    re.IGNORECASE,
)


@CODEMOD.rewriter
def rewrite(root: Node, file: SourceFile) -> None:
    target = file.options.prefect_version
    repinned: list[tuple[str | None, LN]] = []  # (its holder, the repinned requirement)
    templates = _version_templates(root)
    repinned += _repin_version_variables(root, templates, target)
    in_templates = {id(leaf) for template in templates for leaf in leaves_of(template.node)}
    for leaf in list(leaves_of(root)):
        if leaf.type != token.STRING or id(leaf) in in_templates:
            continue
        if _FSTRING_REQUIREMENT.match(leaf.value):
            add_todo(leaf, UNREADABLE_PIN_TODO.format(target=target))
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
    _repin_command_strings(root, target)
    repinned = [item for holder, leaf in repinned for item in _read_as(holder, leaf, target)]
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


def _install_argument(leaf: LN) -> bool:
    """Whether ``leaf`` is a positional argument of a ``<something>.install(...)`` call, or
    an argument of a ``pip install`` argv (``session.run("pip", "install", ...)``,
    ``subprocess.run([sys.executable, "-m", "pip", "install", ...])``)."""
    parent = leaf.parent
    if parent is not None and parent.type in (syms.arglist, syms.listmaker, syms.testlist_gexp):
        before = "".join(str(child) for child in parent.children[: parent.children.index(leaf)])
        if _ARGV_INSTALL.search(before):
            return True
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


def _read_as(holder: str | None, leaf: LN, target: str) -> list[tuple[str | None, LN]]:
    """The repinned requirement ``leaf`` as read where it installs: itself, or, when it is
    the value of a module constant (``PREFECT = "prefect==1.4.1"``), each use of the
    constant with its holder (a use where no companions can follow is flagged)."""
    statement = leaf.parent
    if (
        statement is None
        or statement.type != syms.expr_stmt
        or len(statement.children) != 3
        or statement.children[2] is not leaf
        or statement.children[0].type != token.NAME
        or statement.parent is None
        or statement.parent.parent is None
        or statement.parent.parent.type != syms.file_input
    ):
        return [(holder, leaf)]
    name = statement.children[0].value
    uses: list[tuple[str | None, LN]] = []
    for use in leaves_of(statement.parent.parent):
        read = use.type == token.NAME and use.value == name and use is not statement.children[0]
        in_fstring = use.type == token.STRING and name in _FSTRING_NAME.findall(use.value)
        if not (read or in_fstring) or _is_attribute_or_keyword(use):
            continue
        use_holder = _requirement_holder(use) if read else None
        if use_holder is not None and (use_holder == "install" or _is_listed(use)):
            uses.append((use_holder, use))
            continue
        companions = ", ".join(f"{n}{spec}" for n, spec in missing_companions(target, ()))
        add_todo(use, _CONSTANT_USE_TODO.format(name=name, target=target, companions=companions))
    return uses


def _is_attribute_or_keyword(leaf: Leaf) -> bool:
    """Whether the NAME ``leaf`` names an attribute (``x.NAME``) or a keyword argument."""
    previous = leaf.prev_sibling
    parent = leaf.parent
    if previous is not None and previous.type == token.DOT:
        return True
    return parent is not None and parent.type == syms.argument and parent.children[0] is leaf


def _repin_command_strings(root: Node, target: str) -> None:
    """Install commands in string literals (invoke's ``c.run("pip install prefect==...")``,
    ``session.run("pip install ...", external=True)``): repinned with the companions as the
    prefect-pins codemod does in a script. A literal with escapes or several lines, or one
    still naming a 0.x Prefect after that (its command is not read as an install), is
    flagged instead."""
    companions = ", ".join(f"{n}{spec}" for n, spec in missing_companions(target, ()))
    for leaf in leaves_of(root):
        if leaf.type != token.STRING:
            continue
        todos: list[str] = []
        if _COMMAND_STRING.search(leaf.value):
            new, todos = repin_install_commands(leaf.value, target)
            if "\\" not in leaf.value and "\n" not in leaf.value:
                leaf.value = new
            elif new != leaf.value:
                todos = [_COMMAND_STRING_TODO.format(target=target, companions=companions)]
        if _OLD_PIN_LEFT.search(leaf.value) and not todos:
            todos = [_COMMAND_STRING_TODO.format(target=target, companions=companions)]
        for message in todos:
            add_todo(leaf, message)


def _add_companions(leaf: LN, target: str) -> None:
    """The companion requirements the list of ``leaf`` (a string, a requirement made of
    one and a version variable, or a constant's name) lacks, as strings right after it: one
    a line when the list has one element a line, else on its line."""
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
    quote = _quote_near(leaf)
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


def _quote_near(leaf: LN) -> str:
    """The quote of ``leaf``'s string (of its first one, for a requirement template), else of
    the first string of its list, else ``"``."""
    first = first_leaf(leaf)
    if first.type == token.STRING:
        return first.value[-1]
    parent = leaf.parent
    strings = [child for child in parent.children if child.type == token.STRING] if parent else []
    return strings[0].value[-1] if strings else '"'


# --- requirements whose version is a variable ---------------------------------------------

#: What a requirement template holds before its version: ``prefect[extras]==``.
_TEMPLATE_HEAD = re.compile(
    rf"^\s*{PREFECT_DISTRIBUTION}(?:\s*\[[^\]]*\])?\s*(?P<op>===|==|~=|!=|<=|>=|<|>)\s*$",
    re.IGNORECASE,
)
_FSTRING = re.compile(
    r"^[rR]?[fF][rR]?(?P<quote>['\"])(?P<head>[^{}'\"]*)\{(?P<name>[A-Za-z_]\w*)\}(?P=quote)$"
)
_FSTRING_START = re.compile(r"^[rR]?[fF]")
#: A name an f-string field reads (``{V}``, ``{V!r}``, ``{V.attr}``...), or a doubled brace.
_FSTRING_NAME = re.compile(r"(?<!\{)\{([A-Za-z_]\w*)")
#: An f-string that may be a Prefect requirement with a version field it does not read.
_FSTRING_REQUIREMENT = re.compile(
    rf"^[rR]?[fF][rR]?['\"]\s*{PREFECT_DISTRIBUTION}(?:\s*\[[^\]]*\])?\s*"
    r"(?:===|==|~=|!=|<=|>=|<|>|@)[^'\"]*\{",
    re.IGNORECASE,
)
_VERSION_VALUE = re.compile(r"\d+(?:\.\d+)*(?:\.\*)?")
_VARIABLE_PIN_TODO = (
    "pin Prefect {target} here by hand: this requirement's version comes from `{name}`, which "
    "cannot move for it alone (not a version constant of this module, or read elsewhere too, "
    "or with another operator)"
)
_VARIABLE_STYLE_TODO = (
    "pin Prefect {target} here by hand: the Prefect requirements built from `{name}` "
    "need `{spec}`, which a version alone cannot give"
)


@dataclass(frozen=True)
class _Template:
    """A Prefect requirement made of a literal head and a version variable: ``node`` is the
    whole expression (an f-string, ``"prefect==" + V``, a ``.format``/``%`` of one)."""

    node: LN
    operator: str
    name: Leaf  # the variable's name where it is used


def _version_templates(root: Node) -> list[_Template]:
    """Every Prefect requirement of ``root`` written as a literal head and a version
    variable (an f-string whose other fields are not read: flagged by the caller as
    unreadable when its version is not a single variable)."""
    found: list[_Template] = []
    for node in walk(root):
        template = _template(node)
        if template is not None:
            found.append(template)
    return found


def _template(node: LN) -> _Template | None:
    if node.type == token.STRING:
        match = _FSTRING.match(node.value)
        head = _TEMPLATE_HEAD.match(match.group("head")) if match is not None else None
        if match is None or head is None:
            return None
        return _Template(node, head.group("op"), Leaf(token.NAME, match.group("name")))
    children = node.children
    if node.type == syms.arith_expr and len(children) == 3 and children[1].type == token.PLUS:
        literal, variable = children[0], children[2]
    elif node.type == syms.term and len(children) == 3 and children[1].type == token.PERCENT:
        literal, variable = children[0], children[2]
    elif (
        node.type == syms.power
        and len(children) == 3
        and str(children[1]).strip() == ".format"
        and children[2].type == syms.trailer
        and len(children[2].children) == 3
    ):
        literal, variable = children[0], children[2].children[1]
    else:
        return None
    text = string_value(literal)
    if text is None or variable.type != token.NAME:
        return None
    head = _TEMPLATE_HEAD.match(re.sub(r"(?:\{\}|%s)$", "", text))
    if head is None or (node.type != syms.arith_expr and text == head.group()):
        return None  # a .format/% needs its field at the end
    return _Template(node, head.group("op"), variable)


def _repin_version_variables(
    root: Node, templates: list[_Template], target: str
) -> list[tuple[str | None, LN]]:
    """Move the module-level version constants the ``templates`` read to ``target``; flag
    what cannot move that way. Returns the requirements repinned, with their holders."""
    constants = _module_constants(root)
    uses: dict[str, int] = {}
    for leaf in leaves_of(root):
        names = [leaf.value] if leaf.type == token.NAME else []
        if leaf.type == token.STRING and _FSTRING_START.match(leaf.value):
            names = _FSTRING_NAME.findall(leaf.value)
        for name in names:
            uses[name] = uses.get(name, 0) + 1
    by_name: dict[str, list[_Template]] = {}
    for template in templates:
        by_name.setdefault(template.name.value, []).append(template)
    repinned: list[tuple[str | None, LN]] = []
    for name, readers in by_name.items():
        constant = constants.get(name)
        operators = {reader.operator for reader in readers}
        if constant is None or len(operators) != 1:
            _flag_readers(readers, name, target)
            continue
        (operator,) = operators
        try:
            new_spec = repin(operator + (string_value(constant) or ""), target)
        except UnreadableSpecifier:
            add_todo(constant, UNREADABLE_PIN_TODO.format(target=target))
            continue
        if new_spec is None:
            continue  # already a 1.x version
        if uses.get(name, 0) != 1 + len(readers):
            _flag_readers(readers, name, target)  # the constant serves something else too
            continue
        style = re.fullmatch(re.escape(operator) + r"(?P<version>\S+)", new_spec)
        if style is None or not _VERSION_VALUE.fullmatch(style.group("version")):
            add_todo(constant, _VARIABLE_STYLE_TODO.format(target=target, name=name, spec=new_spec))
            continue
        set_string_value(constant, style.group("version"))
        repinned += [(_requirement_holder(reader.node), reader.node) for reader in readers]
    return repinned


def _flag_readers(readers: list[_Template], name: str, target: str) -> None:
    for reader in readers:
        add_todo(reader.node, _VARIABLE_PIN_TODO.format(target=target, name=name))


def _module_constants(root: Node) -> dict[str, Leaf]:
    """``NAME = "text"`` statements at module level whose value is a version: the string of
    each name assigned exactly once that way (a name assigned twice is no constant)."""
    found: dict[str, Leaf] = {}
    assigned: dict[str, int] = {}
    for statement in root.children:
        expression = statement.children[0] if statement.type == syms.simple_stmt else None
        if expression is None or expression.type != syms.expr_stmt:
            continue
        target, *rest = expression.children
        if target.type != token.NAME:
            continue
        assigned[target.value] = assigned.get(target.value, 0) + 1
        value = string_value(rest[1]) if len(rest) == 2 and rest[0].type == token.EQUAL else None
        if value is not None and _VERSION_VALUE.fullmatch(value):
            found[target.value] = rest[1]
    return {name: leaf for name, leaf in found.items() if assigned[name] == 1}
