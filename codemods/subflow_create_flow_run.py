"""Tasks for sub-flows (upgrade guide: "Tasks for sub-flows").

``StartFlowRun`` still exists in Prefect 1.0 and 1.4.1: this is the optional modernisation the
guide advertises, to the functional tasks available since 0.15.0. Rewrites the constructor +
call pattern of a ``StartFlowRun`` task imported from Prefect (``prefect.tasks.prefect`` or
``prefect.tasks.prefect.flow_run``, any import style)::

    start = StartFlowRun(flow_name="child", project_name="p", wait=True)   # removed
    done = start(parameters={"x": x}, upstream_tasks=[a])
    ->
    done_run_id = create_flow_run(flow_name="child", project_name="p", parameters={"x": x},
                                  upstream_tasks=[a])
    done = wait_for_flow_run(done_run_id, raise_final_state=True)

and inline ``StartFlowRun(...)(...)``. ``wait=False`` (the default) gives ``create_flow_run``
alone (both return the child's flow run id). Constructor arguments move into every call (the
call's own arguments win); ``new_flow_context`` -> ``context``; task options (``name``,
``tags``, ``max_retries``...) -> ``task_args=dict(...)``; ``poll_interval`` is dropped and
flagged; a call without ``run_name`` is flagged (the default child run name changes).
``from prefect.tasks.prefect import create_flow_run[, wait_for_flow_run]`` is added once and
the ``StartFlowRun`` import removed when nothing else uses it.

Flags instead of rewriting (``StartFlowRun`` keeps working): a ``wait=True`` result used as
data (it was the child's state signal, now a ``FlowRunView``), a task object used other than
by calling it (``.map``, ``add_task``, passed around), ``wait`` not a literal, ``*args`` /
``**kwargs``, ``mapped=True``, task options ``create_flow_run`` cannot take through
``task_args`` (``slug``, ``on_failure``, a non-literal ``timeout``), constructor arguments
that would be evaluated in another scope, and files where ``create_flow_run`` or
``wait_for_flow_run`` already names something else.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fissix.pgen2 import token
from fissix.pytree import Leaf, Node
from prefect1_migrate.codemods._python.calls import (
    call_arguments,
    is_star_argument,
    keyword_argument,
    keyword_positionals,
)
from prefect1_migrate.codemods._python.imports import (
    ensure_from_import,
    remove_imported_name_if_unused,
)
from prefect1_migrate.codemods._python.markers import add_todo
from prefect1_migrate.codemods._python.names import ImportedNames, shadowed_imports
from prefect1_migrate.codemods._python.scopes import binding_sites, defining_scope, scope_of
from prefect1_migrate.codemods._python.snippets import parse_argument
from prefect1_migrate.codemods._python.statements import insert_statement_after, remove_statement
from prefect1_migrate.codemods._python.tree import (
    LN,
    first_leaf,
    indentation_of,
    leaves_of,
    names_in,
    root_of,
    source_of,
    statement_of,
    syms,
    walk,
)

from prefect1_migrate.codemod import PythonCodemod, SourceFile
from prefect1_migrate.guide import SUBFLOWS

CODEMOD = PythonCodemod(
    __name__,
    title="StartFlowRun -> create_flow_run / wait_for_flow_run",
    guide_section=SUBFLOWS,
    order=20,
    summary="StartFlowRun(...)(...) becomes create_flow_run(...) [+ wait_for_flow_run(..., "
    "raise_final_state=True) for wait=True] where the mapping is mechanical (optional "
    "modernisation).",
    description=(
        "Modernised sub-flow tasks: StartFlowRun(...) and its calls -> create_flow_run(...), "
        "plus wait_for_flow_run(<run id>, raise_final_state=True) where wait=True; "
        "new_flow_context -> context, task options -> task_args=dict(...). StartFlowRun was "
        "not removed in Prefect 1.0 (the guide only advertises the functional tasks of 0.15.0): "
        "this is optional modernisation, and the task graph changes accordingly "
        "(create_flow_run [-> wait_for_flow_run] in place of each StartFlowRun task)."
    ),
    flags=(
        "calls without run_name (the default child run name changes)",
        "poll_interval (dropped)",
        "wait=True results used as data (FlowRunView instead of the state signal)",
        "StartFlowRun tasks used other than by calling them (the docs' flow-of-flows idiom "
        "upstream_tasks=[flow_a] among them), non-literal wait=, *args/**kwargs, "
        "mapped calls, task options task_args cannot carry (slug, on_failure, non-numeric "
        "timeout)",
    ),
    review_note=(
        "create_flow_run looks the flow up by name (and project) among unarchived flows and "
        "fails when several match; its task is named create_flow_run (StartFlowRun's was "
        "'Flow <name>'), which changes task slugs; no link artifact to the child run is "
        "created; wait_for_flow_run gives up after 12 hours (max_duration in 1.4.1), "
        "StartFlowRun waited without limit."
    ),
    triggers=("StartFlowRun",),
)


FUNCTIONAL_MODULE = "prefect.tasks.prefect"
START_FLOW_RUN = frozenset(
    {f"{FUNCTIONAL_MODULE}.StartFlowRun", f"{FUNCTIONAL_MODULE}.flow_run.StartFlowRun"}
)
CREATE_FLOW_RUN = "create_flow_run"
WAIT_FOR_FLOW_RUN = "wait_for_flow_run"

# StartFlowRun.__init__ and StartFlowRun.run (0.15.13), for positional arguments.
INIT_PARAMETERS = (
    "flow_name",
    "project_name",
    "parameters",
    "run_config",
    "wait",
    "new_flow_context",
    "run_name",
    "scheduled_start_time",
    "poll_interval",
)
RUN_PARAMETERS = (
    "flow_name",
    "project_name",
    "parameters",
    "run_config",
    "new_flow_context",
    "run_name",
    "idempotency_key",
    "scheduled_start_time",
)
RENAMED = {"new_flow_context": "context"}
CALL_OPTIONS = frozenset({"upstream_tasks", "flow", "task_args", "mapped"})
# Task options that behave the same set through task_args (Task.copy sets the attribute) as
# passed to Task.__init__; checked against Prefect 1.0.0 and 1.4.1.
TASK_ARGS = frozenset(
    {
        "name",
        "tags",
        "max_retries",
        "retry_delay",
        "timeout",  # only a number: Task.__init__ turned a timedelta into seconds
        "trigger",
        "skip_on_upstream_skip",
        "cache_for",
        "cache_validator",
        "cache_key",
        "checkpoint",
        "state_handlers",
        "log_stdout",
        "result",
        "target",
        "task_run_name",
        "nout",
    }
)

NOT_CONVERTED = "StartFlowRun still works in Prefect 1.x; not converted to create_flow_run: {why}"
RESULT_USED = (
    "StartFlowRun(wait=True): this result is used as data; create_flow_run + "
    "wait_for_flow_run(..., raise_final_state=True) returns a FlowRunView, not the child's "
    "state signal: convert by hand (StartFlowRun still works in Prefect 1.x)"
)
RUN_NAME = (
    "create_flow_run names the child run '<parent run name>-<flow name>' when run_name is not "
    "given (StartFlowRun let the backend pick a name): pass run_name=... if that matters"
)
POLL_INTERVAL = (
    "StartFlowRun(poll_interval=...) was dropped: wait_for_flow_run polls at its own fixed interval"
)


# --- finding StartFlowRun tasks ------------------------------------------------------------


@dataclass
class _Call:
    """One call of a StartFlowRun task: ``power.children[index]`` is the call's ``(...)``."""

    power: Node
    index: int

    @property
    def trailer(self) -> Node:
        return self.power.children[self.index]


