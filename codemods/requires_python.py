"""Drop support for Python 3.6 (upgrade guide: "Drop support for Python 3.6"), for the
interpreter versions a project declares outside Python code.

In files that mention Prefect:

- ``python_requires`` (setup.cfg), ``requires-python`` (PEP 621) and Poetry's ``python``
  dependency: a lower bound below 3.7 becomes 3.7, keeping the rest of the specifier and its
  style (``>=3.6, <4`` -> ``>=3.7, <4``, ``^3.6`` -> ``^3.7``, ``~=3.6`` -> ``~=3.7``); a
  specifier without a lower bound gets ``>=3.7`` in front;
- ``Programming Language :: Python :: 3.6`` classifiers are dropped.

Above the range Prefect 1.x works on (3.7 to 3.11: its companion pin pendulum<3 has no build
for 3.12 and later, docs/catalog.md): a specifier whose lower bound is above 3.11 comes down
to 3.11 (``>=3.12`` -> ``>=3.11``, ``^3.12`` -> ``^3.11``; an open upper end such as ``>=3.8``
is kept, no upper bound is added); a single CI version (``python-version: "3.12"``, ``3.x``), a
conda ``python=3.12``, a Pipfile ``python_version = "3.12"``, a ``.python-version`` ``3.12.1``
a Heroku ``runtime.txt`` ``python-3.12.2`` and an asdf ``.tool-versions`` ``python 3.12.1``
become 3.11 (these files name no package: they are read in any repository migrated); 3.12+ in a CI matrix list or a tox env list is flagged
(moving it would duplicate or drop a job).

Flags specifiers that only allow 3.6 (``==3.6.*``, ``~3.6``), Python 3.6 in CI matrices and
``setup-python`` steps, ``py36`` tox environments, ``python=3.6`` in conda environments and a
Pipfile's ``[requires] python_version = "3.6"``:
which newer interpreter to run is a human choice. (Real Prefect: 1.0.0 itself still declared
``Requires-Python >=3.6``; 1.2.0 and later, including 1.4.1, require ``>=3.7``.)
"""

from __future__ import annotations

import re

from prefect1_migrate.codemods._companions import NEWEST_PYTHON_TEXT
from prefect1_migrate.codemods._text import (
    LineEdits,
    code_block_mask,
    mentions_prefect,
)
from prefect1_migrate.codemods._toml_lines import scan_toml
from prefect1_migrate.codemods._versions import fit_python_specifier

from prefect1_migrate.codemod import SourceFile, TextCodemod
from prefect1_migrate.filekinds import FileKind
from prefect1_migrate.guide import PYTHON_36

CODEMOD = TextCodemod(
    __name__,
    title="Python 3.7-3.11: requires-python, classifiers, CI matrices",
    guide_section=PYTHON_36,
    order=30,
    summary="python_requires / requires-python / Poetry python allowing 3.6 start at 3.7, "
    "above 3.11 come down to 3.11; 3.6 classifiers dropped; single CI/conda/Pipfile versions "
    "above 3.11 become 3.11; 3.6 and 3.12+ in CI matrices and tox flagged.",
    description=(
        "Raised the lowest Python version the project declares to 3.7 (python_requires, "
        "requires-python, Poetry's python dependency) and dropped the Python 3.6 classifier: "
        "Prefect 1.4.1 requires Python >=3.7 (1.0.0 still declared >=3.6 though its "
        "dependencies no longer installed there); versions above 3.11 came down to 3.11, "
        "the newest Prefect 1.x works on (pendulum<3 has no build for 3.12+)."
    ),
    flags=(
        "specifiers that allow only Python 3.6 or cannot be widened mechanically",
        "Python 3.6 in CI matrices and setup-python steps, py36 tox environments, python=3.6 in "
        "conda environments (files that mention Prefect)",
        "3.6, a dev build or a version above 3.11 next to 3.11 in .python-version, runtime.txt "
        "and .tool-versions (listed: no comments)",
    ),
    review_note="setup.py (Python) is not edited here; check other interpreter pins too "
    "(mise.toml, Docker base images).",
    triggers=("3.6", "py36", "3.1", "3.2", "py31", "py32", "3.x"),
    file_kinds=frozenset(
        {
            FileKind.SETUP_CFG,
            FileKind.PYPROJECT,
            FileKind.PIPFILE,
            FileKind.CI,
            FileKind.JENKINSFILE,
            FileKind.YAML,
            FileKind.INI,
            FileKind.CONDA,
            FileKind.PYTHON_VERSION,
        }
    ),
)


