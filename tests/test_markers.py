"""Review markers: their messages survive redaction intact, so every report reads as written."""

from __future__ import annotations

from pathlib import Path

import pytest

from prefect1_migrate.markers import marker_message
from prefect1_migrate.redaction import redact

GOLDEN = Path(__file__).resolve().parent.parent / "fixtures" / "codemods"


def _marker_messages() -> list[str]:
    messages: set[str] = set()
    for path in GOLDEN.glob("*/*/after/**/*"):
        if path.is_file():
            for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
                message = marker_message(line)
                if message:
                    messages.add(message)
    return sorted(messages)


def test_golden_cases_carry_markers() -> None:
    assert len(_marker_messages()) > 50


@pytest.mark.parametrize("message", _marker_messages())
def test_marker_message_is_not_mangled_by_redaction(message: str) -> None:
    # Messages never hold secret values; one shaped like `token=value` would print as
    # `token=***` in the console, commit messages and reports.
    assert redact(message) == message
