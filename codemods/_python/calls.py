"""Calls and their arguments: finding the calls of an imported name, reading and editing
their arguments."""

from __future__ import annotations

from collections.abc import Collection

from fissix.pgen2 import token
from fissix.pytree import Leaf, Node
from prefect1_migrate.codemods._python.names import qualified_chain
from prefect1_migrate.codemods._python.scopes import binding_of, binding_sites, defining_scope
from prefect1_migrate.codemods._python.tree import LN, first_leaf, syms, walk

# --- finding calls ---------------------------------------------------------------------------


def calls_to(
    root: LN, qualified_names: Collection[str], bindings: dict[str, str]
) -> list[tuple[str, Node]]:
    """(qualified name, call trailer) of every call of one of ``qualified_names``."""
    found: list[tuple[str, Node]] = []
    for node in walk(root):
        chain = qualified_chain(node, bindings)
        if not chain or chain[-1] not in qualified_names or len(node.children) <= len(chain):
            continue
        trailer = node.children[len(chain)]
        if trailer.type == syms.trailer and trailer.children[0].type == token.LPAR:
            found.append((chain[-1], trailer))
    return found


def assigned_calls(
    leaf: Leaf, qualified_names: Collection[str], bindings: dict[str, str]
) -> tuple[int, int]:
    """(matching, total): how many of the bindings the name ``leaf`` refers to (Python's scope
    rules, see :func:`defining_scope`) are ``name = Q(...)`` with ``Q`` one of
    ``qualified_names``, out of how many. (0, 0) when nothing in the file binds it."""
    scope = defining_scope(leaf)
    if scope is None:
        return (0, 0)
    sites = binding_sites(scope, leaf.value)
    matching = 0
    for site in sites:
        kind, value = binding_of(site)
        if kind != "assign" or value is None or value.type != syms.power:
            continue
        chain = qualified_chain(value, bindings)
        if (
            chain
            and chain[-1] in qualified_names
            and len(value.children) == len(chain) + 1
            and value.children[-1].children[0].type == token.LPAR
        ):
            matching += 1
    return (matching, len(sites))


# --- their arguments -------------------------------------------------------------------------


def call_arguments(trailer: Node) -> list[LN]:
    """The argument nodes of a call trailer ``( ... )`` (commas dropped)."""
    if len(trailer.children) < 3:
        return []
    inner = trailer.children[1]
    if inner.type == syms.arglist:
        return [child for child in inner.children if child.type != token.COMMA]
    return [inner]


def keyword_argument(argument: LN) -> tuple[str, LN] | None:
    """(name, value) when ``argument`` is ``name=value``."""
    if (
        argument.type == syms.argument
        and len(argument.children) == 3
        and argument.children[1].type == token.EQUAL
        and argument.children[0].type == token.NAME
    ):
        return argument.children[0].value, argument.children[2]
    return None


def is_star_argument(argument: LN) -> bool:
    """Whether ``argument`` unpacks: ``*args`` or ``**kwargs``."""
    if argument.type == syms.argument and argument.children[0].type in (
        token.STAR,
        token.DOUBLESTAR,
    ):
        return True
    return argument.type == syms.star_expr


def keyword_positionals(trailer: Node, names: tuple[str, ...]) -> bool:
    """Turn the positional arguments of a call into keywords, named by ``names`` in order.

    Returns False (and changes nothing) when that cannot be done: a ``*args`` argument, or more
    positional arguments than ``names``.
    """
    arguments = call_arguments(trailer)
    positional = [a for a in arguments if keyword_argument(a) is None and not is_star_argument(a)]
    if len(positional) > len(names) or any(
        is_star_argument(a) and first_leaf(a).type == token.STAR for a in arguments
    ):
        return False
    for argument, name in zip(positional, names, strict=False):
        make_keyword(argument, name)
    return True


def make_keyword(argument: LN, name: str) -> Node:
    """Turn the positional argument ``argument`` into ``name=argument``, in place."""
    keyword = Node(
        syms.argument, [Leaf(token.NAME, name, prefix=argument.prefix), Leaf(token.EQUAL, "=")]
    )
    argument.replace(keyword)
    argument.prefix = ""
    keyword.append_child(argument)
    return keyword


def remove_listed(element: LN) -> None:
    """Remove one element of a comma-separated list with its comma.

    Works for call arguments and list, tuple and set displays. The layout of the remaining
    elements is kept; a comment on the removed element's own line goes with it, comment lines
    between elements stay. A tuple left with one element keeps its trailing comma.
    """
    parent = element.parent
    assert parent is not None
    if parent.type not in (syms.arglist, syms.listmaker, syms.testlist_gexp, syms.dictsetmaker):
        closing = element.next_sibling
        element.remove()
        if closing is not None and not closing.prefix.strip():
            closing.prefix = ""
        return
    siblings = parent.children
    index = siblings.index(element)
    if index + 1 < len(siblings) and siblings[index + 1].type == token.COMMA:
        following = siblings[index + 2] if index + 2 < len(siblings) else parent.next_sibling
        prefix = element.prefix
        siblings[index + 1].remove()
        element.remove()
        if following is not None:
            following.prefix = _prefix_after_removal(
                prefix, following.prefix, closing=following.parent is not parent
            )
    else:
        siblings[index - 1].remove()  # the comma before it
        element.remove()
        closing = parent.next_sibling
        if closing is not None:
            closing.prefix = _drop_same_line_comment(closing.prefix)
    if not parent.children:
        parent.remove()
    elif (
        parent.type == syms.testlist_gexp
        and len(parent.children) == 1
        and parent.parent is not None
        and parent.parent.type == syms.atom
    ):
        parent.append_child(Leaf(token.COMMA, ","))


def _prefix_after_removal(removed: str, following: str, closing: bool) -> str:
    if "\n" in following:
        return following[following.index("\n") :]
    return "" if closing else removed


def _drop_same_line_comment(prefix: str) -> str:
    head, newline, tail = prefix.partition("\n")
    if newline and head.strip().startswith("#"):
        return newline + tail
    return prefix
