"""Where a non-Python file sets an environment variable, and where it reads one.

Every form a file can set a variable in: shell and dotenv assignments, Makefile and INI
``KEY = value``, Dockerfile ``ENV``, YAML maps and lists (compose, CI, Kubernetes
``- name:``/``value:``), in code blocks of documentation too. Each setting comes with the
columns of its name and value and the lines it and its block occupy, so that a codemod can
rename, re-value or delete it with :class:`prefect1_migrate.codemods._text.LineEdits`.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from prefect1_migrate.codemods._json_document import JsonValue, parse_json, walk
from prefect1_migrate.codemods._text import DOC_KINDS, code_block_mask, logical_end, logical_start

from prefect1_migrate.codemod import SourceFile
from prefect1_migrate.filekinds import FileKind

# A Jenkinsfile's settings are matched like CI YAML's (``KEY: value`` in a map, ``- KEY=value``).
_YAML_KINDS = frozenset({FileKind.COMPOSE, FileKind.CI, FileKind.JENKINSFILE, FileKind.YAML})
# Kinds where ``KEY = value`` (spaces around ``=``) is an assignment and an unquoted value runs
# to the end of the line (minus a comment); Makefile recipe lines are shell, though. Jenkinsfile:
# ``environment { KEY = credentials('id') }``; Justfile: ``export KEY := value``.
_SPACED_KINDS = frozenset(
    {FileKind.MAKEFILE, FileKind.INI, FileKind.DOTENV, FileKind.JENKINSFILE, FileKind.JUSTFILE}
)

_K8S_NAME_BEFORE = re.compile(r"(\s*)(-\s+)?name:\s*([\"']?)")
_MAP_KEY_BEFORE = re.compile(r"(\s*)(-\s+)?([\"']?)")
_LIST_ITEM_BEFORE = re.compile(r"(\s*)-\s+([\"']?)")
_DOCKER_ENV_BEFORE = re.compile(r"\s*ENV\s+", re.IGNORECASE)
_HCL_NAME_BEFORE = re.compile(r"\bname\"?[ \t]*[=:][ \t]*\"$")
_OWN_LINE_BEFORE = re.compile(r"\s*(?:(?:export|override)\s+|-\s+|[Ee]nvironment\s*=\s*)?[\"']?")
_ASSIGNMENT_BOUNDARY = re.compile(r"(?:^|[\s\"',]|[Ee]nvironment=|--env=)$")
_COMMENT_TAIL = re.compile(r"\s*(?:#.*)?$")
_COMMENT_STARTS = ("#", ";", "//")
# YAML keys whose entries name something else than the environment: reusable-workflow
# ``secrets``, compose build ``args``.
_NOT_ENVIRONMENT_KEYS = frozenset({"secrets", "args"})
# Commands whose settings last beyond themselves (the rest of the script or Makefile).
_WHOLE_SCOPE_COMMAND = re.compile(r"\s*(?:export|override)\s")


@dataclass(frozen=True)
class EnvSetting:
    """One place where a file sets an environment variable."""

    name: str
    line: int  # the line holding the name
    start: int  # column of the name
    value: str | None  # the value as written, without quotes; None when not on record
    value_span: tuple[int, int, int] | None  # (line, start, end) of the value text
    entry: tuple[int, int] | None  # lines [first, end) holding this setting alone
    anchor: int  # the line a review marker goes above
    block: tuple[int, int]  # lines [first, end) of the block the setting belongs to
    indent: int | None  # YAML item indentation; None for assignment forms

    def shares_block(self, other: EnvSetting) -> bool:
        first, end = self.block
        if not first <= other.line < end:
            return False
        return self.indent is None or other.indent is None or self.indent == other.indent


def find_env_settings(
    lines: Sequence[str], file: SourceFile, names: Iterable[str]
) -> list[EnvSetting]:
    """Every setting of one of ``names`` in ``lines``, in line order.

    Forms: ``KEY=value`` (shell, dotenv, ``env``/``export`` prefixes, ``docker -e``, compose
    list items, systemd ``Environment=``, supervisord ``environment=``), Makefile and INI
    ``KEY = value``/``KEY := value``, Dockerfile ``ENV KEY value``, YAML maps ``KEY: value``,
    compose pass-through items ``- KEY``, and Kubernetes ``- name: KEY`` with ``value:`` or
    ``valueFrom:``. Reading a variable (``$KEY``, ``secrets.KEY``, ``env.KEY``) is not a setting.
    """
    names = tuple(names)
    pattern = re.compile(
        r"(?<![\w.${(/-])(" + "|".join(re.escape(name) for name in names) + r")(?!\w)"
    )
    mask = code_block_mask(lines, file.kind)
    found: list[EnvSetting] = []
    if file.kind is FileKind.JSON:
        found = json_settings(lines, names)
    for index, line in enumerate(lines):
        if not mask[index] or line.lstrip().startswith(_COMMENT_STARTS):
            continue
        for match in pattern.finditer(line):
            setting = _classify(lines, index, match.start(), match.group(1), file, mask)
            if setting is not None:
                found.append(setting)
    return sorted(found, key=lambda setting: (setting.line, setting.start))


def env_references(
    lines: Sequence[str],
    file: SourceFile,
    name: str,
    after_line: int,
    settings: Iterable[EnvSetting] = (),
) -> list[tuple[int, int]]:
    """(line, column) of every read of variable ``name``: ``$NAME``, ``${NAME...}``,
    ``${#NAME}``, ``$(NAME)``, ``${{ env.NAME }}``, ``export NAME``. In scripts, Dockerfiles
    and docs only reads below ``after_line`` count (order matters there); in YAML (Kubernetes
    ``$(NAME)`` in ``args``, CI expressions) and Makefiles every line does. Lines holding a
    setting of ``NAME`` among ``settings`` are skipped: a value there reads the outer scope
    (``ENV X=$X`` reads a build argument, compose's ``X: ${X}`` the host)."""
    escaped = re.escape(name)
    pattern = re.compile(
        rf"(?:\$\{{[#!]?|\$\(|\$|\benv\.|\b(?:export|unset|readonly)\s+)(?={escaped}(?![\w=]))"
    )
    mask = code_block_mask(lines, file.kind)
    setting_lines = {setting.line for setting in settings if setting.name == name}
    first = 0 if file.kind in _YAML_KINDS or file.kind is FileKind.MAKEFILE else after_line + 1
    return [
        (index, match.end())
        for index in range(first, len(lines))
        if mask[index] and index not in setting_lines
        for match in pattern.finditer(lines[index])
        if not lines[index][match.end() + len(name) :].lstrip().startswith("=")
    ]


def env_bool(value: str | None) -> bool | None:
    """True/False for the values Prefect's ``string_to_type`` reads as booleans, else None."""
    if value is None:
        return None
    return {"TRUE": True, "FALSE": False}.get(value.strip().upper())


def _classify(
    lines: Sequence[str], index: int, start: int, name: str, file: SourceFile, mask: list[bool]
) -> EnvSetting | None:
    line = lines[index]
    before, after = line[:start], line[start + len(name) :]
    yaml_like = file.kind in _YAML_KINDS or file.kind in DOC_KINDS
    if yaml_like and _parent_key(lines, index) in _NOT_ENVIRONMENT_KEYS:
        return None
    if yaml_like:
        k8s = _K8S_NAME_BEFORE.fullmatch(before)
        if k8s and re.fullmatch(re.escape(k8s.group(3)) + r"\s*(?:#.*)?", after):
            return _k8s_setting(lines, index, start, name, k8s, mask)
        key = _MAP_KEY_BEFORE.fullmatch(before)
        if key and re.match(re.escape(key.group(3)) + r"\s*:(?:\s|$)", after):
            return _map_setting(lines, index, start, name, key, mask)
        item = _LIST_ITEM_BEFORE.fullmatch(before)
        if item and re.fullmatch(re.escape(item.group(2)) + r"\s*(?:#.*)?", after):
            indent = len(item.group(1))
            return EnvSetting(
                name, index, start, None, None, (index, index + 1), index,
                _yaml_block(lines, index, indent, True, mask), indent,
            )  # fmt: skip
    if file.kind is FileKind.TERRAFORM and _HCL_NAME_BEFORE.search(before) and after[:1] == '"':
        # ``{ name = "KEY", value = var.x }``, ``env { name = "KEY" ... }``, JSON in a heredoc
        return EnvSetting(name, index, start, None, None, None, index, (index, index + 1), None)
    if file.kind is FileKind.JSON and not after.startswith("="):
        return None  # a key or ``"name"`` value: read from the document (json_settings)
    if file.kind is FileKind.DOCKERFILE and _DOCKER_ENV_BEFORE.fullmatch(before):
        spaced = re.match(r"[ \t]+(?=[^\s=])", after)
        if spaced:
            value_start = start + len(name) + spaced.end()
            value_end = len(line.rstrip())
            if line.rstrip().endswith("\\"):
                value_end = len(line.rstrip()[:-1].rstrip())
            return _assignment(lines, index, start, name, (value_start, value_end, ""), file, mask)
    spaced = file.kind in _SPACED_KINDS and not line.startswith("\t")
    operator = re.match(r"\s*[:?+!]?=" if spaced else r"=", after)
    if operator is None or not _ASSIGNMENT_BOUNDARY.search(before):
        return None
    value_start = start + len(name) + operator.end()
    span = _value_span(line, before, value_start, spaced, file.kind is FileKind.INI)
    return _assignment(lines, index, start, name, span, file, mask)


def _value_span(
    line: str, before: str, value_start: int, spaced: bool, comma_separated: bool
) -> tuple[int, int, str]:
    """(start, end, closing quote) of an assignment's value starting at ``value_start``."""
    if spaced:
        while value_start < len(line) and line[value_start] in " \t":
            value_start += 1
    opening = before[-1] if before[-1:] in ("'", '"') else ""
    if not opening and line[value_start : value_start + 1] in ("'", '"'):
        opening = line[value_start]
        value_start += 1
    if opening:
        position = value_start
        while position < len(line) and line[position] != opening:
            position += 2 if line[position] == "\\" and opening == '"' else 1
        return value_start, min(position, len(line)), opening
    if spaced and not re.search(r"(?:[Ee]nvironment=|,)$", before):
        end = len(re.sub(r"\s+#.*$", "", line).rstrip())
        return value_start, max(end, value_start), ""
    stop = re.compile(r"[\s,]" if comma_separated else r"\s")
    found = stop.search(line, value_start)
    return value_start, found.start() if found else len(line), ""


def _assignment(
    lines: Sequence[str],
    index: int,
    start: int,
    name: str,
    span: tuple[int, int, str],
    file: SourceFile,
    mask: list[bool],
) -> EnvSetting:
    line = lines[index]
    value_start, value_end, quote = span
    anchor = logical_start(lines, index)
    continued = anchor != index or line.rstrip().endswith("\\")
    rest = line[value_end + len(quote) :]
    dockerfile_env = file.kind is FileKind.DOCKERFILE and _DOCKER_ENV_BEFORE.match(lines[anchor])
    owns_line = (
        _OWN_LINE_BEFORE.fullmatch(line[:start]) is not None
        or (dockerfile_env and _DOCKER_ENV_BEFORE.fullmatch(line[:start]) is not None)
    ) and _COMMENT_TAIL.fullmatch(rest) is not None
    yaml_like = file.kind in _YAML_KINDS or file.kind in DOC_KINDS
    indent: int | None = None
    if not owns_line and not dockerfile_env and not _WHOLE_SCOPE_COMMAND.match(lines[anchor]):
        # ``KEY=v cmd``, ``env KEY=v cmd``, ``docker run -e KEY=v``: only that command sees it
        block = (anchor, logical_end(lines, index))
    elif yaml_like and line.lstrip().startswith("- "):
        indent = _indent(line)
        block = _yaml_block(lines, index, indent, True, mask)
    elif yaml_like:
        block = _yaml_block(lines, index, _indent(line), False, mask)
    else:
        block = _flat_block(lines, index, mask)
    if file.kind is FileKind.JSON:
        owns_line = False  # deleting a line of a JSON list could leave a trailing comma
    return EnvSetting(
        name, index, start, line[value_start:value_end], (index, value_start, value_end),
        (index, index + 1) if owns_line and not continued else None, anchor, block, indent,
    )  # fmt: skip


def _map_setting(
    lines: Sequence[str],
    index: int,
    start: int,
    name: str,
    key: re.Match[str],
    mask: list[bool],
) -> EnvSetting:
    line = lines[index]
    indent = len(key.group(1)) + len(key.group(2) or "")
    colon = line.index(":", start + len(name))
    value_start = colon + 1
    while value_start < len(line) and line[value_start] in " \t":
        value_start += 1
    value_end = len(re.sub(r"\s+#.*$", "", line).rstrip())
    value_end = max(value_end, value_start)
    raw = line[value_start:value_end]
    value_start, value_end = _unquoted(line, value_start, value_end)
    end = _item_end(lines, index, indent)
    value: str | None = line[value_start:value_end]
    span: tuple[int, int, int] | None = (index, value_start, value_end)
    if not raw or end > index + 1:
        value, span = None, None
    entry = (index, end) if not key.group(2) else None
    return EnvSetting(
        name, index, start, value, span, entry, index,
        _yaml_block(lines, index, indent, False, mask), indent,
    )  # fmt: skip


def _k8s_setting(
    lines: Sequence[str],
    index: int,
    start: int,
    name: str,
    match: re.Match[str],
    mask: list[bool],
) -> EnvSetting | None:
    if match.group(2):
        item_line = index
        dash = len(match.group(1))
    else:
        key_indent = len(match.group(1))
        item_line = index - 1
        while item_line >= 0 and not lines[item_line].strip().startswith("- "):
            if _indent(lines[item_line]) < key_indent and lines[item_line].strip():
                return None
            item_line -= 1
        if item_line < 0:
            return None
        dash = _indent(lines[item_line])
    end = _item_end(lines, item_line, dash)
    key_indent = dash + 2
    value: str | None = None
    span: tuple[int, int, int] | None = None
    for other in range(item_line, end):
        text = lines[other] if other != item_line else " " * key_indent + lines[other][dash + 2 :]
        found = re.match(r"(\s*)value:[ \t]*(.*?)\s*(?:#.*)?$", text)
        if found and len(found.group(1)) == key_indent:
            value_start = found.start(2) + (len(lines[other]) - len(text))
            value_start, value_end = _unquoted(
                lines[other], value_start, value_start + len(found.group(2))
            )
            value, span = lines[other][value_start:value_end], (other, value_start, value_end)
        elif re.match(r"\s*valueFrom:", text) and _indent(text) == key_indent:
            value = " ".join(part.strip() for part in lines[other:end] if part.strip())
    return EnvSetting(
        name, index, start, value, span, (item_line, end), item_line,
        _yaml_block(lines, item_line, dash, True, mask), dash,
    )  # fmt: skip


def _unquoted(line: str, start: int, end: int) -> tuple[int, int]:
    """(start, end) of the YAML scalar ``line[start:end]`` without its quotes."""
    raw = line[start:end]
    if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "'\"":
        return start + 1, end - 1
    return start, end


def _parent_key(lines: Sequence[str], index: int) -> str | None:
    """The YAML key whose value holds line ``index`` (``environment`` for an entry of it)."""
    line = lines[index]
    indent = _indent(line)
    is_item = line.lstrip().startswith("-")
    for above in range(index - 1, -1, -1):
        text = lines[above]
        if not _is_content(text):
            continue
        if _indent(text) < indent or (
            is_item and _indent(text) == indent and not text.lstrip().startswith("-")
        ):
            key = re.match(r"\s*(?:-\s+)?[\"']?([\w.-]+)[\"']?\s*:", text)
            return key.group(1) if key else None
    return None


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _is_content(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")


def _item_end(lines: Sequence[str], first: int, indent: int) -> int:
    """The line after the YAML item starting on ``first`` at ``indent`` (and its children)."""
    end = first + 1
    last = first + 1
    while end < len(lines):
        if _is_content(lines[end]):
            if _indent(lines[end]) <= indent:
                break
            last = end + 1
        end += 1
    return last


def _yaml_block(
    lines: Sequence[str], index: int, indent: int, is_list: bool, mask: list[bool]
) -> tuple[int, int]:
    """Lines [first, end) of the mapping or sequence holding the item on line ``index``."""

    def inside(line: str) -> bool:
        if not _is_content(line):
            return True
        if _indent(line) > indent:
            return True
        return _indent(line) == indent and (line.lstrip().startswith("-") == is_list)

    first = index
    while first > 0 and mask[first - 1] and inside(lines[first - 1]):
        first -= 1
    end = index + 1
    while end < len(lines) and mask[end] and inside(lines[end]):
        end += 1
    return first, end


def _flat_block(lines: Sequence[str], index: int, mask: list[bool]) -> tuple[int, int]:
    """The whole file, or the code block holding ``index`` in documentation."""
    first = index
    while first > 0 and mask[first - 1]:
        first -= 1
    end = index + 1
    while end < len(lines) and mask[end]:
        end += 1
    return first, end


def json_settings(lines: Sequence[str], names: Sequence[str]) -> list[EnvSetting]:
    """Settings of a JSON document: a member named after the variable (``containerEnv``,
    ``remoteEnv``, ``environment`` maps) and an object whose ``"name"`` is the variable, with
    its ``"value"`` or ``"valueFrom"`` (ECS ``environment`` and ``secrets`` lists, Kubernetes
    manifests in JSON). None of them owns its lines: JSON settings are never deleted."""
    text = "\n".join(lines)
    document = parse_json(text)
    if document is None:
        return []
    starts = [0] + [match.end() for match in re.finditer("\n", text)]
    found: list[EnvSetting] = []
    for container in walk(document):
        if container.kind != "object" and container is not document:
            continue
        # An entry's block is the object holding its list (an ECS container definition holds
        # ``environment`` and ``secrets``), or the document when it is the list.
        block = _json_lines(starts, container)
        lists = [container] if container.kind == "array" else []
        for key, value in container.members():
            if text[key.start + 1 : key.end - 1] in names:
                found.append(_json_setting(text, starts, key, value, block))
            if value.kind == "array":
                lists.append(value)
        for entry in (entry for array in lists for entry in array.items):
            name = entry.member(text, "name") if entry.kind == "object" else None
            if name is not None and text[name.start + 1 : name.end - 1] in names:
                value = entry.member(text, "value") or entry.member(text, "valueFrom")
                found.append(_json_setting(text, starts, name, value, block))
    return found


def _json_lines(starts: Sequence[int], value: JsonValue) -> tuple[int, int]:
    """Lines [first, end) that ``value`` spans."""
    return bisect_right(starts, value.start) - 1, bisect_right(starts, value.end - 1)


def _json_setting(
    text: str,
    starts: Sequence[int],
    name: JsonValue,
    value: JsonValue | None,
    block: tuple[int, int],
) -> EnvSetting:
    """The setting whose name is the string ``name``; its value is the string ``value`` (a
    ``valueFrom`` reference or another kind of value is kept as written, with no span)."""
    line = bisect_right(starts, name.start) - 1
    string = value.decoded(text) if value is not None else None
    value_text = None if value is None else text[value.start : value.end]
    span = None
    if string is not None and value is not None and string[0] == value_text[1:-1]:
        value_text = string[0]
        value_line = bisect_right(starts, value.start) - 1
        offset = starts[value_line]
        span = (value_line, value.start + 1 - offset, value.end - 1 - offset)
    return EnvSetting(
        text[name.start + 1 : name.end - 1], line, name.start + 1 - starts[line], value_text,
        span, None, line, block, None,
    )  # fmt: skip
