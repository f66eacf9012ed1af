"""The driver for text codemods: every ``prefect`` invocation of a non-Python file (through
the scanner of its kind) and :func:`rewrite_commands`, which applies a codemod's rewriter to
each of them and inserts its review markers."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from prefect1_migrate.codemods._commands.crontab import crontab_scan, system_crontab_scan
from prefect1_migrate.codemods._commands.docker import dockerfile_scan
from prefect1_migrate.codemods._commands.docs import markdown_scan, rst_scan
from prefect1_migrate.codemods._commands.edits import (
    Rewriter,
    TextEdit,
    apply_text_edits,
    line_mapper,
    text_edits,
)
from prefect1_migrate.codemods._commands.groovy import jenkinsfile_scan
from prefect1_migrate.codemods._commands.hcl import hcl_scan
from prefect1_migrate.codemods._commands.ini import ini_scan, procfile_scan
from prefect1_migrate.codemods._commands.invocations import (
    Invocation,
    anchor_of,
    invocations,
    program_offset,
)
from prefect1_migrate.codemods._commands.jsonfile import json_scan
from prefect1_migrate.codemods._commands.justfile import justfile_scan
from prefect1_migrate.codemods._commands.launchers import command_aliases
from prefect1_migrate.codemods._commands.make import makefile_scan
from prefect1_migrate.codemods._commands.segments import Segment, shell_scan
from prefect1_migrate.codemods._commands.toml import toml_scan
from prefect1_migrate.codemods._commands.words import Unencodable
from prefect1_migrate.codemods._commands.yaml import ci_scan, compose_scan, manifest_scan
from prefect1_migrate.codemods._text import insert_todo_above

from prefect1_migrate.codemod import SourceFile
from prefect1_migrate.filekinds import FileKind
from prefect1_migrate.markers import in_marker

CANNOT_WRITE = (
    "this command needs a Prefect 1.0 rewrite that cannot be written here automatically; "
    "rewrite it by hand"
)


_SCANNERS: dict[FileKind, Callable[[str, int, bool], list[Segment]]] = {
    FileKind.SHELL: shell_scan,
    FileKind.PROCFILE: procfile_scan,
    FileKind.MAKEFILE: makefile_scan,
    FileKind.DOCKERFILE: dockerfile_scan,
    FileKind.INI: ini_scan,
    FileKind.SETUP_CFG: ini_scan,
    FileKind.COMPOSE: compose_scan,
    FileKind.CI: ci_scan,
    FileKind.JENKINSFILE: jenkinsfile_scan,
    FileKind.YAML: manifest_scan,
    FileKind.MARKDOWN: markdown_scan,
    FileKind.RST: rst_scan,
    FileKind.JSON: json_scan,
    FileKind.PIPFILE: toml_scan,
    FileKind.PYPROJECT: toml_scan,
    FileKind.JUSTFILE: justfile_scan,
    FileKind.TERRAFORM: hcl_scan,
    FileKind.CRONTAB: crontab_scan,
    FileKind.SYSTEM_CRONTAB: system_crontab_scan,
}


def _segments_of(text: str, kind: FileKind) -> list[Segment]:
    """The parts of a non-Python file that hold command lines."""
    scanner = _SCANNERS.get(kind)
    return scanner(text, 0, False) if scanner is not None else []


@lru_cache(maxsize=8)
def file_invocations(text: str, kind: FileKind) -> tuple[Invocation, ...]:
    """Every ``prefect`` invocation of a non-Python file, except in review markers (whose
    messages quote commands), on their continuation lines too.

    Several codemods read the same file text one after the other: the last few answers are
    kept (invocations are immutable), so a text is parsed once.
    """
    aliases = command_aliases(text)
    found: list[Invocation] = []
    for segment in _segments_of(text, kind):
        for invocation in invocations(segment, aliases):
            if not in_marker(text, program_offset(invocation)):
                found.append(invocation)
    return tuple(found)


def rewrite_commands(text: str, file: SourceFile, rewriter: Rewriter) -> str:
    """``text`` with ``rewriter`` applied to every ``prefect`` invocation of the file."""
    edits: list[TextEdit] = []
    markers: list[tuple[int, int, str, bool]] = []
    for invocation in file_invocations(text, file.kind):
        rewrite = rewriter(invocation)
        if rewrite is None:
            continue
        messages = list(rewrite.todos)
        if invocation.segment.note is not None:
            messages.insert(0, invocation.segment.note)
        try:
            edits.extend(text_edits(invocation, rewrite.ops, text))
        except Unencodable:
            messages.append(CANNOT_WRITE)
        anchor = anchor_of(invocation, text)
        for message in messages:
            markers.append((anchor, len(markers), message, invocation.code_block))
    if not edits and not markers:
        return text
    lines = apply_text_edits(text, edits).split("\n")
    line_of = line_mapper(text, edits)
    for anchor, _, message, code_block in sorted(markers, reverse=True):
        insert_todo_above(lines, line_of(anchor), file, message, in_code_block=code_block)
    return "\n".join(lines)