@dataclass
class _Task:
    """One ``StartFlowRun(...)`` and the calls of the task it builds."""

    constructor: Node  # the ``(...)`` of ``StartFlowRun(...)``
    statement: LN | None  # ``name = StartFlowRun(...)``; None for ``StartFlowRun(...)(...)``
    calls: list[_Call] = field(default_factory=list)
    problems: list[tuple[LN, str]] = field(default_factory=list)  # (where, message)


@CODEMOD.rewriter
def rewrite(root: Node, file: SourceFile) -> None:
    names = ImportedNames.of(root)
    tasks = [
        task
        for power in walk(root)
        if power.type == syms.power
        for task in [_task_of(names, power)]
        if task is not None
    ]
    taken, conflicts = _takennames_in(root, names.bindings)
    waited = False
    converted = False
    for task in tasks:
        plan = _plan(task, taken, conflicts)
        if plan is None:
            for where, message in task.problems:
                add_todo(where, message)
            continue
        _convert(task, plan)
        converted = True
        waited = waited or plan.wait
    if not converted:
        return
    ensure_from_import(root, FUNCTIONAL_MODULE, CREATE_FLOW_RUN)
    if waited:
        ensure_from_import(root, FUNCTIONAL_MODULE, WAIT_FOR_FLOW_RUN)
    for name, qualified in names.bindings.items():
        if qualified in START_FLOW_RUN:
            remove_imported_name_if_unused(root, name)


