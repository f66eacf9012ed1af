"""Pin Prefect 1.x wherever a non-Python file installs Prefect. No guide section asks for it
(it is the upgrade itself): it sits in the last one, "Additional changes", and runs last, so
that every other change is committed before the version moves.

Where: requirements files (``requirements*.txt``, ``*.in``, ``constraints*.txt``), setup.cfg
``install_requires``/``[options.extras_require]`` and tox ``deps`` (INI), PEP 621
``dependencies``/``optional-dependencies``, Poetry dependency tables and groups, Pipfile
``packages``/``dev-packages``, conda ``environment.yml`` (conda and pip entries), and the
arguments of ``pip install``, ``poetry add``/``uv add``/``pdm add``/``rye add``, ``pipenv
install``, ``conda install``, ``uv tool install``, ``pipx install`` in scripts, CI, Dockerfiles
and docs (not the commands chained after them with ``&&``, ``;``, ``|``).

How (``prefect1_migrate.codemods._versions.repin``; ``--prefect-version`` gives the target, default 1.4.1):
an exact pin stays exact (``==0.15.13`` -> ``==<target>``, Poetry ``0.15.13`` -> ``<target>``);
``==0.15.*`` -> ``==1.4.*``, ``~=0.15.0`` -> ``~=1.4.1``, ``^0.15`` -> ``^1.4``, conda
``=0.15`` -> ``=1.4`` keep their precision; any other range admitting 0.x, and a requirement
with no version (``prefect``, ``"*"``), becomes ``>=<target>,<2``; one that excludes 0.x but
is open to 2.x (``prefect>=1.0``) gets ``<2`` (``>=1.0,<2``). Extras, markers, comments and
quoting are kept; an unquoted command-line argument that gains ``<`` is quoted. Prefect's own
git repository at a 0.x tag (``git+https://github.com/PrefectHQ/prefect.git@0.15.13``) moves to
the target's tag. Other distributions (``prefect-aws``, ``prefect_dbt``) are left alone.

Next to each repinned requirement go the companion pins Prefect 1.x needs (``marshmallow<4``,
``pendulum<3``: ``codemods/_companions.py``, ``codemods/_companion_pins.py``), in the file's
syntax, unless the list names them already: once per requirements file (below the last
repinned line), per tox section, per setup.cfg, per conda file, per dependency system of a
TOML file (PEP 621, Poetry, Pipfile: into the main list when it installs Prefect, since
groups, extras and dev packages are installed on top of it), per install command (``uv tool
install`` gets them as ``--with`` options; ``pipx install``, whose environment takes them only
through ``pipx inject``, is marked).

Flags requirements that install Prefect from another URL or a git branch/commit, hashed
requirements (the ``--hash`` values must be regenerated), specifiers it cannot read, and
places where the companions cannot be written (a Poetry ``[...dependencies.prefect]`` table,
a command using both quote characters).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import partial

from prefect1_migrate.codemods._companion_pins import (
    companion_lines_below,
    missing_companions,
    pin_companions,
    requirement_name,
)
from prefect1_migrate.codemods._dependency_toml import toml_dependencies
from prefect1_migrate.codemods._prefect_requirement import (
    PREFECT_GIT_URL,
    Found,
    add_companions_once,
    companions_todo,
    free_quote,
    repin_requirement,
)
from prefect1_migrate.codemods._text import (
    LineEdits,
    code_block_mask,
    leading_whitespace,
    logical_end,
    logical_start,
)
from prefect1_migrate.codemods._versions import (
    PREFECT_DISTRIBUTION,
)

from prefect1_migrate.codemod import SourceFile, TextCodemod
from prefect1_migrate.filekinds import COMMAND_KINDS, FileKind
from prefect1_migrate.guide import ADDITIONAL

CODEMOD = TextCodemod(
    __name__,
    title="Pin Prefect 1.x",
    guide_section=ADDITIONAL,
    order=90,
    summary="prefect==0.15.13 / ~=0.15 / ^0.15 / ranges / unpinned in requirements, setup.cfg, "
    "tox, pyproject, Pipfile, environment.yml, git URLs and install commands move to the target "
    "1.x release, with the companion pins marshmallow<4, pendulum<3.",
    description=(
        "Moved Prefect requirements that allowed 0.x releases to the target 1.x release, keeping "
        "extras, markers and each pin's style (== stays ==, ~= and ^ keep their precision, "
        "ranges and unpinned prefect become >=<target>,<2, an open prefect>=1.x gets <2, "
        "Prefect's git repository moves to the target's tag), and added the companion pins "
        "Prefect 1.x needs next to it (marshmallow<4, pendulum<3) in every list that installs "
        "it. Other prefect-* distributions were left alone."
    ),
    flags=(
        "Prefect installed from a URL, or from its git repository at a branch or commit",
        "places where the companion pins cannot be written",
        "hashed requirements whose --hash values must be regenerated",
        "version specifiers that could not be read",
    ),
    review_note=(
        "Lock files are never edited: regenerate each one whose manifest changed (marked in "
        "Poetry tables, Pipfiles, pip-compile .in files and PEP 621 projects with a [tool.uv] "
        "or [tool.pdm] table): poetry.lock `poetry lock "
        "--no-update` (Poetry 2: `poetry lock`), Pipfile.lock `pipenv lock`, pdm.lock "
        "`pdm lock`, uv.lock `uv lock`, pip-compile outputs `pip-compile <file>.in` (with "
        "--generate-hashes if they had hashes), conda-lock files `conda-lock -f "
        "environment.yml`. Dependency bots: without a Dependabot or Renovate configuration "
        "holding an ignore rule for prefect>=2 (the dependency-bots codemod adds one where a "
        "configuration exists), a bot enabled on this repository would propose prefect 2.x. "
        "Flows using prefect.tasks.databricks need the `databricks` extra in 1.x "
        "(`prefect[databricks]`)."
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


_GIT_REF_TODO = (
    "this installs Prefect from git at {ref}: install the {target} tag instead "
    "(prefect.git@{target}), or pin prefect=={target}"
)
# The lock a repinned manifest feeds, by dependency system, and the command that regenerates
# it (a lock is never edited by hand).
_LOCK_COMMANDS = {
    "tool": "poetry.lock with `poetry lock --no-update` (Poetry 1.x; `poetry lock` in Poetry 2)",
    "pipfile": "Pipfile.lock with `pipenv lock`",
    "uv": "uv.lock with `uv lock`",
    "pdm": "pdm.lock with `pdm lock`",
}
# A PEP 621 project managed by a tool that keeps a lock file declares a table of its own.
_PEP621_LOCKERS = re.compile(r"^\[\[?\s*tool\.(uv|pdm)\b", re.MULTILINE)
_COMPILED_LOCK = (
    "the requirements compiled from this file with `pip-compile {name}` (and the options it "
    "was compiled with, such as --generate-hashes)"
)
_LOCK_TODO = "Prefect's pin changed here: regenerate {lock}"
_GLUED_TODO = (
    "this install argument glues quoted and unquoted parts: pin prefect to Prefect {target} "
    "here by hand"
)

_INSTALL_COMMAND = re.compile(
    r"(?:\b(?:pip3?(?:\.\d+)?|pipenv|conda|mamba|micromamba)|\$[({]?\w*PIP\w*[)}]?)\s+install\b"
    r"|\b(?:poetry|uv|pdm|rye)\s+add\b|[\"']pip3?(?:\.\d+)?[\"']\s*,\s*[\"']install[\"']"
    r"|(?P<tool>\bpipx\s+install\b|\buv\s+tool\s+install\b"
    r"|[\"']pipx[\"']\s*,\s*[\"']install[\"']"
    r"|[\"']uv[\"']\s*,\s*[\"']tool[\"']\s*,\s*[\"']install[\"'])"
)
# An application installer gives Prefect an environment of its own: the companions join it
# with ``--with`` (uv) or by hand (pipx: ``pipx inject``).
_PIPX_TODO = (
    "pipx installs Prefect {target} in an environment of its own: add the companion pins "
    "there (pipx inject prefect {companions})"
)
# What ends the install command a token belongs to: shell operators, a code span's backtick.
_COMMAND_END = re.compile(r"&&|\|\||[;|`()]")
# What may follow a command-line argument: the end of the word.
_GLUE_FREE = re.compile(r"$|[\s,\]\\;&|)`\"']")
_COMMAND_TOKEN = re.compile(r"\"[^\"]*\"|'[^']*'|[^\s\"'`]+")
_PREFECT_WORD = re.compile(PREFECT_DISTRIBUTION, re.IGNORECASE)
_LINE_REQUIREMENT_LEAD = re.compile(r"\s*(?:[\w.-]+\s*=\s*)?(?=prefect)", re.IGNORECASE)
_CONDA_ENTRY_LEAD = re.compile(
    r"(?P<lead>\s*-\s+)(?P<quote>[\"']?)(?:[\w.-]+::)?(?=prefect)", re.IGNORECASE
)
_CONDA_ITEM = re.compile(r"(?P<lead>\s*-\s+)[\"']?(?:[\w.-]+::)?(?P<name>[A-Za-z0-9][\w.-]*)")
_INI_SECTION = re.compile(r"\s*\[(?P<name>[^\]]+)\]")
_INI_KEY = re.compile(r"(?P<indent>[ \t]*)(?P<key>[\w.-]+)[ \t]*=(?!=)[ \t]*")
# INI keys (setup.cfg, tox.ini) and sections whose values are lists of requirements.
_DEPENDENCY_KEYS = frozenset({"install_requires", "tests_require", "setup_requires", "deps"})
_DEPENDENCY_SECTIONS = frozenset({"options.extras_require"})
_OLD_RELEASE_REF = re.compile(r"v?0\.\d+(?:\.\d+)*")
_1X_RELEASE_REF = re.compile(r"v?1\.\d+(?:\.\d+)*")


@CODEMOD.rewriter
def rewrite(text: str, file: SourceFile) -> str:
    lines = text.split("\n")
    edits = LineEdits()
    target = file.options.prefect_version
    code = code_block_mask(lines, file.kind)
    git_lines = _git_urls(lines, edits, target, code)
    if file.kind in (FileKind.PYPROJECT, FileKind.PIPFILE):
        for system, first in toml_dependencies(lines, edits, target, git_lines).items():
            if system == "project":  # PEP 621: locked by the tool whose table the file has
                system = next(iter(_PEP621_LOCKERS.findall(text)), system)
            if system in _LOCK_COMMANDS:
                edits.todo(first, _LOCK_TODO.format(lock=_LOCK_COMMANDS[system]))
    elif file.kind is FileKind.REQUIREMENTS:
        for index, line in enumerate(lines):
            lead = _LINE_REQUIREMENT_LEAD.match(line)
            if lead and not line.lstrip().startswith("#"):
                repin_requirement(lines, edits, Found(index, lead.end(), len(line), True), target)
        repinned = sorted(line for line, _, _, _ in edits.replacements)
        if repinned and file.path.endswith(".in"):
            name = file.path.rsplit("/", 1)[-1]
            edits.todo(repinned[0], _LOCK_TODO.format(lock=_COMPILED_LOCK.format(name=name)))
        pin_companions(lines, edits, target)
    elif file.kind is FileKind.CONDA:
        _conda(lines, edits, target, git_lines)
    handled: set[int] = set()
    if file.kind in (FileKind.SETUP_CFG, FileKind.INI):
        handled = _ini(lines, edits, target, git_lines, file.kind is FileKind.INI)
    if file.kind in COMMAND_KINDS:
        _commands(lines, edits, target, code, handled, git_lines)
    return "\n".join(edits.apply(lines, file)) if edits else text


def repin_install_commands(text: str, target: str) -> tuple[str, list[str]]:
    """``text`` (command lines, such as a Python string literal as written, quotes included)
    with the Prefect requirements of its install commands moved to ``target`` and the
    companions added after each, and the messages of what must be done there by hand."""
    lines = text.split("\n")
    edits = LineEdits()
    code = [True] * len(lines)
    _commands(lines, edits, target, code, set(), _git_urls(lines, edits, target, code))
    for index, start, end, new in sorted(edits.replacements, reverse=True):
        lines[index] = lines[index][:start] + new + lines[index][end:]
    return "\n".join(lines), [message for _, message, _ in edits.todos]


def _git_urls(lines: list[str], edits: LineEdits, target: str, code: list[bool]) -> set[int]:
    """Move ``git+https://github.com/PrefectHQ/prefect.git@0.x.y`` to the target's tag; mark
    branches, commits and refless URLs. Returns the lines whose URL now installs 1.x."""
    moved = set()
    for index, line in enumerate(lines):
        if "prefecthq/prefect" not in line.lower():
            continue
        for url in PREFECT_GIT_URL.finditer(line):
            ref = url.group("ref")
            if ref is not None and _OLD_RELEASE_REF.fullmatch(ref):
                edits.replace(index, url.start("ref"), url.end("ref"), target)
                moved.add(index)
            elif ref is None or not _1X_RELEASE_REF.fullmatch(ref):
                message = _GIT_REF_TODO.format(ref=ref or "its default branch", target=target)
                edits.todo(logical_start(lines, index), message, code[index])
    return moved


def _conda(lines: list[str], edits: LineEdits, target: str, git_lines: set[int]) -> None:
    """Conda entries (``- prefect=0.15``) and pip entries of an environment file; companions
    join the first list (conda's or pip's) that installs Prefect: both are installed."""
    served = False
    for index, line in enumerate(lines):
        lead = _CONDA_ENTRY_LEAD.match(line)
        if lead is None:
            continue
        found = Found(index, lead.end(), len(line), True, bare_version=True)
        if not (repin_requirement(lines, edits, found, target) or index in git_lines):
            continue
        if not served:
            served = True
            missing = missing_companions(target, _conda_names(lines, index, lead["lead"]))
            companion_lines_below(edits, index, lead["lead"], missing, True, lead["quote"])


def _conda_names(lines: list[str], index: int, lead: str) -> list[str]:
    """The names the YAML list ``lines[index]`` is an entry of lists (entries written with
    the same ``lead``; comments and nested lines skipped)."""
    indent = len(lead) - len(lead.lstrip())

    def belongs(line: str) -> bool:
        stripped = line.lstrip()
        return not stripped or stripped.startswith("#") or len(line) - len(stripped) > indent

    first = index
    while first > 0 and (lines[first - 1].startswith(lead) or belongs(lines[first - 1])):
        first -= 1
    end = index
    while end + 1 < len(lines) and (lines[end + 1].startswith(lead) or belongs(lines[end + 1])):
        end += 1
    names = []
    for line in lines[first : end + 1]:
        item = _CONDA_ITEM.match(line)
        if item and item["lead"] == lead:
            names.append(item["name"])
    return names


def _ini(
    lines: list[str], edits: LineEdits, target: str, git_lines: set[int], per_section: bool
) -> set[int]:
    """Requirement values of setup.cfg and tox.ini (and ``key = prefect==...`` settings of
    other INI files); returns the lines read as requirements. Companions go below the first
    repinned requirement of each tox section (each is an environment of its own), or once in
    a setup.cfg (into ``install_requires`` when it installs Prefect: extras come on top)."""
    handled = set()
    companions: dict[str, list[tuple[bool, Callable[[], None]]]] = {}
    for index, (section, key, key_line) in enumerate(_ini_values(lines)):
        line = lines[index]
        lead = _LINE_REQUIREMENT_LEAD.match(line)
        if lead is None or line.lstrip().startswith(("#", ";")):
            continue
        handled.add(index)
        dependencies = key in _DEPENDENCY_KEYS or section in _DEPENDENCY_SECTIONS
        found = Found(index, lead.end(), len(line), dependencies)
        if (repin_requirement(lines, edits, found, target) or index in git_lines) and dependencies:
            add = partial(_ini_companions, lines, edits, index, key_line, target)
            group = section if per_section else ""
            companions.setdefault(group, []).append((key == "install_requires", add))
    add_companions_once(companions)
    return handled


def _ini_companions(
    lines: list[str], edits: LineEdits, index: int, key_line: int, target: str
) -> None:
    """Companion lines below ``lines[index]``, a requirement of the value set on
    ``key_line``, indented like the value's other lines."""
    value_lines = [key_line]
    while value_lines[-1] + 1 < len(lines) and _continues(lines, key_line, value_lines[-1] + 1):
        value_lines.append(value_lines[-1] + 1)
    key_match = _INI_KEY.match(lines[key_line])
    assert key_match is not None
    first_value = lines[key_line][key_match.end() :]
    names = [first_value, *(lines[number] for number in value_lines[1:])]
    missing = missing_companions(target, filter(None, map(requirement_name, names)))
    if index != key_line:
        indent = leading_whitespace(lines[index])
    elif len(value_lines) > 1:
        indent = leading_whitespace(lines[value_lines[1]])
    else:
        indent = key_match["indent"] + "    "
    companion_lines_below(edits, index, indent, missing, comment=False)


