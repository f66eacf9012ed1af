"""Which files of a tree (a golden case side, a repository) each real-Prefect check looks at.

Everything here is static and cheap (file names, an ``ast`` parse, text scans), so tests can be
parametrised at collection time over whatever golden cases exist.
"""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from prefect1_migrate.filekinds import FileKind, classify
from realprefect.command_lines import CommandLine, prefect_command_lines

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "fixtures" / "codemods"
_SKIPPED_DIRS = {".git", "__pycache__", ".venv", "node_modules"}


def defines_flow(path: Path) -> bool:
    """Whether the file calls ``Flow(...)`` / ``x.Flow(...)`` when it is run as a module: at
    module level, outside functions, classes and ``if __name__ == "__main__":`` (a file that
    does not parse counts, so that building it reports why)."""
    try:
        tree = ast.parse(path.read_bytes())
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


@dataclass(frozen=True)
class Tree:
    """The files under ``root`` (repository-relative POSIX names)."""

    root: Path

    @cached_property
    def files(self) -> list[str]:
        return sorted(
            path.relative_to(self.root).as_posix()
            for path in self.root.rglob("*")
            if path.is_file() and not _SKIPPED_DIRS & set(path.relative_to(self.root).parts)
        )

    def kind(self, name: str) -> FileKind | None:
        with open(self.root / name, "rb") as handle:
            return classify(name, handle.read(128))

    def text(self, name: str) -> str:
        return (
            (self.root / name).read_text(encoding="utf-8", errors="replace").replace("\r\n", "\n")
        )

    def python_files(self) -> list[str]:
        return [name for name in self.files if self.kind(name) is FileKind.PYTHON]

    def flow_files(self) -> list[str]:
        return [name for name in self.python_files() if defines_flow(self.root / name)]

    def command_lines(self) -> dict[str, list[CommandLine]]:
        """{file: its ``prefect`` invocations} (the project's own extraction: shell, CI, Docker,
        Make, Markdown..., Python subprocess argv and strings; run-time values become a
        placeholder word). A bare ``prefect`` has nothing to parse and is left out."""
        found = {}
        for name in self.files:
            kind = self.kind(name)
            if kind is not None:
                lines = [c for c in prefect_command_lines(self.text(name), kind) if c.argv]
                if lines:
                    found[name] = lines
        return found

    def config_files(self) -> list[str]:
        """TOML files that are Prefect settings (``config.toml`` and the like), not packaging."""
        return [name for name in self.files if self.kind(name) is FileKind.TOML]


@dataclass(frozen=True)
class Migration:
    """A tree before migration and, unless nothing was to change, the tree after it.

    ``checked``: the after files the after-checks look at (a golden case's changed files; every
    file of a fully migrated repository). ``expected_config``: {after TOML file: {dotted key:
    value, None meaning unset}}. ``complete``: every codemod ran, so building the flows must not
    make Prefect warn about moved or deprecated APIs. ``unbuildable`` / ``invalid_commands``:
    why the before Python files / command lines need not be valid 0.15.13, or None.
    ``old_release``: the release the before Python files are checked on and the after flows
    compared with (0.14.22 for the shapes a 0.14 repository has).
    """

    id: str
    before: Tree
    after: Tree | None
    checked: tuple[str, ...]
    expected_config: dict[str, dict[str, Any]] = field(default_factory=dict)
    complete: bool = False
    unbuildable: str | None = None
    invalid_commands: str | None = None
    old_release: str = "0.15.13"


@dataclass(frozen=True)
class Case:
    """A golden case: ``fixtures/codemods/<codemod>/<name>/{before,after,expect.json}``."""

    codemod: str
    name: str

    @property
    def id(self) -> str:
        return f"{self.codemod}/{self.name}"

    @property
    def folder(self) -> Path:
        return GOLDEN / self.codemod / self.name

    def migration(
        self,
        unbuildable: str | None = None,
        invalid_commands: str | None = None,
        old_release: str = "0.15.13",
    ) -> Migration:
        before = Tree(self.folder / "before")
        after_folder = self.folder / "after"
        if not after_folder.is_dir():
            return Migration(
                self.id,
                before,
                None,
                (),
                unbuildable=unbuildable,
                invalid_commands=invalid_commands,
                old_release=old_release,
            )
        after = Tree(after_folder)
        changed = tuple(
            name
            for name in after.files
            if not (before.root / name).is_file()
            or (before.root / name).read_bytes() != (after.root / name).read_bytes()
        )
        return Migration(
            self.id,
            before,
            after,
            changed,
            expected_config=self.expected_config(after),
            unbuildable=unbuildable,
            invalid_commands=invalid_commands,
            old_release=old_release,
        )

    def expected_config(self, after: Tree) -> dict[str, dict[str, Any]]:
        """``expect.json`` maps dotted keys (or nested tables) to the values the case's single
        TOML file must give (null: the key must be unset), or file names ending in ``.toml``
        to such mappings."""
        path = self.folder / "expect.json"
        if not path.is_file():
            return {}
        data = json.loads(path.read_text(encoding="utf-8"))
        if data and all(key.endswith(".toml") for key in data):
            return {name: flatten(values) for name, values in data.items()}
        targets = after.config_files()
        if len(targets) != 1:
            raise ValueError(f"{path}: name the files; after/ has TOML files {targets}")
        return {targets[0]: flatten(data)}


def flatten(values: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, dict) and value:
            flat.update(flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def golden_cases() -> list[Case]:
    if not GOLDEN.is_dir():
        return []
    return [
        Case(codemod.name, case.name)
        for codemod in sorted(GOLDEN.iterdir())
        if codemod.is_dir()
        for case in sorted(codemod.iterdir())
        if (case / "before").is_dir()
    ]