def _task_of(names: ImportedNames, power: Node) -> _Task | None:
    """The StartFlowRun task whose constructor call starts ``power``, with its calls."""
    children = power.children
    index = next((i for i, c in enumerate(children) if _is_call(c)), None)
    if index is None or names.qualified(children[:index]) not in START_FLOW_RUN:
        return None
    constructor = children[index]
    rest = children[index + 1 :]
    if len(rest) == 1 and _is_call(rest[0]):
        return _Task(constructor, None, [_Call(power, index + 1)])
    parent = power.parent
    target = parent.children[0] if parent is not None and parent.type == syms.expr_stmt else None
    if rest or target is None or target.type != token.NAME or len(parent.children) != 3:
        return _Task(
            constructor,
            None,
            problems=[(power, _why("the task object is used in a way that cannot be followed"))],
        )
    return _assigned_task(names.root, constructor, statement_of(power), target)


def _assigned_task(root: LN, constructor: Node, statement: LN, target: Leaf) -> _Task:
    task = _Task(constructor, statement)
    scope = scope_of(target)
    if binding_sites(scope, target.value) != [target]:
        task.problems.append((statement, _why(f"{target.value} is bound more than once")))
        return task
    for leaf in names_in(root):
        if leaf.value != target.value or leaf is target or defining_scope(leaf) is not scope:
            continue
        power = leaf.parent
        if (
            power is not None
            and power.type == syms.power
            and leaf is power.children[0]
            and len(power.children) == 2
            and _is_call(power.children[1])
        ):
            task.calls.append(_Call(power, 1))
        else:
            task.problems.append((leaf, _why(f"{target.value} is used other than by calling it")))
    if not task.calls and not task.problems:
        return task
    if _only_statement_of_its_block(statement):
        task.problems.append((statement, _why("it is the only statement of its block")))
    return task


# --- planning ------------------------------------------------------------------------------


@dataclass
class _Plan:
    wait: bool
    constructor_arguments: dict[str, LN]  # run arguments given to the constructor
    task_args: dict[str, LN]
    poll_interval: bool
    run_ids: dict[int, str] = field(default_factory=dict)  # call index -> run id variable


def _plan(task: _Task, taken: set[str], conflicts: set[str]) -> _Plan | None:
    """What converting ``task`` takes, or None (with ``task.problems`` filled) when it cannot
    be converted mechanically."""
    if not task.calls:
        return None
    where = task.statement or task.calls[0].power
    arguments = _named_arguments(task.constructor, INIT_PARAMETERS)
    if isinstance(arguments, str):
        task.problems.append((where, _why(arguments)))
        return None
    wait = arguments.pop("wait", None)
    if wait is not None and not (wait.type == token.NAME and wait.value in ("True", "False")):
        task.problems.append((where, _why("wait= is not a literal True or False")))
    poll_interval = arguments.pop("poll_interval", None) is not None
    constructor_arguments = {k: v for k, v in arguments.items() if k in INIT_PARAMETERS}
    task_args = {k: v for k, v in arguments.items() if k not in INIT_PARAMETERS}
    for name, value in task_args.items():
        if name not in TASK_ARGS or (name == "timeout" and value.type != token.NUMBER):
            task.problems.append(
                (where, _why(f"create_flow_run cannot take {name}= through task_args"))
            )
    plan = _Plan(
        wait is not None and wait.value == "True", constructor_arguments, task_args, poll_interval
    )
    needed = {CREATE_FLOW_RUN, WAIT_FOR_FLOW_RUN} if plan.wait else {CREATE_FLOW_RUN}
    conflicting = needed & conflicts
    if conflicting:
        task.problems.append(
            (
                where,
                _why(
                    f"{' and '.join(sorted(conflicting))} already names something else in this file"
                ),
            )
        )
    for position, call in enumerate(task.calls):
        _check_call(task, plan, call, taken, position)
    return None if task.problems else plan


def _check_call(task: _Task, plan: _Plan, call: _Call, taken: set[str], position: int) -> None:
    arguments = _named_arguments(call.trailer, RUN_PARAMETERS)
    if isinstance(arguments, str):
        task.problems.append((call.power, _why(arguments)))
        return
    unknown = set(arguments) - set(RUN_PARAMETERS) - CALL_OPTIONS
    if unknown:
        task.problems.append((call.power, _why(f"unknown argument {', '.join(sorted(unknown))}")))
    mapped = arguments.get("mapped")
    if mapped is not None and not (mapped.type == token.NAME and mapped.value == "False"):
        task.problems.append((call.power, _why("the call is mapped")))
    if plan.task_args and "task_args" in arguments:
        task.problems.append(
            (call.power, _why("task options are given both to StartFlowRun and to the call"))
        )
    if not _same_meaning(task.constructor, call.power):
        task.problems.append(
            (call.power, _why("its constructor arguments mean something else where it is called"))
        )
    if plan.wait:
        _plan_wait(task, plan, call, taken, position)