def _ini_values(lines: list[str]) -> list[tuple[str, str, int]]:
    """For each line: (section, key, line of the key) of the setting whose value it holds
    (``("", "", -1)`` outside any setting)."""
    values = []
    section, key, key_line = "", "", -1
    for index, line in enumerate(lines):
        header = _INI_SECTION.match(line)
        setting = _INI_KEY.match(line)
        if header and not line[0:1].isspace():
            section, key, key_line = header["name"].strip(), "", -1
        elif key_line >= 0 and _continues(lines, key_line, index):
            pass
        elif setting and not line.lstrip().startswith(("#", ";")):
            key, key_line = setting["key"], index
        elif line.strip() and not line.lstrip().startswith(("#", ";")):
            key, key_line = "", -1
        values.append((section, key, key_line))
    return values


def _continues(lines: list[str], key_line: int, index: int) -> bool:
    """Whether ``lines[index]`` continues the value of the setting on ``key_line``."""
    line = lines[index]
    key_indent = len(leading_whitespace(lines[key_line]))
    return bool(line.strip()) and len(leading_whitespace(line)) > key_indent


def _commands(
    lines: list[str],
    edits: LineEdits,
    target: str,
    code: list[bool],
    skipped: set[int],
    git_lines: set[int],
) -> None:
    """``pip install``, ``poetry add``, ``pipenv install``, ``conda install`` arguments; the
    companions follow the repinned Prefect argument (or Prefect's git URL moved to 1.x)."""
    for index, line in enumerate(lines):
        if index in skipped or "prefect" not in line.lower():
            continue
        anchor = logical_start(lines, index)
        before = "\n".join([*lines[anchor:index], ""])
        for token, enclosing in _words(line):
            quoted = token.group(0)[0] in "\"'"
            start, end = token.start() + quoted, token.end() - quoted
            word = line[start:end]
            git_url = index in git_lines and PREFECT_GIT_URL.search(word) is not None
            if not (git_url or _PREFECT_WORD.match(word)):
                continue
            installer = _install_command(before + line[: token.start()])
            if installer is None:
                continue
            if not _GLUE_FREE.match(line, token.end()):  # a shell word goes on: 'prefect'==0.15
                edits.todo(anchor, _GLUED_TODO.format(target=target), code[index])
                continue
            quote = token.group(0)[0] if quoted else ""
            inner_quote = {'"': "'", "'": '"'}.get(enclosing)
            found = Found(index, start, end, True, quote=quote, wrap_quote=inner_quote)
            if not (repin_requirement(lines, edits, found, target, code[index]) or git_url):
                continue
            command = "\n".join(lines[anchor : logical_end(lines, index)])
            named = [requirement_name(word.strip("\"'")) for word in command.split()]
            missing = missing_companions(target, filter(None, named))
            quote = quote or inner_quote or ""
            if "pipx" in installer and missing:
                companions = " ".join(f"'{name}{specifier}'" for name, specifier in missing)
                message = _PIPX_TODO.format(target=target, companions=companions)
                edits.todo(anchor, message, code[index])
                continue
            option = "--with" if "uv" in installer else ""
            _companion_arguments(lines, edits, index, token.end(), quote, missing, target, option)


