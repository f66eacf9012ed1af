"""Storage under ``prefect.environments.storage`` (upgrade guide: "Support for environments").

Prefect 0.14 kept the storage classes also at their pre-0.12 home,
``prefect.environments.storage``; 0.15.0 already removed that path, and 1.0 removed the
rest of ``prefect.environments``. Rewrites, in every import style (``import a.b [as x]``,
``from a.b import C [as D]``, ``from prefect.environments import storage``, parenthesised and
star imports, imports in functions and ``try`` blocks, dotted chains after ``import prefect``),
``prefect.environments.storage[.<module>]`` -> ``prefect.storage[.<module>]``: every name
(``Storage``, ``Docker``, ``Local``, ``Azure``, ``GCS``, ``S3``, ``GitHub``, ``GitLab``,
``Bitbucket``, ``CodeCommit``, ``Webhook``, ``get_default_storage_class``) kept its name.
Flags nothing.
"""

from __future__ import annotations

from fissix.pytree import Node

from codemods._python.moves import ModuleMove, move_imports
from prefect1_migrate.codemod import PythonCodemod, SourceFile
from prefect1_migrate.guide import ENVIRONMENTS

CODEMOD = PythonCodemod(
    __name__,
    title="prefect.environments.storage becomes prefect.storage",
    guide_section=ENVIRONMENTS,
    order=10,
    summary="prefect.environments.storage[.X] -> prefect.storage[.X], in every import style.",
    description=(
        "Moved storage imports from prefect.environments.storage to prefect.storage (same "
        "names). The guide does not list this path: it was already removed in Prefect 0.15.0, "
        "so code still using it predates 0.15 and fails on 0.15 and 1.0 alike."
    ),
    triggers=("prefect.environments",),
)


MODULE_MOVES = (ModuleMove("prefect.environments.storage", "prefect.storage"),)


@CODEMOD.rewriter
def rewrite(root: Node, file: SourceFile) -> None:
    move_imports(root, MODULE_MOVES)
