"""Support for environments (upgrade guide: "Support for environments").

Prefect 1.0 removed ``prefect.environments``; a flow's run configuration is
``flow.run_config`` plus ``flow.executor``. Rewrites the two places an environment was set,

- ``Flow(..., environment=E(...))`` (also ``with Flow(...) as flow:``) and
- ``<flow>.environment = E(...)``,

for ``LocalEnvironment``, ``KubernetesJobEnvironment``, ``FargateTaskEnvironment``,
``DaskKubernetesEnvironment`` and ``DaskCloudProviderEnvironment`` imported in any style from
``prefect.environments[.execution[.<module>]]`` or reached as ``prefect.environments....``,
into ``run_config=`` / ``executor=`` (or ``flow.run_config =`` / ``flow.executor =`` at the
same place, so the executor survives script-based storage) following the catalog's tables
(``codemods/_environments/mapping.py``). ``environment=None`` and
``<flow>.environment = None`` are deleted. ``Flow`` calls with four or more positional
arguments are turned into keyword calls by the 0.15.13 order, because 1.0 removed
``environment`` from the middle of the signature (``Flow(name, schedule, executor,
environment, run_config, storage, ...)``). Needed run-config and executor imports are added,
environment imports that became unused are removed. A ``DaskKubernetesEnvironment`` gets a
module-level ``make_kube_cluster()`` that imports ``dask_kubernetes`` when the flow runs.

Environments made away from the flow (``codemods/_environments/values.py``): a call bound to
a name or module constant, returned by a helper, chosen by ``a if c else b``, put in
``dict(environment=...)`` / ``{"environment": ...}``, or made in another module of the
repository (followed through ``SourceFile.options.modules``, the survey made before the run)
is converted where it is made, and the slot it fills (``environment=``, ``.environment =``,
the mapping key) becomes ``run_config``. Its executor goes to the flows using it when the
data flow is clear (a module-level name or helper used only by flows of the same file that
set neither executor nor environment elsewhere); otherwise it is marked. A package that
re-exports environment classes through ``__all__`` exports their run configs instead
(``codemods/_environments/reexports.py``); an import listed in ``__all__`` is never
dropped. Reads of ``flow.environment`` the run config answers alike (``is None``,
truthiness, ``.labels``, ``getattr(flow, "environment", None)``) read ``run_config``.

Flags: arguments with no 1.0 equivalent, environment calls that cannot be mapped (unpacked
arguments, values of unknown origin, ...), flows that also set ``run_config`` / ``executor``,
executors that could not be moved to their flows, other environment values, other reads of
``flow.environment`` and any other use of the classes.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass, field
from keyword import kwlist

from fissix.pgen2 import token
from fissix.pytree import Leaf, Node
from prefect1_migrate.codemods._environments.imports import remove_unused_imports
from prefect1_migrate.codemods._environments.mapping import HINTS, KUBE_CLUSTER_FACTORY, plan_for
from prefect1_migrate.codemods._environments.names import (
    CONVERTIBLE,
    called,
    environment_bindings,
    exported_name,
    flag_environment_imports,
    in_class_bases,
    references,
)
from prefect1_migrate.codemods._environments.plan import Plan, Unconvertible, shown
from prefect1_migrate.codemods._environments.reexports import reexport_run_configs
from prefect1_migrate.codemods._environments.render import Layout, comments_of, line_indent, render
from prefect1_migrate.codemods._environments.values import EnvironmentValues, Held
from prefect1_migrate.codemods._prefect_classes import FLOW
from prefect1_migrate.codemods._python.calls import (
    call_arguments,
    is_star_argument,
    keyword_argument,
    make_keyword,
    remove_listed,
)
from prefect1_migrate.codemods._python.imports import ensure_from_import
from prefect1_migrate.codemods._python.literals import is_none, set_string_value, string_value
from prefect1_migrate.codemods._python.markers import add_todo
from prefect1_migrate.codemods._python.snippets import (
    parse_argument,
    parse_expression,
    parse_statement,
)
from prefect1_migrate.codemods._python.statements import (
    insert_statement_after,
    remove_statement_or_pass,
)
from prefect1_migrate.codemods._python.tree import (
    LN,
    first_leaf,
    indentation_of,
    is_attribute,
    loop_names_over,
    names_in,
    source_of,
    statement_of,
    syms,
    walk,
)

from prefect1_migrate.codemod import PythonCodemod, SourceFile
from prefect1_migrate.guide import ENVIRONMENTS
from prefect1_migrate.modules import module_names

CODEMOD = PythonCodemod(
    __name__,
    title="Replace flow environments by run configs and executors",
    guide_section=ENVIRONMENTS,
    order=20,
    summary="Flow(environment=...) and flow.environment = ... become run_config/executor "
    "(UniversalRun, DockerRun, KubernetesRun, ECSRun, DaskExecutor), also where the "
    "environment is made elsewhere (helpers, constants, kwargs dicts, other modules, "
    "re-exports); positional Flow calls become keyword calls.",
    description=(
        "Replaced flow environments, removed in Prefect 1.0, by run configs and executors: "
        "LocalEnvironment -> UniversalRun (DockerRun when metadata had an image), "
        "KubernetesJobEnvironment -> KubernetesRun(job_template_path=<job_spec_file>), "
        "FargateTaskEnvironment -> ECSRun (cpu, memory, role ARNs, task_definition, "
        "run_task_kwargs), DaskKubernetesEnvironment -> KubernetesRun + DaskExecutor with a "
        "make_kube_cluster() doing what the guide's `lambda: KubeCluster(make_pod_spec("
        "image=prefect.context.image))` does but importing dask_kubernetes only when the flow "
        "runs (so the flow still builds where it is not installed), "
        "DaskCloudProviderEnvironment -> ECSRun + DaskExecutor(cluster_class=provider_class, "
        "cluster_kwargs incl. skip_cleanup=True, adapt_kwargs); the environment's executor "
        "became flow.executor at the same place; environment=None was deleted; Flow calls with "
        "4+ positional arguments were turned into keyword calls (0.15.13 order) because 1.0 "
        "removed environment from the middle of the signature. The upgrade doc's "
        "KubernetesRun(job_spec_file=...) raises TypeError in real Prefect: the parameter is "
        "job_template_path. Dropped as without effect: unique_job_name (the agent names jobs), "
        "Fargate family/taskDefinition when the definition is given (the agent registers it), "
        "work_stealing=True (Dask's default). Environments made away from the flow (helpers, "
        "constants, kwargs dicts, conditional expressions, other modules of the repository) "
        "were converted where they are made and the slot became run_config; a package "
        "re-exporting environment classes exports their run configs; reads of "
        "flow.environment that the run config answers alike read flow.run_config."
    ),
    flags=(
        "arguments with no 1.0 equivalent (on_start, on_exit, on_execute, AWS credentials and "
        "region, worker_spec_file, private_registry, metadata keys other than image, ...)",
        "environment calls that cannot be mapped (unpacked arguments, values of unknown origin, "
        "custom environment objects)",
        "an environment's executor that could not be moved to the flows using it",
        "flows that set an environment together with run_config or executor",
        "reads of flow.environment and other uses of the environment classes",
        "Flow(*args) calls (positional parameters shifted)",
    ),
    review_note=(
        "Every flow that used an environment must be re-registered: a 1.0 agent runs flows "
        "registered with an environment using its default run config, and pickled flows that "
        "reference prefect.environments cannot be unpickled. Check KubernetesRun job templates "
        "made from job_spec_file: the agent replaces the first container's image and args. "
        "DaskCloudProviderEnvironment flows now use ECSRun (the upgrade doc's choice); use the "
        "run config of the agent that runs them. A flow.executor that an environment made "
        "Prefect 0.15 ignore is used from now on."
    ),
    triggers=("environment", "Flow("),
)


# Flow.__init__ in 0.15.13 (inspect.signature); 1.0.0 and 1.4.1 drop "environment".
FLOW_PARAMETERS_0_15 = (
    "name",
    "schedule",
    "executor",
    "environment",
    "run_config",
    "storage",
    "tasks",
    "edges",
    "reference_tasks",
    "state_handlers",
    "on_failure",
    "validate",
    "result",
    "terminal_state_handler",
)
_UNCHANGED_POSITIONS = 3  # name, schedule, executor keep their places

_KUBE_CLUSTER_FACTORY_SOURCE = f'''def {KUBE_CLUSTER_FACTORY}():
    """The Dask cluster DaskKubernetesEnvironment used to start (needs dask_kubernetes)."""
    import prefect
    from dask_kubernetes import KubeCluster, make_pod_spec

    return KubeCluster(make_pod_spec(image=prefect.context.image))
'''

_BOTH_RUN_CONFIG = (
    "this flow sets both an environment and a run_config: Prefect 0.15 used the run_config and "
    "ignored the whole environment; remove the environment (move what you still need to the "
    "run config or flow.executor)"
)
_BOTH_EXECUTOR = (
    "this flow sets both an environment and flow.executor: Prefect 0.15 ran the environment's "
    "executor and ignored flow.executor; keep the one you want as flow.executor and remove "
    "the environment"
)
EXECUTOR_NOT_MOVED = (
    "this environment's executor ({executor}) is not part of its run config in Prefect 1.0: "
    "set it as flow.executor (or Flow(executor=...)) on each flow that uses this run config"
)
_READ = (
    "flow.environment was removed in Prefect 1.0 (reading it raises AttributeError): read "
    "flow.run_config (labels, image) or flow.executor instead"
)


@dataclass(frozen=True)
class _Slot:
    """A flow's ``run_config=`` / ``.run_config =`` that was ``environment``, filled by an
    expression whose environment is converted where it is made."""

    value: LN
    flow_calls: list[Node]  # Flow(...) calls of the flow (an executor= there conflicts)
    receiver: str | None
    argument: LN | None = None  # the keyword argument (None: an assignment statement)


@dataclass
class _File:
    root: LN
    bindings: dict[str, str]
    values: EnvironmentValues
    flows: dict[str, list[Node]] = field(default_factory=dict)  # bound name -> Flow(...) trailers
    assigned: set[tuple[str, str]] = field(default_factory=set)  # (receiver, attribute)
    flagged: set[int] = field(default_factory=set)  # id() of statements already marked
    planned: set[int] = field(default_factory=set)  # id() of environment calls looked at
    slots: list[_Slot] = field(default_factory=list)  # renamed to run_config, value elsewhere
    module_names: list[str] = field(default_factory=list)  # the file's names as a module
    imported_elsewhere: set[str] = field(default_factory=set)  # "<module>.<name>"
    loop_flows: set[str] = field(default_factory=set)  # ``f`` of ``for f in flows``
    imports: list[tuple[str, str]] = field(default_factory=list)
    factory_users: list[LN] = field(default_factory=list)  # top-level statements needing it

    def todo(self, node: LN, message: str) -> None:
        add_todo(node, message)
        self.flagged.add(id(statement_of(node)))


@CODEMOD.rewriter
def rewrite(root: Node, file: SourceFile) -> None:
    bindings = environment_bindings(root, file)
    state = _File(root, bindings, EnvironmentValues(root, bindings, file.options.modules))
    state.module_names = module_names(file.path)
    state.loop_flows = loop_names_over(root, "flow")
    state.imported_elsewhere = file.options.modules.imported
    flow_calls = [
        call[1]
        for power in walk(root)
        if (call := called(power, state.bindings)) is not None and call[0] in FLOW
    ]
    for trailer in flow_calls:
        _keywordize(state, trailer)
        receiver = _bound_name(trailer.parent)
        if receiver is not None:
            state.flows.setdefault(receiver, []).append(trailer)
    for statement in walk(root):
        target = _attribute_target(statement)
        if target is not None:
            state.assigned.add((target[0], target[1]))
    for trailer in flow_calls:
        for argument in call_arguments(trailer):
            keyword = keyword_argument(argument)
            if keyword is not None and keyword[0] == "environment":
                _convert_keyword(state, trailer, argument, keyword[1])
    for statement in walk(root):
        target = _attribute_target(statement)
        if target is not None and target[1] == "environment" and statement.parent is not None:
            _convert_assignment(state, statement, target[0])
    _rename_mapping_slots(state)
    _convert_in_place(state)
    _flag_reads(state)
    _flag_leftovers(state)
    for module, name in state.imports:
        ensure_from_import(root, module, name)
    if state.factory_users:
        _place_kube_cluster_factory(state)
    reexport_run_configs(root, state.bindings)
    remove_unused_imports(root, state.bindings)
    flag_environment_imports(root)


# --- Flow(name, schedule, executor, environment, run_config, ...) ---------------------------


def _keywordize(file: _File, trailer: Node) -> None:
    arguments = call_arguments(trailer)
    positional: list[LN] = []
    for argument in arguments:
        if keyword_argument(argument) is not None:
            break
        if is_star_argument(argument):
            if argument.children[0].type == token.STAR:
                file.todo(
                    trailer,
                    "Flow's positional parameters moved in Prefect 1.0 (environment, the 4th, "
                    "was removed): pass the unpacked arguments by keyword",
                )
            return
        positional.append(argument)
    if len(positional) <= _UNCHANGED_POSITIONS or len(positional) > len(FLOW_PARAMETERS_0_15):
        return
    for index, argument in enumerate(positional[_UNCHANGED_POSITIONS:], _UNCHANGED_POSITIONS):
        make_keyword(argument, FLOW_PARAMETERS_0_15[index])


# --- Flow(..., environment=...) -------------------------------------------------------------


def _convert_keyword(file: _File, trailer: Node, argument: LN, value: LN) -> None:
    if is_none(value):
        remove_listed(argument)
        return
    plan = _plan(file, value)
    if plan is None:
        if _is_environment_call(file, value):
            return
        if file.values.holds(value) is Held.ENVIRONMENT:
            slot = _Slot(value, [trailer], _bound_name(trailer.parent), argument)
            _rename_slot(file, trailer, argument.children[0], slot)
            return
        file.todo(
            trailer,
            "Flow(environment=...) was removed in Prefect 1.0 (TypeError): set run_config= "
            f"and executor= instead of environment={shown(value)}",
        )
        return
    receiver = _bound_name(trailer.parent)
    conflicts = _conflicts(file, plan, receiver, [trailer])
    if conflicts:
        for message in conflicts:
            file.todo(trailer, message)
        return
    layout = _layout(value, line_indent(argument))
    run_config = render(plan.run_config, layout)  # type: ignore[arg-type]
    executor = render(plan.executor, layout) if plan.executor is not None else None
    _drop_explicit_none(trailer, "run_config")
    if executor is not None:
        _drop_explicit_none(trailer, "executor")
    new = parse_argument(f"run_config={run_config}")
    new.prefix = argument.prefix
    argument.replace(new)
    if executor is not None:
        executor_argument = parse_argument(f"executor={executor}")
        if "\n" in argument.prefix:
            indent = argument.prefix.rpartition("\n")[2]
            executor_argument.prefix = "\n" + _comment_lines(plan, indent) + indent
        else:
            executor_argument.prefix = " "
        _insert_argument_after(new, executor_argument)
    _finish(file, plan, trailer)


# --- <flow>.environment = ... ---------------------------------------------------------------


def _convert_assignment(file: _File, statement: Node, receiver: str) -> None:
    value = statement.children[2]
    if is_none(value):
        if _is_flow(file, receiver):
            remove_statement_or_pass(statement_of(statement))
        return
    plan = _plan(file, value)
    if plan is None:
        if _is_environment_call(file, value):
            return
        if file.values.holds(value) is Held.ENVIRONMENT:
            attribute = statement.children[0].children[-1].children[1]
            slot = _Slot(value, file.flows.get(receiver.split(".")[-1], []), receiver)
            _rename_slot(file, statement, attribute, slot)
            return
        if _is_flow(file, receiver):
            file.todo(
                statement,
                f"{receiver}.environment is ignored by Prefect 1.0: set {receiver}.run_config "
                f"(and {receiver}.executor) instead of {shown(value)}",
            )
        return
    conflicts = _conflicts(file, plan, receiver, file.flows.get(receiver.split(".")[-1], []))
    if conflicts:
        for message in conflicts:
            file.todo(statement, message)
        return
    indent = indentation_of(statement_of(statement))
    layout = _layout(value, indent)
    run_config = render(plan.run_config, layout)  # type: ignore[arg-type]
    executor = render(plan.executor, layout) if plan.executor is not None else None
    target = statement.children[0]
    target.children[-1].children[1].value = "run_config"
    new_value = parse_expression(run_config)
    new_value.prefix = value.prefix
    value.replace(new_value)
    if executor is not None:
        added = insert_statement_after(statement_of(statement), f"{receiver}.executor = {executor}")
        first_leaf(added).prefix = _comment_lines(plan, indent) + indent
    _finish(file, plan, statement)


# --- environments made away from the flow ---------------------------------------------------


def _rename_slot(file: _File, at: LN, name: Leaf, slot: _Slot) -> None:
    """``environment=`` / ``.environment =`` holding a value converted where it is made (see
    :func:`_convert_in_place`) becomes ``run_config``, unless the flow sets one already."""
    if _conflicts(file, Plan(), slot.receiver, slot.flow_calls):
        file.todo(at, _BOTH_RUN_CONFIG)
        return
    name.value = "run_config"
    file.slots.append(slot)


def _rename_mapping_slots(file: _File) -> None:
    """``dict(environment=X)`` and ``{"environment": X}`` (flow keyword arguments kept apart,
    ``Flow("x", **FLOW_KWARGS)``) when X holds an environment: the key becomes run_config."""
    for node in walk(file.root):
        if node.type == syms.argument:
            keyword = keyword_argument(node)
            trailer = node.parent.parent if node.parent.type == syms.arglist else node.parent
            if (
                keyword is not None
                and keyword[0] == "environment"
                and _callee_name(trailer) == "dict"
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


def _callee_name(trailer: LN | None) -> str | None:
    """``dict`` for the argument trailer of ``dict(...)``."""
    if trailer is None or trailer.type != syms.trailer or trailer.parent is None:
        return None
    index = trailer.parent.children.index(trailer)
    before = trailer.parent.children[index - 1] if index > 0 else None
    return before.value if before is not None and before.type == token.NAME else None


def _convert_in_place(file: _File) -> None:
    """Turn every environment call left whose value ends up where an environment goes (an
    assignment, a ``return``, a branch of ``a if c else b``, a ``run_config`` slot) into its
    run config where it is made. Its executor has no place in a run config: it is marked."""
    for power in walk(file.root):
        if power.parent is None or not _is_value_position(power):
            continue
        plan = _plan(file, power)
        if plan is None:
            continue
        layout = _layout(power, line_indent(power))
        new_value = parse_expression(render(plan.run_config, layout))  # type: ignore[arg-type]
        new_value.prefix = power.prefix
        power.replace(new_value)
        if plan.executor is not None and not _move_executor(file, plan, new_value):
            executor = shown(parse_expression(render(plan.executor, Layout())), True)
            file.todo(new_value, EXECUTOR_NOT_MOVED.format(executor=executor))
        _finish(file, plan, new_value)


def _move_executor(file: _File, plan: Plan, value: LN) -> bool:
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
        if _flow_sets(file, "executor", slot.receiver, slot.flow_calls):
            return False
        if slot.argument is not None and _flow_sets(file, "environment", slot.receiver, []):
            return False  # the flow's environment is replaced later on
    for slot in users:
        if slot.argument is not None:
            argument = parse_argument(f"executor={executor}")
            argument.prefix = " "
            _insert_argument_after(slot.argument, argument)
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


def _module_level_names(file: _File, plan: Plan, expression: LN) -> bool:
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
        return keyword is not None and keyword[0] in ("environment", "run_config")
    if parent.type == syms.dictsetmaker:
        index = parent.children.index(node)
        return index >= 2 and string_value(parent.children[index - 2]) in (
            "environment",
            "run_config",
        )
    return False


# --- shared by both places ------------------------------------------------------------------


def _plan(file: _File, value: LN) -> Plan | None:
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


def _is_environment_call(file: _File, value: LN) -> bool:
    call = called(value, file.bindings)
    return call is not None and exported_name(call[0]) is not None


def _conflicts(file: _File, plan: Plan, receiver: str | None, calls: list[Node]) -> list[str]:
    messages: list[str] = []
    wanted = [("run_config", _BOTH_RUN_CONFIG)]
    if plan.executor is not None:
        wanted.append(("executor", _BOTH_EXECUTOR))
    for attribute, message in wanted:
        if _flow_sets(file, attribute, receiver, calls):
            messages.append(message)
    return messages


def _flow_sets(file: _File, attribute: str, receiver: str | None, calls: list[Node]) -> bool:
    """Whether the flow passes ``attribute`` to ``Flow(...)`` or assigns it in this file."""
    in_call = any(_passes(trailer, attribute) for trailer in calls)
    return in_call or (
        receiver is not None
        and any((name, attribute) in file.assigned for name in (receiver, receiver.split(".")[-1]))
    )


def _passes(trailer: Node, parameter: str) -> bool:
    """Whether a Flow(...) call passes ``parameter`` (by keyword, or the executor by position)."""
    position = FLOW_PARAMETERS_0_15.index(parameter)
    for index, argument in enumerate(call_arguments(trailer)):
        keyword = keyword_argument(argument)
        if keyword is not None:
            if keyword[0] == parameter and not is_none(keyword[1]):
                return True
        elif index == position and not is_none(argument) and not is_star_argument(argument):
            return True
    return False


def _drop_explicit_none(trailer: Node, parameter: str) -> None:
    """Remove ``parameter=None`` (or a positional ``None`` in its place) from a Flow call."""
    position = FLOW_PARAMETERS_0_15.index(parameter)
    for index, argument in enumerate(call_arguments(trailer)):
        keyword = keyword_argument(argument)
        value = keyword[1] if keyword is not None else argument
        if (keyword is not None and keyword[0] == parameter) or (
            keyword is None and index == position
        ):
            if is_none(value):
                remove_listed(argument)
            return


def _comment_lines(plan: Plan, indent: str) -> str:
    """The comments of the environment's executor= argument, as lines above its new place."""
    above, trailing = comments_of(plan.executor_origin)
    return "".join(
        f"{indent}{comment}\n" for comment in [*above, *([trailing] if trailing else [])]
    )


