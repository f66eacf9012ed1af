"""Scopes: which assignment a name refers to.

Python's scoping rules, read off the tree (code is never run): a name bound in a way that
cannot be followed statically (unpacking, loops, ``global``...) is reported as such, so that
a codemod can refuse to guess.
"""

from __future__ import annotations

from collections.abc import Iterator

from fissix.pgen2 import token
from fissix.pytree import Leaf, Node
from prefect1_migrate.codemods._python.imports import imported_modules, imported_names
from prefect1_migrate.codemods._python.tree import LN, first_leaf, leaves_of, syms, walk

_SCOPES = {syms.funcdef, syms.classdef, syms.lambdef}
_COMPREHENSION_PARENTS = {syms.listmaker, syms.testlist_gexp, syms.dictsetmaker, syms.argument}
_COMPREHENSION_CLAUSES = {syms.comp_for, syms.comp_if, syms.comp_iter}


def scope_of(node: LN) -> LN:
    """The function, lambda, class or module whose local names ``node`` sees first."""
    child, parent = node, node.parent
    while parent is not None:
        if parent.type in _SCOPES and _inside_scope_body(child, parent):
            return parent
        child, parent = parent, parent.parent
    return child


def _inside_scope_body(child: LN, scope: Node) -> bool:
    """Whether ``child`` (a child of ``scope``) is evaluated in ``scope``: its body or its
    parameters, not its name, decorators' target, default values or annotations."""
    if scope.type == syms.lambdef:
        return child is scope.children[-1] or child is scope.children[1]
    return child.type == syms.suite or child is scope.children[-1]


def scopes_in(root: LN) -> list[LN]:
    """``root`` and every function, lambda and class under it."""
    return [root, *(node for node in walk(root) if node.type in _SCOPES)]


def binding_sites(scope: LN, name: str) -> list[Leaf]:
    """The NAME leaves that bind ``name`` in ``scope`` itself (not in scopes nested in it)."""
    return [leaf for leaf in binding_leaves(scope) if leaf.value == name]


def defining_scope(leaf: Leaf) -> LN | None:
    """The scope whose binding the name ``leaf`` refers to (Python's rules: local, enclosing
    functions, module; class bodies are not seen from their methods), or None when nothing in
    the file binds it, or a comprehension does."""
    name = leaf.value
    node: LN = leaf
    scope = scope_of(leaf)
    while node.parent is not None:
        parent = node.parent
        if parent.type in _COMPREHENSION_PARENTS and name in _comprehension_targets(parent):
            return None
        node = parent
        if node is scope:
            break
    seen_function = False
    while True:
        if scope.type != syms.classdef or not seen_function:
            if binding_sites(scope, name):
                return scope
        if scope.parent is None:
            return None
        seen_function = seen_function or scope.type in (syms.funcdef, syms.lambdef)
        scope = scope_of(scope)


def _comprehension_targets(node: Node) -> set[str]:
    names: set[str] = set()
    for child in node.children:
        clause: LN | None = child if child.type == syms.comp_for else None
        while clause is not None:
            if clause.type == syms.comp_for:
                names.update(leaf.value for leaf in _target_names(clause.children[1]))
            clause = next((c for c in clause.children if c.type in _COMPREHENSION_CLAUSES), None)
    return names


def binding_of(site: Leaf) -> tuple[str, LN | None]:
    """What a binding site binds its name to, as far as that can be read off the code:

    - ``("assign", value)`` for ``name = value`` (also ``a = name = value``);
    - ``("with", expression)`` for ``with expression as name``;
    - ``("parameter", annotation or None)`` for a parameter;
    - ``("other", None)`` for everything else (unpacking, loops, imports, ``global``...).
    """
    parent = site.parent
    if parent is None:
        return ("other", None)
    if parent.type == syms.expr_stmt:
        equals = [i for i, c in enumerate(parent.children) if c.type == token.EQUAL]
        if equals and parent.children.index(site) < equals[-1]:
            return ("assign", parent.children[-1])
    if parent.type in (syms.with_item, syms.with_stmt):
        index = parent.children.index(site)
        if index >= 2 and parent.children[index - 1].type == token.NAME:
            if parent.children[index - 1].value == "as":
                return ("with", parent.children[index - 2])
    if parent.type == syms.tname and site is parent.children[0]:
        return ("parameter", parent.children[2])
    if _is_parameter(site):
        return ("parameter", None)
    return ("other", None)


