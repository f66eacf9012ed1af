"""The residual pass over non-Python files: what still breaks on Prefect 1.x, by line.

Deliberately broad and simple, driven by ``codemods/_removed_in_1x.py``:

- every ``prefect`` command line the file holds (found where ``codemods/_commands/`` finds
  command lines: scripts, Makefiles, Dockerfiles, CI/compose/Kubernetes YAML, Groovy
  ``sh '...'``, INI units, Markdown/reST code, JSON command keys, whatever launches it) whose command or options
  1.x removed; and read as plain words after ``prefect``: commands after a launcher variable
  (``$(RUN) prefect ...``) or ``find -exec``, in YAML list items, at the start of a Dockerfile
  line (a ``RUN`` here-document), in a YAML ``command:``/``args:`` line of a file whose
  ``entrypoint:`` is ``prefect``, and in files without command lines of their own (``.env``,
  TOML, ...);
- in a shell file, the removed commands of a here-document written to a file that is no
  shell script (``cat > flow.py <<EOF``, a ``RUNBOOK.txt``; Markdown/reST prose aside), read
  as plain words after ``prefect``; a finding inside a body the shell expands is marked above
  the command it feeds (a marker's backquotes would run there);
- outside Markdown/reST prose and comment lines: the removed environment variables where they
  are set (``NAME=``, ``NAME:``, ``name: NAME``; not ``$NAME`` reads, not in a file that sets
  ``PREFECT__CLOUD__API_KEY`` too, where the old name only serves old images, not as keys
  under a YAML ``secrets:`` or ``args:``: CI secrets and build arguments), dotted Python
  paths of removed modules and names (``"prefect.engine.executors.DaskExecutor"`` config
  values), a Python 3.6 Prefect image, and in TOML the removed ``[cloud] auth_token``,
  ``[cloud.agent] auth_token`` and ``[logging] log_to_cloud`` keys (an empty value aside).

A line that already carries a ``TODO(prefect-1.0)`` marker, or stands right below one (a
blank line between them allowed, as reST comments need), is marked already: it is never
reported twice. JSON has no comments: its findings are listed (``SourceFile.listed``) for the
commit message, the report and ``--check``, each run again while the place is there, except
a line an earlier codemod of the run listed already.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from prefect1_migrate.codemods._commands.driver import file_invocations
from prefect1_migrate.codemods._commands.invocations import anchor_of, here_doc_bodies
from prefect1_migrate.codemods._commands.segments import ShellSegment
from prefect1_migrate.codemods._commands.words import Identity
from prefect1_migrate.codemods._removed_in_1x import (
    COMMANDS,
    ENV_VARS,
    MODULES,
    NAMES,
    PYTHON36_IMAGE,
    TOML_KEYS,
    Removed,
)

from prefect1_migrate.codemod import SourceFile
from prefect1_migrate.filekinds import COMMAND_KINDS, FileKind
from prefect1_migrate.markers import MARKER, marker_start

_PROSE_KINDS = frozenset({FileKind.MARKDOWN, FileKind.RST})
_TOML_KINDS = frozenset({FileKind.TOML, FileKind.PYPROJECT, FileKind.PIPFILE})
_YAML_KINDS = frozenset({FileKind.YAML, FileKind.CI, FileKind.COMPOSE})


@dataclass(frozen=True)
class TextFinding:
    """A line (0-based index into ``text.split("\\n")``) and why it breaks on 1.x."""

    index: int
    message: str
    in_code_block: bool = False


def removed_command(values: Sequence[str]) -> Removed | None:
    """What 1.x removed of the command ``prefect <values...>``, if anything."""
    for command in COMMANDS:
        path = command.path
        if len(values) < len(path):
            continue
        if not all(
            want == word if want != "*" else not word.startswith("-")
            for want, word in zip(path, values, strict=False)
        ):
            continue
        if not command.options:
            return command.removed
        if any(_is_option(word, command.options) for word in values[len(path) :]):
            return command.removed
    return None


def _is_option(word: str, names: Sequence[str]) -> bool:
    for name in names:
        if word == name or (name.startswith("--") and word.startswith(name + "=")):
            return True
        if not name.startswith("--") and word.startswith(name) and not word.startswith("--"):
            return True  # ``-tVALUE``
    return False


def _word_pattern(olds: Sequence[str], prefix_ok: bool) -> str:
    alternatives = "|".join(re.escape(old) for old in sorted(olds, key=len, reverse=True))
    tail = r"(?![\w])" if prefix_ok else r"(?![\w.])"
    return rf"(?<![\w.])(?:{alternatives}){tail}"


_MODULE_PATHS = {removed.old: removed for removed in MODULES}
_NAME_PATHS = {removed.old: removed for removed in NAMES}
_DOTTED = re.compile(
    f"{_word_pattern(list(_MODULE_PATHS), prefix_ok=True)}|"
    f"{_word_pattern(list(_NAME_PATHS), prefix_ok=False)}"
)
_ENV_VARS = {removed.old: removed for removed in ENV_VARS}
#: A variable set, not read: ``NAME=``, ``NAME:``, ``name: NAME``, ``"NAME"``, and in a YAML
#: flow collection ``{name: NAME, value: ...}``/``{NAME: ...}``/``[NAME, ...]`` (``$NAME``, ``${NAME}``,
#: ``secrets.NAME`` and prose mentions are reads or text).
_ENV_VAR = re.compile(
    r"(?<![\w$.])(?<!\$\{)("
    + "|".join(map(re.escape, _ENV_VARS))
    + r")(?=[ \t]*[=:,}\]]|['\"]|[ \t]*$)",
    re.MULTILINE,
)
#: ``PREFECT__CLOUD__API_KEY`` set: ``=``/``:`` forms, and in JSON a ``"KEY":`` member or a
#: ``"name": "KEY"`` entry.
_SETS_API_KEY = re.compile(
    r"(?<![\w$.{])PREFECT__CLOUD__API_KEY(?=\s*[=:]|\s*$|\"\s*[:,}])", re.MULTILINE
)
_COMMENT_LINE = re.compile(r"^\s*(?:#|//)")
PYTHON36_IMAGE_PATTERN = re.compile(r"prefecthq/prefect:[\w.\-]*python3\.6(?!\d)")
_TOML_SECTION = re.compile(r"^\s*\[\s*([\w.\"']+)\s*\]")
_TOML_KEY = re.compile(r"^\s*([\w.\"']+)\s*=")
_TOML_EMPTY = re.compile(r"\s*(\"\"|'')\s*(#.*)?$")
_TOML_REMOVED = {
    tuple(removed.old.replace("[", "").replace("]", "").split()): removed for removed in TOML_KEYS
}


def dotted_path_removal(text: str) -> Removed | None:
    """The removed module or name a dotted path in ``text`` refers to (the first one)."""
    match = _DOTTED.search(text)
    if match is None:
        return None
    found = match.group(0)
    if found in _NAME_PATHS:
        return _NAME_PATHS[found]
    return _MODULE_PATHS[found]


def env_var_removal(text: str) -> Removed | None:
    match = _ENV_VAR.search(text)
    return _ENV_VARS[match.group(1)] if match else None


#: ``key: NAME`` of a Kubernetes ``secretKeyRef``/``configMapKeyRef``: names a stored value,
#: not a variable (the ``name:`` above it is the variable).
_REFERENCED_KEY = re.compile(r"^\s*(?:-\s+)?key:\s")


def line_removals(line: str, no_env_vars: bool = False) -> list[Removed]:
    """What breaks on 1.x in one line of any non-prose file, besides commands (and besides
    environment variables with ``no_env_vars``)."""
    env_var = None
    if not no_env_vars and not _REFERENCED_KEY.match(line):
        env_var = env_var_removal(line)
    found = [removal for removal in (dotted_path_removal(line), env_var) if removal is not None]
    if PYTHON36_IMAGE_PATTERN.search(line):
        found.append(PYTHON36_IMAGE)
    return found


def text_findings(text: str, file: SourceFile) -> list[TextFinding]:
    """Every line of ``text`` that still breaks on 1.x and carries no marker, in file order."""
    lines = text.split("\n")
    found: list[TextFinding] = []
    may_hold_commands = may_hold_removed_commands(text)
    if may_hold_commands:
        for invocation in file_invocations(text, file.kind):
            removal = removed_command(invocation.values)
            if removal is not None:
                index = text.count("\n", 0, anchor_of(invocation, text))
                found.append(TextFinding(index, removal.message(), invocation.code_block))
    if file.kind not in _PROSE_KINDS:
        found.extend(_line_findings(text, lines, file.kind, may_hold_commands, list(found)))
        if file.kind in _TOML_KINDS:
            found.extend(_toml_findings(lines))
    if file.kind is FileKind.SHELL and "<<" in text:
        found = _in_here_docs(text, lines, found, may_hold_commands)
    listed = {index for index, _ in file.listed}  # by earlier codemods, in a JSON file
    return [
        finding
        for finding in _unique(found)
        if not is_marked(lines, finding.index) and finding.index not in listed
    ]


#: Text every removed command holds, in some spelling (``-t`` only with ``agent``).
_COMMAND_WORDS = (
    "run flow",
    "register flow",
    '"flow',
    "'flow",
    "- flow",
    "-token",
    "fargate",
    "docker-interface",
    "auth login",
    "auth logout",
)


def _in_here_docs(
    text: str, lines: Sequence[str], found: list[TextFinding], may_hold_commands: bool
) -> list[TextFinding]:
    """A shell file's findings with its here-documents taken into account: the removed
    commands of a body written to a file that is no shell script (``cat > flow.py <<EOF``,
    ``RUNBOOK.txt``: not read as shell; Markdown/reST prose aside) read as plain words after
    ``prefect``; and
    a finding inside a body the shell expands moved to the line of the command it feeds (a
    marker's backquotes and ``$`` in the body would be expanded)."""
    moved_to: dict[int, int] = {}  # line in an expanded body -> line of its command
    segment = ShellSegment(text, Identity(0))
    for body in here_doc_bodies(segment):
        first, last = text.count("\n", 0, body.start), text.count("\n", 0, body.end)
        if body.expanded:
            command = text.count("\n", 0, body.command)
            moved_to.update(dict.fromkeys(range(first, last), command))
        if body.read or not body.written or body.prose or not may_hold_commands:
            continue
        for index in range(first, last):
            if MARKER in lines[index] or _COMMENT_LINE.match(lines[index]):
                continue
            found.extend(
                TextFinding(index, removal.message())
                for removal in words_after_prefect(lines[index])
            )
    return [replace(finding, index=moved_to.get(finding.index, finding.index)) for finding in found]


def may_hold_removed_commands(text: str) -> bool:
    """A cheap test: can ``text`` hold a command line 1.x removed?"""
    if "prefect" not in text:
        return False
    return any(word in text for word in _COMMAND_WORDS) or ("agent" in text and " -t" in text)


def _line_findings(
    text: str,
    lines: list[str],
    kind: FileKind,
    may_hold_commands: bool,
    commands: list[TextFinding],
) -> Iterator[TextFinding]:
    """Settings, paths, images and plain-word commands, on the lines a pattern matches."""
    # The shell-aware scan read the commands of command files, except after a launcher
    # variable (``$(RUN) prefect ...``) or ``find -exec``, in YAML list items and arguments
    # of a ``prefect`` entrypoint, and in the here-documents of a Dockerfile ``RUN``.
    program = _PROGRAM
    if kind in _YAML_KINDS:
        program = _LAUNCHED_OR_LISTED
        if _PREFECT_ENTRYPOINT.search(text):
            program = _LAUNCHED_LISTED_OR_ARGUMENTS
    elif kind is FileKind.DOCKERFILE:
        program = _LAUNCHED_OR_LINE_START
    elif kind in COMMAND_KINDS and kind not in _TOML_KINDS:  # TOML: tasks only were read
        program = _LAUNCHED
    patterns = [
        pattern
        for pattern, needed in (
            (_DOTTED, "prefect."),
            (_ENV_VAR, "PREFECT__"),
            (PYTHON36_IMAGE_PATTERN, "python3.6"),
        )
        if needed in text
    ]
    if may_hold_commands:
        patterns.append(program)
    if not patterns:
        return
    starts = [0] + [match.end() for match in re.finditer("\n", text)]
    candidates = sorted(
        {bisect_right(starts, match.start()) - 1 for p in patterns for match in p.finditer(text)}
    )
    sets_api_key = bool(candidates) and _SETS_API_KEY.search(text) is not None
    for index in candidates:
        line = lines[index]
        if MARKER in line or _COMMENT_LINE.match(line):
            continue
        # A YAML key under ``secrets:``/``args:`` names a CI secret or a build argument.
        not_settings = kind in _YAML_KINDS and _yaml_parent(lines, index) in _NOT_ENV
        for removal in line_removals(line, sets_api_key or not_settings):
            yield TextFinding(index, removal.message())
        if may_hold_commands:
            line_program = program
            if program is _LAUNCHED_LISTED_OR_ARGUMENTS and not _prefect_entrypoint_beside(
                lines, index
            ):
                line_program = _LAUNCHED_OR_LISTED
            for removal in words_after_prefect(line, line_program):
                if not _found_near(commands, index, removal.message()):
                    yield TextFinding(index, removal.message())


_PROGRAM = re.compile(r"(?<![\w.-])prefect(?![\w.-])")
#: After a launcher variable or a ``find -exec``.
_LAUNCHED = re.compile(
    r"(?:\$(?:\(\w+\)|\{\w+\}|\w+)|(?<![\w-])-(?:exec|execdir|ok|okdir))\s+prefect(?![\w.-])"
)
_LAUNCHED_OR_LISTED = re.compile(
    rf"{_LAUNCHED.pattern}|^\s*-\s+[\"']?prefect(?![\w.-])", re.MULTILINE
)
#: Dockerfiles: also a line starting with ``prefect`` (a ``RUN`` here-document's body).
_LAUNCHED_OR_LINE_START = re.compile(rf"{_LAUNCHED.pattern}|^\s*prefect(?![\w.-])", re.MULTILINE)
#: YAML with an ``entrypoint:`` naming just ``prefect`` (scalar, flow or block sequence): the
#: words of a ``command:``/``args:`` line are its arguments.
_PREFECT_ENTRYPOINT = re.compile(
    r"^[ \t]*(?:-[ \t]+)?entrypoint:[ \t]*(?:\[[ \t]*)?[\"']?(?:[\w./-]*/)?prefect[\"']?"
    r"[ \t]*\]?[ \t]*(?:#.*)?$|^[ \t]*(?:-[ \t]+)?entrypoint:[ \t]*(?:#.*)?\n"
    r"(?:[ \t]*(?:#.*)?\n)*[ \t]*-[ \t]+[\"']?(?:[\w./-]*/)?prefect[\"']?[ \t]*$",
    re.MULTILINE,
)
_LAUNCHED_LISTED_OR_ARGUMENTS = re.compile(
    rf"{_LAUNCHED_OR_LISTED.pattern}|^[ \t]*(?:-[ \t]+)?(?:command|args):", re.MULTILINE
)
_WORD = re.compile(r"[^\s'\",\[\]()]+")


def words_after_prefect(line: str, program: re.Pattern[str] = _PROGRAM) -> list[Removed]:
    """Removed commands of a line read as plain words after a ``prefect`` word: the shapes
    the shell-aware scanner does not read as a command (``$(RUN) prefect ...``,
    ``session.run("prefect", "register", ...)``, a TOML string)."""
    found = []
    for match in program.finditer(line):
        removal = removed_command(_WORD.findall(line, match.end()))
        if removal is not None and removal not in found:
            found.append(removal)
    return found


_KEY_COLUMN = re.compile(r"[ \t]*(?:-[ \t]+)?")


def _prefect_entrypoint_beside(lines: Sequence[str], index: int) -> bool:
    """Whether the YAML mapping holding line ``index`` has an ``entrypoint:`` naming just
    ``prefect`` or merges one in (``<<: *defaults``, in a file with such an entrypoint): its
    keys are the lines at the same key column above and below, up to its ends."""
    column = _KEY_COLUMN.match(lines[index]).end()  # type: ignore[union-attr]
    for step in (-1, 1):
        at = index + step
        while 0 <= at < len(lines):
            line = lines[at]
            at += step
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            key_column = _KEY_COLUMN.match(line).end()  # type: ignore[union-attr]
            dashed = len(line) - len(line.lstrip()) < key_column
            if key_column < column or (step == 1 and dashed):
                break  # its parent above, or the end of the mapping (or sequence item)
            if key_column == column and _MERGE_OR_PREFECT_ENTRYPOINT.match(
                "\n".join(lines[at - step : at - step + 3])
            ):
                return True
            if dashed:
                break  # ``- key:`` starts the mapping
    return False


_MERGE_OR_PREFECT_ENTRYPOINT = re.compile(
    rf"[ \t]*(?:-[ \t]+)?<<:|{_PREFECT_ENTRYPOINT.pattern}", re.MULTILINE
)
_NOT_ENV = frozenset({"secrets", "args"})
_YAML_KEY = re.compile(r"^(\s*)(?:-\s+)?([\w.-]+):")


def _yaml_parent(lines: Sequence[str], index: int) -> str | None:
    """The key of the YAML mapping entry that holds line ``index`` (by indentation)."""
    indent = len(lines[index]) - len(lines[index].lstrip())
    for above in range(index - 1, -1, -1):
        line = lines[above]
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if len(line) - len(line.lstrip()) < indent:
            key = _YAML_KEY.match(line)
            return key.group(2) if key else None
    return None


def _found_near(commands: Sequence[TextFinding], index: int, message: str) -> bool:
    """Whether the shell-aware scan found the same command at most a few lines above (the
    line a marker goes above can be the start of a continued or multi-line command)."""
    return any(
        c.message == message and c.index <= index <= c.index + _COMMAND_SPAN for c in commands
    )


_COMMAND_SPAN = 5


def _toml_findings(lines: Sequence[str]) -> Iterator[TextFinding]:
    section = ""
    for index, line in enumerate(lines):
        header = _TOML_SECTION.match(line)
        if header:
            section = header.group(1).replace('"', "").replace("'", "")
            continue
        key = _TOML_KEY.match(line)
        if key is None or _TOML_EMPTY.match(line, key.end()):
            continue  # an empty token is no setting
        dotted = f"{section}.{key.group(1)}".strip(".").replace('"', "").replace("'", "")
        table, _, name = dotted.rpartition(".")
        removal = _TOML_REMOVED.get((table, name))
        if removal is not None:
            yield TextFinding(index, removal.message())


def _unique(findings: Sequence[TextFinding]) -> list[TextFinding]:
    seen: set[tuple[int, str]] = set()
    unique: list[TextFinding] = []
    for finding in sorted(findings, key=lambda f: f.index):
        if (finding.index, finding.message) not in seen:
            seen.add((finding.index, finding.message))
            unique.append(finding)
    return unique


def is_marked(lines: Sequence[str], index: int) -> bool:
    """Whether line ``index`` carries a marker or stands right below a block of markers (the
    last one maybe folded over several lines)."""
    if MARKER in lines[index]:
        return True
    above = index - 1
    if above >= 1 and not lines[above].strip():
        above -= 1  # a reST comment ends with a blank line
    return above >= 0 and marker_start(lines, above) is not None
