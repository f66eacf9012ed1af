"""Prefect image tags and versions written apart from the image name: a Helm values file's
``repository: prefecthq/prefect`` (or the Prefect Server chart's ``name:``) with its ``tag:``
in the same mapping (YAML ``:`` or a Terraform object's ``=``: ``yamlencode({...})``), a
Terraform ``helm_release``'s ``set`` entries (``name = "agent.image.tag"``, ``value = "..."``)
and ``helm --set PATH=VALUE`` options, and the Prefect version given to a Docker build (``ARG
PREFECT_VERSION=0.15.4``, ``--build-arg PREFECT_VERSION=...``, a compose ``build: args:``
entry). Each is a (line, start, end, new text) replacement; :func:`helm_set_edits` also gives
the Helm tags set to an expression."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import pairwise

from prefect1_migrate.codemods._versions import new_tag

Replacement = tuple[int, int, int, str]

#: The Prefect images (``prefecthq/prefect``) and the Prefect Server ones.
PREFECT = "prefect"
SERVER = "server"
_REPOSITORY = re.compile(
    r"^(?P<indent>[ \t]*)(?:-[ \t]+)?[\"']?(?:repository|name)[\"']?[ \t]*[:=][ \t]*[\"']?"
    r"(?:docker\.io/)?prefecthq/(?P<image>prefect|server|apollo|ui)[\"']?[ \t]*,?[ \t]*(?:#.*)?$"
)
_TAG = re.compile(
    r"^(?P<indent>[ \t]*)(?:-[ \t]+)?[\"']?tag[\"']?[ \t]*[:=][ \t]*[\"']?(?P<tag>[\w.-]+)[\"']?"
    r"[ \t]*,?[ \t]*(?:#.*)?$"
)
_OLD_CORE = re.compile(r"core-0\.\d+\.\d+")
_INLINE_IMAGE = (
    r"[\"']?(?:repository|name)[\"']?[ \t]*[:=][ \t]*[\"']?(?:docker\.io/)?"
    r"prefecthq/(?P<image>prefect|server|apollo|ui)[\"']?"
)
_INLINE_TAG = r"[\"']?tag[\"']?[ \t]*[:=][ \t]*[\"']?(?P<tag>[\w.-]+)[\"']?"
#: A flow mapping or object on one line: ``{ name = "prefecthq/server", tag = "core-..." }``,
#: either order.
_INLINE_PAIRS = (
    re.compile(rf"(?<![\w-]){_INLINE_IMAGE}[ \t]*,[ \t]*{_INLINE_TAG}"),
    re.compile(rf"(?<![\w-]){_INLINE_TAG}[ \t]*,[ \t]*{_INLINE_IMAGE}"),
)
#: ``PREFECT_VERSION=0.15.4`` after ``ARG``, ``--build-arg``, in a list item, or a YAML
#: ``PREFECT_VERSION: 0.15.4`` (any prefix: ``BASE_PREFECT_VERSION``).
_VERSION_ARGUMENT = re.compile(
    r"(?:\bARG[ \t]+|--build-arg[ \t=]+|^[ \t]*-[ \t]+[\"']?|^[ \t]*)"
    r"[\"']?(?:[A-Z0-9_]*_)?PREFECT_VERSION[\"']?(?:=|[ \t]*:[ \t]*)[\"']?(?P<version>0\.\d+\.\d+)\b",
    re.MULTILINE,
)


def helm_tag_replacements(
    lines: Sequence[str], target: str, images: str = PREFECT
) -> Iterator[Replacement]:
    """The ``tag:`` beside each ``repository: prefecthq/prefect`` (``images``: ``PREFECT``)
    or Prefect Server image (``SERVER``) of the same mapping or object."""
    for index, line in enumerate(lines):
        for pair in (match for pattern in _INLINE_PAIRS for match in pattern.finditer(line)):
            new = _moved_tag(pair.group("tag"), target, images)
            if _family(pair.group("image")) == images and new is not None:
                yield index, pair.start("tag"), pair.end("tag"), new
        repository = _REPOSITORY.match(line)
        if repository is None or _family(repository.group("image")) != images:
            continue
        column = len(repository.group("indent")) + (2 if line.lstrip().startswith("-") else 0)
        for other in _siblings(lines, index, column):
            tag = _TAG.match(lines[other])
            new = _moved_tag(tag.group("tag"), target, images) if tag is not None else None
            if tag is not None and new is not None:
                yield other, tag.start("tag"), tag.end("tag"), new


def _family(image: str) -> str:
    return PREFECT if image == "prefect" else SERVER


def _moved_tag(tag: str, target: str, images: str) -> str | None:
    """The tag a Prefect (or Prefect Server) image moves to, None when it stays."""
    if images == PREFECT:
        return new_tag(tag, target)
    return f"core-{target}" if _OLD_CORE.fullmatch(tag) else None


# --- Terraform helm_release set entries --------------------------------------------------------

_SET_NAME = re.compile(r"\bname[ \t]*=[ \t]*\"(?P<path>[\w.-]+)\"")
_SET_VALUE = re.compile(
    r"\bvalue[ \t]*=[ \t]*(?:\"(?P<literal>[^\"$\n]*)\"|(?P<other>\"[^\"\n]*\"|[^\s,}]+))"
)
_PREFECT_CHART = re.compile(
    r"^[ \t]*(?:chart|repository)[ \t]*=[ \t]*\"[^\"\n]*prefect", re.MULTILINE
)
#: The Prefect Server chart's version settings (``serverVersionTag: core-0.15.13``).
_VERSION_TAG = re.compile(r"(?:[\w-]+\.)*(?:prefect|server|ui|apollo)VersionTag")
_TOP_LEVEL_BLOCK = re.compile(r"^(?=[A-Za-z])", re.MULTILINE)
#: The Prefect Server chart's components: which images each runs by default.
_CHART_COMPONENTS = {
    "agent": PREFECT,
    "apollo": SERVER,
    "graphql": SERVER,
    "towel": SERVER,
    "ui": SERVER,
}


@dataclass(frozen=True)
class HelmSetTag:
    """A ``set`` entry naming a Prefect (or Prefect Server) image tag: where its literal
    value is (line, start, end; a ``var.X`` value: the ``default`` of the file's ``variable
    "X"``), or None when the value is another expression."""

    images: str
    value: tuple[int, int, int] | None
    old: str  # the literal value, or the expression
    line: int  # the line of its ``name =``


def _terraform_set_tags(text: str) -> Iterator[HelmSetTag]:
    """The ``set``/``set = [...]`` entries of each Terraform block whose path is the tag of a
    Prefect image: ``X.tag`` beside an ``X.repository``/``X.name`` entry naming one, or, in a
    block installing a Prefect chart, a component's ``image.tag`` (``agent``: Prefect,
    ``apollo``/``graphql``/``towel``/``ui``: Prefect Server); and the Prefect Server chart's
    ``*VersionTag`` settings."""
    starts = [0] + [match.end() for match in re.finditer("\n", text)]
    block_starts = sorted({0, *(match.start() for match in _TOP_LEVEL_BLOCK.finditer(text))})
    for block_start, block_end in pairwise([*block_starts, len(text)]):
        entries = dict(_set_entries(text, block_start, block_end))
        prefect_chart = _PREFECT_CHART.search(text, block_start, block_end) is not None
        for path, (name_at, value) in entries.items():
            images = _tag_images(path, entries, prefect_chart)
            if images is None or value is None:
                continue
            line = bisect_right(starts, name_at) - 1
            literal, start, end = _variable_default(text, value)
            if literal is None:
                yield HelmSetTag(images, None, text[start:end], line)
            else:
                value_line = bisect_right(starts, start) - 1
                at = start - starts[value_line]
                yield HelmSetTag(images, (value_line, at, at + end - start), literal, line)


def _variable_default(text: str, value: tuple[str | None, int, int]) -> tuple[str | None, int, int]:
    """A ``var.NAME`` value as the literal ``default`` of the file's ``variable "NAME"``
    block, when it has one; other values as they are."""
    literal, start, end = value
    variable = re.fullmatch(r"var\.([\w-]+)", text[start:end]) if literal is None else None
    if variable is None:
        return value
    block = re.search(
        rf'^variable[ \t]+"{re.escape(variable.group(1))}"[ \t]*\{{[^}}]*?'
        r'\bdefault[ \t]*=[ \t]*"(?P<default>[^"$\n]*)"',
        text,
        re.MULTILINE,
    )
    if block is None:
        return value
    return block.group("default"), block.start("default"), block.end("default")


def _set_entries(
    text: str, start: int, end: int
) -> Iterator[tuple[str, tuple[int, tuple[str | None, int, int] | None]]]:
    """(path, (offset of its ``name``, (literal or None, value start, value end))) of each
    ``{ name = "...", value = ... }`` object or ``set { ... }`` block in ``text[start:end]``."""
    for name in _SET_NAME.finditer(text, start, end):
        opening = text.rfind("{", start, name.start())
        closing = _object_end(text, name.end(), end)
        if opening < 0 or closing < 0 or "}" in text[opening : name.start()]:
            continue
        value = _SET_VALUE.search(text, opening, closing)
        if value is None:
            yield name.group("path"), (name.start(), None)
        elif value.group("literal") is not None:
            literal = (value.group("literal"), value.start("literal"), value.end("literal"))
            yield name.group("path"), (name.start(), literal)
        else:
            yield (
                name.group("path"),
                (name.start(), (None, value.start("other"), value.end("other"))),
            )


def _object_end(text: str, start: int, end: int) -> int:
    """The offset of the ``}`` closing the object ``text[start:]`` is in (``${...}``
    interpolations skipped), or -1 before ``end``."""
    depth = 0
    for position in range(start, end):
        char = text[position]
        if char == "{":
            depth += 1
        elif char == "}":
            if depth == 0:
                return position
            depth -= 1
    return -1


def _tag_images(
    path: str, entries: dict[str, tuple[int, tuple[str | None, int, int] | None]], chart: bool
) -> str | None:
    """Which images the tag at ``path`` is of, if Prefect's or Prefect Server's."""
    if _VERSION_TAG.fullmatch(path):
        return SERVER
    if not (path == "tag" or path.endswith(".tag")):
        return None
    prefix = path[: -len("tag")]
    for key in ("repository", "name"):
        entry = entries.get(prefix + key)
        literal = entry[1][0] if entry is not None and entry[1] is not None else None
        if literal is not None:
            image = re.fullmatch(r"(?:docker\.io/)?prefecthq/(prefect|server|apollo|ui)", literal)
            return _family(image.group(1)) if image is not None else None
    parts = path.split(".")
    if chart and len(parts) >= 3 and parts[-2] == "image":
        return _CHART_COMPONENTS.get(parts[-3])
    return None


def helm_set_edits(
    text: str, terraform: bool, target: str, images: str
) -> tuple[list[Replacement], list[HelmSetTag]]:
    """The moves of the literal tags of ``images`` that ``helm --set`` options (and in a
    Terraform file, ``set`` entries) set, and the tags they set to an expression."""
    lines = text.split("\n")
    tags = [*(_terraform_set_tags(text) if terraform else ()), *_helm_cli_set_tags(lines)]
    replacements: list[Replacement] = []
    expressions: list[HelmSetTag] = []
    for tag in tags:
        if tag.images != images:
            continue
        if tag.value is None:
            expressions.append(tag)
        elif (new := _moved_tag(tag.old, target, images)) is not None:
            replacements.append((*tag.value, new))
    return replacements, expressions


_CLI_SET = re.compile(r"--set(?:-string)?(?:=|[ \t]+)[\"']?(?P<pairs>[^\s\"']+)")
_CLI_PREFECT_CHART = re.compile(r"prefect-server|prefecthq/")


def _helm_cli_set_tags(lines: Sequence[str]) -> Iterator[HelmSetTag]:
    """The image tags ``helm install|upgrade ... --set PATH=VALUE[,...]`` options of one
    command set, by the rules of :func:`_terraform_set_tags`. A command goes on over a line ending
    in ``\\`` and over lines that start with an option (a folded YAML scalar)."""
    command: list[int] = []
    for index, line in enumerate(lines):
        continues = bool(command) and (
            lines[command[-1]].rstrip().endswith("\\") or line.lstrip().startswith("--")
        )
        if not continues:
            yield from _cli_command_tags(lines, command)
            command = []
        command.append(index)
    yield from _cli_command_tags(lines, command)


def _cli_command_tags(lines: Sequence[str], command: list[int]) -> Iterator[HelmSetTag]:
    if not any("helm" in lines[index] for index in command):
        return
    values: dict[str, tuple[int, int, int, str]] = {}  # path -> (line, start, end, value)
    for index in command:
        for option in _CLI_SET.finditer(lines[index]):
            at = option.start("pairs")
            for pair in option.group("pairs").split(","):
                path, equals, value = pair.partition("=")
                if equals:
                    start = at + len(path) + 1
                    values[path] = (index, start, start + len(value), value)
                at += len(pair) + 1
    chart = any(_CLI_PREFECT_CHART.search(lines[index]) for index in command)
    entries = {path: (0, (value, 0, 0)) for path, (_, _, _, value) in values.items()}
    for path, (index, start, end, value) in values.items():
        if _VERSION_TAG.fullmatch(path):
            continue  # ``serverVersionTag=core-...``: a tag setting, moved wherever it is
        images = _tag_images(path, entries, chart)
        if images is None:
            continue
        if "$" in value:
            yield HelmSetTag(images, None, value, command[0])
        else:
            yield HelmSetTag(images, (index, start, end), value, index)


def _siblings(lines: Sequence[str], index: int, column: int) -> Iterator[int]:
    """The lines of the other keys of the mapping whose key on line ``index`` starts at
    ``column`` (in a list item, the ``- key:`` line opening it too)."""
    for step in (-1, 1):
        other = index + step
        while 0 <= other < len(lines):
            stripped = lines[other].strip()
            if stripped and not stripped.startswith("#"):
                lead = len(lines[other]) - len(lines[other].lstrip())
                dash = stripped.startswith("-")
                if lead == column and not dash:
                    yield other
                elif lead <= column:
                    key_column = lead + len(stripped) - len(stripped[1:].lstrip())
                    if step == -1 and dash and key_column == column:
                        yield other
                    break
            other += step


def version_argument_replacements(text: str, target: str) -> Iterator[Replacement]:
    """``PREFECT_VERSION`` build arguments holding a 0.x version."""
    starts = [0] + [match.end() for match in re.finditer("\n", text)]
    line = 0
    for match in _VERSION_ARGUMENT.finditer(text):
        while line + 1 < len(starts) and starts[line + 1] <= match.start("version"):
            line += 1
        start = match.start("version") - starts[line]
        yield line, start, start + len(match.group("version")), target
