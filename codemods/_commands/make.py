"""Makefiles: recipe lines (after the tab and ``@-+``), variable values and comments, read
with make's ``$$``/``$(VAR)`` syntax."""

from __future__ import annotations

import re

from prefect1_migrate.codemods._commands.segments import (
    Segment,
    ShellSegment,
    blank_outside,
    is_comment_line,
    line_spans,
)
from prefect1_migrate.codemods._commands.words import Identity

_MAKE_ASSIGNMENT = re.compile(
    r"(?:(?:export|override|private)[ \t]+)*[A-Za-z_][\w.-]*[ \t]*(?:::=|:=|\?=|\+=|!=|=)[ \t]*"
)
_MAKE_INLINE_RECIPE = re.compile(r"[^\t#=:]+:[^=;]*;")


def makefile_scan(text: str, base: int, code_block: bool) -> list[Segment]:
    """Recipe lines (after the tab and ``@-+``), variable values and comments."""
    keep: list[tuple[int, int]] = []
    continued = False
    for start, end in line_spans(text):
        line = text[start:end]
        kept_from: int | None = None
        if continued or is_comment_line(line):
            kept_from = start
        elif line.startswith("\t"):
            kept_from = start + len(line) - len(line[1:].lstrip(" \t@+-"))
        elif match := (_MAKE_ASSIGNMENT.match(line) or _MAKE_INLINE_RECIPE.match(line)):
            kept_from = start + match.end()
        if kept_from is not None:
            keep.append((kept_from, end))
        continued = kept_from is not None and line.endswith("\\")
    return [
        ShellSegment(blank_outside(text, keep), Identity(base), make=True, code_block=code_block)
    ]