def _finish(file: _File, plan: Plan, at: LN) -> None:
    for message in plan.todos:
        file.todo(at, message)
    file.imports.extend(plan.imports)
    if plan.kube_cluster_factory:
        top = at
        while top.parent is not None and top.parent is not file.root:
            top = top.parent
        file.factory_users.append(top)


def _layout(value: LN, indent: str) -> Layout:
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


def _place_kube_cluster_factory(file: _File) -> None:
    """Define make_kube_cluster() once, before the first statement converted to use it."""
    root = file.root
    if any(
        statement.type == syms.funcdef and statement.children[1].value == KUBE_CLUSTER_FACTORY
        for statement in root.children
    ):
        return
    anchor = min(file.factory_users, key=root.children.index)
    function = parse_statement(_KUBE_CLUSTER_FACTORY_SOURCE)
    previous = str(anchor.prev_sibling) if anchor.prev_sibling is not None else "\n"
    blank_lines = len(previous) - len(previous.rstrip("\n")) - 1  # ending the block above
    function.prefix = "\n" * max(0, 2 - blank_lines)
    leaf = first_leaf(anchor)
    leaf.prefix = "\n\n" + leaf.prefix.lstrip("\n")
    root.insert_child(root.children.index(anchor), function)


# --- what is left: reads, other uses ----------------------------------------------------------


