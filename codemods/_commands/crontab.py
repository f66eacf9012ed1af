"""Crontab files: the command of each schedule line (after the five time fields or an
``@daily``-style nickname, and the user field of system crontabs), up to an unescaped ``%``
(cron feeds what follows to the command's input); comments."""

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

_SCHEDULE = r"(?:@\w+|(?:[\d*/,?LW#A-Za-z-]+[ \t]+){4}[\d*/,?LW#A-Za-z-]+)[ \t]+"
_USER_LINE = re.compile(rf"[ \t]*{_SCHEDULE}[\w.-]+[ \t]+")
_LINE = re.compile(rf"[ \t]*{_SCHEDULE}")
_INPUT = re.compile(r"(?<!\\)%")


def crontab_scan(text: str, base: int, code_block: bool, system: bool = False) -> list[Segment]:
    """``system``: the lines have a user field (``/etc/crontab``, ``cron.d`` files)."""
    keep: list[tuple[int, int]] = []
    for start, end in line_spans(text):
        line = text[start:end]
        if is_comment_line(line):
            keep.append((start, end))
            continue
        match = (_USER_LINE if system else _LINE).match(line)
        if match is None:
            continue
        percent = _INPUT.search(line, match.end())
        keep.append((start + match.end(), start + percent.start() if percent else end))
    return [ShellSegment(blank_outside(text, keep), Identity(base), code_block=code_block)]


def system_crontab_scan(text: str, base: int, code_block: bool) -> list[Segment]:
    return crontab_scan(text, base, code_block, system=True)
