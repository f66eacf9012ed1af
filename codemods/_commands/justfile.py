"""Justfiles: recipe lines (indented, after ``@``/``-``), variable values and comments;
``{{ ... }}`` interpolations are run-time values."""

from __future__ import annotations

import re

from prefect1_migrate.codemods._commands.segments import (
    Segment,
    ShellSegment,
    blank_outside,
    is_comment_line,
    line_spans,
)
from prefect1_migrate.codemods._commands.words import PLACEHOLDER, Identity

_ASSIGNMENT = re.compile(r"(?:export[ \t]+)?[A-Za-z_][\w-]*[ \t]*:=[ \t]*")
_INTERPOLATION = re.compile(r"\{\{.*?\}\}")


def justfile_scan(text: str, base: int, code_block: bool) -> list[Segment]:
    keep: list[tuple[int, int]] = []
    for start, end in line_spans(text):
        line = text[start:end]
        if is_comment_line(line):
            keep.append((start, end))
        elif line[:1] in (" ", "\t"):
            keep.append((start + len(line) - len(line.lstrip(" \t@-")), end))
        elif match := _ASSIGNMENT.match(line):
            keep.append((start + match.end(), end))
    masked = _INTERPOLATION.sub(
        lambda match: PLACEHOLDER * len(match.group()), blank_outside(text, keep)
    )
    return [ShellSegment(masked, Identity(base), code_block=code_block)]
