"""The ``prefect ...`` command lines of a non-Python file, ready for click's parser.

Extraction is the project's own (``codemods._shell``) once it exists; until then a plain
shlex reading of each logical line stands in. Shell variables and CI expressions are replaced
by a placeholder word before parsing: the parser checks the syntax, not the values.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator

from prefect1_migrate.filekinds import COMMAND_KINDS, FileKind
from prefect1_migrate.markers import MARKER

PLACEHOLDER = "PLACEHOLDER"
_VARIABLE = re.compile(r"\$\{\{.*?\}\}|\$\{[^}]*\}|\$\([^)]*\)|\$[A-Za-z_][A-Za-z0-9_]*|\$\d")
_OPERATORS = frozenset({"&&", "||", ";", "|", "&", ">", ">>", "<", "2>", "2>&1", "then", "do"})


def with_placeholders(argv: list[str]) -> list[str]:
    return [_VARIABLE.sub(PLACEHOLDER, word) for word in argv]


def _logical_lines(text: str) -> Iterator[tuple[int, str]]:
    lines = text.split("\n")
    index = 0
    while index < len(lines):
        start, line = index, lines[index]
        while line.endswith("\\") and index + 1 < len(lines):
            index += 1
            line = line[:-1] + " " + lines[index]
        yield start + 1, line
        index += 1


def _stand_in(text: str) -> Iterator[tuple[int, list[str]]]:
    for number, line in _logical_lines(text):
        if "prefect" not in line or line.lstrip().startswith(("#", "<!--", "..")):
            continue
        try:
            words = shlex.split(line, comments=True)
        except ValueError:
            continue
        for position, word in enumerate(words):
            if word.strip("`'\"") == "prefect" or word.endswith("/prefect"):
                argv: list[str] = []
                for rest in words[position + 1 :]:
                    if rest in _OPERATORS or rest.endswith(";"):
                        break
                    argv.append(rest.strip("`"))
                if (argv and not argv[0].startswith(("-", "="))) or argv[:1] == ["--help"]:
                    yield number, argv


def prefect_command_lines(text: str, kind: FileKind) -> list[tuple[int, list[str]]]:
    """(1-based line, argv after ``prefect`` with placeholders) for each prefect invocation."""
    if kind not in COMMAND_KINDS:
        return []
    return [(line, with_placeholders(argv)) for line, argv in _stand_in(text)]


def has_marker_above(text: str, line: int) -> bool:
    """Whether a TODO(prefect-1.0) marker stands directly above 1-based ``line``."""
    lines = text.split("\n")
    return line >= 2 and MARKER in lines[line - 2]
