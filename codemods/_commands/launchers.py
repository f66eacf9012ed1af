"""What starts a ``prefect`` program in a command: the program word itself, ``python -m
prefect``, a variable the file assigns the program (an alias), past assignments, reserved words,
wrappers (``env``, ``exec``, ``nohup``...) and runners (``poetry run``...); and the command
string of ``sh -c '...'``."""

from __future__ import annotations

import re
from collections.abc import Sequence

from codemods._commands.words import PLACEHOLDER, Word

_RESERVED = frozenset({"if", "then", "else", "elif", "do", "while", "until", "!", "{", "time"})
_WRAPPERS = frozenset({"exec", "nohup", "command"})
_RUNNERS = frozenset({"poetry", "pipenv", "pdm"})
_ENV_OPTIONS_WITH_VALUE = frozenset({"-u", "--unset", "-C", "--chdir", "-S", "--split-string"})
_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\+?=")
_PYTHON = re.compile(r"python[0-9.]*")
_SHELLS = frozenset({"sh", "bash", "zsh", "dash", "ksh"})
_VARIABLE_WORD = re.compile(r'"?\$\$?[({]?([A-Za-z_]\w*)[)}]?"?')


def _basename(value: str) -> str:
    return value.rsplit("/", 1)[-1]


def program_end(words: Sequence[Word], raw: str, aliases: frozenset[str]) -> int | None:
    """Index of the first argument after a ``prefect`` program in ``words``, if it is one."""
    index = _command_index(words)
    if index is None:
        return None
    value = words[index].value
    if _basename(value) == "prefect":
        return index + 1
    if value.count(PLACEHOLDER) == 1 and value == PLACEHOLDER:
        match = _VARIABLE_WORD.fullmatch(raw[words[index].start : words[index].end])
        if match and match.group(1) in aliases:
            return index + 1
    rest = [word.value for word in words[index + 1 : index + 3]]
    if (value == PLACEHOLDER or _PYTHON.fullmatch(_basename(value))) and rest == ["-m", "prefect"]:
        return index + 3
    return None


def _command_index(words: Sequence[Word]) -> int | None:
    """Index of the program word, past assignments, reserved words and wrappers."""
    index, count = 0, len(words)
    while index < count:
        value = words[index].value
        if _ASSIGNMENT.match(value) or value in _RESERVED:
            index += 1
        elif value in _WRAPPERS:
            index += 1
            while index < count and words[index].value.startswith("-"):
                index += 1
        elif value == "env":
            index += 1
            while index < count and (
                words[index].value.startswith("-") or _ASSIGNMENT.match(words[index].value)
            ):
                index += 2 if words[index].value in _ENV_OPTIONS_WITH_VALUE else 1
        elif value in _RUNNERS and index + 1 < count and words[index + 1].value == "run":
            index += 2
        else:
            return index
    return None


def shell_string_index(words: Sequence[Word]) -> int | None:
    """Index of the command string of ``sh -c '...'`` (and ``bash -lc``, ...)."""
    index = _command_index(words)
    if index is None or _basename(words[index].value) not in _SHELLS:
        return None
    for position in range(index + 1, len(words) - 1):
        value = words[position].value
        if not value.startswith("-") or value.startswith("--"):
            return None
        if "c" in value[1:]:
            return position + 1
    return None


_ALIAS_DEFINITION = re.compile(
    r"^[ \t]*(?:export[ \t]+|override[ \t]+|ENV[ \t]+)?([A-Za-z_]\w*)[ \t]*(?:::=|:=|\?=|\+=|=)"
    r"[ \t]*[\"']?([^\"'\n#]*)",
    re.MULTILINE,
)


def command_aliases(text: str) -> frozenset[str]:
    """Variables the file assigns a ``prefect`` program (``PREFECT := poetry run prefect``)."""
    found = set()
    for match in _ALIAS_DEFINITION.finditer(text):
        parts = match.group(2).split()
        if parts and _basename(parts[-1]) == "prefect":
            found.add(match.group(1))
    return frozenset(found)
