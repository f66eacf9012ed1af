"""A codemod cannot be added without its tests: its own test file here, running golden cases
that show it rewriting and leaving code alone (a notice, which rewrites nothing, has none)."""

from __future__ import annotations

from pathlib import Path

import pytest

from prefect1_migrate.codemod import Codemod, NoticeCodemod
from prefect1_migrate.registry import all_codemods
from tests.codemods.tools import GOLDEN, golden_case_folders


@pytest.mark.parametrize("codemod", all_codemods(), ids=lambda codemod: codemod.id)
def test_every_codemod_has_its_test_file_and_golden_cases(codemod: Codemod) -> None:
    test_file = Path(__file__).parent / f"test_{codemod.id.replace('-', '_')}.py"
    assert test_file.is_file(), f"no {test_file.name} for {codemod.id}"
    cases = golden_case_folders(codemod.id)
    if isinstance(codemod, NoticeCodemod):
        assert not cases, "a notice rewrites nothing: golden cases would not run"
        return
    assert f'@golden_cases("{codemod.id}")' in test_file.read_text(encoding="utf-8")
    assert any((case / "after").exists() for case in cases), "no transforming golden case"
    assert any(not (case / "after").exists() for case in cases), "no no-op golden case"


def test_every_golden_folder_belongs_to_a_codemod() -> None:
    ids = {codemod.id for codemod in all_codemods()}
    assert {folder.name for folder in GOLDEN.iterdir() if folder.is_dir()} <= ids
