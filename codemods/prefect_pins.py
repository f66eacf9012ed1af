"""Pin Prefect 1.x wherever a non-Python file pins Prefect 0.x. No guide section asks for it
(it is the upgrade itself): it sits in the last one, "Additional changes", and runs last, so
that every other change is committed before the version moves.

Rewrites ``prefect`` requirements that allow a 0.x release to the target version
(``--prefect-version``, default 1.4.1), keeping extras, markers, comments and the pin's style:
``==0.15.13`` -> ``==<target>``, ``==0.15.*`` -> ``==1.4.*``, ``~=0.15.0`` -> ``~=1.4.1``,
``~=0.15`` -> ``~=1.4``, Poetry ``^0.15`` -> ``^1.4`` / ``~0.15`` -> ``~1.4`` / ``0.15.13`` ->
``<target>``, conda ``=0.15`` -> ``=1.4``, and any range -> ``>=<target>,<2``. In:
requirements files, setup.cfg ``install_requires``/``extras_require`` and tox ``deps``
(INI), Poetry dependency tables, PEP 621 ``dependencies``/``optional-dependencies``, Pipfile
``packages``, conda ``environment.yml`` (conda and pip entries), and ``pip install``,
``poetry add``, ``pipenv install``, ``conda install`` commands in scripts, CI, Dockerfiles and
docs. Unpinned ``prefect``, pins that already exclude 0.x (``prefect>=1.0``) and other
distributions (``prefect-aws``, ``prefect_dbt``) are left alone. In requirements-format files
(``requirements*.txt``, ``*.in``, ``constraints*.txt``) the companion pins Prefect 1.x needs
(``marshmallow<4``, ``pendulum<3``: ``codemods/_companions.py``) go below the repinned line.

Flags requirements that install Prefect from a URL, hashed requirements (the ``--hash`` values
must be regenerated) and specifiers it cannot read.
"""

from __future__ import annotations

import re

from codemods._companion_pins import pin_companions
from codemods._text import (
    LineEdits,
    code_block_mask,
    logical_start,
)
from codemods._toml_lines import scan_toml
from codemods._versions import (
    PREFECT_DISTRIBUTION,
    UNREADABLE_PIN_TODO,
    UnreadableSpecifier,
    repin,
)
from prefect1_migrate.codemod import SourceFile, TextCodemod
from prefect1_migrate.filekinds import COMMAND_KINDS, FileKind
from prefect1_migrate.guide import ADDITIONAL

CODEMOD = TextCodemod(
    __name__,
    title="Pin Prefect 1.x",
    guide_section=ADDITIONAL,
    order=90,
    summary="prefect==0.15.13 / ~=0.15 / ^0.15 / ranges in requirements, setup.cfg, pyproject, "
    "Pipfile, environment.yml and install commands move to the target 1.x release.",
    description=(
        "Moved Prefect requirements that allowed 0.x releases to the target 1.x release, keeping "
        "extras, markers and each pin's style (== stays ==, ~= and ^ keep their precision, "
        "ranges become >=<target>,<2); requirements files also got the companion pins Prefect "
        "1.x needs (marshmallow<4, pendulum<3). Unpinned prefect and other prefect-* "
        "distributions were left alone."
    ),
    flags=(
        "Prefect installed from a URL",
        "hashed requirements whose --hash values must be regenerated",
        "version specifiers that could not be read",
    ),
    review_note=(
        "Regenerate lock files (poetry.lock, Pipfile.lock, pip-compile outputs, conda-lock); "
        "setup.py is Python and not edited here. Flows using prefect.tasks.databricks need the "
        "`databricks` extra in 1.x (`prefect[databricks]`)."
    ),
    triggers=("prefect", "Prefect", "PREFECT"),
    file_kinds=frozenset(
        {
            FileKind.REQUIREMENTS,
            FileKind.SETUP_CFG,
            FileKind.PYPROJECT,
            FileKind.PIPFILE,
            FileKind.CONDA,
            *COMMAND_KINDS,
        }
    ),
)


_URL_TODO = "this requirement installs Prefect from a URL: point it at Prefect {target}"
_HASH_TODO = (
    "update the --hash values of this requirement for Prefect {target} (re-run pip-compile)"
)

# ``prefect`` (any case), optional extras, then what follows: a specifier, markers, a comment.
_REQUIREMENT = re.compile(
    rf"(?<![\w.-]){PREFECT_DISTRIBUTION}(?P<extras>\s*\[[^\]]*\])?"
    r"(?P<tail>[^;#\"']*)",
    re.IGNORECASE,
)
_SPEC_START = re.compile(r"\s*(?:\(|===|==|~=|!=|<=|>=|<|>|=|@|\^|~)")
_INSTALL_COMMAND = re.compile(
    r"\b(?:pip3?(?:\.\d+)?\s+install|poetry\s+add|pipenv\s+install|(?:conda|mamba|micromamba)\s+install)\b"
)
_LINE_REQUIREMENT_LEAD = re.compile(r"\s*(?:[\w.-]+\s*=\s*)?(?=prefect)", re.IGNORECASE)
_CONDA_ENTRY_LEAD = re.compile(r"\s*-\s+(?:[\w.-]+::)?(?=prefect)", re.IGNORECASE)
_POETRY_TABLE = re.compile(
    r"tool\.poetry\.(?:dev-dependencies|dependencies|group\.[^.]+\.dependencies)"
)
_TOML_STRING = re.compile(r"(?P<quote>[\"'])(?P<body>[^\"']*)(?P=quote)")
_INLINE_VERSION = re.compile(r"\bversion\s*=\s*(?P<quote>[\"'])(?P<body>[^\"']*)(?P=quote)")


