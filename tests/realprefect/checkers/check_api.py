"""Check a Python file's use of Prefect against this env's Prefect, without running the file.

Input: {"files": [absolute path, ...]}.
Output: {"prefect": version, "files": {path: {"problems": [[line, text]], "exempted": [...]}}}
(or {"error": ...} for a file that does not parse).

- Every import of ``prefect`` or ``prefect.*`` (module or name) must resolve here.
- Every call whose callee resolves to a Prefect object must bind to
  ``inspect.signature(callee)`` with placeholder arguments (calls with ``*args``/``**kwargs``
  splats are not checked). Callees are found through ``from prefect... import X``, module
  aliases and ``prefect.a.b.C`` chains; ``name = PrefectClass(...)`` / ``with PrefectClass(...)
  as name`` (when every binding of ``name`` in the file is that) make ``name.method(...)``
  checked against the class, and calling a Task instance binds against its ``run``.
- Attribute chains through a Prefect module or class must exist (``prefect.environments.X``
  after a bare ``import prefect`` fails in 1.0).
- A problem on a line of a statement directly preceded by a ``# TODO(prefect-1.0)`` comment
  (within the comment block right above it) is reported under "exempted" instead.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import types
import warnings
from collections import defaultdict
from typing import Any

import prefect
from prefect import Task
from prefect1_migrate_probe.common import describe_error, in_fork
from prefect1_migrate_probe.main import serve

MARKER = "TODO(prefect-1.0)"
_TASK_CALL_KEYWORDS = ("mapped", "task_args", "upstream_tasks", "flow")
_PLACEHOLDER = object()


def is_prefect_module(name: str | None) -> bool:
    return name is not None and (name == "prefect" or name.startswith("prefect."))


def exempt_lines(tree: ast.Module, lines: list[str]) -> set[int]:
    exempt: set[int] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.stmt):
            continue
        start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
        above = start - 1
        while above >= 1 and lines[above - 1].lstrip().startswith("#"):
            if MARKER in lines[above - 1]:
                exempt.update(range(start, (node.end_lineno or start) + 1))
                break
            above -= 1
    return exempt


def dotted_parts(node: ast.expr) -> list[str] | None:
    """["a", "b", "c"] for ``a.b.c``; None for anything else."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return parts[::-1]


def task_run_signature(cls: type) -> inspect.Signature:
    """What calling an instance of Task subclass ``cls`` accepts: its ``run`` plus Task.__call__'s."""
    run = inspect.signature(cls.run)
    parameters = [p for p in list(run.parameters.values())[1:]]
    names = {p.name for p in parameters}
    extra = [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=None)
        for name in _TASK_CALL_KEYWORDS
        if name not in names
    ]
    var_keyword = [p for p in parameters if p.kind is inspect.Parameter.VAR_KEYWORD]
    others = [p for p in parameters if p.kind is not inspect.Parameter.VAR_KEYWORD]
    return run.replace(parameters=[*others, *extra, *var_keyword])


def signature_of(value: Any) -> inspect.Signature | None:
    try:
        return inspect.signature(value)
    except (TypeError, ValueError):
        return None


