"""Every ``prefect`` invocation of a file as an argument list, found by the same scanners the
codemods rewrite with (shell, Make, Docker, compose, CI, INI, Markdown/reST code, Python
subprocess argv and strings). ``verify`` (through the registry) and the real-Prefect tests
parse them with the real CLI."""

from __future__ import annotations

import re
from collections.abc import Iterator

from prefect1_migrate.codemods._commands.driver import file_invocations
from prefect1_migrate.codemods._commands.invocations import (
    Invocation,
    anchor_of,
    invocations,
    program_offset,
)
from prefect1_migrate.codemods._commands.python_strings import PythonSpot, python_spots
from prefect1_migrate.codemods._commands.words import PLACEHOLDER
from prefect1_migrate.codemods._python.tree import first_leaf, statement_of

from prefect1_migrate.command_lines import RUNTIME_VALUE, CommandLine
from prefect1_migrate.filekinds import FileKind
from prefect1_migrate.markers import marker_start
from prefect1_migrate.python_tree import parse


def prefect_command_lines(text: str, kind: FileKind) -> Iterator[CommandLine]:
    """Every ``prefect`` invocation of a file of ``kind`` (Python included), in file order."""
    found: list[tuple[int, list[str], int]] = []
    if kind is FileKind.PYTHON:
        for spot, invocation in _python_invocations(text):
            argv = _static_argv(invocation)
            line = _first_line(spot) + spot.text.count("\n", 0, program_offset(invocation))
            found.append((line, argv, first_leaf(statement_of(spot.node)).lineno))
    else:
        for invocation in file_invocations(text, kind):
            argv = _static_argv(invocation)
            if not argv:
                continue  # ``PREFECT := poetry run prefect`` names the program, runs nothing
            line = text.count("\n", 0, program_offset(invocation)) + 1
            found.append((line, argv, text.count("\n", 0, anchor_of(invocation, text)) + 1))
    lines = text.split("\n")
    for line, argv, anchor_line in sorted(found, key=lambda item: item[0]):
        above = anchor_line - 2
        yield CommandLine(line, argv, above >= 0 and marker_start(lines, above) is not None)


def _python_invocations(text: str) -> Iterator[tuple[PythonSpot, Invocation]]:
    for spot in list(python_spots(parse(text))):
        for invocation in invocations(spot.segment):
            yield spot, invocation


def _first_line(spot: PythonSpot) -> int:
    """The line :attr:`PythonSpot.text` starts on."""
    line = spot.node.get_lineno() or 1
    return line - spot.node.prefix.count("\n") if spot.part == "prefix" else line


def _static_argv(invocation: Invocation) -> list[str]:
    argv: list[str] = []
    for word in invocation.args:
        if not word.splits or (argv and argv[-1].startswith("-")):
            argv.append(re.sub(f"{PLACEHOLDER}+", RUNTIME_VALUE, word.value))
    return argv
