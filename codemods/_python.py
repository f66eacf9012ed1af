"""Matching and editing helpers for fissix trees, shared by the Python codemods.

Everything here edits the lossless tree in place, keeping comments and layout of what it
does not rewrite. Review markers go on their own comment line above the statement.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator

from fissix import pygram
from fissix.pgen2 import token
from fissix.pytree import Leaf, Node

from prefect1_migrate.markers import MARKER

syms = pygram.python_symbols
LN = Leaf | Node

_STATEMENT_PARENTS = {syms.file_input, syms.suite}


# --- navigation ----------------------------------------------------------------------------


def walk(node: LN, skipping: Collection[int] = ()) -> list[LN]:
    """``node`` and every node under it, in pre-order: what fissix's ``node.pre_order()``
    gives, without its recursive generators (slow, and deep on long files). A list, taken
    before the caller changes anything in the tree. Nodes of a type in ``skipping`` are left
    out, with everything under them."""
    found: list[LN] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type in skipping:
            continue
        found.append(current)
        if current.children:
            stack.extend(current.children[::-1])
    return found


def leaves_of(node: LN) -> list[Leaf]:
    """The leaves under ``node`` in order (fissix's ``node.leaves()``), as a list."""
    found: list[Leaf] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, Leaf):
            found.append(current)
        else:
            stack.extend(current.children[::-1])
    return found


def root_of(node: LN) -> LN:
    while node.parent is not None:
        node = node.parent
    return node


def statement_of(node: LN) -> LN:
    """The statement (simple_stmt or compound statement) that contains ``node``."""
    while node.parent is not None and node.parent.type not in _STATEMENT_PARENTS:
        node = node.parent
    return node


def first_leaf(node: LN) -> Leaf:
    while isinstance(node, Node):
        node = node.children[0]
    return node


def dotted_text(node: LN) -> str:
    """``a.b.c`` for a NAME or dotted_name node, without whitespace or comments."""
    return "".join(leaf.value for leaf in leaves_of(node))


def indentation_of(statement: LN) -> str:
    parent = statement.parent
    if parent is None or parent.type == syms.file_input:
        return ""
    for child in parent.children:
        if child.type == token.INDENT:
            return child.value
    return ""


def is_top_level(node: LN) -> bool:
    return (
        statement_of(node).parent is not None and statement_of(node).parent.type == syms.file_input
    )


def names_in(root: LN) -> Iterator[Leaf]:
    """Every NAME leaf used as a plain name: not an attribute, not a keyword argument name."""
    for leaf in leaves_of(root):
        if leaf.type != token.NAME:
            continue
        previous = leaf.prev_sibling
        if previous is not None and previous.type == token.DOT:
            continue
        parent = leaf.parent
        if parent is not None and parent.type == syms.argument and leaf is parent.children[0]:
            if len(parent.children) > 1 and parent.children[1].type == token.EQUAL:
                continue
        yield leaf


# --- review markers ------------------------------------------------------------------------


def add_todo(node: LN, message: str) -> None:
    """Put ``# TODO(prefect-1.0): message`` on its own line above the statement of ``node``.

    A marker with the same message already among the comment lines right above the
    statement is not repeated, so a second run adds nothing.
    """
    statement = statement_of(node)
    marker = f"# {MARKER}: {message}"
    leaf = first_leaf(statement)
    if marker in _comment_lines_above(leaf):
        return
    indent = indentation_of(statement)
    indent_leaf = _indent_before(leaf)
    if indent_leaf is not None and not leaf.prefix:
        indent_leaf.prefix += f"{indent}{marker}\n"
        return
    head, newline, tail = leaf.prefix.rpartition("\n")
    if newline:
        leaf.prefix = f"{head}\n{indent}{marker}\n{tail}"
        return
    # The line's indentation may already be written by the DEDENT leaves before ``leaf``.
    carried = _whitespace_carried(leaf)
    lead = indent[len(carried) :] if indent.startswith(carried) else indent
    leaf.prefix = f"{lead}{marker}\n{indent}"