class Checker:
    def __init__(self, source: str) -> None:
        self.tree = ast.parse(source)
        self.exempt = exempt_lines(self.tree, source.splitlines())
        self.problems: list[list[Any]] = []
        self.exempted: list[list[Any]] = []
        self.bindings: dict[str, Any] = {}  # local name -> Prefect module/class/function
        self.instances: dict[str, type] = {}  # local name -> Prefect class of its value
        self.parents: dict[ast.AST, ast.AST] = {}
        for parent in ast.walk(self.tree):
            for child in ast.iter_child_nodes(parent):
                self.parents[child] = parent

    def report(self, node: ast.AST, text: str) -> None:
        line = getattr(node, "lineno", 0)
        (self.exempted if line in self.exempt else self.problems).append([line, text])

    # --- imports ---------------------------------------------------------------------------

    def check_imports(self) -> None:
        imports = [n for n in ast.walk(self.tree) if isinstance(n, (ast.Import, ast.ImportFrom))]
        for node in sorted(imports, key=lambda n: n.lineno):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if is_prefect_module(alias.name):
                        self.import_module(node, alias)
            elif node.level == 0 and is_prefect_module(node.module):
                self.import_from(node)

    def import_module(self, node: ast.Import, alias: ast.alias) -> None:
        try:
            module = importlib.import_module(alias.name)
        except Exception as error:
            self.report(node, f"import {alias.name}: {describe_error(error)}")
            return
        if alias.asname:
            self.bindings[alias.asname] = module
        else:
            self.bindings[alias.name.split(".")[0]] = importlib.import_module("prefect")

    def import_from(self, node: ast.ImportFrom) -> None:
        assert node.module is not None
        try:
            module = importlib.import_module(node.module)
        except Exception as error:
            self.report(node, f"from {node.module} import ...: {describe_error(error)}")
            return
        for alias in node.names:
            if alias.name == "*":
                continue
            if hasattr(module, alias.name):
                value = getattr(module, alias.name)
            else:
                try:
                    value = importlib.import_module(f"{node.module}.{alias.name}")
                except Exception:
                    self.report(node, f"cannot import name {alias.name!r} from {node.module}")
                    continue
            self.bindings[alias.asname or alias.name] = value

    # --- names bound to instances of Prefect classes ------------------------------------------

    def collect_instances(self) -> None:
        stores: dict[str, list[type | None]] = defaultdict(list)
        handled: set[int] = set()
        for node in ast.walk(self.tree):
            target: ast.expr | None = None
            value: ast.expr | None = None
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target, value = node.targets[0], node.value
            elif isinstance(node, ast.withitem):
                target, value = node.optional_vars, node.context_expr
            if isinstance(target, ast.Name):
                handled.add(id(target))
                cls = self.resolve(value.func) if isinstance(value, ast.Call) else None
                stores[target.id].append(cls if isinstance(cls, type) else None)
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
                if id(node) not in handled:
                    stores[node.id].append(None)
            elif isinstance(node, ast.arg):
                stores[node.arg].append(None)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                stores[node.name].append(None)
        for name, classes in stores.items():
            first = classes[0]
            if first is not None and name not in self.bindings and all(c is first for c in classes):
                self.instances[name] = first

    # --- resolution and calls ----------------------------------------------------------------

    def resolve(self, node: ast.expr | None) -> Any:
        """The Prefect object ``node`` (a name or attribute chain) refers to, else None."""
        parts = dotted_parts(node) if node is not None else None
        if not parts or parts[0] not in self.bindings:
            return None
        value = self.bindings[parts[0]]
        for attribute in parts[1:]:
            if not hasattr(value, attribute):
                return None
            value = getattr(value, attribute)
        return value

    def check_attribute_chains(self) -> None:
        for node in ast.walk(self.tree):
            if not isinstance(node, ast.Attribute) or not isinstance(node.ctx, ast.Load):
                continue
            if isinstance(self.parents.get(node), ast.Attribute):
                continue  # only the longest chain
            parts = dotted_parts(node)
            if not parts or parts[0] not in self.bindings:
                continue
            value = self.bindings[parts[0]]
            for index, attribute in enumerate(parts[1:], start=1):
                if not hasattr(value, attribute):
                    if isinstance(value, (types.ModuleType, type)):
                        where = ".".join(parts[:index])
                        self.report(node, f"{where} has no attribute {attribute!r}")
                    break
                value = getattr(value, attribute)

    def callee_signature(self, func: ast.expr) -> tuple[str, inspect.Signature | None] | None:
        parts = dotted_parts(func)
        if parts and parts[0] in self.bindings:
            value = self.resolve(func)
            return (".".join(parts), signature_of(value)) if value is not None else None
        if parts and parts[0] in self.instances:
            cls = self.instances[parts[0]]
            if len(parts) == 1:
                if issubclass(cls, Task):
                    return f"{cls.__name__} instance {parts[0]}", task_run_signature(cls)
                return None
            if len(parts) == 2:
                return self.method_signature(cls, parts[1], func)
            return None
        if isinstance(func, ast.Call):
            cls = self.resolve(func.func)
            if isinstance(cls, type) and issubclass(cls, Task):
                return f"{cls.__name__}(...) instance", task_run_signature(cls)
        return None

    def method_signature(
        self, cls: type, name: str, node: ast.expr
    ) -> tuple[str, inspect.Signature | None] | None:
        label = f"{cls.__name__}.{name}"
        if not hasattr(cls, name):
            self.report(node, f"{cls.__name__} has no attribute {name!r}")
            return None
        raw = inspect.getattr_static(cls, name)
        if isinstance(raw, (staticmethod, classmethod)):
            return label, signature_of(getattr(cls, name))
        if isinstance(raw, types.FunctionType):
            signature = signature_of(raw)
            if signature is None or not signature.parameters:
                return label, signature
            return label, signature.replace(parameters=list(signature.parameters.values())[1:])
        return None

    def check_calls(self) -> None:
        for node in ast.walk(self.tree):
            if not isinstance(node, ast.Call):
                continue
            if any(isinstance(a, ast.Starred) for a in node.args):
                continue
            if any(k.arg is None for k in node.keywords):
                continue
            found = self.callee_signature(node.func)
            if found is None or found[1] is None:
                continue
            label, signature = found
            try:
                signature.bind(
                    *[_PLACEHOLDER] * len(node.args),
                    **{k.arg: _PLACEHOLDER for k in node.keywords if k.arg},
                )
            except TypeError as error:
                self.report(node, f"call to {label}: {error}")

    def run(self) -> dict[str, Any]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self.check_imports()
            self.collect_instances()
            self.check_attribute_chains()
            self.check_calls()
        return {"problems": sorted(self.problems), "exempted": sorted(self.exempted)}


def check(path: str) -> dict[str, Any]:
    with open(path, encoding="utf-8") as source:
        return Checker(source.read()).run()


def handle(request: dict[str, Any]) -> dict[str, Any]:
    results = {path: in_fork(lambda path=path: check(path)) for path in request["files"]}
    return {"prefect": prefect.__version__, "files": results}


if __name__ == "__main__":
    serve(handle)
