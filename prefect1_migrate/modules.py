"""What the repository's own Python modules bind at their top level, read before the codemods
run, so that a codemod working on one file can follow a name into another module of the same
repository (``from mypkg.compat import LE``, ``from helpers import k8s_env``).

Nothing is imported or run: each module file is parsed with :mod:`ast`, at most once. Only
modules that may reach Prefect are parsed: those that name ``prefect``, packages'
``__init__.py``, those holding the name of a module known to re-export Prefect names, and
the repository modules any of them imports (see :func:`survey`). A module is known by every dotted suffix of its path
(``src/mypkg/compat/__init__.py`` is ``src.mypkg.compat``, ``mypkg.compat`` and ``compat``),
because a script run from its own folder imports its siblings by their bare names; a suffix
two modules share names neither.

The facts are generic Python: which qualified name an import binds each name to
(:attr:`RepositoryModules.aliases`), what makes the value of a module-level name or the
return value of a module-level function (:attr:`RepositoryModules.values`,
:attr:`RepositoryModules.returns`), and which names modules import from each other
(:attr:`RepositoryModules.imported`). The codemods interpret them.
"""

from __future__ import annotations

import ast
import re
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

#: What makes a value: ``("call", "pkg.mod.f")`` for ``f(...)``, ``("name", "pkg.mod.X")`` for
#: a name, ``("none", "")`` for ``None``; anything else is ``("other", "")``.
Origin = tuple[str, str]

_PREFECT = re.compile(rb"prefect", re.IGNORECASE)
_RESOLVE_DEPTH = 16  # re-exports of re-exports, ...; a cycle stops here


@dataclass(frozen=True)
class RepositoryModules:
    """Top-level facts of the repository's modules, keyed ``"<module>.<name>"``."""

    aliases: dict[str, str] = field(default_factory=dict)
    values: dict[str, tuple[Origin, ...]] = field(default_factory=dict)
    returns: dict[str, tuple[Origin, ...]] = field(default_factory=dict)
    #: ``"<module>.<name>"`` for each name some surveyed module imports from another one.
    imported: set[str] = field(default_factory=set)

    def reexporting_words(self) -> frozenset[bytes]:
        """The last name of each module that imports a name from Prefect (directly or through
        another repository module): a file that does not name Prefect but holds one of
        these words may reach Prefect through the repository's own modules."""
        words: set[bytes] = set()
        for key in self.aliases:
            module, _, local = key.rpartition(".")
            if local != "prefect" and self.resolve(key).startswith("prefect."):
                words.add(module.rpartition(".")[2].encode())
        return frozenset(words)

    def resolve(self, qualified: str) -> str:
        """``qualified`` with its longest prefix that a repository module re-exports replaced
        by what that module imported, again until nothing changes: ``mypkg.compat.LE`` ->
        ``prefect.environments.LocalEnvironment``."""
        for _ in range(_RESOLVE_DEPTH):
            parts = qualified.split(".")
            for end in range(len(parts), 1, -1):
                target = self.aliases.get(".".join(parts[:end]))
                if target is not None:
                    qualified = ".".join([target, *parts[end:]])
                    break
            else:
                return qualified
        return qualified


def module_names(path: str) -> list[str]:
    """Every dotted suffix of the module at ``path``, longest first (empty for non-modules)."""
    if not path.endswith(".py"):
        return []
    parts = path[: -len(".py")].split("/")
    if parts[-1] == "__init__":
        parts.pop()
    if not parts or not all(part.isidentifier() for part in parts):
        return []
    return [".".join(parts[start:]) for start in range(len(parts))]


def absolute_module(module: str, level: int, path: str) -> str | None:
    """The module ``from <level dots><module> import ...`` names in the file at ``path``
    (as its longest dotted name), None when it climbs out of the repository."""
    if level == 0:
        return module
    names = module_names(path)
    if not names:
        return None
    package = names[0].split(".")
    if not path.endswith("/__init__.py") and path != "__init__.py":
        package.pop()
    if level - 1 > len(package):
        return None
    base = package[: len(package) - (level - 1)]
    joined = ".".join([*base, module] if module else base)
    return joined or None