def _previous_leaf(leaf: LN) -> Leaf | None:
    node: LN | None = leaf
    while node is not None and node.prev_sibling is None:
        node = node.parent
    if node is None:
        return None
    previous = node.prev_sibling
    while isinstance(previous, Node):
        previous = previous.children[-1]
    return previous


def _whitespace_before(leaf: Leaf) -> str:
    """The prefixes and values of the whitespace-only leaves right before ``leaf``."""
    text = ""
    previous = _previous_leaf(leaf)
    while previous is not None and not previous.value.strip():
        text = previous.prefix + previous.value + text
        previous = _previous_leaf(previous)
    return text


def _whitespace_carried(leaf: Leaf) -> str:
    """What earlier leaves already wrote on ``leaf``'s line before its own prefix."""
    return _whitespace_before(leaf).rpartition("\n")[2]


def _comment_lines_above(leaf: Leaf) -> list[str]:
    """The stripped comment lines directly above ``leaf``'s line.

    fissix stores the comments above a statement in its first leaf's prefix, or, after an
    indented block, in the prefixes of the block's closing NEWLINE/DEDENT leaves.
    """
    text = _whitespace_before(leaf) + leaf.prefix
    lines: list[str] = []
    for line in reversed(text.split("\n")[:-1]):
        stripped = line.strip()
        if not stripped.startswith("#"):
            break
        lines.append(stripped)
    return lines


def _indent_before(leaf: Leaf) -> Leaf | None:
    previous = leaf.prev_sibling
    node: LN = leaf
    while previous is None and node.parent is not None:
        node = node.parent
        previous = node.prev_sibling
    if previous is not None and previous.type == token.INDENT:
        return previous
    return None


# --- imports -------------------------------------------------------------------------------


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


def remove_statement(statement: LN) -> None:
    """Remove a statement, keeping the comments that stood above it.

    When it is the first statement of a block, the block's INDENT leaf already indents the
    statement that moves up into its place, so that one loses its own indentation.
    """
    comments = first_leaf(statement).prefix
    previous, following = statement.prev_sibling, statement.next_sibling
    statement.remove()
    if following is None:
        return
    next_leaf = first_leaf(following)
    if previous is not None and previous.type == token.INDENT:
        next_leaf.prefix = next_leaf.prefix.lstrip(" \t")
    if comments.strip():
        next_leaf.prefix = comments + next_leaf.prefix.lstrip(" \t")


def insert_statement_after(statement: LN, code: str) -> LN:
    """Parse ``code`` (one line, no indentation) and insert it after ``statement``."""
    from prefect1_migrate.python_tree import parse

    indent = indentation_of(statement)
    new = parse(code.rstrip("\n") + "\n").children[0]
    new.remove()
    first_leaf(new).prefix = indent
    parent = statement.parent
    assert parent is not None
    parent.insert_child(parent.children.index(statement) + 1, new)
    return new


def insert_statement_before(statement: LN, code: str) -> LN:
    from prefect1_migrate.python_tree import parse

    new = parse(code.rstrip("\n") + "\n").children[0]
    new.remove()
    leaf = first_leaf(statement)
    first_leaf(new).prefix = leaf.prefix
    leaf.prefix = indentation_of(statement)
    parent = statement.parent
    assert parent is not None
    parent.insert_child(parent.children.index(statement), new)
    return new


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


def ensure_import(root: LN, module: str) -> None:
    """Make ``import module`` available at top level, adding it at most once."""
    for statement in top_level_imports(root):
        for child in statement.children:
            if child.type == syms.import_name and dotted_text(child.children[1]) == module:
                return
    add_top_level_statement(root, f"import {module}")


