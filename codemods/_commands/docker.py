"""Dockerfiles: ``RUN``/``CMD``/``ENTRYPOINT`` in shell form and JSON exec form, and the
here-documents of a ``RUN`` (BuildKit): fed to a shell written on its line (``RUN bash <<EOF``,
``RUN <<EOF bash``) they are read as in a shell script; the first one of a ``RUN`` that names
no command (``RUN <<EOF``) is the script the default shell runs."""

from __future__ import annotations

import re

from prefect1_migrate.codemods._commands.json import json_array, json_element, list_segments
from prefect1_migrate.codemods._commands.segments import (
    Segment,
    ShellSegment,
    blank_outside,
    is_comment_line,
    line_spans,
)
from prefect1_migrate.codemods._commands.words import Identity

_DOCKER_INSTRUCTION = re.compile(r"[ \t]*(?P<name>[A-Za-z]+)(?:[ \t]+|$)")
_DOCKER_RUN_FLAGS = re.compile(r"(?:--[\w-]+(?:=\S*)?[ \t]+)*")
_DOCKER_COMMANDS = frozenset({"RUN", "CMD", "ENTRYPOINT"})
_HERE_DOC = re.compile(
    r"(?<!<)<<(?P<strip>-?)[ \t]*(?P<quote>[\"']?)(?P<delimiter>[A-Za-z_][\w.-]*)(?P=quote)"
)
#: New text in an unquoted here-document's body: Docker and the shell would expand these.
_EXPANDED = re.compile(r"[$`\\]")


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
            here_docs = list(_HERE_DOC.finditer(text, body, lines[last][1]))
            command = _HERE_DOC.sub("", text[body : lines[last][1]]).replace("\\\n", "")
            bodies = None
            if here_docs and match.group("name").upper() == "RUN":
                bodies = _here_doc_bodies(text, lines, last, here_docs)
            if bodies is not None:
                first_body, last = bodies
                if command.strip():
                    keep.append((body, lines[last][1]))  # the shell on the line reads them
                elif first_body is not None:
                    segments.append(_script_segment(text, base, start, first_body, code_block))
            elif items is not None:
                segments.extend(list_segments(items, json_element, base + start, code_block))
            else:
                keep.append((body, lines[last][1]))
                skipped.extend(inner)
        index = last + 1
    masked = list(blank_outside(text, keep))
    for start, end in skipped:
        masked[start : end + 1] = " " * (end + 1 - start)
    return [ShellSegment("".join(masked), Identity(base), code_block=code_block), *segments]


def _here_doc_bodies(
    text: str, lines: list[tuple[int, int]], last: int, here_docs: list[re.Match[str]]
) -> tuple[tuple[int, int, bool] | None, int] | None:
    """(the first body's (start, end, expanded), unless empty; the line ending the last
    here-document) of the here-documents a ``RUN`` ending on line ``last`` opens; None if one
    never ends (``RUN echo "<<EOF"`` opens none: the lines below are instructions)."""
    first_body: tuple[int, int, bool] | None = None
    for here_doc in here_docs:
        body_start = end = last + 1
        while end < len(lines) and not _ends_here_doc(
            text[lines[end][0] : lines[end][1]], here_doc
        ):
            end += 1
        if end == len(lines):
            return None
        if first_body is None and body_start < end:
            first_body = (lines[body_start][0], lines[end - 1][1], not here_doc.group("quote"))
        last = end
    return first_body, last


def _ends_here_doc(line: str, here_doc: re.Match[str]) -> bool:
    if here_doc.group("strip"):
        line = line.lstrip("\t")
    return line.rstrip("\r") == here_doc.group("delimiter")


def _script_segment(
    text: str, base: int, run_start: int, body: tuple[int, int, bool], code_block: bool
) -> ShellSegment:
    """The script of ``RUN <<EOF``: its markers go above the ``RUN`` (Docker would expand a
    ``$`` in a comment of an unquoted body, and the marker is about the instruction)."""
    start, end, expanded = body
    forbidden = _EXPANDED if expanded else None
    return ShellSegment(
        text[start:end],
        Identity(base + start, forbidden),
        code_block=code_block,
        anchor=base + run_start,
    )