def _flag_reads(file: _File) -> None:
    """A flow's environment read where the run config answers the same question (``is
    None``, truthiness, ``.labels``, ``getattr(flow, "environment", None)``) reads the run
    config; any other read is marked."""
    for node in walk(file.root):
        if node.type != syms.power:
            continue
        if _attribute_by_name(file, node):
            continue
        for index, trailer in enumerate(node.children[1:], 1):
            if not is_attribute(trailer, "environment"):
                continue
            if index == len(node.children) - 1 and _is_assignment_target(node):
                break
            receiver = source_of(Node(syms.power, [c.clone() for c in node.children[:index]]))
            if _is_flow(file, receiver):
                if _run_config_answers(node, index):
                    trailer.children[1].value = "run_config"
                else:
                    add_todo(node, _READ)
            break


def _run_config_answers(power: Node, index: int) -> bool:
    """Whether ``<flow>.environment`` at ``power.children[index]`` is read only for its
    labels or for being set at all, which the run config it became answers alike."""
    if index + 1 < len(power.children):
        return index + 2 == len(power.children) and is_attribute(power.children[-1], "labels")
    node: LN = power
    parent = node.parent
    if parent is not None and parent.type == syms.not_test:
        node, parent = parent, parent.parent
    if parent is None:
        return False
    if parent.type == syms.comparison and len(parent.children) == 3:
        operator = str(parent.children[1]).split()
        return operator in (["is"], ["is", "not"], ["=="], ["!="]) and is_none(
            parent.children[2 if parent.children[0] is node else 0]
        )
    if parent.type in (syms.if_stmt, syms.while_stmt):
        return parent.children[parent.children.index(node) - 1].type == token.NAME
    return False


