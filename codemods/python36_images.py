"""Drop support for Python 3.6 (upgrade guide: "Drop support for Python 3.6"), for container
images named in non-Python files (Dockerfile ``FROM``, compose and Kubernetes ``image:``, CI
jobs, scripts, docs).

Rewrites Prefect's own image tags to the target 1.x release (``--prefect-version``):
``prefecthq/prefect:0.x.y-python3.6`` and ``latest-python3.6`` -> ``<target>-python3.7``
(1.x publishes no 3.6 images, and ``latest-python3.6`` stays frozen at the last 0.15 build),
``0.x.y-python3.Y`` -> ``<target>-python3.Y``, ``0.x.y`` -> ``<target>``, ``core-0.x.y`` ->
``core-<target>``. Other tags (``latest``, 1.x tags, ``latest-python3.7``...) are left alone.
The same for a Helm values ``tag:`` beside ``repository: prefecthq/prefect`` (or the Prefect
Server chart's ``name:``; a Terraform ``yamlencode({...})`` object's ``tag = ...`` too), and in
Terraform for a ``helm_release``'s ``set`` entry of such a tag (``image.tag`` beside an
``image.repository`` entry naming the image, or the Prefect Server chart's ``agent.image.tag``;
a ``var.X`` value moves in its ``variable "X"`` default, another expression is flagged),
and for a ``helm --set PATH=VALUE`` option of such a tag (a ``$VAR`` value is flagged); and
a 0.x ``PREFECT_VERSION`` build argument (``ARG``, ``--build-arg``, compose ``args``) becomes
``<target>``.

``python:3.12`` and later base images (any registry prefix, any variant) in files that mention
Prefect move to ``python:3.11`` (``python:3.12.1-slim`` -> ``python:3.11-slim``): Prefect 1.x
with its companion pin pendulum<3 works on 3.7 to 3.11 only (docs/catalog.md); ``python3.12``
paths left in such a file are flagged.

Flags ``python:3.6`` base images (any registry prefix, any variant) in files that mention
Prefect: Prefect 1.x needs Python 3.7 or later, and which newer interpreter fits is a human
choice. Flags ``python3.6`` paths and programs (``/usr/local/lib/python3.6/site-packages``)
left in a file whose Prefect image moved from 3.6 to 3.7, and digest-pinned 0.x images.
"""

from __future__ import annotations

import re

from prefect1_migrate.codemods._companions import NEWEST_PYTHON_TEXT
from prefect1_migrate.codemods._image_versions import (
    PREFECT,
    helm_set_edits,
    helm_tag_replacements,
    version_argument_replacements,
)
from prefect1_migrate.codemods._text import (
    LineEdits,
    code_block_mask,
    logical_start,
    mentions_prefect,
)
from prefect1_migrate.codemods._versions import (
    PINNED_BY_DIGEST_TODO,
    PREFECT_IMAGE_REPOSITORY,
    new_tag,
)

from prefect1_migrate.codemod import SourceFile, TextCodemod
from prefect1_migrate.filekinds import ENVIRONMENT_KINDS, FileKind
from prefect1_migrate.guide import PYTHON_36

CODEMOD = TextCodemod(
    __name__,
    title="Docker images: Prefect 1.x tags, no Python 3.6",
    guide_section=PYTHON_36,
    order=20,
    summary="prefecthq/prefect:0.x[-python3.6] image tags become <target>[-python3.7]; "
    "python:3.12+ base images next to Prefect become python:3.11; python:3.6 ones are flagged.",
    description=(
        "Moved prefecthq/prefect image tags to the Prefect 1.x release being migrated to: "
        "0.x-python3.6 and latest-python3.6 tags to <target>-python3.7 (1.x publishes no Python "
        "3.6 images), other 0.x-python3.Y tags to <target>-python3.Y, bare 0.x tags to <target>. "
        "The catalog suggests latest-python3.7 for latest-python3.6, but the latest tags now "
        "track Prefect 2 and later, so the pinned 1.x tag is used. The same for Helm values "
        "tags beside repository: prefecthq/prefect; 0.x PREFECT_VERSION build arguments moved "
        "to <target>. python:3.12 and later base images next to Prefect moved to "
        "python:3.11: Prefect 1.x with its pendulum<3 companion works on Python 3.7 to 3.11 only."
    ),
    flags=(
        "python:3.6 base images in files that mention Prefect",
        "Prefect 0.x images pinned by digest (tag@sha256:...)",
        "python3.6 paths or programs in a file whose Prefect image moved from Python 3.6 to 3.7",
        "python3.12+ paths or programs in a file whose python image moved down to 3.11",
    ),
    review_note=(
        "Flows pickled under Python 3.6 must be re-registered from Python 3.7+ to run in the new "
        "images; a `latest` tag now means Prefect 2 or later, so pin a 1.x tag wherever it is used."
    ),
    triggers=("prefecthq/prefect", "python:3.", "PREFECT_VERSION", "image.tag"),
    file_kinds=ENVIRONMENT_KINDS,
)