def _plan_wait(task: _Task, plan: _Plan, call: _Call, taken: set[str], position: int) -> None:
    """``wait=True`` becomes two statements: the call must be a statement of its own, and its
    result may only order other tasks (``upstream_tasks=[result]``)."""
    statement = statement_of(call.power)
    expression = call.power.parent
    if statement.type != syms.simple_stmt or len(statement.children) != 2:
        task.problems.append((call.power, RESULT_USED))
        return
    if expression is statement:
        base = (
            task.statement.children[0].children[0].value if task.statement is not None else "flow"
        )
    elif (
        expression.type == syms.expr_stmt
        and len(expression.children) == 3
        and expression.children[0].type == token.NAME
        and expression.children[1].type == token.EQUAL
    ):
        target = expression.children[0]
        base = target.value
        if not _only_orders_tasks(target):
            task.problems.append((call.power, RESULT_USED))
            return
    else:
        task.problems.append((call.power, RESULT_USED))
        return
    name = f"{base}_run_id"
    suffix = 2
    while name in taken:
        name = f"{base}_run_id_{suffix}"
        suffix += 1
    taken.add(name)
    plan.run_ids[position] = name


def _only_orders_tasks(target: Leaf) -> bool:
    """Whether every use of the name ``target`` binds is an element of ``upstream_tasks=[...]``."""
    scope = scope_of(target)
    if binding_sites(scope, target.value) != [target]:
        return False
    for leaf in names_in(root_of(target)):
        if leaf.value != target.value or leaf is target or defining_scope(leaf) is not scope:
            continue
        node: LN = leaf
        if node.parent is not None and node.parent.type in (syms.listmaker, syms.testlist_gexp):
            node = node.parent
        display = node.parent
        argument = display.parent if display is not None else None
        if not (
            display is not None
            and display.type == syms.atom
            and argument is not None
            and argument.type == syms.argument
            and argument.children[0].type == token.NAME
            and argument.children[0].value == "upstream_tasks"
        ):
            return False
    return True


def _same_meaning(constructor: Node, call: Node) -> bool:
    """Whether the names in the constructor's arguments mean the same where the task is called:
    both in one scope, or names only the module binds and nothing between hides."""
    if scope_of(constructor) is scope_of(call):
        return True
    for leaf in names_in(constructor):
        scope = defining_scope(leaf)
        if scope is not None and scope.parent is not None:
            return False
        enclosing = scope_of(call)
        while enclosing.parent is not None:
            if binding_sites(enclosing, leaf.value):
                return False
            enclosing = scope_of(enclosing)
    return True


def _named_arguments(trailer: Node, positional_names: tuple[str, ...]) -> dict[str, LN] | str:
    """The arguments of a call by parameter name, or why they cannot be named."""
    named: dict[str, LN] = {}
    position = 0
    for argument in call_arguments(trailer):
        keyword = keyword_argument(argument)
        if keyword is not None:
            named[keyword[0]] = keyword[1]
        elif is_star_argument(argument):
            return "it passes *args or **kwargs"
        elif position < len(positional_names):
            named[positional_names[position]] = argument
            position += 1
        else:
            return "it has more positional arguments than StartFlowRun takes"
    return named


# --- converting ----------------------------------------------------------------------------


def _convert(task: _Task, plan: _Plan) -> None:
    for position, call in enumerate(task.calls):
        _convert_call(plan, call, plan.run_ids.get(position))
    if task.statement is not None:
        _keep_comments(task.statement)
        remove_statement(task.statement)


