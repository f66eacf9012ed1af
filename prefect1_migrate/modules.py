"""What the repository's own Python modules bind at their top level, read before the codemods
run, so that a codemod working on one file can follow a name into another module of the same
repository (``from mypkg.compat import LE``, ``from helpers import k8s_env``).

Nothing is imported or run. Every module file is scanned for its import lines; only the
modules that reach Prefect and that another such file imports (and packages'
``__init__.py``) are parsed with :mod:`ast`, each at most once, and only their statements
are looked at, so a flow file nothing imports costs a byte search and a regular expression
(see :func:`survey`). The files that reach Prefect only through the repository's modules
(:attr:`RepositoryModules.reaching`) go through the pipeline like files naming Prefect.
A module is known by every dotted suffix of its path
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
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

#: What makes a value: ``("call", "pkg.mod.f")`` for ``f(...)``, ``("name", "pkg.mod.X")`` for
#: a name, ``("none", "")`` for ``None``; anything else is ``("other", "")``.
Origin = tuple[str, str]

_RESOLVE_DEPTH = 16  # re-exports of re-exports, ...; a cycle stops here


@dataclass(frozen=True)
class RepositoryModules:
    """Top-level facts of the repository's modules, keyed ``"<module>.<name>"``."""

    aliases: dict[str, str] = field(default_factory=dict)
    values: dict[str, tuple[Origin, ...]] = field(default_factory=dict)
    returns: dict[str, tuple[Origin, ...]] = field(default_factory=dict)
    #: ``"<module>.<name>"`` for each name some surveyed module imports from another one.
    imported: set[str] = field(default_factory=set)
    #: Files that import, directly or through other repository modules, a module that names
    #: Prefect: they may use Prefect objects without naming Prefect themselves.
    reaching: set[str] = field(default_factory=set)
    #: Files importing from a module that re-exports Prefect names (or makes values out of
    #: them): what they use may be spelled like nothing Prefect has.
    reexport_importers: set[str] = field(default_factory=set)

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
    """The facts of the repository's modules that may reach Prefect; ``read`` gives a file's
    bytes (None: unreadable).

    Every module file is read once and scanned for its import lines (a regular expression,
    no parse). A file reaches Prefect when it names ``prefect`` or imports a repository
    module that reaches it (followed backwards over the import lines, each edge once). Of
    those, the modules another reaching file imports and the packages' ``__init__.py`` are
    parsed, each once; a flow file nothing imports is never parsed here."""
    owners: dict[str, str | None] = {}  # module name -> path (None: two modules share it)
    for path in paths:
        for name in module_names(path):
            owners[name] = path if owners.get(name, path) == path else None
    facts = RepositoryModules()
    importers: dict[str, list[str]] = {}  # path -> the paths importing it
    imported_by: dict[str, list[str]] = {}  # path -> what its import lines name
    pending: list[str] = []
    for path in dict.fromkeys(paths):
        if not module_names(path):
            continue
        data = read(path)
        if data is None:
            continue
        imported_by[path] = _imported_by_lines(path, data)
        for name in imported_by[path]:
            owner = owners.get(name)
            if owner is not None and owner != path:
                importers.setdefault(owner, []).append(path)
        if b"prefect" in data:  # an import spells it in lower case
            pending.append(path)
    reaching = facts.reaching
    while pending:
        path = pending.pop()
        if path not in reaching:
            reaching.add(path)
            pending.extend(importers.get(path, ()))
    parsed: set[str] = set()
    for path in sorted(reaching):
        facts.imported.update(imported_by[path])
        wanted = [owner for name in imported_by[path] if (owner := owners.get(name))]
        if path.rpartition("/")[2] == "__init__.py":
            wanted.append(path)
        _parse_all(facts, [p for p in wanted if p in reaching], owners, read, parsed)
    reexporters = {
        key.rpartition(".")[0] for key in facts.aliases if facts.resolve(key).startswith("prefect.")
    }
    facts.reexport_importers.update(
        path
        for path in reaching
        if any(
            name in reexporters or name.rpartition(".")[0] in reexporters
            for name in imported_by[path]
        )
    )
    return facts


