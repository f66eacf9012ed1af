"""Converting one environment call, shared by the conversions at the flow and where the
environment is made: its plan (marked when it cannot be mapped, :func:`environment_plan`),
the layout of the call it replaces, and what follows every conversion (markers, imports, the
Dask cluster factory)."""

from __future__ import annotations

from fissix.pgen2 import token
from fissix.pytree import Leaf, Node
from prefect1_migrate.codemods._environments.flows import FileState
from prefect1_migrate.codemods._environments.mapping import HINTS, plan_for
from prefect1_migrate.codemods._environments.names import CONVERTIBLE, called, exported_name
from prefect1_migrate.codemods._environments.plan import Plan, Unconvertible
from prefect1_migrate.codemods._environments.render import Layout, line_indent
from prefect1_migrate.codemods._python.calls import call_arguments
from prefect1_migrate.codemods._python.tree import LN, syms


def environment_plan(file: FileState, value: LN) -> Plan | None:
    """The plan for an environment call, or None (with a TODO when it cannot be mapped, the
    first time the call is looked at)."""
    if id(value) in file.planned:
        return None
    file.planned.add(id(value))
    call = called(value, file.bindings)
    environment = exported_name(call[0]) if call is not None else None
    if call is None or environment not in CONVERTIBLE:
        return None
    try:
        return plan_for(environment, call[1])
    except Unconvertible as reason:
        file.todo(
            value,
            f"{environment}(...) was not converted because {reason}: set {HINTS[environment]}",
        )
        return None


def finish_conversion(file: FileState, plan: Plan, at: LN) -> None:
    for message in plan.todos:
        file.todo(at, message)
    file.imports.extend(plan.imports)
    if plan.kube_cluster_factory:
        top = at
        while top.parent is not None and top.parent is not file.root:
            top = top.parent
        file.factory_users.append(top)


def layout_of(value: LN, indent: str) -> Layout:
    """One argument per line when the environment call was written that way."""
    trailer = value.children[-1]
    arguments = call_arguments(trailer)
    multiline = any("\n" in a.prefix for a in arguments) or "\n" in trailer.children[-1].prefix
    unit = "    "
    if multiline and arguments and "\n" in arguments[0].prefix:
        inner = arguments[0].prefix.rpartition("\n")[2]
        outer = line_indent(value)
        if inner.startswith(outer) and len(inner) > len(outer):
            unit = inner[len(outer) :]
    return Layout(multiline, indent, unit)


def insert_argument_after(argument: LN, new: LN) -> None:
    parent = argument.parent
    assert parent is not None
    if parent.type != syms.arglist:
        arglist = Node(syms.arglist, [])
        argument.replace(arglist)
        arglist.append_child(argument)
        parent = arglist
    index = parent.children.index(argument)
    parent.insert_child(index + 1, Leaf(token.COMMA, ","))
    parent.insert_child(index + 2, new)
