"""The residual pass over a Python file's fissix tree: what still breaks on Prefect 1.x.

Deliberately broad and simple, driven by ``codemods/_removed_in_1x.py`` (not by any
codemod's matching code), over the tree the pipeline already parsed:

- imports of a removed module or name (``import``, ``from ... import``, aliased, in
  functions; also ``from prefect import environments``);
- dotted chains that reach a removed module or name through an import that still works
  (``prefect.environments.LocalEnvironment`` after ``import prefect``, ``executors.X`` after
  ``from prefect.engine import executors``);
- removed ``Client`` and agent members (``client.login_to_tenant(...)``, ``.active_tenant_id``),
  ``Client(api_token=...)``;
- reads and writes of ``.environment`` on a flow (a name bound by ``Flow(...)`` or
  ``with Flow(...) as x`` or by a loop over flows, or whose name says flow), also by name
  (``getattr(flow, "environment", None)``), and ``Flow(..., environment=...)``;
- removed config keys: ``...config.cloud.auth_token``, ``...cloud.agent.auth_token``,
  ``...logging.log_to_cloud``, ``config.cloud.get("auth_token")``, and the same keys as
  strings (``set_temporary_config({"cloud.auth_token": ...})``);
- strings (docstrings aside) that hold a removed dotted path, a removed environment variable
  name, a Python 3.6 Prefect image, or a ``prefect`` command line 1.x removed.

Each statement with findings gets one ``TODO(prefect-1.0)`` marker naming each removed
thing and its replacement; a statement that already has a marker right above it is left
alone (a codemod marked it already). Names the repository's own modules re-export are
followed (``SourceFile.options.modules``, read before the run without importing anything):
the package's import from Prefect is marked, and so is every import of the name from the
package (``from mypkg.compat import LE``, relative too) and every chain reaching it
(``mypkg.compat.LE(...)`` after ``import mypkg.compat``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace

from fissix.pgen2 import token
from fissix.pygram import python_symbols as syms
from fissix.pytree import Leaf, Node
from prefect1_migrate.codemods._commands.invocations import invocations
from prefect1_migrate.codemods._commands.python_strings import python_spots
from prefect1_migrate.codemods._python.calls import keyword_argument
from prefect1_migrate.codemods._python.imports import (
    from_import_module,
    imported_modules,
    imported_names,
)
from prefect1_migrate.codemods._python.markers import add_todo, has_todo_above
from prefect1_migrate.codemods._python.names import qualified_chain, repository_bindings
from prefect1_migrate.codemods._python.tree import LN, loop_names_over, statement_of, walk
from prefect1_migrate.codemods._removed_in_1x import (
    CLIENT_API_TOKEN,
    CONFIG_KEYS,
    FLOW_ENVIRONMENT,
    MEMBERS,
    MODULES,
    NAMES,
    PYTHON36_IMAGE,
    Removed,
)
from prefect1_migrate.codemods._residual_text import (
    PYTHON36_IMAGE_PATTERN,
    dotted_path_removal,
    env_var_removal,
    may_hold_removed_commands,
    removed_command,
    words_after_prefect,
)

from prefect1_migrate.codemod import SourceFile
from prefect1_migrate.modules import RepositoryModules, absolute_module

_MEMBERS = {removed.old.rpartition(".")[2]: removed for removed in MEMBERS}
#: Only looked for in files that reach Prefect's ``Client``: the names are common elsewhere.
_CLIENT_REMOVALS = frozenset(
    {*(removed for removed in MEMBERS if removed.old.startswith("Client.")), CLIENT_API_TOKEN}
)
_NAMES = {removed.old: removed for removed in NAMES}
_CONFIG_KEYS = {removed.old: removed for removed in CONFIG_KEYS}
_CONFIG_CHAIN = re.compile(
    r"\b(" + "|".join(re.escape(key) for key in _CONFIG_KEYS) + r")\b"
    r"|\b(cloud(?:\.agent)?)\.get\(\s*['\"]auth_token['\"]"
    r"|\b(logging)\.get\(\s*['\"]log_to_cloud['\"]"
)
_KEY_STRING = re.compile(r"^[rRuU]?(['\"])(" + "|".join(map(re.escape, _CONFIG_KEYS)) + r")\1$")


def removal_of(qualified: str, imported: bool = False) -> Removed | None:
    """The removed module (or a module under it) or removed name ``qualified`` names.
    ``imported``: named by an import statement, which a still importable module survives."""
    if qualified in _NAMES:
        return _NAMES[qualified]
    for module in MODULES:
        if imported and module.importable:
            continue
        if qualified == module.old or qualified.startswith(module.old + "."):
            return module
    return None


def mark_residual_uses(root: Node, file: SourceFile) -> None:
    """Put a marker above every statement of ``root`` that still breaks on Prefect 1.x."""
    by_statement: dict[int, tuple[LN, list[str]]] = {}
    for node, removal in _findings(root, file):
        statement = statement_of(node)
        _, messages = by_statement.setdefault(id(statement), (statement, []))
        if removal.message() not in messages:
            messages.append(removal.message())
    for statement, messages in by_statement.values():
        if not has_todo_above(statement):
            add_todo(statement, "; ".join(messages))


def _findings(root: Node, file: SourceFile) -> Iterator[tuple[LN, Removed]]:
    nodes = walk(root)
    bindings = repository_bindings(root, file)
    flows = _flow_names(nodes) | loop_names_over(root, "flow")
    client_uses: list[tuple[LN, Removed]] = []  # kept if the file reaches Prefect's Client
    strings_name_prefect = False
    for node in nodes:
        found: Iterator[tuple[LN, Removed]] = iter(())
        if node.type == syms.import_name:
            found = (
                (node, removal)
                for _, module, _ in imported_modules(node)
                if (removal := removal_of(_dotted(module), imported=True)) is not None
            )
        elif node.type == syms.import_from:
            found = _from_import_findings(node, file)
        elif node.type == syms.power:
            found = _chain_findings(node, bindings, flows, file.options.modules)
        elif node.type == syms.argument:
            found = _keyword_findings(node)
        elif node.type == token.STRING:
            strings_name_prefect = strings_name_prefect or (
                node.value[1:-1] == "prefect" or may_hold_removed_commands(node.value)
            )
            found = _string_findings(node)
            if _names_flow_environment(node, flows):
                found = iter([*found, (node, FLOW_ENVIRONMENT)])
        for place, removal in found:
            if removal in _CLIENT_REMOVALS:
                client_uses.append((place, removal))
            else:
                yield place, removal
    if client_uses and _uses_prefect_client(nodes, bindings):
        yield from client_uses
    if strings_name_prefect:  # a command line needs the program's name in a string
        for spot in python_spots(root):
            for invocation in invocations(spot.segment):
                removal = removed_command(invocation.values)
                if removal is not None:
                    yield spot.node, removal


def _dotted(node: LN) -> str:
    return "".join(leaf.value for leaf in node.leaves())


def _from_import_findings(node: Node, file: SourceFile) -> Iterator[tuple[LN, Removed]]:
    """A removed name imported from Prefect, or from a module of the repository that
    imported it from Prefect (``from mypkg.compat import LE``, also relative)."""
    written = from_import_module(node)
    dotted = written.lstrip(".")
    module = absolute_module(dotted, len(written) - len(dotted), file.path)
    if module is None:
        return
    for _, name, _ in imported_names(node):
        imported = module if name == "*" else f"{module}.{name}"
        qualified = file.options.modules.resolve(imported)
        removal = removal_of(qualified, imported=True)
        if removal is None:
            continue
        if qualified != imported:  # reached through the repository's own module
            removal = replace(removal, via=imported)
        yield node, removal


def _chain_findings(
    power: Node, bindings: dict[str, str], flows: set[str], modules: RepositoryModules
) -> Iterator[tuple[LN, Removed]]:
    chain = [modules.resolve(qualified) for qualified in qualified_chain(power, bindings)]
    if chain and removal_of(chain[0], imported=True) is None:  # else marked at the import
        for qualified in chain[1:]:
            removal = removal_of(qualified)
            if removal is not None:
                yield power, removal
                break
    names = _attribute_names(power)
    for position, name in enumerate(names[1:], start=1):
        if name in _MEMBERS:
            yield power, _MEMBERS[name]
        elif name == "environment" and _is_flow(names[position - 1], flows):
            yield power, FLOW_ENVIRONMENT
    if "config" not in names:
        return
    match = _CONFIG_CHAIN.search(".".join(names) + _call_text(power))
    if match is not None and not _is_parameter(power, names[0]):
        key = match.group(1) or f"{match.group(2) or match.group(3)}." + (
            "log_to_cloud" if match.group(3) else "auth_token"
        )
        yield power, _CONFIG_KEYS[key]


def _attribute_names(power: Node) -> list[str]:
    """``a``, ``b``, ``c`` of ``a.b(x).c[0]``: the first name and each ``.name`` trailer."""
    first = power.children[0]
    names = [first.value if first.type == token.NAME else ""]
    for trailer in power.children[1:]:
        if trailer.type == syms.trailer and trailer.children[0].type == token.DOT:
            names.append(trailer.children[1].value)
    return names


def _call_text(power: Node) -> str:
    """The first call's parenthesised argument text, for ``cloud.get("auth_token")``."""
    for trailer in power.children[1:]:
        if trailer.type == syms.trailer and trailer.children[0].type == token.LPAR:
            return "(" + "".join(str(child).strip() for child in trailer.children[1:])
    return ""


