"""Which files of a tree (a golden case side, a repository) each real-Prefect check looks at.

Everything here is static and cheap (file names, an ``ast`` parse, text scans), so tests can be
parametrised at collection time over whatever golden cases exist.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from prefect1_migrate.command_lines import CommandLine
from prefect1_migrate.filekinds import FileKind
from prefect1_migrate.verify import sources

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "fixtures" / "codemods"
_SKIPPED_DIRS = {".git", "__pycache__", ".venv", "node_modules"}


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
        return sources.kind_of(self.root, name)

    def text(self, name: str) -> str:
        return (
            (self.root / name).read_text(encoding="utf-8", errors="replace").replace("\r\n", "\n")
        )

    def python_files(self) -> list[str]:
        return [name for name in self.files if self.kind(name) is FileKind.PYTHON]

    def flow_files(self) -> list[str]:
        return sources.flow_files(self.root, self.python_files())

    def command_lines(self) -> dict[str, list[CommandLine]]:
        """{file: its ``prefect`` invocations}: what ``verify`` parses (the codemods' own
        scanners; run-time values become a placeholder word; a bare ``prefect`` is left out)."""
        return sources.command_lines(self.root, self.files)

    def config_files(self) -> list[str]:
        """TOML files that are Prefect settings (``config.toml`` and the like), not packaging."""
        return sources.config_files(self.root, self.files)


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
