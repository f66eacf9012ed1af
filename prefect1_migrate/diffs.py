"""Unified diffs of file bytes that ``git apply`` reproduces exactly (CRLF, encodings,
missing final newlines included)."""

from __future__ import annotations

import difflib
import re

from prefect1_migrate.escaping import git_quoted

_AFTER_NEWLINE = re.compile(rb"(?<=\n)")
_NO_NEWLINE = b"\\ No newline at end of file\n"


def _lines(data: bytes) -> list[bytes]:
    return [line for line in _AFTER_NEWLINE.split(data) if line]


def unified_diff(path: str, old: bytes, new: bytes, context: int = 3) -> bytes:
    encoded_path = path.encode("utf-8", "surrogateescape")
    before, after = git_quoted(b"a/" + encoded_path), git_quoted(b"b/" + encoded_path)
    out = [b"diff --git " + before + b" " + after + b"\n"]
    for line in difflib.diff_bytes(
        difflib.unified_diff, _lines(old), _lines(new), fromfile=before, tofile=after, n=context
    ):
        out.append(line)
        if not line.endswith(b"\n"):
            out.append(b"\n" + _NO_NEWLINE)
    return b"".join(out)


def colourise(patch: bytes) -> bytes:
    """ANSI colours for a terminal: additions green, removals red, hunk headers cyan."""
    coloured: list[bytes] = []
    for line in _lines(patch):
        if line.startswith((b"+++", b"---", b"diff ", b"# ")):
            coloured.append(b"\x1b[1m" + line.rstrip(b"\n") + b"\x1b[0m\n")
        elif line.startswith(b"+"):
            coloured.append(b"\x1b[32m" + line.rstrip(b"\n") + b"\x1b[0m\n")
        elif line.startswith(b"-"):
            coloured.append(b"\x1b[31m" + line.rstrip(b"\n") + b"\x1b[0m\n")
        elif line.startswith(b"@@"):
            coloured.append(b"\x1b[36m" + line.rstrip(b"\n") + b"\x1b[0m\n")
        else:
            coloured.append(line)
    return b"".join(coloured)
