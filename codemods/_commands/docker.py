"""Dockerfiles: ``RUN``/``CMD``/``ENTRYPOINT`` in shell form and JSON exec form."""

from __future__ import annotations

import re

from codemods._commands.json import json_array, json_element, list_segments
from codemods._commands.segments import (
    Segment,
    ShellSegment,
    blank_outside,
    is_comment_line,
    line_spans,
)
from codemods._commands.words import Identity

_DOCKER_INSTRUCTION = re.compile(r"[ \t]*(?P<name>[A-Za-z]+)(?:[ \t]+|$)")
_DOCKER_RUN_FLAGS = re.compile(r"(?:--[\w-]+(?:=\S*)?[ \t]+)*")
_DOCKER_COMMANDS = frozenset({"RUN", "CMD", "ENTRYPOINT"})


def dockerfile_scan(text: str, base: int, code_block: bool) -> list[Segment]:
    """``RUN``/``CMD``/``ENTRYPOINT`` bodies (shell or exec form) and comment lines."""
    lines = line_spans(text)
    keep: list[tuple[int, int]] = []
    skipped: list[tuple[int, int]] = []  # comment lines inside an instruction: Docker drops them
    segments: list[Segment] = []
    index = 0
    while index < len(lines):
        start, end = lines[index]
        line = text[start:end]
        if is_comment_line(line):
            keep.append((start, end))
            index += 1
            continue
        last, inner = index, []
        while text[lines[last][0] : lines[last][1]].rstrip().endswith("\\") and last + 1 < len(
            lines
        ):
            last += 1
            while last + 1 < len(lines) and is_comment_line(text[lines[last][0] : lines[last][1]]):
                inner.append(lines[last])
                last += 1
        match = _DOCKER_INSTRUCTION.match(line)
        if match and match.group("name").upper() in _DOCKER_COMMANDS:
            body = start + match.end()
            if match.group("name").upper() == "RUN":
                body = _DOCKER_RUN_FLAGS.match(text, body).end()
            items = None if inner else json_array(text, body, lines[last][1], base)
            if items is not None:
                segments.extend(list_segments(items, json_element, base + start, code_block))
            else:
                keep.append((body, lines[last][1]))
                skipped.extend(inner)
        index = last + 1
    masked = list(blank_outside(text, keep))
    for start, end in skipped:
        masked[start : end + 1] = " " * (end + 1 - start)
    return [ShellSegment("".join(masked), Identity(base), code_block=code_block), *segments]