def _parse_all(
    facts: RepositoryModules,
    pending: list[str],
    owners: dict[str, str | None],
    read: Callable[[str], bytes | None],
    parsed: set[str],
) -> None:
    """Record the modules at ``pending`` and every repository module they import."""
    while pending:
        path = pending.pop()
        if path in parsed:
            continue
        parsed.add(path)
        data = read(path)
        tree = _parse(data) if data is not None else None
        if tree is None:
            continue
        for name in _record(facts, path, tree, owners):
            owner = owners.get(name)
            if owner is not None and owner not in parsed:
                pending.append(owner)


# Literal first, so that the search skips ahead; a match counts only at the start of a line.
_FROM_IMPORT = re.compile(rb"from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]*(\([^)]*\)|[^\n]*)")
_IMPORT = re.compile(rb"import[ \t]+([\w., \t]+)")
_COMMENT = re.compile(rb"#[^\n]*")


def _imported_by_lines(path: str, data: bytes) -> list[str]:
    """``module`` and ``module.name`` for each import line of the file, read without parsing
    it (a line the pattern misreads only names a module that is not there)."""
    found: list[str] = []
    for match in _FROM_IMPORT.finditer(data):
        if not _starts_line(data, match.start()):
            continue
        written = match.group(1).decode("ascii", "replace")
        dotted = written.lstrip(".")
        module = absolute_module(dotted, len(written) - len(dotted), path)
        if module is None:
            continue
        found.append(module)
        names = _COMMENT.sub(b"", match.group(2)).strip(b"()\\ \t\r\n")
        for item in names.split(b","):
            words = item.split()
            name = words[0].decode("ascii", "replace") if words else ""
            if name.isidentifier():
                found.append(f"{module}.{name}")
    for match in _IMPORT.finditer(data):
        if _starts_line(data, match.start()):
            for item in _COMMENT.sub(b"", match.group(1)).split(b","):
                if item.split():
                    found.append(item.split()[0].decode("ascii", "replace"))
    return found


def _starts_line(data: bytes, start: int) -> bool:
    """Whether only spaces and tabs stand between the line's start and ``start``."""
    line_start = data.rfind(b"\n", 0, start) + 1
    return not data[line_start:start].strip(b" \t")


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
    top_level = list(_statements(tree.body, into_functions=False))
    for node in top_level:
        if isinstance(node, ast.ImportFrom):
            module = absolute_module(node.module or "", node.level, path)
            if module is None:
                continue
            imported.append(module)
            for alias in node.names:
                if alias.name != "*":
                    imported.append(f"{module}.{alias.name}")
                    bindings[alias.asname or alias.name] = f"{module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                imported.append(alias.name)
                local = alias.asname or alias.name.split(".")[0]
                bindings[local] = alias.name if alias.asname else local
    values: dict[str, tuple[Origin, ...]] = {}
    returns: dict[str, tuple[Origin, ...]] = {}
    for statement in top_level:
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target = statement.targets[0]
            if isinstance(target, ast.Name):
                values[target.id] = _origins(statement.value, bindings, names)
        elif isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            returns[statement.name] = tuple(
                origin
                for node in _statements(statement.body, into_functions=True)
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


def _statements(body: list[ast.stmt], into_functions: bool) -> Iterator[ast.stmt]:
    """The statements of ``body`` and of the blocks inside them (``if``, ``try``, ``with``,
    loops; nested functions and classes only with ``into_functions``), expressions never
    walked: reading a module costs its statements, not its nodes."""
    for statement in body:
        yield statement
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if not into_functions:
                continue
        for attribute in ("body", "orelse", "finalbody"):
            block = getattr(statement, attribute, None)
            if isinstance(block, list):
                yield from _statements(block, into_functions)
        for handler in getattr(statement, "handlers", ()):
            yield from _statements(handler.body, into_functions)


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