def _convert_call(plan: _Plan, call: _Call, run_id: str | None) -> None:
    trailer = call.trailer
    keyword_positionals(trailer, RUN_PARAMETERS)
    given = {k[0]: a for a in call_arguments(trailer) if (k := keyword_argument(a))}
    for name, argument in given.items():
        if name in RENAMED:
            argument.children[0].value = RENAMED[name]
    front = [
        f"{RENAMED.get(name, name)}={source_of(value)}"
        for name, value in plan.constructor_arguments.items()
        if name not in given
    ]
    back = []
    if plan.task_args:
        options = ", ".join(f"{name}={source_of(value)}" for name, value in plan.task_args.items())
        back.append(f"task_args=dict({options})")
    _add_arguments(trailer, front, back)
    power = call.power
    prefix = power.children[0].prefix
    for child in power.children[: call.index]:
        child.remove()
    power.insert_child(0, Leaf(token.NAME, CREATE_FLOW_RUN, prefix=prefix))
    if run_id is not None:
        _wait_after(power, run_id)
    if plan.poll_interval:
        add_todo(power, POLL_INTERVAL)
    if "run_name" not in given and "run_name" not in plan.constructor_arguments:
        add_todo(power, RUN_NAME)


def _add_arguments(trailer: Node, front: list[str], back: list[str]) -> None:
    """Put the arguments ``front`` (source text) before a call's own and ``back`` after them,
    in the call's layout (one per line when the call has them one per line)."""
    if not front and not back:
        return
    middle = trailer.children[1] if len(trailer.children) == 3 else None
    trailing_comma = middle is not None and middle.children[-1].type == token.COMMA
    existing = call_arguments(trailer)
    multiline = bool(existing) and "\n" in existing[0].prefix
    separator = existing[0].prefix if multiline else " "
    if middle is not None:
        middle.remove()
    for argument in existing:
        if argument.parent is not None:
            argument.remove()
    added_front = [parse_argument(text) for text in front]
    added_back = [parse_argument(text) for text in back]
    everything = [*added_front, *existing, *added_back]
    for argument in [*added_front, *added_back]:
        argument.prefix = separator
    if not multiline:
        for position, argument in enumerate(everything):
            argument.prefix = (argument.prefix or " ") if position else ""
    children: list[LN] = []
    for argument in everything:
        if children:
            children.append(Leaf(token.COMMA, ","))
        children.append(argument)
    if trailing_comma:
        children.append(Leaf(token.COMMA, ","))
    trailer.insert_child(1, Node(syms.arglist, children))


def _wait_after(power: Node, run_id: str) -> None:
    """``x = create_flow_run(...)`` -> ``x_run_id = create_flow_run(...)`` then
    ``x = wait_for_flow_run(x_run_id, raise_final_state=True)`` (no ``x =`` if there was none)."""
    expression = power.parent
    statement = statement_of(power)
    wait = f"{WAIT_FOR_FLOW_RUN}({run_id}, raise_final_state=True)"
    if expression is not None and expression.type == syms.expr_stmt:
        target = expression.children[0]
        wait = f"{target.value} = {wait}"
        target.value = run_id
    else:
        assignment = Node(
            syms.expr_stmt,
            [Leaf(token.NAME, run_id, prefix=power.prefix), Leaf(token.EQUAL, "=", prefix=" ")],
        )
        power.replace(assignment)
        power.prefix = " "
        assignment.append_child(power)
    insert_statement_after(statement, wait)


def _keep_comments(statement: LN) -> None:
    """Comments inside the removed ``name = StartFlowRun(...)`` go above it, where
    :func:`remove_statement` hands them to the statement after it."""
    head = first_leaf(statement)
    inner = [
        line.strip()
        for leaf in leaves_of(statement)
        if leaf is not head
        for line in leaf.prefix.splitlines()
        if line.strip().startswith("#")
    ]
    indent = indentation_of(statement)
    head.prefix += "".join(f"{comment}\n{indent}" for comment in inner)


def _why(reason: str) -> str:
    return NOT_CONVERTED.format(why=reason)


def _is_call(node: LN) -> bool:
    return node.type == syms.trailer and node.children[0].type == token.LPAR


def _takennames_in(root: LN, bindings: dict[str, str]) -> tuple[set[str], set[str]]:
    """(every name used in the file, the functional task names already bound to something
    other than the Prefect task)."""
    used = {leaf.value for leaf in leaves_of(root) if leaf.type == token.NAME}
    conflicts = {
        name
        for name in (CREATE_FLOW_RUN, WAIT_FOR_FLOW_RUN)
        if shadowed_imports(root, {name: name})
        or bindings.get(name, f"{FUNCTIONAL_MODULE}.{name}")
        not in (f"{FUNCTIONAL_MODULE}.{name}", f"{FUNCTIONAL_MODULE}.flow_run.{name}")
    }
    return used, conflicts


def _only_statement_of_its_block(statement: LN) -> bool:
    parent = statement.parent
    return (
        parent is not None
        and parent.type == syms.suite
        and sum(isinstance(child, Node) for child in parent.children) == 1
    )
