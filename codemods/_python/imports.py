"""Reading and editing import statements, and the uses of the names they bind."""

from __future__ import annotations

from fissix.pgen2 import token
from fissix.pytree import Leaf, Node
from prefect1_migrate.codemods._python.literals import string_value
from prefect1_migrate.codemods._python.snippets import parse_statement
from prefect1_migrate.codemods._python.statements import (
    insert_statement_after,
    insert_statement_before,
    remove_statement,
)
from prefect1_migrate.codemods._python.tree import LN, dotted_text, leaves_of, names_in, syms

# Nodes that can hold statements: an import statement is never found below any other node.
_STATEMENT_HOLDERS = frozenset(
    {
        syms.file_input,
        syms.suite,
        syms.simple_stmt,
        syms.if_stmt,
        syms.while_stmt,
        syms.for_stmt,
        syms.try_stmt,
        syms.with_stmt,
        syms.funcdef,
        syms.classdef,
        syms.decorated,
        syms.async_stmt,
        syms.async_funcdef,
    }
)


def import_statements(root: LN) -> list[Node]:
    """Every ``import_name`` / ``import_from`` node under ``root`` (in functions, classes and
    blocks too), in the order of :func:`walk`; expressions are not descended into. A list,
    taken before the caller changes anything in the tree."""
    found: list[Node] = []
    stack = [root]
    while stack:
        node = stack.pop()
        if node.type in (syms.import_name, syms.import_from):
            found.append(node)  # type: ignore[arg-type]
        elif node.type in _STATEMENT_HOLDERS:
            stack.extend(node.children[::-1])
    return found


def top_level_imports(root: LN) -> list[LN]:
    """Top-level ``import`` / ``from`` statements (their simple_stmt nodes)."""
    found: list[LN] = []
    for statement in root.children:
        if statement.type != syms.simple_stmt:
            continue
        if any(child.type in (syms.import_name, syms.import_from) for child in statement.children):
            found.append(statement)
    return found


def from_import_module(node: Node) -> str:
    """The module text of an ``import_from`` node (``.`` prefixes kept for relative imports)."""
    parts: list[str] = []
    for child in node.children[1:]:
        if child.type == token.NAME and child.value == "import":
            break
        parts.append(dotted_text(child))
    return "".join(parts)


def imported_names(node: Node) -> list[tuple[LN, str, str | None]]:
    """(element node, name, alias) for each name of an ``import_from`` node; ``*`` included."""
    index = next(
        i for i, c in enumerate(node.children) if c.type == token.NAME and c.value == "import"
    )
    elements: list[LN] = []
    for child in node.children[index + 1 :]:
        if child.type == syms.import_as_names:
            elements.extend(c for c in child.children if c.type != token.COMMA)
        elif child.type not in (token.LPAR, token.RPAR):
            elements.append(child)
    result: list[tuple[LN, str, str | None]] = []
    for element in elements:
        if element.type == syms.import_as_name:
            result.append((element, element.children[0].value, element.children[2].value))
        elif element.type == token.STAR:
            result.append((element, "*", None))
        else:
            result.append((element, element.value, None))
    return result


def imported_modules(node: Node) -> list[tuple[LN, LN, str | None]]:
    """(element, module node, alias) for each module of an ``import a.b, c as d`` node."""
    target = node.children[1]
    elements = (
        [c for c in target.children if c.type != token.COMMA]
        if target.type == syms.dotted_as_names
        else [target]
    )
    return [
        (element, element.children[0], element.children[2].value)
        if element.type == syms.dotted_as_name
        else (element, element, None)
        for element in elements
    ]


def remove_import_element(element: LN) -> None:
    """Remove one name from a ``from x import a, b`` or ``import a, b`` list, with its comma."""
    parent = element.parent
    assert parent is not None
    if parent.type not in (syms.import_as_names, syms.dotted_as_names):
        raise ValueError("the import has a single name; remove the statement instead")
    siblings = parent.children
    index = siblings.index(element)
    if index + 1 < len(siblings) and siblings[index + 1].type == token.COMMA:
        following = siblings[index + 2] if index + 2 < len(siblings) else None
        prefix = element.prefix
        siblings[index + 1].remove()
        element.remove()
        if following is not None:
            following.prefix = prefix
    else:
        siblings[index - 1].remove()  # the comma before it
        element.remove()
    if len(parent.children) == 1:
        only = parent.children[0]
        only.remove()
        parent.replace(only)


