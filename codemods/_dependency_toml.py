"""Prefect requirements in TOML dependency lists: PEP 621 ``dependencies`` and
``optional-dependencies`` arrays (and PEP 735 ``[dependency-groups]``, PDM's
``[tool.pdm.dev-dependencies]``, uv's ``dev-dependencies``, Hatch environments'
``dependencies``), Poetry dependency tables and groups, Pipfile ``packages`` and
``dev-packages``, moved to the target 1.x release with the companion pins next to them (for
the prefect-pins codemod).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial

from prefect1_migrate.codemods._companion_pins import (
    REASON_COMMENT,
    missing_companions,
    requirement_name,
)
from prefect1_migrate.codemods._prefect_requirement import (
    URL_TODO,
    Found,
    add_companions_once,
    companions_todo,
    repin_requirement,
)
from prefect1_migrate.codemods._text import LineEdits, leading_whitespace
from prefect1_migrate.codemods._toml_lines import TomlEntry, scan_toml
from prefect1_migrate.codemods._versions import (
    PREFECT_DISTRIBUTION,
    UNREADABLE_PIN_TODO,
    UnreadableSpecifier,
    repin,
)

_POETRY_TABLE = re.compile(
    r"tool\.poetry\.(?:dev-dependencies|dependencies|group\.[^.]+\.dependencies)"
)
_PIPFILE_TABLES = ("packages", "dev-packages")
# Arrays of PEP 508 strings a PEP 621 project installs: its dependencies and extras, and the
# groups PEP 735, PDM, uv and Hatch environments add (each may be installed without the others).
_DEPENDENCY_GROUP = re.compile(
    r"dependency-groups\.[^.]+|tool\.pdm\.dev-dependencies\.[^.]+|tool\.uv\.dev-dependencies"
    r"|tool\.hatch\.envs\.[^.]+\.(?:extra-)?dependencies"
)
_PEP508_ARRAY = re.compile(
    rf"project\.dependencies|project\.optional-dependencies\.[^.]+|{_DEPENDENCY_GROUP.pattern}"
)
# The lists every install of a project reads (the others are groups, extras, dev packages).
_MAIN_LISTS = frozenset({"project.dependencies", "tool.poetry.dependencies", "packages"})
_TOML_STRING = re.compile(r"(?P<quote>[\"'])(?P<body>[^\"']*)(?P=quote)")
_INLINE_VERSION = re.compile(r"\bversion\s*=\s*(?P<quote>[\"'])(?P<body>[^\"']*)(?P=quote)")
_INLINE_SOURCE = re.compile(r"\b(?:git|path|url|file)\s*=")


def toml_dependencies(
    lines: list[str], edits: LineEdits, target: str, git_lines: set[int]
) -> dict[str, int]:
    """PEP 621 arrays (with the groups PEP 735, PDM, uv and Hatch add to a PEP 621 project),
    Poetry tables and Pipfile sections of a TOML file. The companions go once per dependency
    system (PEP 621, Poetry, Pipfile), into its main list when that list installs Prefect
    (groups, extras and dev packages are installed on top of it), else into the first list
    that does, and into each PEP 735, PDM, uv or Hatch group installing Prefect when the
    project's ``dependencies`` do not (a group may be installed alone: ``pdm install -G
    flows``). Returns {system: first line repinned} ("project", "tool", "pipfile")."""
    _, entries = scan_toml(lines)
    companions: dict[str, list[tuple[bool, Callable[[], None]]]] = {}
    systems: dict[str, int] = {}
    for entry in entries:
        path = ".".join(entry.path)
        add: Callable[[], None] | None = None
        system = entry.path[0] if entry.path[0] == "tool" else "pipfile"
        if _PEP508_ARRAY.fullmatch(path):
            add = _pep621_array(lines, edits, entry, target, git_lines)
            system = "project"
        elif entry.path[-1].lower() == "prefect" and _is_dependency_table(entry.path[:-1]):
            if _poetry_entry(lines, edits, entry, target):
                add = partial(_companion_entries, lines, edits, entry, entries, target)
        elif entry.path[-1] == "version" and entry.path[-2:-1] == ("prefect",):
            if _is_dependency_table(entry.path[:-2]) and _poetry_version(
                lines, edits, entry.first, entry.value_start, _TOML_STRING, target
            ):
                missing = missing_companions(target, ())
                at = entry.table.header if entry.table.header is not None else entry.first
                add = partial(companions_todo, edits, at, target, missing)
        if add is not None:
            table = ".".join(entry.table.path)
            systems.setdefault(system, entry.first)
            group = path if _DEPENDENCY_GROUP.fullmatch(path) else system
            companions.setdefault(group, []).append(
                (table in _MAIN_LISTS or path in _MAIN_LISTS, add)
            )
    if any(is_main for is_main, _ in companions.get("project", ())):  # groups come on top
        companions = {key: adds for key, adds in companions.items() if key in systems}
    add_companions_once(companions)
    return systems


def _companion_entries(
    lines: list[str], edits: LineEdits, entry: TomlEntry, entries: list[TomlEntry], target: str
) -> None:
    """``name = "<spec>"`` entries below the ``prefect`` entry of a Poetry or Pipfile table."""
    table = [other for other in entries if other.table == entry.table and len(other.key) == 1]
    missing = missing_companions(target, (other.key[0] for other in table))
    indent = leading_whitespace(lines[entry.first])
    below = [f'{indent}{name} = "{specifier}"{REASON_COMMENT}' for name, specifier in missing]
    edits.insert(entry.end, below)


def _is_dependency_table(path: tuple[str, ...]) -> bool:
    table = ".".join(path)
    return bool(_POETRY_TABLE.fullmatch(table)) or table in _PIPFILE_TABLES


def _poetry_entry(lines: list[str], edits: LineEdits, entry: TomlEntry, target: str) -> bool:
    """``prefect = "^0.15"`` or ``prefect = {version = ...}``; whether it was repinned."""
    line = lines[entry.first]
    if "{" not in line[entry.value_start :]:
        return _poetry_version(lines, edits, entry.first, entry.value_start, _TOML_STRING, target)
    if _INLINE_SOURCE.search(line, entry.value_start):
        edits.todo(entry.first, URL_TODO.format(target=target))
        return False
    return _poetry_version(lines, edits, entry.first, entry.value_start, _INLINE_VERSION, target)


def _poetry_version(
    lines: list[str],
    edits: LineEdits,
    index: int,
    start: int,
    pattern: re.Pattern[str],
    target: str,
) -> bool:
    found = pattern.search(lines[index], start)
    if found is None:
        return False
    try:
        new = repin(found.group("body"), target)
    except UnreadableSpecifier:
        edits.todo(index, UNREADABLE_PIN_TODO.format(target=target))
        return False
    if new is None:
        return False
    edits.replace(index, found.start("body"), found.end("body"), new)
    return True


def _pep621_array(
    lines: list[str], edits: LineEdits, entry: TomlEntry, target: str, git_lines: set[int]
) -> Callable[[], None] | None:
    """Repin the requirement strings of one PEP 621 array; what adds the companions after the
    first repinned one (None when none was repinned)."""
    strings = [
        (index, string)
        for index in range(entry.first, entry.end)
        for string in _TOML_STRING.finditer(
            lines[index], entry.value_start if index == entry.first else 0
        )
    ]
    repinned = [
        (index, string)
        for index, string in strings
        if repin_requirement(
            lines, edits, Found(index, string.start("body"), string.end("body"), True), target
        )
        or (index in git_lines and re.match(PREFECT_DISTRIBUTION, string["body"], re.I))
    ]
    if not repinned:
        return None
    names = filter(None, (requirement_name(string["body"]) for _, string in strings))
    missing = missing_companions(target, names)
    index, string = repinned[0]
    return partial(_array_companions, lines, edits, index, string, missing)


def _array_companions(
    lines: list[str],
    edits: LineEdits,
    index: int,
    string: re.Match[str],
    missing: list[tuple[str, str]],
) -> None:
    """The companions as strings after ``string`` in its array: on the same line when it
    shares its line, else one a line below it."""
    if not missing:
        return
    line, quote = lines[index], string["quote"]
    entries = [f"{quote}{name}{specifier}{quote}" for name, specifier in missing]
    if line[: string.start()].strip():
        edits.replace(index, string.end(), string.end(), ", " + ", ".join(entries))
        return
    had_comma = line[string.end() :].lstrip().startswith(",")
    if not had_comma:
        edits.replace(index, string.end(), string.end(), ",")
    indent = leading_whitespace(line)
    below = [f"{indent}{text},{REASON_COMMENT}" for text in entries]
    if not had_comma:
        below[-1] = f"{indent}{entries[-1]}{REASON_COMMENT}"
    edits.insert(index + 1, below)