def _words(line: str) -> Iterator[tuple[re.Match[str], str]]:
    """The command-line words of ``line``, each with the quote of the string it sits in ("" at
    the top): a quoted string holding several words (a command in a Groovy or YAML string) is
    split into them."""
    for token in _COMMAND_TOKEN.finditer(line):
        text = token.group(0)
        if text[0] in "\"'" and re.search(r"\s", text) and not re.match(r".prefect", text, re.I):
            for word in _COMMAND_TOKEN.finditer(line, token.start() + 1, token.end() - 1):
                yield word, text[0]
        else:
            yield token, ""


def _install_command(prefix: str) -> str | None:
    """The application installer (``pipx install``, ``uv tool install``) or ``""`` (any other
    install command) whose argument the word after ``prefix`` is; None when it is none's."""
    installs = list(_INSTALL_COMMAND.finditer(prefix))
    if not installs or _COMMAND_END.search(prefix, installs[-1].end()):
        return None
    return installs[-1]["tool"] or ""


def _companion_arguments(
    lines: list[str],
    edits: LineEdits,
    index: int,
    after: int,
    quote: str,
    missing: list[tuple[str, str]],
    target: str,
    option: str = "",
) -> None:
    """Plan ``missing`` as quoted arguments after column ``after``, each after ``option``
    when one is given (a JSON-style array such as Docker's exec form gets commas)."""
    if not missing:
        return
    line = lines[index]
    quote = quote or free_quote(line)
    if quote is None:
        companions_todo(edits, logical_start(lines, index), target, missing)
        return
    listed = line[after:].lstrip().startswith((",", "]"))
    separator = ", " if listed else " "
    lead = (f"{quote}{option}{quote}{separator}" if listed else f"{option} ") if option else ""
    words = separator.join(f"{lead}{quote}{name}{specifier}{quote}" for name, specifier in missing)
    edits.replace(index, after, after, f"{separator}{words}")
