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

Environments made away from the flow (``codemods/_environments/following.py``, with
``values.py`` telling which expressions hold one): a call bound to
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

from fissix.pgen2 import token
from fissix.pytree import Node
from prefect1_migrate.codemods._environments.conversion import (
    environment_plan,
    finish_conversion,
    insert_argument_after,
    layout_of,
)
from prefect1_migrate.codemods._environments.flows import (
    FLOW_PARAMETERS_0_15,
    FileState,
    Slot,
    flow_conflicts,
)
from prefect1_migrate.codemods._environments.following import (
    convert_in_place,
    rename_mapping_slots,
    rename_slot,
)
from prefect1_migrate.codemods._environments.imports import remove_unused_imports
from prefect1_migrate.codemods._environments.mapping import HINTS, KUBE_CLUSTER_FACTORY
from prefect1_migrate.codemods._environments.names import (
    CONVERTIBLE,
    called,
    environment_bindings,
    exported_name,
    flag_environment_imports,
    in_class_bases,
    references,
)
from prefect1_migrate.codemods._environments.plan import Plan, shown
from prefect1_migrate.codemods._environments.reexports import reexport_run_configs
from prefect1_migrate.codemods._environments.render import comments_of, line_indent, render
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


@CODEMOD.rewriter
def rewrite(root: Node, file: SourceFile) -> None:
    bindings = environment_bindings(root, file)
    state = FileState(root, bindings, EnvironmentValues(root, bindings, file.options.modules))
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
    rename_mapping_slots(state)
    convert_in_place(state)
    _flag_reads(state)
    _flag_leftovers(state)
    for module, name in state.imports:
        ensure_from_import(root, module, name)
    if state.factory_users:
        _place_kube_cluster_factory(state)
    reexport_run_configs(root, state.bindings)
    remove_unused_imports(root, state.bindings)
    flag_environment_imports(root)


# --- Flow(name, schedule, executor, environment, run_config, ...) ------------------------


_UNCHANGED_POSITIONS = 3  # name, schedule, executor keep their places


def _keywordize(file: FileState, trailer: Node) -> None:
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


# --- Flow(..., environment=...) ----------------------------------------------------------


def _convert_keyword(file: FileState, trailer: Node, argument: LN, value: LN) -> None:
    if is_none(value):
        remove_listed(argument)
        return
    plan = environment_plan(file, value)
    if plan is None:
        if _is_environment_call(file, value):
            return
        if file.values.holds(value) is Held.ENVIRONMENT:
            slot = Slot(value, [trailer], _bound_name(trailer.parent), argument)
            rename_slot(file, trailer, argument.children[0], slot)
            return
        file.todo(
            trailer,
            "Flow(environment=...) was removed in Prefect 1.0 (TypeError): set run_config= "
            f"and executor= instead of environment={shown(value)}",
        )
        return
    receiver = _bound_name(trailer.parent)
    conflicts = flow_conflicts(file, plan, receiver, [trailer])
    if conflicts:
        for message in conflicts:
            file.todo(trailer, message)
        return
    layout = layout_of(value, line_indent(argument))
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
        insert_argument_after(new, executor_argument)
    finish_conversion(file, plan, trailer)


# --- <flow>.environment = ... ------------------------------------------------------------


def _convert_assignment(file: FileState, statement: Node, receiver: str) -> None:
    value = statement.children[2]
    if is_none(value):
        if _is_flow(file, receiver):
            remove_statement_or_pass(statement_of(statement))
        return
    plan = environment_plan(file, value)
    if plan is None:
        if _is_environment_call(file, value):
            return
        if file.values.holds(value) is Held.ENVIRONMENT:
            attribute = statement.children[0].children[-1].children[1]
            slot = Slot(value, file.flows.get(receiver.split(".")[-1], []), receiver)
            rename_slot(file, statement, attribute, slot)
            return
        if _is_flow(file, receiver):
            file.todo(
                statement,
                f"{receiver}.environment is ignored by Prefect 1.0: set {receiver}.run_config "
                f"(and {receiver}.executor) instead of {shown(value)}",
            )
        return
    conflicts = flow_conflicts(file, plan, receiver, file.flows.get(receiver.split(".")[-1], []))
    if conflicts:
        for message in conflicts:
            file.todo(statement, message)
        return
    indent = indentation_of(statement_of(statement))
    layout = layout_of(value, indent)
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
    finish_conversion(file, plan, statement)


# --- shared by both places ---------------------------------------------------------------


def _is_environment_call(file: FileState, value: LN) -> bool:
    call = called(value, file.bindings)
    return call is not None and exported_name(call[0]) is not None


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


_KUBE_CLUSTER_FACTORY_SOURCE = f'''def {KUBE_CLUSTER_FACTORY}():
    """The Dask cluster DaskKubernetesEnvironment used to start (needs dask_kubernetes)."""
    import prefect
    from dask_kubernetes import KubeCluster, make_pod_spec

    return KubeCluster(make_pod_spec(image=prefect.context.image))
'''


def _place_kube_cluster_factory(file: FileState) -> None:
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


# --- what is left: reads, other uses -----------------------------------------------------


_READ = (
    "flow.environment was removed in Prefect 1.0 (reading it raises AttributeError): read "
    "flow.run_config (labels, image) or flow.executor instead"
)


def _flag_reads(file: FileState) -> None:
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


def _attribute_by_name(file: FileState, power: Node) -> bool:
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


def _flag_leftovers(file: FileState) -> None:
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


def _is_flow(file: FileState, receiver: str) -> bool:
    """A name bound to Flow(...) in this file or by a loop over flows, or an expression whose
    last name says flow."""
    last = receiver.split(".")[-1]
    return last in file.flows or last in file.loop_flows or "flow" in last.lower()


# --- small tree helpers ------------------------------------------------------------------


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