def _attribute_by_name(file: _File, power: Node) -> bool:
    """``getattr(flow, "environment"[, default])`` -> ``"run_config"``; ``hasattr(flow,
    "environment")`` (always False on 1.x) is marked. Whether ``power`` was such a call."""
    head = power.children[0]
    if (
        head.type != token.NAME
        or head.value not in ("getattr", "hasattr")
        or head.value in file.bindings
        or len(power.children) != 2
        or power.children[1].type != syms.trailer
        or power.children[1].children[0].type != token.LPAR
    ):
        return False
    arguments = call_arguments(power.children[1])
    if len(arguments) < 2 or string_value(arguments[1]) != "environment":
        return False
    if not _is_flow(file, source_of(arguments[0]).strip()):
        return False
    if head.value == "getattr":
        set_string_value(arguments[1], "run_config")  # type: ignore[arg-type]
    else:
        add_todo(power, _READ)
    return True


def _flag_leftovers(file: _File) -> None:
    for node, qualified in references(file.root, file.bindings):
        name = exported_name(qualified)
        if name not in CONVERTIBLE or in_class_bases(node):
            continue
        if node.parent is None or id(statement_of(node)) in file.flagged:
            continue
        file.todo(
            node,
            f"{name} was removed in Prefect 1.0 and this use was not converted: set {HINTS[name]}",
        )


