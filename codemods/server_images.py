"""Move a self-hosted Prefect Server with the Prefect Core version. No guide section asks for
it (it is the upgrade itself): "Additional changes", next to the pins.

Prefect Server's images are tagged after the Core release they serve (``core-0.15.13``; what
``prefect server start`` itself runs: ``core-<prefect.__version__>``). In compose files, Helm
values, Kubernetes manifests, scripts, CI, docs and ``.env`` files this rewrites, to the target
(``--prefect-version``):

- ``prefecthq/server``, ``prefecthq/apollo`` and ``prefecthq/ui`` images tagged
  ``core-0.x.y`` -> ``core-<target>``;
- tag settings: ``PREFECT_SERVER_TAG``/``PREFECT_UI_TAG``/``PREFECT_SERVER_VERSION``/
  ``PREFECT_UI_VERSION`` (``=``, ``:`` or a compose default ``${PREFECT_SERVER_TAG:-...}``)
  and Helm's ``prefectVersionTag``/``serverVersionTag``/``uiVersionTag``/``apolloVersionTag``
  valued ``core-0.x.y``;
- ``prefect server start --version core-0.x.y`` / ``--ui-version core-0.x.y``;
- a Helm ``tag:`` beside ``name:``/``repository:`` naming one of those images (YAML, or a
  Terraform ``yamlencode({...})`` object), and a Terraform ``helm_release``'s ``set`` entries
  (``serverVersionTag``, the Prefect Server chart's ``ui.image.tag``/``apollo.image.tag``...;
  a ``var.X`` value moves in its ``variable "X"`` default, another expression is flagged),
  and ``helm --set`` options of those tags (a ``$VAR`` value is flagged).

Documentation prose is rewritten too; a file whose server version moved in code (not only in
prose) gets one marker: the server's database must be upgraded
(``prefect-server database upgrade -y``; ``prefect server start`` runs it unless
``--skip-upgrade``) and the move has an order (flows registered with 1.x, then agents moved,
never mixing majors). Flags server images pinned by digest or by a tag that names no Core
version (``prefecthq/server:2021.11.30``).
"""

from __future__ import annotations

import re

from prefect1_migrate.codemods._image_versions import (
    SERVER,
    helm_set_edits,
    helm_tag_replacements,
)
from prefect1_migrate.codemods._text import LineEdits, code_block_mask, logical_start
from prefect1_migrate.codemods._versions import DOCKER_HUB_PREFIX, PINNED_BY_DIGEST_TODO

from prefect1_migrate.codemod import SourceFile, TextCodemod
from prefect1_migrate.filekinds import ENVIRONMENT_KINDS, FileKind
from prefect1_migrate.guide import ADDITIONAL

CODEMOD = TextCodemod(
    __name__,
    title="Self-hosted Prefect Server moves with Prefect Core",
    guide_section=ADDITIONAL,
    order=93,
    summary="prefecthq/server, apollo and ui images and PREFECT_SERVER_TAG-style settings at "
    "core-0.x move to core-<target>; the database upgrade and the order are marked.",
    description=(
        "Moved the self-hosted Prefect Server (prefecthq/server, prefecthq/apollo, prefecthq/ui "
        "images, PREFECT_SERVER_TAG / PREFECT_UI_TAG style settings, Helm version tags, "
        "prefect server start --version) from core-0.x to the core-<target> tag of the Prefect "
        "release the repository moved to."
    ),
    flags=(
        "every file whose server version moved: upgrade the server database, then move flows "
        "and agents in order",
        "server images pinned by digest or by a tag naming no Core version",
    ),
    review_note=(
        "Order of the move: 1. upgrade the server (its database with `prefect-server database "
        "upgrade -y`, which `prefect server start` runs unless --skip-upgrade); 2. register the "
        "flows with Prefect 1.x; 3. then move the agents to 1.x. Agents and flows must not mix "
        "major versions."
    ),
    triggers=(
        "prefecthq/server",
        "prefecthq/apollo",
        "prefecthq/ui",
        "VersionTag",
        "_TAG",
        "_VERSION",
        "--version",
        "image.tag",
    ),
    file_kinds=ENVIRONMENT_KINDS,
)

