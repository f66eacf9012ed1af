"""What the "Support for environments" codemods need to recognise in a file.

Prefect 0.15.13 exported each environment class from several modules (and, after a bare
``import prefect``, as ``prefect.environments.<...>``). Names are resolved through the
file's imports (:func:`environment_bindings`), so that a user's own class called
``LocalEnvironment`` is never mistaken for Prefect's.
"""

from __future__ import annotations

from fissix.pgen2 import token
from fissix.pytree import Leaf, Node
from prefect1_migrate.codemods._python.imports import (
    from_import_module,
    import_statements,
    imported_modules,
    imported_names,
)
from prefect1_migrate.codemods._python.markers import add_todo
from prefect1_migrate.codemods._python.names import qualified_chain, repository_bindings
from prefect1_migrate.codemods._python.tree import LN, dotted_text, syms, walk

from prefect1_migrate.codemod import SourceFile

ENVIRONMENTS = "prefect.environments"
_EXECUTION = "prefect.environments.execution"

# 0.15.13: every name and the modules that exported it.
EXPORTS: dict[str, tuple[str, ...]] = {
    "LocalEnvironment": (ENVIRONMENTS, _EXECUTION, f"{_EXECUTION}.local"),
    "KubernetesJobEnvironment": (
        ENVIRONMENTS,
        _EXECUTION,
        f"{_EXECUTION}.k8s",
        f"{_EXECUTION}.k8s.job",
    ),
    "FargateTaskEnvironment": (
        ENVIRONMENTS,
        _EXECUTION,
        f"{_EXECUTION}.fargate",
        f"{_EXECUTION}.fargate.fargate_task",
    ),
    "DaskKubernetesEnvironment": (
        ENVIRONMENTS,
        _EXECUTION,
        f"{_EXECUTION}.dask",
        f"{_EXECUTION}.dask.k8s",
    ),
    "DaskCloudProviderEnvironment": (
        ENVIRONMENTS,
        _EXECUTION,
        f"{_EXECUTION}.dask",
        f"{_EXECUTION}.dask.cloud_provider",
    ),
    "Environment": (ENVIRONMENTS, _EXECUTION, f"{_EXECUTION}.base"),
    "load_and_run_flow": (_EXECUTION, f"{_EXECUTION}.base"),
}

CONVERTIBLE = (
    "LocalEnvironment",
    "KubernetesJobEnvironment",
    "FargateTaskEnvironment",
    "DaskKubernetesEnvironment",
    "DaskCloudProviderEnvironment",
)


# ``prefect.environments.storage`` went away in 0.15.0 and has its own codemod.
_LEGACY_STORAGE = "prefect.environments.storage"


def is_environment_module(module: str) -> bool:
    """Whether ``module`` is ``prefect.environments`` or one of its execution modules."""
    if module == _LEGACY_STORAGE or module.startswith(_LEGACY_STORAGE + "."):
        return False
    return module == ENVIRONMENTS or module.startswith(ENVIRONMENTS + ".")


def exported_name(qualified: str | None) -> str | None:
    """``LocalEnvironment`` for ``prefect.environments.execution.LocalEnvironment`` etc."""
    if qualified is None:
        return None
    module, _, name = qualified.rpartition(".")
    return name if module in EXPORTS.get(name, ()) else None


# --- what local names refer to -----------------------------------------------------------


def environment_bindings(root: LN, file: SourceFile) -> dict[str, str]:
    """:func:`prefect1_migrate.codemods._python.names.repository_bindings` plus the names star imports of
    environment modules (and ``from prefect import *``) bind."""
    bindings = repository_bindings(root, file)
    for node in import_statements(root):
        if node.type != syms.import_from:
            continue
        module = from_import_module(node)
        if any(name == "*" for _, name, _ in imported_names(node)):
            for name, homes in EXPORTS.items():
                if module in homes:
                    bindings.setdefault(name, f"{module}.{name}")
            if module == "prefect":
                bindings.setdefault("Flow", "prefect.Flow")
    return bindings


def called(node: LN, bindings: dict[str, str]) -> tuple[str, Node] | None:
    """(qualified callee, call trailer) when ``node`` is exactly ``a.b.C(...)``."""
    chain = qualified_chain(node, bindings)
    if not chain or len(node.children) != len(chain) + 1:
        return None
    trailer = node.children[-1]
    if trailer.type != syms.trailer or trailer.children[0].type != token.LPAR:
        return None
    return chain[-1], trailer


def references(root: LN, bindings: dict[str, str]) -> list[tuple[LN, str]]:
    """(node, qualified name) for every use outside imports of a name in :data:`EXPORTS`.

    A dotted chain is reported once, with its longest prefix that names an export
    (``prefect.environments.LocalEnvironment`` in ``prefect.environments.LocalEnvironment()``).
    """
    found: list[tuple[LN, str]] = []
    for node in walk(root, skipping=(syms.import_from, syms.import_name)):
        if node.type == syms.power:
            for qualified in reversed(qualified_chain(node, bindings)):
                if exported_name(qualified) is not None:
                    found.append((node, qualified))
                    break
        elif node.type == token.NAME and _is_plain_name(node):
            qualified = bindings.get(node.value)
            if exported_name(qualified) is not None:
                found.append((node, qualified))  # type: ignore[arg-type]
    return found


def _is_plain_name(leaf: Leaf) -> bool:
    """A NAME that is neither a chain's head nor an attribute, keyword or definition name."""
    parent = leaf.parent
    if parent is None or parent.type == syms.trailer:
        return False
    if parent.type == syms.power and parent.children[0] is leaf:
        return False  # reported with its chain
    if parent.type == syms.argument and parent.children[0] is leaf:
        return not (len(parent.children) > 1 and parent.children[1].type == token.EQUAL)
    return not (parent.type in (syms.funcdef, syms.classdef) and parent.children[1] is leaf)


def in_class_bases(node: LN) -> bool:
    """Whether ``node`` is (part of) the base-class list of a ``class`` statement."""
    while node.parent is not None:
        parent = node.parent
        if parent.type == syms.classdef:
            return node is not parent.children[-1] and node is not parent.children[1]
        if parent.type in (syms.suite, syms.file_input, syms.simple_stmt):
            return False
        node = parent
    return False


IMPORT_REMOVED = (
    "prefect.environments was removed in Prefect 1.0 (ImportError): drop this import once "
    "the uses marked in this file are gone"
)


def flag_environment_imports(root: LN) -> None:
    """Mark every import that still names ``prefect.environments`` (or a module under it)."""
    for node in import_statements(root):
        if node.type == syms.import_from:
            module = from_import_module(node)
            modules = [module] + [f"{module}.{name}" for _, name, _ in imported_names(node)]
        elif node.type == syms.import_name:
            modules = [dotted_text(module) for _, module, _ in imported_modules(node)]
        else:
            continue
        if any(is_environment_module(module) for module in modules):
            add_todo(node, IMPORT_REMOVED)