def survey(paths: Iterable[str], read: Callable[[str], bytes | None]) -> RepositoryModules:
    """The facts of the modules among ``paths`` that may reach Prefect, and of the repository
    modules they import (transitively); ``read`` gives a file's bytes (None: unreadable).

    A module may reach Prefect when it names it, is a package ``__init__``, or holds the name
    of a module already known to re-export Prefect names; each round reads the modules not
    taken yet, until a round finds no new one."""
    owners: dict[str, str | None] = {}  # module name -> path (None: two modules share it)
    for path in paths:
        for name in module_names(path):
            owners[name] = path if owners.get(name, path) == path else None
    facts = RepositoryModules()
    modules = [path for path in dict.fromkeys(paths) if module_names(path)]
    seen: set[str] = set()
    for _ in range(_RESOLVE_DEPTH):
        words = facts.reexporting_words()
        found = len(seen)
        for path in modules:
            if path in seen:
                continue
            data = read(path)
            if data is not None and _may_reach_prefect(path, data, words):
                _follow(facts, path, data, owners, read, seen)
        if len(seen) == found:
            break
    return facts


def _follow(
    facts: RepositoryModules,
    path: str,
    data: bytes,
    owners: dict[str, str | None],
    read: Callable[[str], bytes | None],
    seen: set[str],
) -> None:
    """Record the module at ``path`` and every repository module it imports, transitively."""
    pending: list[tuple[str, bytes | None]] = [(path, data)]
    while pending:
        path, data = pending.pop()
        if path in seen or data is None:
            continue
        seen.add(path)
        tree = _parse(data)
        if tree is None:
            continue
        for name in _record(facts, path, tree, owners):
            owner = owners.get(name)
            if owner is not None and owner not in seen:
                pending.append((owner, read(owner)))


def _may_reach_prefect(path: str, data: bytes, words: frozenset[bytes]) -> bool:
    return (
        _PREFECT.search(data) is not None
        or path.rpartition("/")[2] == "__init__.py"
        or any(word in data for word in words)
    )


def _parse(data: bytes) -> ast.Module | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(data)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def _record(
    facts: RepositoryModules, path: str, tree: ast.Module, owners: dict[str, str | None]
) -> list[str]:
    """Add the module's facts under each of its names; the repository modules it imports."""
    names = [name for name in module_names(path) if owners.get(name) == path]
    bindings: dict[str, str] = {}
    imported: list[str] = []
    top_level = {id(statement) for statement in tree.body}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            module = absolute_module(node.module or "", node.level, path)
            if module is None:
                continue
            imported.append(module)
            for alias in node.names:
                if alias.name != "*":
                    imported.append(f"{module}.{alias.name}")
                    facts.imported.add(f"{module}.{alias.name}")
                    if id(node) in top_level:
                        bindings[alias.asname or alias.name] = f"{module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                imported.append(alias.name)
                if id(node) in top_level:
                    local = alias.asname or alias.name.split(".")[0]
                    bindings[local] = alias.name if alias.asname else local
    values: dict[str, tuple[Origin, ...]] = {}
    returns: dict[str, tuple[Origin, ...]] = {}
    for statement in tree.body:
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target = statement.targets[0]
            if isinstance(target, ast.Name):
                values[target.id] = _origins(statement.value, bindings, names)
        elif isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            returns[statement.name] = tuple(
                origin
                for node in ast.walk(statement)
                if isinstance(node, ast.Return)
                for origin in _origins(node.value, bindings, names)
            )
    for module in names:
        for local, qualified in bindings.items():
            facts.aliases[f"{module}.{local}"] = qualified
        for local, origins in values.items():
            facts.values[f"{module}.{local}"] = origins
        for local, origins in returns.items():
            facts.returns[f"{module}.{local}"] = origins
    return imported


def _origins(
    value: ast.expr | None, bindings: dict[str, str], names: list[str]
) -> tuple[Origin, ...]:
    if value is None or (isinstance(value, ast.Constant) and value.value is None):
        return (("none", ""),)
    if isinstance(value, ast.IfExp):
        return _origins(value.body, bindings, names) + _origins(value.orelse, bindings, names)
    if isinstance(value, ast.Call):
        callee = _qualified(value.func, bindings, names)
        return (("call", callee),) if callee else (("other", ""),)
    if isinstance(value, (ast.Name, ast.Attribute)):
        qualified = _qualified(value, bindings, names)
        return (("name", qualified),) if qualified else (("other", ""),)
    return (("other", ""),)


def _qualified(node: ast.expr, bindings: dict[str, str], names: list[str]) -> str | None:
    """``a.b.C`` with ``a`` replaced by what the module binds it to (or the module's own name
    for a name it defines itself)."""
    attributes: list[str] = []
    while isinstance(node, ast.Attribute):
        attributes.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name) or not names:
        return None
    head = bindings.get(node.id, f"{names[0]}.{node.id}")
    return ".".join([head, *reversed(attributes)])
