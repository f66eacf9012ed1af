"""Which expressions hold an environment, wherever the environment was made.

Real repositories build environments away from the flow: in a helper function, bound to a
module constant, chosen by a conditional expression, imported from another module of the
repository. An expression *holds an environment* when every way it can get its value ends in
a convertible environment call (or ``None``, at least one being a call): a direct
``KubernetesJobEnvironment(...)``, a name every assignment of which in the file holds one, a
call of a function every ``return`` of which holds one, ``a if c else b``, or a name or
function of another repository module whose top-level facts
(:class:`prefect1_migrate.modules.RepositoryModules`) say the same. Once those calls are
converted in place, such an expression holds a run config, so the slot it fills
(``environment=``, ``.environment =``) becomes ``run_config``.
"""

from __future__ import annotations

from enum import Enum

from fissix.pgen2 import token
from prefect1_migrate.codemods._environments.mapping import plan_for
from prefect1_migrate.codemods._environments.names import CONVERTIBLE, called, exported_name
from prefect1_migrate.codemods._environments.plan import Unconvertible
from prefect1_migrate.codemods._python.literals import is_none
from prefect1_migrate.codemods._python.tree import LN, syms, walk

from prefect1_migrate.modules import Origin, RepositoryModules

_DEPTH = 16  # helpers calling helpers ...; deeper (or recursive) is "other"


class Held(Enum):
    ENVIRONMENT = "environment"
    NONE = "none"
    OTHER = "other"


def _combine(kinds: list[Held]) -> Held:
    if not kinds or Held.OTHER in kinds:
        return Held.OTHER
    return Held.ENVIRONMENT if Held.ENVIRONMENT in kinds else Held.NONE


class EnvironmentValues:
    """What the expressions of one file hold (see the module docstring)."""

    def __init__(self, root: LN, bindings: dict[str, str], modules: RepositoryModules) -> None:
        self.bindings = bindings
        self.modules = modules
        self.assigned: dict[str, list[LN]] = {}  # name -> every value assigned to it
        self.bound_otherwise: set[str] = set()  # loop targets, parameters
        self.returned: dict[str, list[LN | None]] = {}  # function -> its return values
        for node in walk(root):
            if node.type == syms.expr_stmt and len(node.children) == 3:
                target, operator, value = node.children
                if target.type == token.NAME and operator.type == token.EQUAL:
                    self.assigned.setdefault(target.value, []).append(value)
            elif node.type == syms.funcdef:
                self.returned[node.children[1].value] = [
                    statement.children[1] if len(statement.children) > 1 else None
                    for statement in walk(node.children[-1])
                    if statement.type == syms.return_stmt
                ]
            if node.type in (syms.parameters, syms.varargslist) or (node.type == syms.for_stmt):
                target = node.children[1] if node.type == syms.for_stmt else node
                self.bound_otherwise.update(
                    leaf.value for leaf in target.leaves() if leaf.type == token.NAME
                )

    def holds(self, node: LN | None, depth: int = 0) -> Held:
        if node is None or is_none(node):
            return Held.NONE
        if depth > _DEPTH:
            return Held.OTHER
        if (
            node.type == syms.atom
            and node.children[0].type == token.LPAR
            and len(node.children) == 3
        ):
            return self.holds(node.children[1], depth + 1)
        if node.type == syms.test and len(node.children) == 5:  # a if c else b
            return _combine(
                [self.holds(node.children[0], depth + 1), self.holds(node.children[4], depth + 1)]
            )
        call = called(node, self.bindings)
        if call is not None:
            environment = exported_name(call[0])
            if environment in CONVERTIBLE:
                return Held.ENVIRONMENT if _mappable(environment, call[1]) else Held.OTHER
            return self._origins(self.modules.returns.get(call[0]), depth)
        if node.type == syms.power and node.children[0].type == token.NAME:
            name = node.children[0].value
            if name in self.returned and len(node.children) == 2 and _is_call(node.children[1]):
                return _combine([self.holds(value, depth + 1) for value in self.returned[name]])
            return Held.OTHER
        if node.type == token.NAME and node.value not in self.bound_otherwise:
            if node.value in self.assigned:
                return _combine([self.holds(v, depth + 1) for v in self.assigned[node.value]])
            qualified = self.bindings.get(node.value)
            return self._origins(self.modules.values.get(qualified or ""), depth)
        return Held.OTHER

    def _origins(self, origins: tuple[Origin, ...] | None, depth: int) -> Held:
        if not origins:
            return Held.OTHER
        return _combine([self._origin(origin, depth + 1) for origin in origins])

    def _origin(self, origin: Origin, depth: int) -> Held:
        kind, qualified = origin
        if kind == "none":
            return Held.NONE
        if depth > _DEPTH or kind == "other":
            return Held.OTHER
        qualified = self.modules.resolve(qualified)
        if kind == "call":
            if exported_name(qualified) in CONVERTIBLE:
                return Held.ENVIRONMENT
            return self._origins(self.modules.returns.get(qualified), depth)
        return self._origins(self.modules.values.get(qualified), depth)


def _mappable(environment: str, trailer: LN) -> bool:
    """Whether the call will be converted (an unconvertible one is marked where it is)."""
    try:
        plan_for(environment, trailer)
    except Unconvertible:
        return False
    return True


def _is_call(trailer: LN) -> bool:
    return trailer.type == syms.trailer and trailer.children[0].type == token.LPAR