_TODO = (
    "Prefect 1.x does not support Python 3.6 (1.4.1 requires Python >=3.7): use 3.7 or later here"
)
_SPEC_TODO = (
    "Prefect 1.x works on Python 3.7 to 3.11 (1.4.1 requires >=3.7; its pendulum<3 has no "
    "build for 3.12+) and this specifier cannot be moved mechanically: allow 3.7-3.11 here"
)
_ABOVE_TODO = (
    "Prefect 1.x works on Python 3.7 to 3.11 (its pendulum<3 has no build for 3.12 and "
    "later): run this on 3.11 or older, or drop it if 3.11 is listed already"
)
_CLASSIFIER = "Programming Language :: Python :: 3.6"

_SETUP_CFG_REQUIRES = re.compile(r"(\s*python_requires\s*=\s*)(?P<spec>[^#;]*?)\s*(?:[#;].*)?$")
_SETUP_CFG_CLASSIFIER = re.compile(r"\s*" + re.escape(_CLASSIFIER) + r"\s*$")
_TOML_STRING = re.compile(r"(?P<quote>[\"'])(?P<body>.*?)(?P=quote)")
_TOML_CLASSIFIER = re.compile(r"[\"']" + re.escape(_CLASSIFIER) + r"[\"']\s*,?\s*")
_CI_KEY = re.compile(
    r"\s*(?:-\s+)?[\"']?(?:python[-_.]?(?:versions?)?|pythons?)[\"']?\s*:(?P<value>.*)$"
)
_VERSION_36 = re.compile(r"(?<![\w.])[\"']?3\.6(?:\.\d+)?[\"']?(?![\w.])")
_CONDA_PYTHON_36 = re.compile(r"\s*-\s+[\"']?python\s*(?:==?|\s)\s*3\.6(?![\d])")
_TOX_PY36 = re.compile(r"\bpy36\b")
# Python versions above the newest Prefect 1.x works on (3.11: codemods/_companions.py), and
# setup-python's "3.x" (the newest release).
_VERSION_ABOVE = re.compile(
    r"(?<![\w.])(?P<quote>[\"']?)(?P<version>3\.(?:1[2-9]|[2-9]\d)(?:\.\d+)?|3\.x)(?P=quote)(?![\w.])"
)
_CONDA_PYTHON_ABOVE = re.compile(
    r"\s*-\s+[\"']?python\s*(?:==?|>=|\s)\s*(?P<version>3\.(?:1[2-9]|[2-9]\d)(?:\.\d+)?)(?![\d])"
)
_TOX_ABOVE = re.compile(r"\bpy3(?:1[2-9]|[2-9]\d)\b")
# A version of .python-version (``3.12.1``), runtime.txt (``python-3.12.2``), .tool-versions.
_INTERPRETER = re.compile(r"(?:python-)?(?P<version>3\.(?P<minor>\d+)(?:\.\d+)?)(?P<build>\S+)?")
_TOOL_VERSIONS_PYTHON = re.compile(r"\s*python\s+")


@CODEMOD.rewriter
def rewrite(text: str, file: SourceFile) -> str:
    if file.kind is not FileKind.PYTHON_VERSION and not mentions_prefect(text):
        return text
    lines = text.split("\n")
    edits = LineEdits()
    if file.kind is FileKind.PYTHON_VERSION:
        _interpreter_file(lines, edits, file.path.rsplit("/", 1)[-1] == ".tool-versions")
    elif file.kind is FileKind.SETUP_CFG:
        _setup_cfg(lines, edits)
    elif file.kind is FileKind.PYPROJECT:
        _pyproject(lines, edits)
    elif file.kind is FileKind.PIPFILE:
        for entry in scan_toml(lines)[1]:
            value = lines[entry.first][entry.value_start :]
            if entry.path[:1] != ("requires",):
                continue
            if _VERSION_36.match(value):
                edits.todo(entry.first, _TODO)
            above = _VERSION_ABOVE.match(value)
            if above and entry.path == ("requires", "python_version"):
                start = entry.value_start + above.start("version")
                edits.replace(entry.first, start, start + len(above["version"]), NEWEST_PYTHON_TEXT)
            elif above:
                edits.todo(entry.first, _ABOVE_TODO)
    elif file.kind is FileKind.CONDA:
        for index, line in enumerate(lines):
            if _CONDA_PYTHON_36.match(line):
                edits.todo(index, _TODO)
            above = _CONDA_PYTHON_ABOVE.match(line)
            if above:
                edits.replace(
                    index, above.start("version"), above.end("version"), NEWEST_PYTHON_TEXT
                )
    elif file.kind is FileKind.INI:
        if file.path.rsplit("/", 1)[-1] == "tox.ini":
            for index, line in enumerate(lines):
                if line.lstrip().startswith(("#", ";")):
                    continue
                if _TOX_PY36.search(line):
                    edits.todo(index, _TODO)
                if _TOX_ABOVE.search(line):
                    edits.todo(index, _ABOVE_TODO)
    else:
        _ci_matrices(lines, file, edits)
    return "\n".join(edits.apply(lines, file)) if edits else text


