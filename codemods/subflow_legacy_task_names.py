"""Legacy sub-flow task names (upgrade guide: "Tasks for sub-flows"; the names themselves were
removed in 0.15.0, after a deprecation in 0.13.12).

Renames, in every import style (``from prefect.tasks.prefect import FlowRunTask [as X]``,
``import prefect.tasks.prefect.flow_run as m`` + ``m.FlowRunTask``, dotted chains after
``import prefect``):

- ``FlowRunTask`` -> ``StartFlowRun`` (``prefect.tasks.prefect[.flow_run]``);
- ``RenameFlowRunTask`` -> ``RenameFlowRun`` (``prefect.tasks.prefect[.flow_run_rename]``);
- ``CancelFlowRunTask`` -> ``CancelFlowRun`` (``prefect.tasks.prefect[.flow_run_cancel]``).

The old names were thin subclasses with the same constructor, so the rename is exact. It runs
before the ``StartFlowRun`` modernisation of the same section, which then sees the new names.
"""

from __future__ import annotations

from fissix.pytree import Node
from prefect1_migrate.codemods._python.moves import NameMove, move_imports

from prefect1_migrate.codemod import PythonCodemod, SourceFile
from prefect1_migrate.guide import SUBFLOWS

CODEMOD = PythonCodemod(
    __name__,
    title="Legacy sub-flow task names",
    guide_section=SUBFLOWS,
    order=10,
    summary="FlowRunTask, RenameFlowRunTask and CancelFlowRunTask become StartFlowRun, "
    "RenameFlowRun and CancelFlowRun, in every import style.",
    description=(
        "Renamed the sub-flow tasks removed in Prefect 0.15.0: FlowRunTask -> StartFlowRun, "
        "RenameFlowRunTask -> RenameFlowRun, CancelFlowRunTask -> CancelFlowRun (same "
        "constructors; the old names were thin subclasses). Not in the upgrade guide: these "
        "names already failed to import on 0.15."
    ),
    triggers=("FlowRunTask",),
)


RENAMED = (
    ("flow_run", "FlowRunTask", "StartFlowRun"),
    ("flow_run_rename", "RenameFlowRunTask", "RenameFlowRun"),
    ("flow_run_cancel", "CancelFlowRunTask", "CancelFlowRun"),
)

NAME_MOVES = tuple(
    NameMove(module, old, module, new)
    for submodule, old, new in RENAMED
    for module in ("prefect.tasks.prefect", f"prefect.tasks.prefect.{submodule}")
)


@CODEMOD.rewriter
def rewrite(root: Node, file: SourceFile) -> None:
    move_imports(root, name_moves=NAME_MOVES)