def _is_flow(file: _File, receiver: str) -> bool:
    """A name bound to Flow(...) in this file or by a loop over flows, or an expression whose
    last name says flow."""
    last = receiver.split(".")[-1]
    return last in file.flows or last in file.loop_flows or "flow" in last.lower()


# --- small tree helpers ----------------------------------------------------------------------


def _attribute_target(node: LN) -> tuple[str, str, Node] | None:
    """(receiver text, attribute, statement) for ``receiver.attribute = value``."""
    if node.type != syms.expr_stmt or len(node.children) != 3:
        return None
    target, operator = node.children[0], node.children[1]
    if operator.type != token.EQUAL or target.type != syms.power or len(target.children) < 2:
        return None
    last = target.children[-1]
    if not is_attribute(last, None):
        return None
    receiver = source_of(Node(syms.power, [c.clone() for c in target.children[:-1]]))
    return receiver, last.children[1].value, node


def _is_assignment_target(power: Node) -> bool:
    parent = power.parent
    return (
        parent is not None
        and parent.type == syms.expr_stmt
        and parent.children[0] is power
        and len(parent.children) > 1
        and parent.children[1].type == token.EQUAL
    )


def _bound_name(power: LN | None) -> str | None:
    """``flow`` for ``with Flow(...) as flow:`` and ``flow = Flow(...)``."""
    if power is None:
        return None
    parent = power.parent
    if parent is None:
        return None
    if parent.type == syms.with_item and parent.children[0] is power:
        name = parent.children[2]
        return name.value if name.type == token.NAME else None
    if parent.type == syms.expr_stmt and parent.children[-1] is power and len(parent.children) == 3:
        name = parent.children[0]
        return name.value if name.type == token.NAME else None
    return None


def _insert_argument_after(argument: LN, new: LN) -> None:
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