def binds_name(root: LN, name: str) -> bool:
    """Whether a top-level import already binds ``name``."""
    for statement in top_level_imports(root):
        for child in statement.children:
            if child.type == syms.import_from:
                if any((alias or imported) == name for _, imported, alias in imported_names(child)):
                    return True
            elif child.type == syms.import_name:
                if name in _import_name_bindings(child):
                    return True
    return False


def _import_name_bindings(node: Node) -> set[str]:
    return {
        alias or dotted_text(module).split(".")[0] for _, module, alias in imported_modules(node)
    }


def ensure_from_import(root: LN, module: str, name: str) -> None:
    """Make ``from module import name`` available at top level, adding it at most once."""
    if binds_name(root, name):
        return
    for statement in top_level_imports(root):
        for child in statement.children:
            if child.type == syms.import_from and from_import_module(child) == module:
                names = imported_names(child)
                if names and names[-1][1] != "*":
                    _append_import_name(child, name)
                    return
    add_top_level_statement(root, f"from {module} import {name}")


def _append_import_name(node: Node, name: str) -> None:
    last = node.children[-1]
    names = node.children[-2] if last.type == token.RPAR else last
    if names.type != syms.import_as_names:
        names.replace(
            Node(
                syms.import_as_names,
                [names.clone(), Leaf(token.COMMA, ","), Leaf(token.NAME, name, prefix=" ")],
            )
        )
    elif names.children[-1].type == token.COMMA:  # a trailing comma, inside parentheses
        names.append_child(Leaf(token.NAME, name, prefix=" "))
        names.append_child(Leaf(token.COMMA, ","))
    else:
        names.append_child(Leaf(token.COMMA, ","))
        names.append_child(Leaf(token.NAME, name, prefix=" "))


def add_top_level_statement(root: LN, code: str) -> None:
    """Add a top-level import statement after the last top-level import (or the docstring)."""
    imports = top_level_imports(root)
    if imports:
        insert_statement_after(imports[-1], code)
        return
    anchor = None
    for statement in root.children:
        if statement.type == syms.simple_stmt and statement.children[0].type == token.STRING:
            anchor = statement  # the module docstring
            continue
        break
    if anchor is not None:
        insert_statement_after(anchor, code)
    elif root.children and root.children[0].type != token.ENDMARKER:
        insert_statement_before(root.children[0], code)
    else:
        root.insert_child(0, parse_statement(code))


def all_entries(root: LN) -> list[Leaf]:
    """The string leaves listed by a module-level ``__all__ = [...]`` / ``(...)`` / ``+=``."""
    found: list[Leaf] = []
    for statement in root.children:
        if statement.type != syms.simple_stmt:
            continue
        assignment = statement.children[0]
        if (
            assignment.type != syms.expr_stmt
            or len(assignment.children) != 3
            or str(assignment.children[0]).strip() != "__all__"
        ):
            continue
        found.extend(
            leaf for leaf in leaves_of(assignment.children[2]) if leaf.type == token.STRING
        )
    return found


def exported_names(root: LN) -> set[str]:
    """The names a module-level ``__all__`` lists."""
    return {value for leaf in all_entries(root) if (value := string_value(leaf)) is not None}


def name_is_used(root: LN, name: str, ignoring: LN | None = None) -> bool:
    """Whether ``name`` is referenced anywhere outside import statements (and ``ignoring``)."""
    skip = {id(leaf) for leaf in leaves_of(ignoring)} if ignoring is not None else set()
    for leaf in names_in(root):
        if leaf.value != name or id(leaf) in skip:
            continue
        if _inside_import(leaf):
            continue
        return True
    return False


def _inside_import(leaf: LN) -> bool:
    node = leaf.parent
    while node is not None:
        if node.type in (syms.import_from, syms.import_name):
            return True
        node = node.parent
    return False


def remove_imported_name_if_unused(root: LN, name: str) -> None:
    """Drop ``name`` from top-level imports when nothing else in the file uses it."""
    if name_is_used(root, name):
        return
    for statement in top_level_imports(root):
        for child in statement.children:
            if child.type != syms.import_from:
                continue
            names = imported_names(child)
            for element, imported, alias in names:
                if (alias or imported) != name:
                    continue
                if len(names) == 1:
                    remove_statement(statement)
                else:
                    remove_import_element(element)
                return


def rename_name_uses(root: LN, old: str, new: str) -> None:
    """Rename every plain use of ``old`` outside imports to ``new``."""
    for leaf in list(names_in(root)):
        if leaf.value == old and not _inside_import(leaf):
            leaf.value = new