def _is_flow(name: str, flows: set[str]) -> bool:
    return name in flows or "flow" in name.lower()


def _flow_names(nodes: list[LN]) -> set[str]:
    """Names assigned ``Flow(...)`` or bound by ``with Flow(...) as name``."""
    found: set[str] = set()
    for node in nodes:
        if node.type == syms.expr_stmt and len(node.children) == 3:
            target, _, value = node.children
            if target.type == token.NAME and _calls_flow(value):
                found.add(target.value)
        elif node.type == syms.with_stmt:
            for child in node.children:
                if child.type == syms.with_item and _calls_flow(child.children[0]):
                    target = child.children[2]
                    if target.type == token.NAME:
                        found.add(target.value)
    return found


def _calls_flow(node: LN) -> bool:
    if node.type != syms.power:
        return False
    names = _attribute_names(node)
    return names[-1] == "Flow" and node.children[-1].children[0].type == token.LPAR


_PREFECT_CLIENTS = frozenset(
    {"prefect.Client", "prefect.client.Client", "prefect.client.client.Client"}
)


def _uses_prefect_client(nodes: list[LN], bindings: dict[str, str]) -> bool:
    """Whether the file reaches Prefect's ``Client`` (imported, or ``prefect.Client``) and
    defines no ``Client`` class of its own: only then are ``Client`` members looked at."""
    if any(node.type == syms.classdef and node.children[1].value == "Client" for node in nodes):
        return False
    if _PREFECT_CLIENTS & set(bindings.values()):
        return True
    return any(
        _PREFECT_CLIENTS & set(qualified_chain(node, bindings))
        for node in nodes
        if node.type == syms.power
    )