def _append_import_name(node: Node, name: str) -> None:
    last = node.children[-1]
    if last.type == token.RPAR:
        names = node.children[-2]
        if names.type == syms.import_as_names:
            trailing_comma = names.children[-1].type == token.COMMA
            if trailing_comma:
                names.append_child(Leaf(token.NAME, name, prefix=" "))
                names.append_child(Leaf(token.COMMA, ","))
            else:
                names.append_child(Leaf(token.COMMA, ","))
                names.append_child(Leaf(token.NAME, name, prefix=" "))
            return
        replacement = Node(
            syms.import_as_names,
            [names.clone(), Leaf(token.COMMA, ","), Leaf(token.NAME, name, prefix=" ")],
        )
        names.replace(replacement)
        return
    if last.type == syms.import_as_names:
        last.append_child(Leaf(token.COMMA, ","))
        last.append_child(Leaf(token.NAME, name, prefix=" "))
        return
    replacement = Node(
        syms.import_as_names,
        [last.clone(), Leaf(token.COMMA, ","), Leaf(token.NAME, name, prefix=" ")],
    )
    last.replace(replacement)


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
        from prefect1_migrate.python_tree import parse

        new = parse(code + "\n").children[0]
        new.remove()
        root.insert_child(0, new)


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


# --- calls ---------------------------------------------------------------------------------


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
    if argument.type == syms.argument and argument.children[0].type in (
        token.STAR,
        token.DOUBLESTAR,
    ):
        return True
    return argument.type == syms.star_expr


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


def make_keyword(argument: LN, name: str) -> Node:
    """Turn the positional argument ``argument`` into ``name=argument``, in place."""
    keyword = Node(
        syms.argument, [Leaf(token.NAME, name, prefix=argument.prefix), Leaf(token.EQUAL, "=")]
    )
    argument.replace(keyword)
    argument.prefix = ""
    keyword.append_child(argument)
    return keyword


# --- what a name refers to -----------------------------------------------------------------


def import_bindings(root: LN) -> dict[str, str]:
    """Local name -> the qualified name an absolute import anywhere in the file binds it to.

    ``import a.b`` binds ``a``; ``import a.b as x`` binds ``x`` to ``a.b``; ``from a.b import
    C as D`` binds ``D`` to ``a.b.C``. Scopes are not told apart; a name imported as two
    different things is left out, so that it never matches.
    """
    found: dict[str, str] = {}
    ambiguous: set[str] = set()

    def bind(name: str, qualified: str) -> None:
        if found.get(name, qualified) != qualified:
            ambiguous.add(name)
        found[name] = qualified

    for node in walk(root):
        if node.type == syms.import_name:
            for _, module, alias in imported_modules(node):
                if alias is not None:
                    bind(alias, dotted_text(module))
                else:
                    top = dotted_text(module).split(".")[0]
                    bind(top, top)
        elif node.type == syms.import_from:
            module = from_import_module(node)
            if module.startswith("."):
                continue
            for _, name, alias in imported_names(node):
                if name != "*":
                    bind(alias or name, f"{module}.{name}")
    for name in ambiguous:
        del found[name]
    return found


def qualified_chain(power: LN, bindings: dict[str, str]) -> list[str]:
    """The qualified name of each prefix of the dotted chain ``power`` starts with.

    After ``import prefect.agent.fargate as fa``, ``fa.FargateAgent(x).start()`` gives
    ``["prefect.agent.fargate", "prefect.agent.fargate.FargateAgent"]``: element ``i`` names
    ``power.children[: i + 1]``. Empty when the first name is not bound by an import.
    """
    if power.type != syms.power or power.children[0].type != token.NAME:
        return []
    base = bindings.get(power.children[0].value)
    if base is None:
        return []
    chain = [base]
    for trailer in power.children[1:]:
        if (
            trailer.type != syms.trailer
            or len(trailer.children) != 2
            or trailer.children[0].type != token.DOT
        ):
            break
        chain.append(f"{chain[-1]}.{trailer.children[1].value}")
    return chain


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


# --- string literals -----------------------------------------------------------------------

_STRING_START = re.compile(r"(?P<prefix>[rRuU]?)(?P<quote>'''|\"\"\"|'|\")")


