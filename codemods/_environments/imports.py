"""The environments codemod's import cleanup: after the conversion, the imports of
environment classes and modules that nothing uses any more are removed."""

from __future__ import annotations

from fissix.pgen2 import token
from fissix.pytree import Leaf, Node
from prefect1_migrate.codemods._environments.names import (
    EXPORTS,
    exported_name,
    is_environment_module,
)
from prefect1_migrate.codemods._python.imports import (
    exported_names,
    from_import_module,
    import_statements,
    imported_modules,
    imported_names,
    name_is_used,
    remove_import_element,
    top_level_imports,
)
from prefect1_migrate.codemods._python.statements import remove_statement_or_pass
from prefect1_migrate.codemods._python.tree import (
    LN,
    dotted_text,
    is_attribute,
    statement_of,
    syms,
    walk,
)


def remove_unused_imports(root: LN, bindings: dict[str, str]) -> None:
    """Remove the imports of environment classes and modules the file no longer uses nor
    lists in ``__all__`` (also those imported from the repository's own modules, which
    ``bindings`` resolves); a bare ``import prefect.environments`` becomes ``import prefect``
    while ``prefect`` is used."""
    exported = exported_names(root)
    for node in import_statements(root):
        if node.parent is None:
            continue
        if node.type == syms.import_from:
            _remove_unused_from_import(root, node, bindings, exported)
        elif node.type == syms.import_name:
            _remove_unused_import_name(root, node, exported)


def _remove_unused_from_import(
    root: LN, node: Node, bindings: dict[str, str], exported: set[str]
) -> None:
    module = from_import_module(node)
    names = imported_names(node)
    unused = []
    environment_module = is_environment_module(module)
    for element, name, alias in names:
        local = alias or name
        if not (
            environment_module
            or is_environment_module(f"{module}.{name}")
            or exported_name(bindings.get(local))
        ):
            continue  # not an environment import: kept (without looking for its uses)
        if local in exported or (name != "*" and name_is_used(root, local)):
            continue
        if environment_module and name == "*":
            homes = [n for n, modules in EXPORTS.items() if module in modules]
            if not any(name_is_used(root, n) or n in exported for n in homes):
                unused.append(element)
        else:
            unused.append(element)
    if not unused:
        return
    if len(unused) == len(names):
        remove_statement_or_pass(statement_of(node))
        return
    for element in unused:
        remove_import_element(element)


def _remove_unused_import_name(root: LN, node: Node, exported: set[str]) -> None:
    for element, module_node, alias in imported_modules(node):
        if alias in exported:
            continue
        if alias is not None:
            module = dotted_text(module_node)
            if is_environment_module(module) and not name_is_used(root, alias):
                _remove_import_element(node, element)
            continue
        module = dotted_text(element)
        if not is_environment_module(module) or _uses_environments_chain(root):
            continue
        if name_is_used(root, "prefect") and not _other_import_binds_prefect(root, node):
            element.replace(Leaf(token.NAME, "prefect", prefix=element.prefix))
        else:
            _remove_import_element(node, element)


def _uses_environments_chain(root: LN) -> bool:
    for node in walk(root):
        if (
            node.type == syms.power
            and node.children[0].type == token.NAME
            and node.children[0].value == "prefect"
            and len(node.children) > 1
            and is_attribute(node.children[1], "environments")
            and not (len(node.children) > 2 and is_attribute(node.children[2], "storage"))
        ):
            return True
    return False


def _other_import_binds_prefect(root: LN, this: Node) -> bool:
    """Whether another top-level ``import prefect[.x]`` binds ``prefect``."""
    for statement in top_level_imports(root):
        node = statement.children[0]
        if node is this or node.type != syms.import_name:
            continue
        target = node.children[1]
        elements = target.children if target.type == syms.dotted_as_names else [target]
        for element in elements:
            if element.type in (token.NAME, syms.dotted_name):
                if dotted_text(element).split(".")[0] == "prefect":
                    return True
    return False


def _remove_import_element(node: Node, element: LN) -> None:
    """Drop one module from ``import a, b``; the whole statement when it is the only one."""
    if node.children[1].type != syms.dotted_as_names:
        remove_statement_or_pass(statement_of(node))
        return
    remove_import_element(element)
