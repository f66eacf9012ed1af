"""The settings codemods: the pins they write against the releases that exist, and their
behaviour with another target version or a configuration they cannot edit."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from packaging.requirements import InvalidRequirement, Requirement
from packaging.version import Version

from prefect1_migrate.codemod import MigrationOptions, SourceFile
from prefect1_migrate.filekinds import classify
from prefect1_migrate.markers import MARKER, marker_message
from prefect1_migrate.pipeline import FileProcessor
from prefect1_migrate.redaction import redact
from prefect1_migrate.registry import codemod_by_id

GOLDEN = Path(__file__).resolve().parent.parent / "fixtures" / "codemods"
SETTINGS_CODEMODS = (
    "env-var-auth-token",
    "env-var-log-to-cloud",
    "env-var-executor-class",
    "config-toml",
    "python36-images",
    "requires-python",
    "prefect-pins",
)


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
    """After: each pinned ``prefect`` admits 1.4.1 (on PyPI) and no 0.15 release; before: the
    same files pinned 0.x, so every case really exercised a rewrite."""
    checked = 0
    for after in sorted((GOLDEN / "prefect-pins").glob("*/after/**/*")):
        if not after.is_file():
            continue
        before = Path(str(after).replace("/after/", "/before/"))
        for requirement in _pep508_prefect_requirements(after):
            assert Version("1.4.1") in requirement.specifier, (after, requirement)
            assert Version("0.15.13") not in requirement.specifier, (after, requirement)
            checked += 1
        for requirement in _pep508_prefect_requirements(before):
            assert any(
                Version(v) in requirement.specifier for v in ("0.14.22", "0.15.0", "0.15.13")
            ) or not str(requirement.specifier), (before, requirement)
    assert checked >= 15  # the parser above does find the pins


def _rewrite(codemod_id: str, path: str, text: str, target: str = "1.4.1") -> str:
    codemod = codemod_by_id(codemod_id)
    file = SourceFile(path, classify(path), MigrationOptions(prefect_version=target))
    return codemod.rewrite(text, file)  # type: ignore[attr-defined]


def test_another_target_version_is_used_for_pins_and_images() -> None:
    assert _rewrite("prefect-pins", "requirements.txt", "prefect==0.15.13\n", "1.0.0") == (
        "prefect==1.0.0\n"
    )
    dockerfile = "FROM prefecthq/prefect:0.15.13-python3.6\n"
    assert _rewrite("python36-images", "Dockerfile", dockerfile, "1.0.0") == (
        "FROM prefecthq/prefect:1.0.0-python3.7\n"
    )


def test_a_config_the_codemod_cannot_edit_is_reported_and_left_alone(tmp_path: Path) -> None:
    original = b'cloud = { auth_token = "placeholder" }\n'
    (tmp_path / "config.toml").write_bytes(original)
    processor = FileProcessor(tmp_path, [codemod_by_id("config-toml")], MigrationOptions())
    result = processor.process("config.toml")
    assert not result.steps
    assert [problem.codemod_id for problem in result.problems] == ["config-toml"]
    assert "cloud.auth_token" in result.problems[0].reason
    assert (tmp_path / "config.toml").read_bytes() == original


@pytest.mark.parametrize("codemod_id", SETTINGS_CODEMODS)
def test_review_messages_survive_redaction(codemod_id: str) -> None:
    """The report redacts values in secret slots (``..._TOKEN: x``); the messages must not
    look like one, or the reviewer reads ``***`` instead of the instruction."""
    messages = {
        marker_message(line)
        for path in (GOLDEN / codemod_id).glob("*/after/**/*")
        if path.is_file()
        for line in path.read_text(encoding="utf-8").splitlines()
        if MARKER in line
    }
    for message in messages:
        assert message is not None and redact(message) == message