def _is_parameter(node: LN, name: str) -> bool:
    """Whether ``name`` is a parameter of a function ``node`` is in (it shadows an import)."""
    scope = node.parent
    while scope is not None:
        if scope.type in (syms.funcdef, syms.lambdef):
            parameters = scope.children[2] if scope.type == syms.funcdef else scope.children[1]
            if any(leaf.type == token.NAME and leaf.value == name for leaf in parameters.leaves()):
                return True
        scope = scope.parent
    return False


def _keyword_findings(argument: Node) -> Iterator[tuple[LN, Removed]]:
    keyword = keyword_argument(argument)
    if keyword is None:
        return
    trailer = argument.parent
    while trailer is not None and trailer.type != syms.trailer:
        trailer = trailer.parent
    if trailer is None or trailer.parent is None or trailer.parent.type != syms.power:
        return
    power = trailer.parent
    before = power.children[power.children.index(trailer) - 1]
    if before.type == token.NAME:
        callee = before.value
    elif before.type == syms.trailer and before.children[0].type == token.DOT:
        callee = before.children[1].value
    else:
        return
    if keyword[0] == "environment" and callee == "Flow":
        yield argument, FLOW_ENVIRONMENT
    elif keyword[0] == "api_token" and callee == "Client":
        yield argument, CLIENT_API_TOKEN


def _string_findings(leaf: Leaf) -> Iterator[tuple[LN, Removed]]:
    value = leaf.value
    if _is_docstring(leaf) or value[:2].lower() in ("b'", 'b"', "rb", "br"):
        return
    key = _KEY_STRING.match(value)
    if key is not None:
        yield leaf, _CONFIG_KEYS[key.group(2)]
    for removal in (_string_dotted_path(value), env_var_removal(value)):
        if removal is not None:
            yield leaf, removal
    image = _inner(value)
    if " " not in image and PYTHON36_IMAGE_PATTERN.search(image):  # an image, not prose
        yield leaf, PYTHON36_IMAGE
    if value.strip("'\"") == "prefect" and leaf.parent is not None:
        for removal in words_after_prefect(str(leaf.parent)):  # ``run("prefect", "auth", ...)``
            yield leaf, removal


_BY_NAME = frozenset({"getattr", "hasattr", "setattr", "delattr"})


def _names_flow_environment(leaf: Leaf, flows: set[str]) -> bool:
    """``"environment"`` as the name in ``getattr(flow, "environment", ...)`` (``hasattr``,
    ``setattr``, ``delattr``) on a flow."""
    if _inner(leaf.value) != "environment" or leaf.value[:1] not in "'\"":
        return False
    arguments = leaf.parent
    if arguments is None or arguments.type != syms.arglist:
        return False
    items = [child for child in arguments.children if child.type != token.COMMA]
    trailer = arguments.parent
    if len(items) < 2 or items[1] is not leaf or trailer is None or trailer.parent is None:
        return False
    callee = trailer.parent.children[0]
    return (
        callee.type == token.NAME
        and callee.value in _BY_NAME
        and items[0].type == token.NAME
        and _is_flow(items[0].value, flows)
    )


def _inner(literal: str) -> str:
    return literal.lstrip("rRuUfF").strip("'\"")


def _string_dotted_path(literal: str) -> Removed | None:
    """A removed dotted path that is the whole string (``"prefect.environments.X"``); the
    path of a still importable module alone is an import path, not a removal."""
    inner = _inner(literal)
    if not re.fullmatch(r"[\w.]+(:\w+)?", inner):
        return None
    removal = dotted_path_removal(inner)
    if removal is not None and removal.importable and inner == removal.old:
        return None
    return removal


def _is_docstring(leaf: Leaf) -> bool:
    statement = leaf.parent
    return (
        statement is not None
        and statement.type == syms.simple_stmt
        and statement.children[0] is leaf
    )
