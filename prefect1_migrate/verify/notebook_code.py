"""The flows of a notebook, as ``verify`` builds them: its Python cells joined into one module
(``prefect1_migrate/notebooks.py``), each IPython line (``%magic``, ``!cmd``) a ``pass``
(``x = !cmd`` and ``x = %magic``: ``x = None``), and the module-level statements that run,
draw or register flows (``flow.run()``, ``state = flow.run()`` and what uses its result)
kept from running, as a ``.py`` flow file's ``if __name__ == "__main__":`` block is."""

from __future__ import annotations

import ast
import re

from prefect1_migrate.notebooks import CellCode

_RUNS = frozenset({"run", "visualize", "register"})
_IPYTHON_LINE = re.compile(r"^([ \t]*)pass  # __p1m_ipython_(\d+)__$", re.MULTILINE)
_IPYTHON_VALUE = re.compile(r"[ \t]*([\w.]+(?:[ \t]*,[ \t]*[\w.]+)*)[ \t]*=[ \t]*[!%]")
_GUARD = 'if __name__ == "__main__": '


class NotAModule(ValueError):
    """The notebook's Python cells do not make a module Python can read."""


def checked_module(code: CellCode) -> str:
    """The module of the Python cells with each IPython line a ``pass`` (``x = !cmd`` and
    ``x = %magic``: ``x = None``) and the module-level statements that run, draw or register
    flows guarded (those using what a guarded one binds too); NotAModule when that module
    does not parse, or may run a flow in a statement that cannot be guarded (a loop, an
    ``if``: whatever calls ``.run()`` other than a plain call or assignment)."""

    def stripped(match: re.Match[str]) -> str:
        value = _IPYTHON_VALUE.match(code.masked[int(match.group(2))])
        return match.group(1) + (f"{value.group(1)} = None" if value else "pass")

    module = _IPYTHON_LINE.sub(stripped, code.module)
    try:
        statements = ast.parse(module).body
    except (SyntaxError, ValueError) as error:
        raise NotAModule(f"its Python cells do not parse as one module: {error}") from None
    lines = module.split("\n")
    guarded: set[str] = set()  # names the guarded statements bind
    for statement in statements:
        uses = {n.id for n in ast.walk(statement) if isinstance(n, ast.Name)}
        if not (_runs_flows(statement) or uses & guarded):
            if _calls_run_within(statement):
                where = f"line {statement.lineno} of its Python cells"
                raise NotAModule(
                    f"{where} may run a flow in a statement that cannot be kept from running"
                )
            continue
        if not isinstance(statement, (ast.Expr, ast.Assign)):
            where = f"line {statement.lineno} of its Python cells"
            raise NotAModule(f"{where} runs a flow in a statement that cannot be kept from running")
        for target in getattr(statement, "targets", []):
            guarded |= {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}
        lines[statement.lineno - 1] = _GUARD + lines[statement.lineno - 1]
    return "\n".join(lines)


def _runs_flows(statement: ast.stmt) -> bool:
    value = getattr(statement, "value", None)
    return (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Attribute)
        and value.func.attr in _RUNS
    )


def _calls_run_within(statement: ast.stmt) -> bool:
    """Whether ``statement`` calls ``.run()``/``.register()``/``.visualize()`` when it runs
    (not in the functions and classes it defines)."""
    pending: list[ast.AST] = [statement]
    while pending:
        node = pending.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in _RUNS
        ):
            return True
        pending += ast.iter_child_nodes(node)
    return False
