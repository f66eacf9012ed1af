"""The review marker every codemod leaves where a human must decide."""

from __future__ import annotations

import re

MARKER = "TODO(prefect-1.0)"

_MARKER_MESSAGE = re.compile(re.escape(MARKER) + r":?\s*(?P<message>.*?)\s*(?:-->|\*/)?\s*$")


def marker_message(line: str) -> str | None:
    """The message of a marker line, or None when the line carries no marker."""
    if MARKER not in line:
        return None
    match = _MARKER_MESSAGE.search(line)
    return match.group("message") if match else ""
