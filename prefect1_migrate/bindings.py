"""Wrong is worse than missed: does a Python rewrite drop an import the file still needs?

A rewrite that removes an imported name while the file still reads it, or still exports it
through ``__all__``, breaks the file (``NameError``) or its importers. The pipeline treats such
a rewrite like one that does not parse: the file is left as it was and listed.
"""

from __future__ import annotations

import ast
import re
import textwrap
import warnings


def dropped_names_still_used(original: str, rewritten: str) -> list[str]:
    """Names an import of ``original`` binds, bound by nothing in ``rewritten``, that
    ``rewritten`` still reads or lists in ``__all__`` (empty when it does not parse).

    Only the import statements the rewrite changed can drop a name, and only a name the
    rewritten text still spells can be used: ``rewritten`` is parsed only when one is left.
    """
    changed = [s for s in _IMPORT_STATEMENT.findall(original) if s not in rewritten]
    candidates = {
        name
        for name in _names_imported_by(changed, original)
        if re.search(rf"(?<![\w.]){re.escape(name)}(?!\w)", rewritten)
    }
    if not candidates:
        return []
    after = _tree(rewritten)
    if after is None:
        return []
    bound, read, star = _bindings_and_reads(after)
    if star:
        return []
    return sorted((candidates - bound) & (read | _exported(after)))


def _names_imported_by(statements: list[str], original: str) -> set[str]:
    names: set[str] = set()
    for statement in statements:
        tree = _tree(textwrap.dedent(statement).strip())
        if tree is None:  # not a statement on its own: read every import of the file
            whole = _tree(original)
            return _imported(whole) if whole is not None else set()
        names |= _imported(tree)
    return names


#: The text of an import statement: to the end of the line, with its parenthesised or
#: backslash-continued lines.
_IMPORT_STATEMENT = re.compile(
    r"^[ \t]*(?:from[ \t]+\S+[ \t]+)?import\b(?:[^\n(\\]|\\\n|\([^)]*\))*", re.MULTILINE
)


def _tree(text: str) -> ast.Module | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def _imported(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                if alias.name != "*":
                    names.add(alias.asname or alias.name.split(".")[0])
    return names


def _bindings_and_reads(tree: ast.Module) -> tuple[set[str], set[str], bool]:
    """(every name the module binds anywhere, every name it reads, whether it star-imports);
    scopes are not told apart."""
    bound: set[str] = set()
    read: set[str] = set()
    star = False
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (read if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                if alias.name == "*":
                    star = True
                else:
                    bound.add(alias.asname or alias.name.split(".")[0])
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            bound.update(node.names)
        elif isinstance(node, ast.MatchAs | ast.MatchStar) and node.name:
            bound.add(node.name)
    return bound, read, star


def _exported(tree: ast.Module) -> set[str]:
    """The string names of a module-level ``__all__ = [...]`` / ``(...)`` (and ``+=``)."""
    names: set[str] = set()
    for node in tree.body:
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        if not any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
            continue
        value = getattr(node, "value", None)
        if isinstance(value, (ast.List, ast.Tuple)):
            names.update(
                element.value
                for element in value.elts
                if isinstance(element, ast.Constant) and isinstance(element.value, str)
            )
    return names