@CODEMOD.rewriter
def rewrite(text: str, file: SourceFile) -> str:
    lines = text.split("\n")
    edits = LineEdits()
    target = file.options.prefect_version
    if file.kind in (FileKind.PYPROJECT, FileKind.PIPFILE):
        _toml_dependencies(lines, edits, target)
    else:
        code = code_block_mask(lines, file.kind)
        for index in range(len(lines)):
            for start, end in _requirement_spans(lines, index, file):
                conda = file.kind is FileKind.CONDA
                _repin_requirement(lines, edits, index, start, end, target, conda, code[index])
        if file.kind is FileKind.REQUIREMENTS:
            pin_companions(lines, edits, target)
    return "\n".join(edits.apply(lines, file)) if edits else text


def _requirement_spans(lines: list[str], index: int, file: SourceFile) -> list[tuple[int, int]]:
    """(start, end) columns of the Prefect requirements written on line ``index``."""
    line = lines[index]
    if file.kind is FileKind.REQUIREMENTS or (
        file.kind in (FileKind.SETUP_CFG, FileKind.INI) and _LINE_REQUIREMENT_LEAD.match(line)
    ):
        lead = _LINE_REQUIREMENT_LEAD.match(line)
        return [(lead.end(), len(line))] if lead else []
    if file.kind is FileKind.CONDA:
        lead = _CONDA_ENTRY_LEAD.match(line)
        return [(lead.end(), len(line))] if lead else []
    if file.kind not in COMMAND_KINDS:
        return []
    command = "\n".join(lines[logical_start(lines, index) : index + 1])
    if not _INSTALL_COMMAND.search(command):
        return []
    spans = []
    for token in re.finditer(r"\"[^\"]*\"|'[^']*'|[^\s\"']+", line):
        quoted = token.group(0)[0] in "\"'"
        start, end = token.start() + quoted, token.end() - quoted
        if re.match(PREFECT_DISTRIBUTION, line[start:end], re.IGNORECASE):
            spans.append((start, end))
    return spans


def _repin_requirement(
    lines: list[str],
    edits: LineEdits,
    index: int,
    start: int,
    end: int,
    target: str,
    bare_version: bool = False,
    in_code_block: bool = True,
) -> None:
    """Rewrite the specifier of the requirement at ``lines[index][start:end]``; a conda entry
    may give a bare version (``prefect 0.15.13``)."""
    requirement = _REQUIREMENT.match(lines[index], start, end)
    if requirement is None or not (
        _SPEC_START.match(requirement.group("tail"))
        or (bare_version and re.match(r"\s+\d", requirement.group("tail")))
    ):
        return
    tail_start, tail_end = requirement.span("tail")
    tail = lines[index][tail_start:tail_end]
    anchor = logical_start(lines, index)
    if tail.lstrip().startswith("@") and not re.match(r"\s*@\s*[\^~=<>]?\s*\d", tail):
        edits.todo(anchor, _URL_TODO.format(target=target), in_code_block)
        return
    hashed = "--hash" in tail
    spec_text = re.split(r"\s+--|\s*\\$", tail, maxsplit=1)[0]
    body_start = tail_start + len(spec_text) - len(spec_text.lstrip())
    body = spec_text.strip()
    separator = re.match(r"@|\(", body)
    if separator:
        body_start += 1
        body = body[1:].rstrip(")")
    body = body.rstrip()
    try:
        new = repin(body, target)
    except UnreadableSpecifier:
        edits.todo(anchor, UNREADABLE_PIN_TODO.format(target=target), in_code_block)
        return
    if new is None:
        return
    edits.replace(index, body_start, body_start + len(body), new)
    command = "\n".join(lines[anchor : anchor + 2])
    if hashed or (lines[index].rstrip().endswith("\\") and "--hash" in command):
        edits.todo(anchor, _HASH_TODO.format(target=target), in_code_block)


def _toml_dependencies(lines: list[str], edits: LineEdits, target: str) -> None:
    """Poetry tables, PEP 621 arrays and Pipfile sections of a TOML file."""
    _, entries = scan_toml(lines)
    for entry in entries:
        path = ".".join(entry.path)
        table = ".".join(entry.path[:-1])
        if path in ("project.dependencies",) or path.startswith("project.optional-dependencies."):
            for index in range(entry.first, entry.end):
                start = entry.value_start if index == entry.first else 0
                for string in _TOML_STRING.finditer(lines[index], start):
                    _repin_requirement(
                        lines, edits, index, string.start("body"), string.end("body"), target
                    )
            continue
        if entry.path[-1].lower() == "prefect" and (
            _POETRY_TABLE.fullmatch(table) or table in ("packages", "dev-packages")
        ):
            pattern = _INLINE_VERSION if "{" in lines[entry.first] else _TOML_STRING
            found = pattern.search(lines[entry.first], entry.value_start)
        elif (
            entry.path[-2:-1] == ("prefect",)
            and entry.path[-1] == "version"
            and (
                _POETRY_TABLE.fullmatch(".".join(entry.path[:-2]))
                or ".".join(entry.path[:-2]) in ("packages", "dev-packages")
            )
        ):
            found = _TOML_STRING.search(lines[entry.first], entry.value_start)
        else:
            continue
        if found is None:
            continue
        try:
            new = repin(found.group("body"), target)
        except UnreadableSpecifier:
            edits.todo(entry.first, UNREADABLE_PIN_TODO.format(target=target))
            continue
        if new is not None:
            edits.replace(entry.first, found.start("body"), found.end("body"), new)