_PREFECT_IMAGE = re.compile(
    rf"(?<![\w./-]){PREFECT_IMAGE_REPOSITORY}:"
    r"(?P<tag>[\w.-]+)(?P<digest>@sha256:[0-9a-f]*)?(?![\w.-])"
)
_PYTHON36_IMAGE = re.compile(r"(?<![\w.-])(?:[\w.-]+/)*python:3\.6(?!\d)[\w.-]*")
_PYTHON36_PATH = re.compile(r"python3\.6(?!\d)")
# python:3.12 and later base images (any registry prefix, any variant): Prefect 1.x works on
# 3.7 to 3.11 (codemods/_companions.py).
_PYTHON_ABOVE_IMAGE = re.compile(
    r"(?<![\w.-])(?:[\w.-]+/)*python:(?P<version>3\.(?:1[2-9]|[2-9]\d)(?:\.\d+)?)(?![\d.])"
)
_PYTHON_ABOVE_PATH = re.compile(r"python3\.(?:1[2-9]|[2-9]\d)(?!\d)")

_PYTHON36_PATH_TODO = (
    "this names Python 3.6, but the Prefect image of this file now runs Python 3.7: update it"
)
_PYTHON_ABOVE_PATH_TODO = (
    "this names a Python newer than 3.11, but the Python image of this file moved to 3.11 "
    "(Prefect 1.x works on 3.7 to 3.11): update it"
)
_SET_EXPRESSION_TODO = (
    "this Prefect image tag is `{value}`: make sure that is a Prefect 1.x tag ({target}-python3.Y)"
)
_PYTHON36_TODO = (
    "Prefect 1.x does not support Python 3.6 (1.4.1 requires Python >=3.7): use a Python 3.7+ "
    "image here"
)


@CODEMOD.rewriter
def rewrite(text: str, file: SourceFile) -> str:
    lines = text.split("\n")
    target = file.options.prefect_version
    edits = LineEdits()
    left_python36 = False
    for index, line in enumerate(lines):
        for match in _PREFECT_IMAGE.finditer(line):
            tag = new_tag(match.group("tag"), target)
            if tag is not None and match.group("digest"):
                edits.todo(logical_start(lines, index), PINNED_BY_DIGEST_TODO.format(target=target))
            elif tag is not None:
                edits.replace(index, match.start("tag"), match.end("tag"), tag)
                left_python36 |= match.group("tag").endswith("-python3.6")
    terraform = file.kind is FileKind.TERRAFORM
    helm_replacements, helm_expressions = helm_set_edits(text, terraform, target, PREFECT)
    for index, start, end, new in (
        *helm_tag_replacements(lines, target),
        *version_argument_replacements(text, target),
        *helm_replacements,
    ):
        edits.replace(index, start, end, new)
    for tag in helm_expressions:
        edits.todo(tag.line, _SET_EXPRESSION_TODO.format(target=target, value=tag.old))
    code = code_block_mask(lines, file.kind)
    left_above = False
    if mentions_prefect(text):
        for index, line in enumerate(lines):
            if code[index] and _PYTHON36_IMAGE.search(line):
                edits.todo(logical_start(lines, index), _PYTHON36_TODO)
            for image in _PYTHON_ABOVE_IMAGE.finditer(line) if code[index] else ():
                edits.replace(
                    index, image.start("version"), image.end("version"), NEWEST_PYTHON_TEXT
                )
                left_above = True
    if left_above:
        for index, line in enumerate(lines):
            if code[index] and _PYTHON_ABOVE_PATH.search(line):
                edits.todo(logical_start(lines, index), _PYTHON_ABOVE_PATH_TODO)
    if left_python36:
        for index, line in enumerate(lines):
            if code[index] and _PYTHON36_PATH.search(_PREFECT_IMAGE.sub("", line)):
                edits.todo(logical_start(lines, index), _PYTHON36_PATH_TODO)
    return "\n".join(edits.apply(lines, file)) if edits else text