def is_import_site(site: Leaf) -> bool:
    """Whether the binding site ``site`` is a name an import binds."""
    node = site.parent
    while node is not None and node.type not in (syms.import_name, syms.import_from):
        node = node.parent
    return node is not None


def _is_parameter(leaf: Leaf) -> bool:
    parent = leaf.parent
    if parent is None:
        return False
    if parent.type in (syms.typedargslist, syms.varargslist):
        previous = leaf.prev_sibling
        return previous is None or previous.type != token.EQUAL
    if parent.type == syms.parameters:
        return True
    return parent.type == syms.lambdef and leaf is parent.children[1]


def binding_leaves(scope: LN) -> Iterator[Leaf]:
    """The NAME leaves binding a name in ``scope`` itself."""
    if scope.type in (syms.funcdef, syms.lambdef):
        yield from _parameter_names(scope)
    body = scope.children if scope.type != syms.lambdef else [scope.children[-1]]
    for child in body:
        yield from _bindings_in(child)


def _parameter_names(function: Node) -> Iterator[Leaf]:
    params = function.children[2] if function.type == syms.funcdef else function.children[1]
    if params.type == token.NAME:
        yield params  # the single parameter of a lambda
        return
    nodes = [params]
    while nodes:
        node = nodes.pop()
        if node.type == token.NAME:
            if _is_parameter(node):
                yield node
        elif node.type == syms.tname:
            yield node.children[0]
        elif node.type in (syms.parameters, syms.typedargslist, syms.varargslist):
            nodes.extend(node.children)


def _bindings_in(node: LN) -> Iterator[Leaf]:
    """Bindings made by ``node`` in the scope it belongs to (nested scopes only bind their name)."""
    stack = [node]
    while stack:
        node = stack.pop()
        if node.type in (syms.funcdef, syms.classdef):
            yield node.children[1]
        elif node.type != syms.lambdef:
            if node.type in _BINDING_STATEMENTS:
                yield from _bindings_of(node)
            stack.extend(reversed(node.children))


_BINDING_STATEMENTS = frozenset(
    {
        syms.import_name,
        syms.import_from,
        syms.expr_stmt,
        syms.for_stmt,
        syms.with_item,
        syms.with_stmt,
        syms.except_clause,
        syms.namedexpr_test,
        syms.global_stmt,
        syms.del_stmt,
    }
)


def _bindings_of(node: Node) -> Iterator[Leaf]:
    """The names one of the :data:`_BINDING_STATEMENTS` binds itself (not its children)."""
    if node.type == syms.import_name:
        yield from _import_name_leaves(node)
    elif node.type == syms.import_from:
        for element, name, alias in imported_names(node):
            if name != "*":
                yield element.children[2] if alias is not None else element
    elif node.type == syms.expr_stmt:
        children = node.children
        if len(children) >= 2 and children[1].type == syms.annassign:
            yield from _target_names(children[0])
        elif len(children) >= 2 and children[1].type != token.EQUAL:
            yield from _target_names(children[0])  # augmented assignment
        else:
            for index, child in enumerate(children[:-1]):
                if index + 1 < len(children) and children[index + 1].type == token.EQUAL:
                    yield from _target_names(child)
    elif node.type == syms.for_stmt:
        yield from _target_names(node.children[1])
    elif node.type in (syms.with_item, syms.with_stmt, syms.except_clause):
        for index, child in enumerate(node.children):
            if child.type == token.NAME and child.value == "as" and index + 1 < len(node.children):
                yield from _target_names(node.children[index + 1])
    elif node.type == syms.namedexpr_test:
        yield from _target_names(node.children[0])
    elif node.type in (syms.global_stmt, syms.del_stmt):
        for leaf in leaves_of(node):
            if leaf.type == token.NAME and leaf.value not in ("global", "nonlocal", "del"):
                yield leaf


def _import_name_leaves(node: Node) -> Iterator[Leaf]:
    for element, _, alias in imported_modules(node):
        yield element.children[2] if alias is not None else first_leaf(element)


def _target_names(target: LN) -> Iterator[Leaf]:
    """Names bound by an assignment target (tuple/list unpacking followed; attributes and
    subscripts bind no name)."""
    if target.type == token.NAME:
        yield target
    elif target.type in (
        syms.atom,
        syms.testlist_star_expr,
        syms.exprlist,
        syms.testlist_gexp,
        syms.listmaker,
        syms.star_expr,
        syms.testlist,
    ):
        for child in target.children:
            yield from _target_names(child)
