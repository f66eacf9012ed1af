"""Executor class names in configuration strings (upgrade guide: "Additional changes"; the
changelog's consequence of "Executors now imported from prefect.executors").

Rewrites every plain string literal that is exactly the qualified name of a 0.15 executor
class, ``"prefect.engine.executors[.dask|.local].<Executor>"``, to
``"prefect.executors[.dask|.local].<Executor>"``: the value of
``set_temporary_config({"engine.executor.default_class": ...})``, of
``os.environ["PREFECT__ENGINE__EXECUTOR__DEFAULT_CLASS"]``, of ``env=`` dicts, of
``mock.patch(...)`` targets. Prefect 1.0 resolves such a string only if something imported
``prefect.engine.executors`` first; otherwise it warns and silently runs the flow with
``LocalExecutor``. Strings that merely contain such a name, f-strings and byte strings are left
alone. Nothing is flagged.
"""

from __future__ import annotations

import re

from fissix.pytree import Node
from prefect1_migrate.codemods._python.literals import rewrite_whole_strings

from prefect1_migrate.codemod import PythonCodemod, SourceFile
from prefect1_migrate.guide import ADDITIONAL

CODEMOD = PythonCodemod(
    __name__,
    title="Point executor class strings at prefect.executors",
    guide_section=ADDITIONAL,
    order=40,
    summary='"prefect.engine.executors.X" strings (default executor class settings, patch '
    'targets) become "prefect.executors.X".',
    description=(
        'Rewrote string literals naming an executor class as "prefect.engine.executors.X" to '
        '"prefect.executors.X". Prefect 1.0 no longer imports prefect.engine.executors, so '
        "engine.executor.default_class settings pointing there fall back to LocalExecutor with "
        "only a warning."
    ),
    review_note=(
        "Executor class names built at run time (f-strings, concatenation) are not rewritten; "
        "search for prefect.engine.executors in strings the tool could not read."
    ),
    triggers=("prefect.engine.executors.",),
)


OLD_NAME = re.compile(
    r"prefect\.engine\.executors\."
    r"(?P<rest>(?:Executor|LocalExecutor|DaskExecutor|LocalDaskExecutor)"
    r"|dask\.(?:DaskExecutor|LocalDaskExecutor)"
    r"|local\.LocalExecutor)"
)


@CODEMOD.rewriter
def rewrite(root: Node, file: SourceFile) -> None:
    rewrite_whole_strings(root, OLD_NAME, lambda match: f"prefect.executors.{match['rest']}")