_OLD_CORE = r"core-0\.\d+\.\d+"
_SERVER_IMAGE = re.compile(
    rf"(?<![\w./-]){DOCKER_HUB_PREFIX}"
    r"prefecthq/(?:server|apollo|ui):(?P<tag>[\w.-]+)(?P<digest>@sha256:[0-9a-f]*)?(?![\w.-])"
)
_TAG_SETTING = re.compile(
    r"(?<![\w-])(?:PREFECT_(?:SERVER|UI)_(?:TAG|VERSION)|(?:prefect|server|ui|apollo)VersionTag)"
    rf"[\"']?[ \t]*(?::-|:|=)[ \t]*[\"']?(?P<tag>{_OLD_CORE})(?![\w.-])"
)
_VERSION_FLAG = re.compile(rf"--(?:ui-)?version(?:=|[ \t]+)[\"']?(?P<tag>{_OLD_CORE})(?![\w.-])")
_SERVER_START = re.compile(r"\bprefect\s+server\s+start\b")
_CORE_TAGS = re.compile(r"core-\d+\.\d+\.\d+|latest|master")

_UPGRADE_TODO = (
    "Prefect Server moved to Prefect {target}: upgrade its database (`prefect-server database "
    "upgrade -y`; `prefect server start` does it unless --skip-upgrade), register the flows "
    "with Prefect 1.x, then move the agents; never mix major versions"
)
_SET_EXPRESSION_TODO = (
    "this Prefect Server image tag is `{value}`: make sure that is core-{target}, the server "
    "of the Prefect release this repository moved to"
)
_UNKNOWN_TAG_TODO = (
    "this Prefect Server image tag names no Prefect Core version: use core-{target}, the "
    "server of the Prefect release this repository moved to"
)


@CODEMOD.rewriter
def rewrite(text: str, file: SourceFile) -> str:
    lines = text.split("\n")
    edits = LineEdits()
    target = file.options.prefect_version
    code = code_block_mask(lines, file.kind)
    moved: int | None = None  # the first line whose server version moved
    for index, line in enumerate(lines):
        tags = list(_TAG_SETTING.finditer(line))
        command = "\n".join(lines[logical_start(lines, index) : index + 1])
        if _SERVER_START.search(command):
            tags += _VERSION_FLAG.finditer(line)
        for image in _SERVER_IMAGE.finditer(line):
            tag = image["tag"]
            if image["digest"] and re.fullmatch(_OLD_CORE, tag):
                todo = PINNED_BY_DIGEST_TODO.format(target=target)
                edits.todo(logical_start(lines, index), todo, code[index])
            elif re.fullmatch(_OLD_CORE, tag):
                tags.append(image)
            elif not _CORE_TAGS.fullmatch(tag):
                todo = _UNKNOWN_TAG_TODO.format(target=target)
                edits.todo(logical_start(lines, index), todo, code[index])
        for tag in tags:
            edits.replace(index, tag.start("tag"), tag.end("tag"), f"core-{target}")
        if tags and moved is None and code[index]:
            moved = logical_start(lines, index)
    terraform = file.kind is FileKind.TERRAFORM
    helm_replacements, helm_expressions = helm_set_edits(text, terraform, target, SERVER)
    for index, start, end, new in (
        *helm_tag_replacements(lines, target, SERVER),
        *helm_replacements,
    ):
        edits.replace(index, start, end, new)
        if code[index]:
            first = logical_start(lines, index)
            moved = first if moved is None else min(moved, first)
    for tag in helm_expressions:
        edits.todo(tag.line, _SET_EXPRESSION_TODO.format(target=target, value=tag.old))
    if moved is not None:
        edits.todo(moved, _UPGRADE_TODO.format(target=target))
    return "\n".join(edits.apply(lines, file)) if edits else text
