"""Imports have moved (upgrade guide: "Imports have moved").

Rewrites, in every import style (``import a.b [as x]``, ``from a.b import C [as D]``,
``from a import b``, parenthesised/continued/star imports, imports in functions and
``try`` blocks, and dotted chains after ``import prefect``):

- ``prefect.engine.executors[.dask|.local]`` -> ``prefect.executors[...]``;
- ``Parameter`` from ``prefect.core.task`` (and the guide's misspelt ``prefect.core.tasks``)
  -> ``from prefect import Parameter``;
- ``prefect.utilities.exceptions`` -> ``prefect.exceptions``, renaming ``PrefectError`` ->
  ``PrefectException`` and ``StorageError`` -> ``FlowStorageError``; the 0.15 compatibility
  aliases ``prefect.exceptions.{PrefectError, StorageError, ClientError_, AuthorizationError_}``
  get their real names too, and the incidental ``prefect.agent.agent.AuthorizationError``
  becomes ``prefect.exceptions.AuthorizationError``;
- ``prefect.artifacts.create_link/update_link/create_markdown/update_markdown/delete_artifact``
  -> ``prefect.backend.artifacts.*_artifact`` / ``delete_artifact``, also through the module
  (``from prefect import artifacts`` / ``import prefect.artifacts [as a]`` then
  ``artifacts.create_link(...)``); the module import is removed once the rewrite left it
  unused and it is not listed in ``__all__`` (``import prefect.artifacts`` becomes ``import
  prefect`` while ``prefect`` is still used and nothing else imports it). Real Prefect 1.0.0
  and 1.4.1 still import ``prefect.artifacts`` (the old names are deprecated aliases), and
  ``prefect.backend.artifacts`` is reachable after a bare ``import prefect``.

Flags ``TaskTimeoutError``, ``VersionLockError``, ``ContextError``, ``SerializationError`` and
``PrefectWarning``: they have no 1.0 equivalent, and the closest names are BaseException
signals that an ``except`` clause must not swallow.
"""

from __future__ import annotations

from fissix.pytree import Node
from prefect1_migrate.codemods._python.moves import ModuleMove, NameMove, move_imports

from prefect1_migrate.codemod import PythonCodemod, SourceFile
from prefect1_migrate.guide import IMPORTS_MOVED

CODEMOD = PythonCodemod(
    __name__,
    title="Imports have moved",
    guide_section=IMPORTS_MOVED,
    order=10,
    summary="prefect.engine.executors, prefect.core.task.Parameter, prefect.utilities.exceptions "
    "and prefect.artifacts move to their 1.0 homes, in every import style.",
    description=(
        "Moved imports to their Prefect 1.0 homes: prefect.engine.executors -> prefect.executors, "
        "prefect.core.task.Parameter -> prefect.Parameter, prefect.utilities.exceptions -> "
        "prefect.exceptions (PrefectError -> PrefectException, StorageError -> FlowStorageError), "
        "prefect.artifacts.* -> prefect.backend.artifacts.*_artifact. The guide names "
        "prefect.core.tasks; the real module was prefect.core.task (both are handled). The guide "
        "says the old executor and artifact paths are gone; real Prefect 1.x still imports them "
        "with a warning, but `prefect.engine.executors.X` after a bare `import prefect` fails."
    ),
    flags=(
        "TaskTimeoutError, VersionLockError, ContextError, SerializationError, PrefectWarning from "
        "prefect.utilities.exceptions (no 1.0 equivalent)",
        "star imports from prefect.utilities.exceptions when a renamed name is used",
    ),
    triggers=(
        "prefect.engine",
        "prefect.core.task",
        "prefect.utilities",
        "prefect.artifacts",
        "prefect.exceptions",
        "prefect.agent.agent",
        "from prefect import",
    ),
)


_NEVER_RAISED = (
    "{name} was never raised by Prefect 0.15 and has no 1.0 equivalent; "
    "remove the import and any `except {name}` (do not catch {signal}, a BaseException)"
)

MODULE_MOVES = (
    ModuleMove("prefect.engine.executors", "prefect.executors"),
    ModuleMove(
        "prefect.utilities.exceptions",
        "prefect.exceptions",
        renamed={"PrefectError": "PrefectException", "StorageError": "FlowStorageError"},
        no_equivalent={
            "TaskTimeoutError": _NEVER_RAISED.format(
                name="TaskTimeoutError", signal="TaskTimeoutSignal"
            ),
            "VersionLockError": _NEVER_RAISED.format(
                name="VersionLockError", signal="VersionLockMismatchSignal"
            ),
            "ContextError": "ContextError has no Prefect 1.0 equivalent (it was never raised); remove it",
            "SerializationError": "SerializationError has no Prefect 1.0 equivalent (it was never raised); remove it",
            "PrefectWarning": "PrefectWarning has no Prefect 1.0 equivalent; use UserWarning or a warning class of your own",
        },
    ),
)

NAME_MOVES = (
    NameMove("prefect.core.task", "Parameter", "prefect", "Parameter"),
    NameMove(
        "prefect.agent.agent", "AuthorizationError", "prefect.exceptions", "AuthorizationError"
    ),
    NameMove("prefect.core.tasks", "Parameter", "prefect", "Parameter"),
    NameMove("prefect.exceptions", "PrefectError", "prefect.exceptions", "PrefectException"),
    NameMove("prefect.exceptions", "StorageError", "prefect.exceptions", "FlowStorageError"),
    NameMove("prefect.exceptions", "ClientError_", "prefect.exceptions", "ClientError"),
    NameMove(
        "prefect.exceptions", "AuthorizationError_", "prefect.exceptions", "AuthorizationError"
    ),
    NameMove(
        "prefect.artifacts", "create_link", "prefect.backend.artifacts", "create_link_artifact"
    ),
    NameMove(
        "prefect.artifacts", "update_link", "prefect.backend.artifacts", "update_link_artifact"
    ),
    NameMove(
        "prefect.artifacts",
        "create_markdown",
        "prefect.backend.artifacts",
        "create_markdown_artifact",
    ),
    NameMove(
        "prefect.artifacts",
        "update_markdown",
        "prefect.backend.artifacts",
        "update_markdown_artifact",
    ),
    NameMove(
        "prefect.artifacts", "delete_artifact", "prefect.backend.artifacts", "delete_artifact"
    ),
    NameMove(
        "prefect.artifacts",
        "create_link_artifact",
        "prefect.backend.artifacts",
        "create_link_artifact",
    ),
    NameMove(
        "prefect.artifacts",
        "create_markdown_artifact",
        "prefect.backend.artifacts",
        "create_markdown_artifact",
    ),
    NameMove(
        "prefect.artifacts",
        "update_link_artifact",
        "prefect.backend.artifacts",
        "update_link_artifact",
    ),
    NameMove(
        "prefect.artifacts",
        "update_markdown_artifact",
        "prefect.backend.artifacts",
        "update_markdown_artifact",
    ),
)


@CODEMOD.rewriter
def rewrite(root: Node, file: SourceFile) -> None:
    move_imports(root, MODULE_MOVES, NAME_MOVES)
