"""Every JSON, YAML and TOML file a golden case changes still loads with a real parser
(json, json5 for JSONC, PyYAML, tomllib or tomli) when its ``before`` did: the codemods edit these
files as text, and a broken document is damage."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import json5
import pytest
import yaml

from prefect1_migrate import tomlread
from prefect1_migrate.filekinds import FileKind, classify
from tests.codemods.tools import GOLDEN


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return json5.loads(text)  # devcontainer files and other JSONC


def _yaml(text: str) -> Any:
    return list(yaml.safe_load_all(text))


_LOADERS: dict[FileKind, Callable[[str], Any]] = {
    FileKind.JSON: _json,
    FileKind.YAML: _yaml,
    FileKind.CI: _yaml,
    FileKind.COMPOSE: _yaml,
    FileKind.CONDA: _yaml,
    FileKind.TOML: tomlread.loads,
    FileKind.PYPROJECT: tomlread.loads,
    FileKind.PIPFILE: tomlread.loads,
}


def _changed_documents() -> list[tuple[str, FileKind, Path, Path]]:
    """(case id, kind, before, after) of every changed document whose before loads."""
    found = []
    for after in sorted(GOLDEN.glob("*/*/after/**/*")):
        case = next(parent for parent in after.parents if parent.name == "after").parent
        name = after.relative_to(case / "after").as_posix()
        before = case / "before" / name
        kind = classify(name, after.read_bytes()[:128]) if after.is_file() else None
        if kind in _LOADERS and before.read_bytes() != after.read_bytes() and _loads(kind, before):
            found.append((f"{case.parent.name}/{case.name}/{name}", kind, before, after))
    return found


def _loads(kind: FileKind, path: Path) -> bool:
    """Whether the file loads (a Helm or Jinja template, or a YAML tag PyYAML does not know,
    may not: such a before file proves nothing)."""
    try:
        _LOADERS[kind](path.read_text(encoding="utf-8"))
    except Exception:
        return False
    return True


_DOCUMENTS = _changed_documents()


def test_every_format_has_changed_documents() -> None:
    kinds = {kind for _, kind, _, _ in _DOCUMENTS}
    assert {FileKind.JSON, FileKind.YAML, FileKind.CI, FileKind.COMPOSE, FileKind.PIPFILE} <= kinds


@pytest.mark.parametrize(
    ("kind", "after"),
    [pytest.param(kind, after, id=case) for case, kind, _, after in _DOCUMENTS],
)
def test_a_changed_document_still_loads(kind: FileKind, after: Path) -> None:
    _LOADERS[kind](after.read_text(encoding="utf-8"))