def _interpreter_file(lines: list[str], edits: LineEdits, tool_versions: bool) -> None:
    """``.python-version`` (pyenv, uv: one version a line), ``runtime.txt`` (Heroku:
    ``python-3.12.2``) and the ``python`` line of a ``.tool-versions`` (asdf, mise: ``python
    3.12.1 3.11.4``): a release above 3.11 becomes ``3.11``; 3.6, a build such as
    ``3.12-dev``, and a version above 3.11 in a file that lists 3.11 already are listed."""
    found: list[tuple[int, int, re.Match[str]]] = []  # (line, column of the word, version)
    for index, line in enumerate(lines):
        lead = _TOOL_VERSIONS_PYTHON.match(line) if tool_versions else None
        if tool_versions and lead is None:
            continue
        start = lead.end() if lead else 0
        for word in re.finditer(r"[^\s#]+", line.split("#", 1)[0][start:]):
            version = _INTERPRETER.fullmatch(word.group())
            if version is not None:
                found.append((index, start + word.start(), version))
    lists_newest = any(v["version"].startswith(NEWEST_PYTHON_TEXT) for _, _, v in found)
    for index, column, version in found:
        minor = int(version["minor"])
        if minor < 7:
            edits.todo(index, _TODO)
        elif minor > int(NEWEST_PYTHON_TEXT.split(".")[1]):
            if version["build"] or lists_newest:
                edits.todo(index, _ABOVE_TODO)
            else:
                start, end = column + version.start("version"), column + version.end("version")
                edits.replace(index, start, end, NEWEST_PYTHON_TEXT)


def _bump(edits: LineEdits, index: int, start: int, spec: str) -> None:
    bumped = fit_python_specifier(spec)
    if bumped is None:
        edits.todo(index, _SPEC_TODO)
    elif bumped != spec:
        edits.replace(index, start, start + len(spec), bumped)


def _setup_cfg(lines: list[str], edits: LineEdits) -> None:
    for index, line in enumerate(lines):
        requires = _SETUP_CFG_REQUIRES.match(line)
        if requires:
            _bump(edits, index, requires.start("spec"), requires.group("spec"))
        elif _SETUP_CFG_CLASSIFIER.fullmatch(line):
            edits.delete(index, index + 1)


def _pyproject(lines: list[str], edits: LineEdits) -> None:
    _, entries = scan_toml(lines)
    for entry in entries:
        if entry.path in (
            ("project", "requires-python"),
            ("tool", "poetry", "dependencies", "python"),
        ):
            string = _TOML_STRING.match(lines[entry.first], entry.value_start)
            if string and entry.end == entry.first + 1:
                _bump(edits, entry.first, string.start("body"), string.group("body"))
        elif entry.path in (("project", "classifiers"), ("tool", "poetry", "classifiers")):
            for index in range(entry.first, entry.end):
                found = _TOML_CLASSIFIER.search(lines[index])
                if found is None:
                    continue
                if (
                    index != entry.first
                    and not lines[index][: found.start()].strip()
                    and (not lines[index][found.end() :].strip())
                ):
                    edits.delete(index, index + 1)
                else:
                    edits.replace(index, found.start(), found.end(), "")


def _ci_matrices(lines: list[str], file: SourceFile, edits: LineEdits) -> None:
    """Python 3.6 as the value of a ``python``/``python-version`` key, or in its list."""
    code = code_block_mask(lines, file.kind)
    list_indent: int | None = None  # indentation of the key whose block list is being read
    for index, line in enumerate(lines):
        if not code[index] or not line.strip() or line.lstrip().startswith("#"):
            continue
        indent = len(line) - len(line.lstrip())
        if list_indent is not None:
            if indent >= list_indent and line.lstrip().startswith("- "):
                if _VERSION_36.search(line.lstrip()[2:]):
                    edits.todo(index, _TODO)
                if _VERSION_ABOVE.search(line.lstrip()[2:]):
                    edits.todo(index, _ABOVE_TODO)
                continue
            list_indent = None
        key = _CI_KEY.match(line)
        if key is None:
            continue
        value = key.group("value").split("#", 1)[0].strip()
        if not value:
            list_indent = indent
            continue
        if _VERSION_36.search(value):
            edits.todo(index, _TODO)
        above = _VERSION_ABOVE.fullmatch(value)
        if above:  # one version: 3.11 is the one to run
            start = key.start("value") + key.group("value").index(value) + above.start("version")
            edits.replace(index, start, start + len(above["version"]), NEWEST_PYTHON_TEXT)
        elif _VERSION_ABOVE.search(value):
            edits.todo(index, _ABOVE_TODO)
