"""The environments codemod's view of one file: the flows it makes, what they set, and the
slots renamed to ``run_config`` (:class:`FileState`); whether a flow sets its run config or
executor besides its environment (:func:`flow_conflicts`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from fissix.pytree import Node
from prefect1_migrate.codemods._environments.plan import Plan
from prefect1_migrate.codemods._environments.values import EnvironmentValues
from prefect1_migrate.codemods._python.calls import (
    call_arguments,
    is_star_argument,
    keyword_argument,
)
from prefect1_migrate.codemods._python.literals import is_none
from prefect1_migrate.codemods._python.markers import add_todo
from prefect1_migrate.codemods._python.tree import LN, statement_of

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

BOTH_RUN_CONFIG = (
    "this flow sets both an environment and a run_config: Prefect 0.15 used the run_config and "
    "ignored the whole environment; remove the environment (move what you still need to the "
    "run config or flow.executor)"
)

_BOTH_EXECUTOR = (
    "this flow sets both an environment and flow.executor: Prefect 0.15 ran the environment's "
    "executor and ignored flow.executor; keep the one you want as flow.executor and remove "
    "the environment"
)


@dataclass(frozen=True)
class Slot:
    """A flow's ``run_config=`` / ``.run_config =`` that was ``environment``, filled by an
    expression whose environment is converted where it is made."""

    value: LN
    flow_calls: list[Node]  # Flow(...) calls of the flow (an executor= there conflicts)
    receiver: str | None
    argument: LN | None = None  # the keyword argument (None: an assignment statement)


@dataclass
class FileState:
    root: LN
    bindings: dict[str, str]
    values: EnvironmentValues
    flows: dict[str, list[Node]] = field(default_factory=dict)  # bound name -> Flow(...) trailers
    assigned: set[tuple[str, str]] = field(default_factory=set)  # (receiver, attribute)
    flagged: set[int] = field(default_factory=set)  # id() of statements already marked
    planned: set[int] = field(default_factory=set)  # id() of environment calls looked at
    slots: list[Slot] = field(default_factory=list)  # renamed to run_config, value elsewhere
    module_names: list[str] = field(default_factory=list)  # the file's names as a module
    imported_elsewhere: set[str] = field(default_factory=set)  # "<module>.<name>"
    loop_flows: set[str] = field(default_factory=set)  # ``f`` of ``for f in flows``
    imports: list[tuple[str, str]] = field(default_factory=list)
    factory_users: list[LN] = field(default_factory=list)  # top-level statements needing it

    def todo(self, node: LN, message: str) -> None:
        add_todo(node, message)
        self.flagged.add(id(statement_of(node)))


def flow_conflicts(
    file: FileState, plan: Plan, receiver: str | None, calls: list[Node]
) -> list[str]:
    messages: list[str] = []
    wanted = [("run_config", BOTH_RUN_CONFIG)]
    if plan.executor is not None:
        wanted.append(("executor", _BOTH_EXECUTOR))
    for attribute, message in wanted:
        if flow_sets(file, attribute, receiver, calls):
            messages.append(message)
    return messages


def flow_sets(file: FileState, attribute: str, receiver: str | None, calls: list[Node]) -> bool:
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
