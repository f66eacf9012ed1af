"""Executors moved to ``prefect.executors`` (upgrade guide: "Imports have moved"), for the
default-class environment variables set in non-Python files.

Rewrites the value of ``PREFECT__ENGINE__EXECUTOR__DEFAULT_CLASS`` from
``prefect.engine.executors[.dask|.local].X`` to ``prefect.executors[...].X``, and of
``PREFECT__FLOWS__DEFAULTS__STORAGE__DEFAULT_CLASS`` from ``prefect.environments.storage.X``
(removed in 0.15.0) to ``prefect.storage.X``, in every form a file can set them. Prefect 1.0
resolves these strings only among modules already imported, so the old executor path silently
falls back to ``LocalExecutor``.
"""

from __future__ import annotations

from prefect1_migrate.codemods._env_settings import find_env_settings
from prefect1_migrate.codemods._text import LineEdits

from prefect1_migrate.codemod import SourceFile, TextCodemod
from prefect1_migrate.filekinds import ENVIRONMENT_KINDS
from prefect1_migrate.guide import IMPORTS_MOVED

CODEMOD = TextCodemod(
    __name__,
    title="Env vars: executor/storage classes name their 1.0 modules",
    guide_section=IMPORTS_MOVED,
    order=40,
    summary="PREFECT__ENGINE__EXECUTOR__DEFAULT_CLASS=prefect.engine.executors.X becomes "
    "prefect.executors.X (and legacy prefect.environments.storage.X becomes prefect.storage.X).",
    description=(
        "Rewrote PREFECT__ENGINE__EXECUTOR__DEFAULT_CLASS values naming "
        "prefect.engine.executors.X to prefect.executors.X, and "
        "PREFECT__FLOWS__DEFAULTS__STORAGE__DEFAULT_CLASS values naming "
        "prefect.environments.storage.X to prefect.storage.X. Prefect 1.0 looks the class up "
        "only among imported modules: with the old path it warns and runs flows with "
        "LocalExecutor instead."
    ),
    triggers=("prefect.engine.executors.", "prefect.environments.storage."),
    file_kinds=ENVIRONMENT_KINDS,
)


MOVED_PREFIXES = {
    "PREFECT__ENGINE__EXECUTOR__DEFAULT_CLASS": ("prefect.engine.executors.", "prefect.executors."),
    "PREFECT__FLOWS__DEFAULTS__STORAGE__DEFAULT_CLASS": (
        "prefect.environments.storage.",
        "prefect.storage.",
    ),
}


@CODEMOD.rewriter
def rewrite(text: str, file: SourceFile) -> str:
    lines = text.split("\n")
    edits = LineEdits()
    for setting in find_env_settings(lines, file, MOVED_PREFIXES):
        old, new = MOVED_PREFIXES[setting.name]
        if setting.value_span is None or setting.value is None or old not in setting.value:
            continue
        line, start, end = setting.value_span
        edits.replace(line, start, end, setting.value.replace(old, new))
    return "\n".join(edits.apply(lines, file)) if edits else text
