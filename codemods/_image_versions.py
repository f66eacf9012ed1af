"""Prefect image tags and versions written apart from the image name: a Helm values file's
``repository: prefecthq/prefect`` with its ``tag:`` in the same mapping, and the Prefect version
given to a Docker build (``ARG PREFECT_VERSION=0.15.4``, ``--build-arg PREFECT_VERSION=...``,
a compose ``build: args:`` entry). Each is a (line, start, end, new text) replacement."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from prefect1_migrate.codemods._versions import new_tag

Replacement = tuple[int, int, int, str]

_REPOSITORY = re.compile(
    r"^(?P<indent>[ \t]*)(?:-[ \t]+)?repository[ \t]*:[ \t]*[\"']?(?:docker\.io/)?prefecthq/prefect[\"']?"
    r"[ \t]*(?:#.*)?$"
)
_TAG = re.compile(
    r"^(?P<indent>[ \t]*)(?:-[ \t]+)?tag[ \t]*:[ \t]*[\"']?(?P<tag>[\w.-]+)[\"']?[ \t]*(?:#.*)?$"
)
#: ``PREFECT_VERSION=0.15.4`` after ``ARG``, ``--build-arg``, in a list item, or a YAML
#: ``PREFECT_VERSION: 0.15.4`` (any prefix: ``BASE_PREFECT_VERSION``).
_VERSION_ARGUMENT = re.compile(
    r"(?:\bARG[ \t]+|--build-arg[ \t=]+|^[ \t]*-[ \t]+[\"']?|^[ \t]*)"
    r"[\"']?(?:[A-Z0-9_]*_)?PREFECT_VERSION[\"']?(?:=|[ \t]*:[ \t]*)[\"']?(?P<version>0\.\d+\.\d+)\b",
    re.MULTILINE,
)


def helm_tag_replacements(lines: Sequence[str], target: str) -> Iterator[Replacement]:
    """The ``tag:`` beside each ``repository: prefecthq/prefect`` of the same mapping."""
    for index, line in enumerate(lines):
        repository = _REPOSITORY.match(line)
        if repository is None:
            continue
        column = len(repository.group("indent")) + (2 if line.lstrip().startswith("-") else 0)
        for other in _siblings(lines, index, column):
            tag = _TAG.match(lines[other])
            if tag is not None and (new := new_tag(tag.group("tag"), target)) is not None:
                yield other, tag.start("tag"), tag.end("tag"), new


def _siblings(lines: Sequence[str], index: int, column: int) -> Iterator[int]:
    """The lines of the other keys of the mapping whose key on line ``index`` starts at
    ``column`` (in a list item, the ``- key:`` line opening it too)."""
    for step in (-1, 1):
        other = index + step
        while 0 <= other < len(lines):
            stripped = lines[other].strip()
            if stripped and not stripped.startswith("#"):
                lead = len(lines[other]) - len(lines[other].lstrip())
                dash = stripped.startswith("-")
                if lead == column and not dash:
                    yield other
                elif lead <= column:
                    key_column = lead + len(stripped) - len(stripped[1:].lstrip())
                    if step == -1 and dash and key_column == column:
                        yield other
                    break
            other += step


def version_argument_replacements(text: str, target: str) -> Iterator[Replacement]:
    """``PREFECT_VERSION`` build arguments holding a 0.x version."""
    starts = [0] + [match.end() for match in re.finditer("\n", text)]
    line = 0
    for match in _VERSION_ARGUMENT.finditer(text):
        while line + 1 < len(starts) and starts[line + 1] <= match.start("version"):
            line += 1
        start = match.start("version") - starts[line]
        yield line, start, start + len(match.group("version")), target
