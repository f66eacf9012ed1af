"""prefect-pins beyond the golden cases: the pins it writes exist, and another target version."""

from __future__ import annotations

import re
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.version import Version

from prefect1_migrate.codemod import MigrationOptions
from tests.codemods.tools import GOLDEN, GoldenRun, check_transformed, golden_cases


@golden_cases("prefect-pins")
def test_golden(run: GoldenRun) -> None:
    run.check()


def _pep508_prefect_requirements(path: Path) -> list[Requirement]:
    """Every PEP 508 ``prefect`` requirement written in a golden file (quoted or one a line)."""
    found = []
    text = path.read_text(encoding="utf-8")
    candidates = re.findall(r"[\"']([^\"']+)[\"']", text) + text.splitlines()
    for candidate in candidates:
        candidate = re.sub(r"^\s*(?:-\s+|[\w.-]+\s*=\s*)?", "", candidate.split(" #")[0])
        candidate = candidate.rstrip(" \\")
        try:
            requirement = Requirement(candidate)
        except InvalidRequirement:
            continue
        if requirement.name.lower() == "prefect" and str(requirement.specifier):
            found.append(requirement)
    return found


def test_every_pin_written_resolves_to_an_existing_1x_release() -> None:
    """After: each pinned ``prefect`` admits 1.4.1 (on PyPI), no 0.15 release and no 2.x;
    before: the same files pinned 0.x, opened to 2.x or named no version, so every case really
    exercised a rewrite."""
    checked = 0
    for after in sorted((GOLDEN / "prefect-pins").glob("*/after/**/*")):
        if not after.is_file():
            continue
        before = Path(str(after).replace("/after/", "/before/"))
        for requirement in _pep508_prefect_requirements(after):
            assert Version("1.4.1") in requirement.specifier, (after, requirement)
            assert Version("0.15.13") not in requirement.specifier, (after, requirement)
            assert Version("2.0.0") not in requirement.specifier, (after, requirement)
            checked += 1
        for requirement in _pep508_prefect_requirements(before):
            assert any(
                Version(v) in requirement.specifier
                for v in ("0.14.22", "0.15.0", "0.15.13", "2.0.0")
            ) or not str(requirement.specifier), (before, requirement)
    assert checked >= 15  # the parser above does find the pins


def test_another_target_version_is_used_for_pins() -> None:
    check_transformed(
        "prefect-pins",
        "prefect==0.15.13\n",
        "prefect==1.0.0\n"
        "marshmallow<4  # Prefect 1.x does not work with later releases\n"
        "pendulum<3  # Prefect 1.x does not work with later releases\n",
        "requirements.txt",
        MigrationOptions(prefect_version="1.0.0"),
    )
