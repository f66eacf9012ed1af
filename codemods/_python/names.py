"""What a name refers to: the qualified names the file's imports bind local names to, seen
through scopes (a local binding hides an import)."""

from __future__ import annotations

from dataclasses import dataclass

from fissix.pgen2 import token
from fissix.pytree import Node
from prefect1_migrate.codemods._python.imports import (
    from_import_module,
    import_statements,
    imported_modules,
    imported_names,
)
from prefect1_migrate.codemods._python.scopes import (
    binding_leaves,
    binding_sites,
    defining_scope,
    is_import_site,
    scopes_in,
)
from prefect1_migrate.codemods._python.tree import LN, dotted_text, syms

from prefect1_migrate.codemod import SourceFile
from prefect1_migrate.modules import absolute_module


def import_bindings(root: LN) -> dict[str, str]:
    """Local name -> the qualified name an absolute import anywhere in the file binds it to.

    ``import a.b`` binds ``a``; ``import a.b as x`` binds ``x`` to ``a.b``; ``from a.b import
    C as D`` binds ``D`` to ``a.b.C``. Scopes are not told apart; a name imported as two
    different things is left out, so that it never matches.
    """
    found: dict[str, str] = {}
    ambiguous: set[str] = set()

    def bind(name: str, qualified: str) -> None:
        if found.get(name, qualified) != qualified:
            ambiguous.add(name)
        found[name] = qualified

    for node in import_statements(root):
        if node.type == syms.import_name:
            for _, module, alias in imported_modules(node):
                if alias is not None:
                    bind(alias, dotted_text(module))
                else:
                    top = dotted_text(module).split(".")[0]
                    bind(top, top)
        elif node.type == syms.import_from:
            module = from_import_module(node)
            if module.startswith("."):
                continue
            for _, name, alias in imported_names(node):
                if name != "*":
                    bind(alias or name, f"{module}.{name}")
    for name in ambiguous:
        del found[name]
    return found


def repository_bindings(root: LN, file: SourceFile) -> dict[str, str]:
    """:func:`import_bindings` plus the file's relative imports, each qualified name followed
    through the repository's own modules (``from mypkg.compat import LE`` binds ``LE`` to
    ``prefect.environments.LocalEnvironment`` when ``mypkg/compat`` imports it from there)."""
    bindings = import_bindings(root)
    for node in import_statements(root):
        if node.type != syms.import_from:
            continue
        module = from_import_module(node)
        if not module.startswith("."):
            continue
        dotted = module.lstrip(".")
        absolute = absolute_module(dotted, len(module) - len(dotted), file.path)
        if absolute is None:
            continue
        for _, name, alias in imported_names(node):
            if name != "*":
                bindings.setdefault(alias or name, f"{absolute}.{name}")
    modules = file.options.modules
    return {name: modules.resolve(qualified) for name, qualified in bindings.items()}


def qualified_chain(power: LN, bindings: dict[str, str]) -> list[str]:
    """The qualified name of each prefix of the dotted chain ``power`` starts with.

    After ``import prefect.agent.fargate as fa``, ``fa.FargateAgent(x).start()`` gives
    ``["prefect.agent.fargate", "prefect.agent.fargate.FargateAgent"]``: element ``i`` names
    ``power.children[: i + 1]``. Empty when the first name is not bound by an import.
    """
    if power.type != syms.power or power.children[0].type != token.NAME:
        return []
    base = bindings.get(power.children[0].value)
    if base is None:
        return []
    chain = [base]
    for trailer in power.children[1:]:
        if (
            trailer.type != syms.trailer
            or len(trailer.children) != 2
            or trailer.children[0].type != token.DOT
        ):
            break
        chain.append(f"{chain[-1]}.{trailer.children[1].value}")
    return chain


def shadowed_imports(root: LN, bindings: dict[str, str]) -> set[str]:
    """The names of ``bindings`` (see :func:`import_bindings`) that something other than an
    import binds too, somewhere in the file: a parameter, an assignment, a loop target..."""
    if not bindings:
        return set()
    bound_otherwise = {
        site.value
        for scope in scopes_in(root)
        for site in binding_leaves(scope)
        if site.value in bindings and not is_import_site(site)
    }
    return {name for name in bindings if name in bound_otherwise}


@dataclass
class ImportedNames:
    """One file's imports: what they bind (:func:`import_bindings`) and which of those names
    something else binds too (:func:`shadowed_imports`), to resolve names place by place."""

    root: LN
    bindings: dict[str, str]
    shadowed: set[str]

    @classmethod
    def of(cls, root: LN) -> ImportedNames:
        bindings = import_bindings(root)
        return cls(root, bindings, shadowed_imports(root, bindings))

    def qualified(self, nodes: list[LN]) -> str | None:
        """The qualified name of the dotted expression ``nodes`` (a NAME, or the leading NAME
        and ``.attr`` trailers of a ``power``) when its first name refers to an import at that
        place; None when it is not dotted, not imported, or hidden there by a local binding."""
        if not nodes or nodes[0].type != token.NAME:
            return None
        head = nodes[0]
        if head.value in self.shadowed:
            scope = defining_scope(head)
            if scope is None or not all(map(is_import_site, binding_sites(scope, head.value))):
                return None
        if len(nodes) == 1:
            return self.bindings.get(head.value)
        chain = qualified_chain(head.parent, self.bindings)
        return chain[len(nodes) - 1] if len(chain) >= len(nodes) else None


def base_classes(classdef: Node, bindings: dict[str, str]) -> set[str]:
    """The qualified names of the imported base classes of a ``class`` statement."""
    if len(classdef.children) < 4 or classdef.children[2].type != token.LPAR:
        return set()
    bases = classdef.children[3]
    found: set[str] = set()
    for base in bases.children if bases.type == syms.arglist else [bases]:
        if base.type == token.NAME and base.value in bindings:
            found.add(bindings[base.value])
        elif (chain := qualified_chain(base, bindings)) and len(chain) == len(base.children):
            found.add(chain[-1])
    return found
