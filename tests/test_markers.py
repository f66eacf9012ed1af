"""Review markers: their messages survive redaction intact, so every report reads as written."""

from __future__ import annotations

from pathlib import Path

import pytest

from prefect1_migrate.markers import marker_message
from prefect1_migrate.redaction import redact, remember, secret_values

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


def _golden_secrets() -> set[str]:
    """The secret values the golden cases' inputs hold (what a run over them remembers)."""
    found: set[str] = set()
    for path in GOLDEN.glob("*/*/before/**/*"):
        if path.is_file():
            found |= secret_values(path.read_text(encoding="utf-8", errors="replace"))
    return found


@pytest.mark.parametrize("message", _marker_messages())
def test_marker_message_is_not_mangled_by_redaction(message: str) -> None:
    # Messages are the tool's sentences: redaction hides the repository's secret values in
    # them and nothing else (`token= -> api_key=` must not print as `token= ***`).
    remember(_golden_secrets())
    assert redact(message) == message
