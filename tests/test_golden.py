"""Golden before/after cases for every codemod, their no-op twins, and idempotence.

Layout: ``fixtures/codemods/<codemod id>/<case>/before/...`` and ``.../after/...``.
A case without ``after/`` is a no-op case: the codemod must leave every file as it is.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from prefect1_migrate.codemod import MigrationOptions, NoticeCodemod
from prefect1_migrate.pipeline import FileProcessor
from prefect1_migrate.registry import all_codemods, codemod_by_id

GOLDEN = Path(__file__).resolve().parent.parent / "fixtures" / "codemods"


def _cases() -> list[tuple[str, str]]:
    return [
        (codemod_dir.name, case_dir.name)
        for codemod_dir in sorted(GOLDEN.iterdir())
        if codemod_dir.is_dir()
        for case_dir in sorted(codemod_dir.iterdir())
        if case_dir.is_dir()
    ]


def _files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def migrate_folder(codemod_id: str, folder: Path) -> dict[str, bytes]:
    """The bytes of every file under ``folder`` after running one codemod over it."""
    processor = FileProcessor(folder, [codemod_by_id(codemod_id)], MigrationOptions())
    result: dict[str, bytes] = {}
    for name in _files(folder):
        outcome = processor.process(name)
        assert not outcome.problems, outcome.problems
        result[name] = outcome.steps[-1][1] if outcome.steps else (folder / name).read_bytes()
    return result


@pytest.mark.parametrize(("codemod_id", "case"), _cases())
def test_golden_case(codemod_id: str, case: str) -> None:
    case_dir = GOLDEN / codemod_id / case
    before, after = case_dir / "before", case_dir / "after"
    migrated = migrate_folder(codemod_id, before)
    if not after.exists():
        for name, data in migrated.items():
            assert data == (before / name).read_bytes(), f"{name} changed in a no-op case"
        return
    assert _files(after) == _files(before), "before/ and after/ must hold the same files"
    for name, data in migrated.items():
        expected = (after / name).read_bytes()
        assert data.decode("utf-8", "replace") == expected.decode("utf-8", "replace"), name
        assert data == expected, f"{name}: same text, different bytes"


@pytest.mark.parametrize(("codemod_id", "case"), _cases())
def test_golden_case_is_idempotent(codemod_id: str, case: str) -> None:
    case_dir = GOLDEN / codemod_id / case
    final = case_dir / "after" if (case_dir / "after").exists() else case_dir / "before"
    again = migrate_folder(codemod_id, final)
    for name, data in again.items():
        assert data == (final / name).read_bytes(), f"{name} changed on a second run"


@pytest.mark.parametrize(
    "codemod",
    [c for c in all_codemods() if not isinstance(c, NoticeCodemod)],
    ids=lambda c: c.id,
)
def test_every_codemod_has_a_transforming_and_a_noop_case(codemod) -> None:
    folder = GOLDEN / codemod.id
    cases = [case for case in folder.iterdir() if case.is_dir()] if folder.exists() else []
    assert any((case / "after").exists() for case in cases), "no transforming golden case"
    assert any(not (case / "after").exists() for case in cases), "no no-op golden case"
