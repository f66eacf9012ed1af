"""INI-like files (supervisord, systemd units, tox) and Procfiles: ``command=``,
``commands =``, ``Exec*=`` values, ``name:`` process lines, and comments."""

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

_PROCFILE_LINE = re.compile(r"[ \t]*[\w.-]+[ \t]*:")


def procfile_scan(text: str, base: int, code_block: bool) -> list[Segment]:
    keep = []
    for start, end in line_spans(text):
        line = text[start:end]
        match = _PROCFILE_LINE.match(line)
        if match:
            keep.append((start + match.end(), end))
        elif is_comment_line(line):
            keep.append((start, end))
    return [ShellSegment(blank_outside(text, keep), Identity(base), code_block=code_block)]


_INI_COMMAND = re.compile(
    r"(?P<lead>[ \t]*(?P<comment>[#;][ \t]*)?)(?:command|commands(?:_pre|_post)?|exec\w*)[ \t]*=[ \t]*[-@:+!]*",
    re.IGNORECASE,
)


_SUPERVISOR_EXPANSION = re.compile(r"%\([^)\n]*\)[sd]")


def ini_scan(text: str, base: int, code_block: bool) -> list[Segment]:
    """``command=``/``commands =``/``Exec*=`` values (and continuation lines), comments;
    supervisord's ``%(ENV_X)s`` expansions are run-time values."""
    keep: list[tuple[int, int]] = []
    comment_chars: list[int] = []
    in_value = False
    for start, end in line_spans(text):
        line = text[start:end]
        stripped = line.lstrip()
        match = _INI_COMMAND.match(line)
        if match:
            keep.append((start + match.end(), end))
            if match.group("comment"):
                comment_chars.append(start + match.start("comment"))
            in_value = not match.group("comment")
        elif in_value and line[:1] in (" ", "\t") and stripped and stripped[0] not in "#;":
            keep.append((start, end))
        else:
            # an indented comment inside a multi-line value (a marker) does not end it
            in_value = in_value and line[:1] in (" ", "\t") and stripped[:1] in ("#", ";")
            if stripped[:1] in ("#", ";"):
                keep.append((end - len(stripped), end))
                comment_chars.append(end - len(stripped))
    masked = list(blank_outside(text, keep))
    for at in comment_chars:
        masked[at] = "#"  # a ``;`` comment reads like a shell comment
    for match in _SUPERVISOR_EXPANSION.finditer(text):
        masked[match.start() : match.end()] = PLACEHOLDER * (match.end() - match.start())
    return [ShellSegment("".join(masked), Identity(base), code_block=code_block)]
