"""codemods/_companion_pins.py: which companions a list lacks, and the lines that add them."""

from __future__ import annotations

from prefect1_migrate.codemods._companion_pins import (
    companion_lines_below,
    missing_companions,
    pin_companions,
    requirement_name,
)
from prefect1_migrate.codemods._text import LineEdits

from prefect1_migrate.codemod import MigrationOptions, SourceFile
from prefect1_migrate.filekinds import FileKind

FILE = SourceFile("environment.yml", FileKind.CONDA, MigrationOptions())


def test_a_companion_named_in_any_spelling_or_version_is_not_missing() -> None:
    assert missing_companions("1.4.1", ["Marshmallow", "pandas"]) == [("pendulum", "<3")]
    assert missing_companions("1.4.1", ["marshmallow", "PENDULUM"]) == []
    assert missing_companions("1.4.1", ["marshmallow-oneofschema"]) == [
        ("marshmallow", "<4"),
        ("pendulum", "<3"),
    ]


def test_no_companions_are_known_outside_1x() -> None:
    assert missing_companions("2.0.0", []) == []


def test_requirement_name_reads_the_distribution() -> None:
    assert requirement_name("  prefect[aws]==1.4.1") == "prefect"
    assert requirement_name("marshmallow<4 ; python_version >= '3.7'") == "marshmallow"
    assert requirement_name("# a comment") is None


def test_companion_lines_are_written_like_the_entry_they_follow() -> None:
    lines = ["dependencies:", '  - "prefect==1.4.1"', "  - pytest"]
    edits = LineEdits()
    companion_lines_below(edits, 1, "  - ", [("marshmallow", "<4")], True, '"')
    assert edits.apply(lines, FILE) == [
        "dependencies:",
        '  - "prefect==1.4.1"',
        '  - "marshmallow<4"  # Prefect 1.x does not work with later releases',
        "  - pytest",
    ]


def test_hashed_requirements_get_no_companion_lines() -> None:
    lines = ["prefect==1.4.1 \\", "    --hash=sha256:00"]
    edits = LineEdits()
    edits.replace(0, 9, 14, "1.4.1")
    pin_companions(lines, edits, "1.4.1")
    assert not edits.insertions
