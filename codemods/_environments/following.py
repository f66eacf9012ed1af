"""Environments made away from the flow (:mod:`.values` says which expressions hold one): a
call bound to a name or module constant, returned by a helper, chosen by ``a if c else b``,
put in ``dict(environment=...)`` / ``{"environment": ...}`` or made in another module of the
repository is converted where it is made (:func:`convert_in_place`), and the slot it fills
becomes ``run_config`` (:func:`rename_slot`, :func:`rename_mapping_slots`). Its executor goes
to the flows using it when the data flow is clear; otherwise it is marked."""

from __future__ import annotations

import builtins
from keyword import kwlist

from fissix.pgen2 import token
from fissix.pytree import Leaf
from prefect1_migrate.codemods._environments.conversion import (
    environment_plan,
    finish_conversion,
    insert_argument_after,
    layout_of,
)
from prefect1_migrate.codemods._environments.flows import (
    BOTH_RUN_CONFIG,
    FileState,
    Slot,
    flow_conflicts,
    flow_sets,
)
from prefect1_migrate.codemods._environments.mapping import KUBE_CLUSTER_FACTORY
from prefect1_migrate.codemods._environments.plan import Plan, shown
from prefect1_migrate.codemods._environments.render import Layout, line_indent, render
from prefect1_migrate.codemods._environments.values import Held
from prefect1_migrate.codemods._python.calls import keyword_argument
from prefect1_migrate.codemods._python.literals import set_string_value, string_value
from prefect1_migrate.codemods._python.snippets import parse_argument, parse_expression
from prefect1_migrate.codemods._python.statements import insert_statement_after
from prefect1_migrate.codemods._python.tree import LN, names_in, statement_of, syms, walk

EXECUTOR_NOT_MOVED = (
    "this environment's executor ({executor}) is not part of its run config in Prefect 1.0: "
    "set it as flow.executor (or Flow(executor=...)) on each flow that uses this run config"
)


def rename_slot(file: FileState, at: LN, name: Leaf, slot: Slot) -> None:
    """``environment=`` / ``.environment =`` holding a value converted where it is made (see
    :func:`convert_in_place`) becomes ``run_config``, unless the flow sets one already."""
    if flow_conflicts(file, Plan(), slot.receiver, slot.flow_calls):
        file.todo(at, BOTH_RUN_CONFIG)
        return
    name.value = "run_config"
    file.slots.append(slot)


def rename_mapping_slots(file: FileState) -> None:
    """``dict(environment=X)`` and ``{"environment": X}`` (flow keyword arguments kept apart,
    ``Flow("x", **FLOW_KWARGS)``) when X holds an environment: the key becomes run_config."""
    for node in walk(file.root):
        if node.type == syms.argument:
            keyword = keyword_argument(node)
            if (
                keyword is not None
                and keyword[0] == "environment"
                and _callee_name(node) == "dict"
                and file.values.holds(keyword[1]) is Held.ENVIRONMENT
            ):
                node.children[0].value = "run_config"
        elif node.type == syms.dictsetmaker:
            items = node.children
            for index in range(0, len(items) - 2, 1):
                key = items[index]
                if (
                    string_value(key) == "environment"
                    and items[index + 1].type == token.COLON
                    and (index == 0 or items[index - 1].type == token.COMMA)
                    and file.values.holds(items[index + 2]) is Held.ENVIRONMENT
                ):
                    set_string_value(key, "run_config")  # type: ignore[arg-type]


def _callee_name(argument: LN, dotted: bool = False) -> str | None:
    """``dict`` for an argument of ``dict(...)``; with ``dotted``, ``Flow`` for an argument of
    ``module.Flow(...)`` too."""
    trailer = argument.parent
    if trailer is not None and trailer.type == syms.arglist:
        trailer = trailer.parent
    if trailer is None or trailer.type != syms.trailer or trailer.parent is None:
        return None
    index = trailer.parent.children.index(trailer)
    before = trailer.parent.children[index - 1] if index > 0 else None
    if before is not None and before.type == token.NAME:
        return before.value
    if dotted and before is not None and before.type == syms.trailer:
        return before.children[1].value if before.children[0].type == token.DOT else None
    return None


def convert_in_place(file: FileState) -> None:
    """Turn every environment call left whose value ends up where an environment goes (an
    assignment, a ``return``, a branch of ``a if c else b``, a ``run_config`` slot) into its
    run config where it is made. Its executor has no place in a run config: it is marked."""
    for power in walk(file.root):
        if power.parent is None or not _is_value_position(power):
            continue
        plan = environment_plan(file, power)
        if plan is None:
            continue
        layout = layout_of(power, line_indent(power))
        new_value = parse_expression(render(plan.run_config, layout))  # type: ignore[arg-type]
        new_value.prefix = power.prefix
        power.replace(new_value)
        if plan.executor is not None and not _move_executor(file, plan, new_value):
            executor = shown(parse_expression(render(plan.executor, Layout())), True)
            file.todo(new_value, EXECUTOR_NOT_MOVED.format(executor=executor))
        finish_conversion(file, plan, new_value)


