"""What ``verify`` looks at in a tree of files: the flow files, the ``prefect`` command lines
and the Prefect config files. Everything here is static (names, an ``ast`` parse, the
codemods' own command-line scanners through the registry); nothing is imported or run."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from prefect1_migrate.command_lines import CommandLine
from prefect1_migrate.filekinds import FileKind, classify
from prefect1_migrate.notebooks import NotebookError, read_code, read_notebook
from prefect1_migrate.registry import prefect_command_lines
from prefect1_migrate.sourcefile import UndecodableFile, decode, python_encoding, text_encoding
from prefect1_migrate.verify.notebook_code import NotAModule, checked_module

_PREFECT_TABLE = re.compile(rb"^\s*\[\s*(cloud|logging|engine|server|flows|tasks)\b", re.M)


def defines_flow(source: bytes) -> bool:
    """Whether a Python file calls ``Flow(...)`` / ``x.Flow(...)`` when it is run as a module:
    at module level, outside functions, classes and ``if __name__ == "__main__":`` (a file that
    does not parse counts, so that building it reports why)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return True
    pending: list[ast.AST] = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        if isinstance(node, ast.If) and _is_main_guard(node.test):
            pending += node.orelse
            continue
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if name == "Flow":
                return True
        pending += ast.iter_child_nodes(node)
    return False


def _is_main_guard(test: ast.expr) -> bool:
    return (
        isinstance(test, ast.Compare)
        and isinstance(test.left, ast.Name)
        and test.left.id == "__name__"
        and any(isinstance(c, ast.Constant) and c.value == "__main__" for c in test.comparators)
    )


def kind_of(root: Path, name: str) -> FileKind | None:
    with open(root / name, "rb") as handle:
        return classify(name, handle.read(128))


def flow_files(root: Path, files: list[str]) -> list[str]:
    """Python files that build a ``Flow`` at module level (whether they import it from
    ``prefect`` or from a helper module of the repository that re-exports it)."""
    return [
        name
        for name in files
        if kind_of(root, name) is FileKind.PYTHON and defines_flow((root / name).read_bytes())
    ]


def notebook_flows(root: Path, files: list[str]) -> tuple[dict[str, str], dict[str, str]]:
    """The notebooks whose Python cells build a ``Flow``: ({notebook: the module to build,
    ``notebook_code.checked_module``}, {notebook: why it cannot be built}). A notebook that
    cannot be read but mentions ``Flow`` is one of the latter, never left out."""
    modules: dict[str, str] = {}
    unbuilt: dict[str, str] = {}
    for name in files:
        if kind_of(root, name) is not FileKind.NOTEBOOK:
            continue
        data = (root / name).read_bytes()
        if b"Flow" not in data:
            continue
        try:
            module = checked_module(read_code(read_notebook(data)))
        except (NotebookError, NotAModule) as error:
            unbuilt[name] = str(error)
            continue
        if defines_flow(module.encode()):
            modules[name] = module
    return modules, unbuilt


def command_lines(root: Path, files: list[str]) -> dict[str, list[CommandLine]]:
    """{file: its ``prefect`` invocations with at least one word after the program}."""
    found = {}
    for name in files:
        kind = kind_of(root, name)
        data = (root / name).read_bytes()
        if kind is None:  # a compose command: may hold only the words after `prefect agent`
            continue
        try:
            encoding = python_encoding(data) if kind is FileKind.PYTHON else text_encoding(data)
            text = decode(data, encoding).text
        except UndecodableFile:
            continue
        lines = [line for line in prefect_command_lines(text, kind) if line.argv]
        if lines:
            found[name] = lines
    return found


def config_files(root: Path, files: list[str]) -> list[str]:
    """TOML files that are Prefect settings: a ``config.toml``, or one that names Prefect or
    opens one of Prefect's tables (``[cloud]``, ``[logging]``, ``[engine...]``...)."""
    found = []
    for name in files:
        if kind_of(root, name) is not FileKind.TOML:
            continue
        data = (root / name).read_bytes()
        if name.rpartition("/")[2] == "config.toml" or b"prefect" in data.lower():
            found.append(name)
        elif _PREFECT_TABLE.search(data):
            found.append(name)
    return found