def string_value(node: LN) -> str | None:
    """The text of a plain string literal (no f/b prefix, no escapes, no implicit concatenation)."""
    if node.type != token.STRING:
        return None
    parent = node.parent
    if parent is not None and parent.type == syms.atom and parent.children[0].type == token.STRING:
        return None  # one piece of "a" "b"
    match = _STRING_START.match(node.value)
    if match is None or "\\" in node.value:
        return None
    quote = match.group("quote")
    return node.value[match.end() : len(node.value) - len(quote)]


def set_string_value(leaf: Leaf, text: str) -> None:
    """Replace the text of a plain string literal, keeping its prefix and quotes."""
    match = _STRING_START.match(leaf.value)
    assert match is not None
    quote = match.group("quote")
    if quote in text or "\\" in text:
        raise ValueError(f"cannot put {text!r} between {quote} quotes")
    leaf.value = f"{match.group('prefix')}{quote}{text}{quote}"


# --- scopes: which assignment a name refers to ---------------------------------------------
#
# Python's scoping rules, read off the tree (code is never run): a name bound in a way that
# cannot be followed statically (unpacking, loops, ``global``...) is reported as such, so that
# a codemod can refuse to guess.

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


def binding_sites(scope: LN, name: str) -> list[Leaf]:
    """The NAME leaves that bind ``name`` in ``scope`` itself (not in scopes nested in it)."""
    return [leaf for leaf in _binding_leaves(scope) if leaf.value == name]


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


def _binding_leaves(scope: LN) -> Iterator[Leaf]:
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
    target = node.children[1]
    elements = (
        [c for c in target.children if c.type != token.COMMA]
        if target.type == syms.dotted_as_names
        else [target]
    )
    for element in elements:
        if element.type == syms.dotted_as_name:
            yield element.children[2]
        else:
            yield first_leaf(element)


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


# --- call arguments: positional to keyword -------------------------------------------------


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


# --- imported names, seen through scopes ---------------------------------------------------


def shadowed_imports(root: LN, bindings: dict[str, str]) -> set[str]:
    """The names of ``bindings`` (see :func:`import_bindings`) that something other than an
    import binds too, somewhere in the file: a parameter, an assignment, a loop target..."""
    if not bindings:
        return set()
    scopes = [root, *(node for node in walk(root) if node.type in _SCOPES)]
    bound_otherwise = {
        site.value
        for scope in scopes
        for site in _binding_leaves(scope)
        if site.value in bindings and not _is_import_site(site)
    }
    return {name for name in bindings if name in bound_otherwise}


def imported_qualified_name(
    nodes: list[LN], bindings: dict[str, str], shadowed: set[str]
) -> str | None:
    """The qualified name of the dotted expression ``nodes`` (a NAME, or the leading NAME and
    ``.attr`` trailers of a ``power``) when its first name refers to an import at that place;
    None when it is not dotted, not imported, or hidden there by a local binding."""
    if not nodes or nodes[0].type != token.NAME:
        return None
    head = nodes[0]
    if head.value in shadowed:
        scope = defining_scope(head)
        if scope is None or not all(map(_is_import_site, binding_sites(scope, head.value))):
            return None
    if len(nodes) == 1:
        return bindings.get(head.value)
    chain = qualified_chain(head.parent, bindings)
    return chain[len(nodes) - 1] if len(chain) >= len(nodes) else None


def _is_import_site(site: Leaf) -> bool:
    node = site.parent
    while node is not None and node.type not in (syms.import_name, syms.import_from):
        node = node.parent
    return node is not None


# --- what a name or a class is bound to ---------------------------------------------------


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


def base_classes(classdef: Node, bindings: dict[str, str]) -> set[str]:
    """The qualified names of the imported base classes of a ``class`` statement."""
    if len(classdef.children) < 4 or classdef.children[2].type != token.LPAR:
        return set()
    bases = classdef.children[3]
    found: set[str] = set()
    for base in bases.children if bases.type == syms.arglist else [bases]:
        if base.type == token.NAME and base.value in bindings:
            found.add(bindings[base.value])
        elif (chain := qualified_chain(base, bindings)) and len(chain) == len(base.children):
            found.add(chain[-1])
    return found
