"""The review marker every codemod leaves where a human must decide."""

from __future__ import annotations

import re
from collections.abc import Iterator

MARKER = "TODO(prefect-1.0)"

_MARKER_MESSAGE = re.compile(re.escape(MARKER) + r":?\s*(?P<message>.*?)\s*(?:-->|\*/)?\s*$")


def marker_message(line: str) -> str | None:
    """The message of a marker line, or None when the line carries no marker."""
    if MARKER not in line:
        return None
    match = _MARKER_MESSAGE.search(line)
    return match.group("message") if match else ""


def marker_lines(data: bytes) -> Iterator[tuple[int, str]]:
    """(line number, message) of every marker in a file's bytes."""
    needle = MARKER.encode()
    if needle not in data:
        return
    for number, line in enumerate(data.split(b"\n"), start=1):
        if needle in line:
            yield number, marker_message(line.decode("utf-8", "replace")) or ""
