"""Moving names and modules, in every import style the engineering notes list.

A :class:`ModuleMove` moves a module (and its submodules) to a new path, optionally renaming
some of its names and flagging names with no new equivalent. A :class:`NameMove` moves one
name out of a module that itself stays. :func:`move_imports` applies a set of moves to a whole
file, in:

- ``import a.b`` / ``import a.b as x`` (and the ``x.Name`` uses of the alias),
- ``from a.b import C`` / ``from a.b import C as D`` / parenthesised, backslash-continued
  and star imports, at top level or inside functions and ``try`` blocks,
- ``from a import b`` (then ``b.C``),
- dotted chains after ``import prefect`` (``prefect.a.b.C``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from fissix.pgen2 import token
from fissix.pytree import Leaf, Node
from prefect1_migrate.codemods._python.imports import (
    ensure_from_import,
    from_import_module,
    import_statements,
    imported_modules,
    imported_names,
    name_is_used,
    remove_import_element,
    rename_name_uses,
)
from prefect1_migrate.codemods._python.markers import add_todo
from prefect1_migrate.codemods._python.statements import (
    insert_statement_after,
    remove_statement,
    remove_statement_or_pass,
)
from prefect1_migrate.codemods._python.tree import (
    LN,
    dotted_text,
    leaves_of,
    statement_of,
    syms,
    walk,
)


@dataclass(frozen=True)
class ModuleMove:
    old: str
    new: str
    renamed: Mapping[str, str] = field(default_factory=dict)
    no_equivalent: Mapping[str, str] = field(default_factory=dict)  # name -> TODO message

    def new_module_for(self, module: str) -> str | None:
        if module == self.old or module.startswith(self.old + "."):
            return self.new + module[len(self.old) :]
        return None


@dataclass(frozen=True)
class NameMove:
    old_module: str
    old_name: str
    new_module: str
    new_name: str


@dataclass(frozen=True)
class _Moves:
    modules: Sequence[ModuleMove]
    names: Sequence[NameMove]


def move_imports(
    root: LN, module_moves: Sequence[ModuleMove] = (), name_moves: Sequence[NameMove] = ()
) -> None:
    """Applies ``module_moves`` and ``name_moves`` to the whole file ``root``."""
    moves = _Moves(tuple(module_moves), tuple(name_moves))
    bindings: dict[str, str] = {}  # local name -> the (old) module it is bound to
    for node in import_statements(root):
        if node.parent is None and node is not root:
            continue  # removed by an earlier rewrite
        if node.type == syms.import_from:
            _rewrite_from_import(root, node, moves, bindings)
        elif node.type == syms.import_name:
            _rewrite_import_name(node, moves, bindings)
    emptied: set[str] = set()  # aliases and old modules whose uses a NameMove rewrote
    for node in walk(root):
        if node.type == syms.power and node.parent is not None:
            emptied.update(_rewrite_chain(root, node, moves, bindings))
    if emptied:
        _drop_emptied_imports(root, emptied)


# --- from X import ... ---------------------------------------------------------------------


@dataclass
class _Planned:
    element: LN
    name: str
    alias: str | None
    target_module: str
    target_name: str


def _rewrite_from_import(root: LN, node: Node, moves: _Moves, bindings: dict[str, str]) -> None:
    module = from_import_module(node)
    if module.startswith("."):
        return
    names = imported_names(node)
    plan: list[_Planned] = []
    flagged: list[str] = []
    for element, name, alias in names:
        for move in moves.modules:
            new_module = move.new_module_for(module)
            if new_module is not None:
                if name in move.no_equivalent:
                    flagged.append(move.no_equivalent[name])
                elif name == "*":
                    plan.append(_Planned(element, name, alias, new_module, name))
                    used = [
                        n for n in [*move.renamed, *move.no_equivalent] if name_is_used(root, n)
                    ]
                    if used:
                        flagged.append(
                            f"star import from {module}: {', '.join(used)} renamed or removed "
                            f"in {move.new}; import the names explicitly"
                        )
                else:
                    plan.append(
                        _Planned(element, name, alias, new_module, move.renamed.get(name, name))
                    )
                break
            parent, _, last = move.old.rpartition(".")
            if module == parent and name == last:
                new_parent, _, new_last = move.new.rpartition(".")
                plan.append(_Planned(element, name, alias, new_parent, new_last))
                bindings[alias or new_last] = move.old
                break
        else:
            for name_move in moves.names:
                if name_move.old_module == module and name_move.old_name == name:
                    plan.append(
                        _Planned(element, name, alias, name_move.new_module, name_move.new_name)
                    )
                    break
                parent, _, last = name_move.old_module.rpartition(".")
                if module == parent and name == last:
                    bindings[alias or name] = name_move.old_module
    for message in flagged:
        add_todo(node, message)
    if not plan:
        return
    for planned in plan:
        if planned.alias is None and planned.name != planned.target_name and planned.name != "*":
            rename_name_uses(root, planned.name, planned.target_name)
    targets = {planned.target_module for planned in plan}
    statement = statement_of(node)
    if len(plan) == len(names) and len(targets) == 1:
        _set_module(node, targets.pop())
        for planned in plan:
            _rename_element(planned)
        return
    # Split: names that move leave this statement for one new statement per target module.
    added = statement
    for target in sorted(targets):
        parts = [
            planned.target_name + (f" as {planned.alias}" if planned.alias else "")
            for planned in plan
            if planned.target_module == target
        ]
        added = insert_statement_after(added, f"from {target} import {', '.join(parts)}")
    if len(plan) == len(names):
        remove_statement(statement)
        return
    for planned in plan:
        remove_import_element(planned.element)


def _set_module(node: Node, module: str) -> None:
    index = 1
    old = node.children[index]
    replacement = _dotted(module, old.prefix)
    old.replace(replacement)


def _rename_element(planned: _Planned) -> None:
    element = planned.element
    leaf = element.children[0] if element.type == syms.import_as_name else element
    if isinstance(leaf, Leaf) and leaf.type == token.NAME:
        leaf.value = planned.target_name


def _dotted(text: str, prefix: str = "") -> LN:
    parts = text.split(".")
    if len(parts) == 1:
        return Leaf(token.NAME, text, prefix=prefix)
    children: list[LN] = [Leaf(token.NAME, parts[0], prefix=prefix)]
    for part in parts[1:]:
        children += [Leaf(token.DOT, "."), Leaf(token.NAME, part)]
    return Node(syms.dotted_name, children)


# --- import X ------------------------------------------------------------------------------


def _rewrite_import_name(node: Node, moves: _Moves, bindings: dict[str, str]) -> None:
    for _, module_node, alias in imported_modules(node):
        module = dotted_text(module_node)
        if alias is not None:
            bindings[alias] = module
        for move in moves.modules:
            new_module = move.new_module_for(module)
            if new_module is not None:
                module_node.replace(_dotted(new_module, module_node.prefix))
                break


# --- dotted chains -------------------------------------------------------------------------


def _chain_parts(power: Node) -> list[str]:
    first = power.children[0]
    if first.type != token.NAME:
        return []
    parts = [first.value]
    for trailer in power.children[1:]:
        if (
            trailer.type == syms.trailer
            and len(trailer.children) == 2
            and trailer.children[0].type == token.DOT
        ):
            parts.append(trailer.children[1].value)
        else:
            break
    return parts


def _replace_chain_prefix(power: Node, count: int, new_parts: list[str]) -> None:
    """Replace the first ``count`` names of a dotted chain by ``new_parts``."""
    first = power.children[0]
    first.value = new_parts[0]
    old_trailers = power.children[1:count]
    anchor_index = 1
    for trailer in old_trailers:
        trailer.remove()
    for offset, part in enumerate(new_parts[1:]):
        power.insert_child(
            anchor_index + offset,
            Node(syms.trailer, [Leaf(token.DOT, "."), Leaf(token.NAME, part)]),
        )


def _rewrite_chain(root: LN, power: Node, moves: _Moves, bindings: dict[str, str]) -> set[str]:
    """Rewrites one dotted chain; returns the alias or old module whose use a NameMove took
    away (its import may have become unused), if any."""
    parts = _chain_parts(power)
    if len(parts) < 2:
        return set()
    bound_module = bindings.get(parts[0])
    if bound_module is not None:
        moved = _rewrite_alias_use(root, power, parts, bound_module, moves)
        return {parts[0]} if moved else set()
    if parts[0] != "prefect":
        return set()
    for move in moves.modules:
        old_parts = move.old.split(".")
        if parts[: len(old_parts)] == old_parts:
            new_parts = move.new.split(".")
            attribute = parts[len(old_parts)] if len(parts) > len(old_parts) else None
            if attribute in move.no_equivalent:
                add_todo(power, move.no_equivalent[attribute])
                return
            if attribute in move.renamed:
                _replace_chain_prefix(
                    power, len(old_parts) + 1, [*new_parts, move.renamed[attribute]]
                )
            else:
                _replace_chain_prefix(power, len(old_parts), new_parts)
            return set()
    for name_move in moves.names:
        old_parts = [*name_move.old_module.split("."), name_move.old_name]
        if parts[: len(old_parts)] == old_parts:
            _replace_chain_prefix(
                power, len(old_parts), [*name_move.new_module.split("."), name_move.new_name]
            )
            return {name_move.old_module}
    return set()


def _rewrite_alias_use(
    root: LN, power: Node, parts: list[str], bound_module: str, moves: _Moves
) -> bool:
    """Rewrites ``alias.name``; whether a NameMove replaced it by the moved name."""
    attribute = parts[1]
    for move in moves.modules:
        if move.new_module_for(bound_module) is not None:
            if attribute in move.no_equivalent:
                add_todo(power, move.no_equivalent[attribute])
            elif attribute in move.renamed:
                power.children[1].children[1].value = move.renamed[attribute]
            return False
    for name_move in moves.names:
        if name_move.old_module == bound_module and name_move.old_name == attribute:
            trailer = power.children[1]
            trailer.remove()
            power.children[0].value = name_move.new_name
            if len(power.children) == 1:
                only = power.children[0]
                only.remove()
                power.replace(only)
            ensure_from_import(root, name_move.new_module, name_move.new_name)
            return True
    return False


# --- imports the moves left unused ---------------------------------------------------------


def _drop_emptied_imports(root: LN, emptied: set[str]) -> None:
    """Removes the imports of ``emptied`` aliases (``from prefect import artifacts``, ``import
    prefect.artifacts as a``) and old modules (``import prefect.artifacts``) that nothing uses
    or exports (``__all__``) any more; ``import prefect.artifacts`` becomes ``import prefect``
    while ``prefect`` is used and no other import binds it."""
    exported = _all_names(root)
    for node in import_statements(root):
        if node.parent is None:
            continue
        if node.type == syms.import_from:
            elements = [(element, alias or name) for element, name, alias in imported_names(node)]
        elif node.type == syms.import_name:
            elements = [
                (element, alias or dotted_text(module_node))
                for element, module_node, alias in imported_modules(node)
            ]
        else:
            continue
        for element, bound in elements:
            if bound not in emptied or bound in exported:
                continue
            if "." in bound:  # import prefect.artifacts: binds prefect
                if _chain_used(root, bound):
                    continue
                if name_is_used(root, "prefect") and not _binds_prefect_elsewhere(root, node):
                    element.replace(Leaf(token.NAME, "prefect", prefix=element.prefix))
                    continue
            elif name_is_used(root, bound):
                continue
            if len(elements) == 1:
                remove_statement_or_pass(statement_of(node))
            else:
                remove_import_element(element)


def _all_names(root: LN) -> set[str]:
    """The strings listed in a module-level ``__all__`` assignment."""
    found: set[str] = set()
    for statement in root.children:
        assignment = statement.children[0] if statement.children else None
        if (
            assignment is not None
            and assignment.type == syms.expr_stmt
            and str(assignment.children[0]).strip() == "__all__"
        ):
            found.update(
                leaf.value.strip("\"'")
                for leaf in leaves_of(assignment)
                if leaf.type == token.STRING
            )
    return found


def _chain_used(root: LN, module: str) -> bool:
    """Whether a dotted chain ``module.x`` is still written in the file."""
    parts = module.split(".")
    return any(
        node.type == syms.power and _chain_parts(node)[: len(parts)] == parts for node in walk(root)
    )


def _binds_prefect_elsewhere(root: LN, this: Node) -> bool:
    """Whether another ``import prefect[.x]`` statement (anywhere) binds ``prefect``."""
    for node in import_statements(root):
        if node is this or node.type != syms.import_name:
            continue
        for _, module_node, alias in imported_modules(node):
            if alias is None and dotted_text(module_node).split(".")[0] == "prefect":
                return True
    return False