def _move_executor(file: FileState, plan: Plan, value: LN) -> bool:
    """Give the environment's executor to the flows that use the converted ``value`` when
    the data flow is clear: ``value`` is what a module-level ``NAME = ...`` or the only
    ``return`` of a module-level function ``F`` makes, every use of ``NAME`` / ``F`` is a
    ``run_config`` slot of a flow in this file that sets neither its executor nor its
    environment elsewhere, no other module imports it, and the executor names only what the
    module defines or imports."""
    holder = _holder(value)
    if holder is None:
        return False
    name, is_function = holder
    if any(f"{module}.{name}" in file.imported_elsewhere for module in file.module_names):
        return False
    users = [slot for slot in file.slots if _fills_from(slot.value, name, is_function)]
    uses = [leaf for leaf in names_in(file.root) if leaf.value == name and _is_read(leaf)]
    if not users or len(uses) != len(users):
        return False
    executor = render(plan.executor, Layout())  # type: ignore[arg-type]
    if not _module_level_names(file, plan, parse_expression(executor)):
        return False
    for slot in users:
        if flow_sets(file, "executor", slot.receiver, slot.flow_calls):
            return False
        if slot.argument is not None and flow_sets(file, "environment", slot.receiver, []):
            return False  # the flow's environment is replaced later on
    for slot in users:
        if slot.argument is not None:
            argument = parse_argument(f"executor={executor}")
            argument.prefix = " "
            insert_argument_after(slot.argument, argument)
        else:
            statement = statement_of(slot.value)
            insert_statement_after(statement, f"{slot.receiver}.executor = {executor}")
    return True


def _holder(value: LN) -> tuple[str, bool] | None:
    """(NAME, False) for a module-level ``NAME = value``; (F, True) for ``return value``, the
    only ``return`` of a module-level function ``F``."""
    parent = value.parent
    if parent is None:
        return None
    statement = statement_of(value)
    if parent.type == syms.expr_stmt and len(parent.children) == 3:
        target = parent.children[0]
        if (
            target.type == token.NAME
            and statement.parent is not None
            and statement.parent.type == syms.file_input
        ):
            return target.value, False
        return None
    if parent.type != syms.return_stmt:
        return None
    function = statement.parent
    while function is not None and function.type != syms.funcdef:
        function = function.parent
    if function is None or function.parent is None or function.parent.type != syms.file_input:
        return None
    returns = [node for node in walk(function) if node.type == syms.return_stmt]
    return (function.children[1].value, True) if len(returns) == 1 else None


def _fills_from(value: LN, name: str, is_function: bool) -> bool:
    if is_function:
        return (
            value.type == syms.power
            and len(value.children) == 2
            and value.children[0].type == token.NAME
            and value.children[0].value == name
            and value.children[1].children[0].type == token.LPAR
        )
    return value.type == token.NAME and value.value == name


def _is_read(leaf: Leaf) -> bool:
    """A NAME that is not the name a ``def`` or an assignment's target binds."""
    parent = leaf.parent
    if parent is None:
        return True
    if parent.type == syms.funcdef and parent.children[1] is leaf:
        return False
    return not (parent.type == syms.expr_stmt and parent.children[0] is leaf)


def _module_level_names(file: FileState, plan: Plan, expression: LN) -> bool:
    """Whether every name ``expression`` reads is imported or defined at module level (or
    imported by the conversion)."""
    defined = {*file.bindings, *(name for _, name in plan.imports), *dir(builtins), *kwlist}
    defined.add(KUBE_CLUSTER_FACTORY)
    for statement in file.root.children:
        node = statement.children[0] if statement.type == syms.simple_stmt else statement
        if node.type == syms.expr_stmt and node.children[0].type == token.NAME:
            defined.add(node.children[0].value)
        elif node.type in (syms.funcdef, syms.classdef):
            defined.add(node.children[1].value)
    return all(leaf.value in defined for leaf in names_in(expression))


def _is_value_position(node: LN) -> bool:
    """Whether what ``node`` evaluates to is what an assignment, ``return``, lambda, slot or
    mapping entry receives (through parentheses and conditional branches)."""
    while node.parent is not None:
        parent = node.parent
        if parent.type == syms.atom and parent.children[0].type == token.LPAR:
            node = parent
        elif parent.type == syms.test and node is not parent.children[2]:
            node = parent
        else:
            break
    parent = node.parent
    if parent is None:
        return False
    if parent.type == syms.expr_stmt:
        return node is parent.children[-1] and parent.children[1].type == token.EQUAL
    if parent.type in (syms.return_stmt, syms.lambdef):
        return node is parent.children[-1]
    if parent.type == syms.argument:
        keyword = keyword_argument(parent)
        if (
            keyword is not None
            and keyword[0] == "environment"
            and _callee_name(parent, dotted=True) == "Flow"
        ):
            return False  # a Flow call the rewrite left: not Prefect's as far as it can tell
        return keyword is not None and keyword[0] in ("environment", "run_config")
    if parent.type == syms.dictsetmaker:
        index = parent.children.index(node)
        return index >= 2 and string_value(parent.children[index - 2]) in (
            "environment",
            "run_config",
        )
    return False
