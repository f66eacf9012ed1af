"""Python 3.6 images and Prefect version pins in Python code (upgrade guide: "Drop support for
Python 3.6").

Rewrites every plain string literal that is exactly a ``prefecthq/prefect`` image reference with
a 0.x tag, whatever it is passed to (``Docker(base_image=...)``,
``DockerRun/KubernetesRun/ECSRun/VertexRun(image=...)``, job templates and task definitions
written as dicts, constants): ``0.x.y-python3.6`` and ``latest-python3.6`` ->
``<target>-python3.7``, ``0.x.y-python3.Y`` -> ``<target>-python3.Y``, ``0.x.y`` -> ``<target>``,
``core-0.x.y`` -> ``core-<target>``, with the tag mapping of the text-side ``python36-images``
codemod (``<target>`` is the Prefect release being migrated to). In calls of Prefect's ``Docker``
storage, ``prefect_version="0.x.y"`` becomes the target version.

Flags the new ``prefect_version`` (it must match the Prefect that registers the flow), a
``python_version`` argument of ``Docker`` storage (it has none, in 0.15 and 1.x: a TypeError)
and 0.x images pinned by digest.
"""

from __future__ import annotations

import re

from fissix.pgen2 import token
from fissix.pytree import Node
from prefect1_migrate.codemods._python.calls import call_arguments, calls_to, keyword_argument
from prefect1_migrate.codemods._python.literals import set_string_value, string_value
from prefect1_migrate.codemods._python.markers import add_todo
from prefect1_migrate.codemods._python.names import import_bindings
from prefect1_migrate.codemods._python.tree import LN, leaves_of
from prefect1_migrate.codemods._versions import (
    PINNED_BY_DIGEST_TODO,
    PREFECT_IMAGE_REPOSITORY,
    new_tag,
)

from prefect1_migrate.codemod import PythonCodemod, SourceFile
from prefect1_migrate.guide import PYTHON_36

CODEMOD = PythonCodemod(
    __name__,
    title="Prefect images and pins in Python: 1.x tags, no Python 3.6",
    guide_section=PYTHON_36,
    order=30,
    summary="prefecthq/prefect:0.x[-python3.6] image strings become <target>[-python3.7]; Docker "
    "storage prefect_version pins move to the target version.",
    description=(
        "Moved prefecthq/prefect image strings in Python code (Docker storage base images, run "
        "config images, job templates) to the Prefect 1.x release being migrated to, Python 3.6 "
        "tags to Python 3.7 (1.x publishes no 3.6 images; latest-python3.6 is pinned to the "
        "target too, since the latest tags now track Prefect 2 and later), and Docker storage "
        "prefect_version pins to the target version. Docker storage has no python_version "
        "argument in 0.15.13 or 1.x (the catalog is right), so such calls are only flagged."
    ),
    flags=(
        "the new Docker storage prefect_version (must match the registering Prefect)",
        "Docker(python_version=...) (no such argument)",
        "0.x Prefect images pinned by digest",
    ),
    review_note=(
        "Docker storage without base_image or dockerfile derives its image from the building "
        "interpreter: build and register from Python 3.7+. Image tags assembled at run time "
        "(f-strings, concatenation) are not rewritten."
    ),
    triggers=("prefecthq/prefect:", "prefect_version", "python_version"),
)


IMAGE = re.compile(
    rf"(?P<repository>{PREFECT_IMAGE_REPOSITORY}):(?P<tag>[\w.-]+)(?P<digest>@sha256:[0-9a-f]+)?"
)
OLD_VERSION = re.compile(r"0\.\d+\.\d+")
DOCKER_STORAGE = frozenset({"prefect.storage.Docker", "prefect.storage.docker.Docker"})

PREFECT_VERSION_TODO = (
    "Docker storage now installs Prefect {target} in the image (was {old}): it must match the "
    "Prefect version that registers this flow"
)
PYTHON_VERSION_TODO = (
    "Docker storage has no python_version argument (a TypeError in 0.15 and 1.x): the image's "
    "Python comes from base_image, or from the interpreter that builds the flow (3.7+ for 1.x)"
)


@CODEMOD.rewriter
def rewrite(root: Node, file: SourceFile) -> None:
    target = file.options.prefect_version
    for _, trailer in calls_to(root, DOCKER_STORAGE, import_bindings(root)):
        _docker_storage(trailer, target)
    for leaf in leaves_of(root):
        if leaf.type == token.STRING:
            _image(leaf, target)


def _docker_storage(trailer: LN, target: str) -> None:
    for argument in call_arguments(trailer):
        keyword = keyword_argument(argument)
        if keyword is None:
            continue
        name, value = keyword
        old = string_value(value)
        if name == "prefect_version" and old is not None and OLD_VERSION.fullmatch(old):
            set_string_value(value, target)
            add_todo(trailer, PREFECT_VERSION_TODO.format(target=target, old=old))
        elif name == "python_version":
            add_todo(trailer, PYTHON_VERSION_TODO)


def _image(leaf: LN, target: str) -> None:
    match = IMAGE.fullmatch(string_value(leaf) or "")
    if match is None:
        return
    tag = new_tag(match.group("tag"), target)
    if tag is None:
        return
    if match.group("digest"):
        add_todo(leaf, PINNED_BY_DIGEST_TODO.format(target=target))
        return
    set_string_value(leaf, f"{match.group('repository')}:{tag}")
