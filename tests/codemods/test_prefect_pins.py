"""prefect-pins beyond the golden cases: the pins it writes exist, and another target version."""

from __future__ import annotations

import configparser
import json
import re
from pathlib import Path

import tomllib
import yaml
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


def _structured(path: Path) -> object:
    """The content of a golden file as its format's own reader reads it (None for scripts)."""
    text = path.read_text(encoding="utf-8")
    if path.name in ("pyproject.toml", "Pipfile"):
        return tomllib.loads(text)
    if path.suffix in (".yml", ".yaml"):
        return yaml.safe_load(text)
    if path.name in ("renovate.json", ".renovaterc", "package.json"):
        return json.loads(text)
    if path.suffix in (".cfg", ".ini"):
        parser = configparser.ConfigParser(interpolation=None)
        parser.read_string(text)
        return {section: dict(parser[section]) for section in parser.sections()}
    return None


def test_every_structured_file_written_still_reads() -> None:
    """The TOML, YAML, JSON and INI files the dependency codemods write are still read by
    their formats' readers, keeping every top-level key they had."""
    checked = 0
    for codemod_id in ("prefect-pins", "dependency-bots", "server-images", "requires-python"):
        for after in sorted((GOLDEN / codemod_id).glob("*/after/**/*")):
            before = Path(str(after).replace("/after/", "/before/"))
            if not after.is_file() or not before.is_file():
                continue
            written, read_before = _structured(after), _structured(before)
            if isinstance(written, dict) and isinstance(read_before, dict):
                assert read_before.keys() <= written.keys(), after
                checked += 1
    assert checked >= 25


def test_every_repinned_file_names_the_companions() -> None:
    """Each golden file whose Prefect requirement moved names marshmallow and pendulum after
    (or marks where they cannot be written)."""
    checked = 0
    for after in sorted((GOLDEN / "prefect-pins").glob("*/after/**/*")):
        before = Path(str(after).replace("/after/", "/before/"))
        if not after.is_file() or after.name == "README.md":
            continue
        old, new = before.read_text(encoding="utf-8"), after.read_text(encoding="utf-8")
        moved = [
            (a, b)
            for a, b in zip(old.splitlines(), new.splitlines(), strict=False)
            if "prefect" in a.lower() and a != b
        ]
        if not moved or "installs Prefect from git at" in new or "--hash" in new:
            continue
        assert "marshmallow" in new.lower() and "pendulum" in new.lower(), after
        checked += 1
    assert checked >= 15
