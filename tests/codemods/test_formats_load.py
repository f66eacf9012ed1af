"""Every JSON, YAML, TOML and Terraform file a golden case changes still loads with a real
parser (json, json5 for JSONC and JSON5, PyYAML, tomllib, python-hcl2) when its ``before`` did, and so
does the JSON of a Terraform heredoc: the codemods edit these files as text, and a broken
document is damage."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import hcl2
import json5
import pytest
import yaml
from prefect1_migrate.codemods._commands.hcl import heredocs

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
    FileKind.JSON5: json5.loads,
    FileKind.YAML: _yaml,
    FileKind.CI: _yaml,
    FileKind.COMPOSE: _yaml,
    FileKind.CONDA: _yaml,
    FileKind.TOML: tomlread.loads,
    FileKind.PYPROJECT: tomlread.loads,
    FileKind.PIPFILE: tomlread.loads,
    FileKind.TERRAFORM: hcl2.loads,
}


def _loads(kind: FileKind, text: str) -> bool:
    """Whether ``text`` loads (a Helm or Jinja template, or a YAML tag PyYAML does not know,
    may not: such a before file proves nothing)."""
    try:
        _LOADERS[kind](text)
    except Exception:
        return False
    return True


def _changed_documents() -> list[tuple[str, FileKind, str, str]]:
    """(case id, kind, before text, after text) of every changed document whose before loads."""
    found = []
    for after in sorted(GOLDEN.glob("*/*/after/**/*")):
        case = next(parent for parent in after.parents if parent.name == "after").parent
        name = after.relative_to(case / "after").as_posix()
        kind = classify(name, after.read_bytes()[:128]) if after.is_file() else None
        if kind not in _LOADERS:
            continue
        old = (case / "before" / name).read_text(encoding="utf-8")
        new = after.read_text(encoding="utf-8")
        if old != new and _loads(kind, old):
            found.append((f"{case.parent.name}/{case.name}/{name}", kind, old, new))
    return found


_DOCUMENTS = _changed_documents()


def test_every_format_has_changed_documents() -> None:
    kinds = {kind for _, kind, _, _ in _DOCUMENTS}
    assert {
        FileKind.JSON,
        FileKind.JSON5,
        FileKind.YAML,
        FileKind.CI,
        FileKind.COMPOSE,
        FileKind.PIPFILE,
        FileKind.PYPROJECT,
        FileKind.TERRAFORM,
    } <= kinds
    assert _TERRAFORM, "no changed Terraform file with a JSON heredoc"


@pytest.mark.parametrize(
    ("kind", "after"),
    [pytest.param(kind, after, id=case) for case, kind, _, after in _DOCUMENTS],
)
def test_a_changed_document_still_loads(kind: FileKind, after: str) -> None:
    _LOADERS[kind](after)


def _heredoc_bodies(text: str) -> list[str]:
    lines = text.split("\n")
    return ["\n".join(lines[first : last + 1]) for first, last in heredocs(lines).values()]


_TERRAFORM = [
    pytest.param(before, after, id=case)
    for case, kind, before, after in _DOCUMENTS
    if kind is FileKind.TERRAFORM and any(_loads(FileKind.JSON, b) for b in _heredoc_bodies(before))
]


@pytest.mark.parametrize(("before", "after"), _TERRAFORM)
def test_the_json_heredocs_of_a_changed_terraform_file_are_still_json(
    before: str, after: str
) -> None:
    old, new = _heredoc_bodies(before), _heredoc_bodies(after)
    assert len(old) == len(new)
    for old_body, new_body in zip(old, new, strict=True):
        if _loads(FileKind.JSON, old_body):
            json.loads(new_body)
