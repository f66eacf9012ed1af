"""Storage under ``prefect.environments.storage`` (upgrade guide: "Support for environments").

Prefect 0.14 kept the storage classes also at their pre-0.12 home,
``prefect.environments.storage``; 0.15.0 already removed that path, and 1.0 removed the
rest of ``prefect.environments``. Rewrites, in every import style (``import a.b [as x]``,
``from a.b import C [as D]``, ``from prefect.environments import storage``, parenthesised and
star imports, imports in functions and ``try`` blocks, dotted chains after ``import prefect``),
``prefect.environments.storage[.<module>]`` -> ``prefect.storage[.<module>]``: every name
(``Storage``, ``Docker``, ``Local``, ``Azure``, ``GCS``, ``S3``, ``GitHub``, ``GitLab``,
``Bitbucket``, ``CodeCommit``, ``Webhook``, ``get_default_storage_class``) kept its name.
Also rewrites every plain string literal that is exactly such a dotted path
(``"prefect.environments.storage.Docker"``, ``"prefect.environments.storage.local.Local"``:
the ``flows.defaults.storage.default_class`` setting, its ``PREFECT__FLOWS__DEFAULTS__STORAGE__
DEFAULT_CLASS`` variable, ``mock.patch`` targets), as ``executor-config-strings`` does for
executors: every module of 0.14's ``prefect.environments.storage`` exists under
``prefect.storage`` in 1.0.0 and 1.4.1 with the same names. Flags nothing.
"""

from __future__ import annotations

import re

from fissix.pytree import Node
from prefect1_migrate.codemods._python.literals import rewrite_whole_strings
from prefect1_migrate.codemods._python.moves import ModuleMove, move_imports

from prefect1_migrate.codemod import PythonCodemod, SourceFile
from prefect1_migrate.guide import ENVIRONMENTS

CODEMOD = PythonCodemod(
    __name__,
    title="prefect.environments.storage becomes prefect.storage",
    guide_section=ENVIRONMENTS,
    order=10,
    summary="prefect.environments.storage[.X] -> prefect.storage[.X], in every import style "
    "and in strings naming such a path.",
    description=(
        "Moved storage imports from prefect.environments.storage to prefect.storage (same "
        "names). The guide does not list this path: it was already removed in Prefect 0.15.0, "
        "so code still using it predates 0.15 and fails on 0.15 and 1.0 alike."
    ),
    triggers=("prefect.environments",),
)

#: A whole string naming something under prefect.environments.storage.
OLD_PATH = re.compile(r"prefect\.environments\.storage(?P<rest>(?:\.[A-Za-z_]\w*)*)")


MODULE_MOVES = (ModuleMove("prefect.environments.storage", "prefect.storage"),)


@CODEMOD.rewriter
def rewrite(root: Node, file: SourceFile) -> None:
    move_imports(root, MODULE_MOVES)
    rewrite_whole_strings(root, OLD_PATH, lambda match: f"prefect.storage{match['rest']}")
