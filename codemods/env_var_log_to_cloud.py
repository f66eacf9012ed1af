"""``log_to_cloud`` is ignored, use ``send_flow_run_logs`` (upgrade guide: "Additional
changes"), for environment variables set in non-Python files.

Renames the variable being set, ``PREFECT__LOGGING__LOG_TO_CLOUD`` ->
``PREFECT__CLOUD__SEND_FLOW_RUN_LOGS``, in every form a file can set one, and the later reads
of it in the same file. Prefect 0.15 shipped logs only when both settings were true; where the
same block already sets ``PREFECT__CLOUD__SEND_FLOW_RUN_LOGS``, the two literal booleans are
combined into it (``false`` wins) and the old entry is removed. Anything else is flagged.
"""

from __future__ import annotations

from prefect1_migrate.codemods._env_settings import env_bool, env_references, find_env_settings
from prefect1_migrate.codemods._text import LineEdits

from prefect1_migrate.codemod import SourceFile, TextCodemod
from prefect1_migrate.filekinds import ENVIRONMENT_KINDS
from prefect1_migrate.guide import ADDITIONAL

OLD = "PREFECT__LOGGING__LOG_TO_CLOUD"
NEW = "PREFECT__CLOUD__SEND_FLOW_RUN_LOGS"

CODEMOD = TextCodemod(
    __name__,
    title="Env vars: LOG_TO_CLOUD becomes CLOUD__SEND_FLOW_RUN_LOGS",
    guide_section=ADDITIONAL,
    order=40,
    summary="PREFECT__LOGGING__LOG_TO_CLOUD settings in scripts, Dockerfiles, compose, CI, "
    "manifests and .env files become PREFECT__CLOUD__SEND_FLOW_RUN_LOGS.",
    description=(
        "Renamed the environment variable PREFECT__LOGGING__LOG_TO_CLOUD to "
        "PREFECT__CLOUD__SEND_FLOW_RUN_LOGS where files set it: Prefect 1.0 ignores the old "
        "one without a warning, so logs it suppressed would start being shipped. Where both "
        "were set in the same block, their values were combined (0.15 sent logs only when both "
        "were true) and the old entry removed."
    ),
    flags=(
        "both variables set in one block when either value is not a literal true/false, or the "
        "old one shares its line with other settings",
    ),
    triggers=(OLD,),
    file_kinds=ENVIRONMENT_KINDS,
)


_BOTH_SET = (
    f"{OLD} and {NEW} are both set here: Prefect 1.0 reads only {NEW} (0.15 sent logs only "
    f"when both were true); merge them into {NEW} and remove {OLD}"
)


@CODEMOD.rewriter
def rewrite(text: str, file: SourceFile) -> str:
    lines = text.split("\n")
    settings = find_env_settings(lines, file, (OLD, NEW))
    current = [setting for setting in settings if setting.name == NEW]
    edits = LineEdits()
    replaced: list[int] = []
    for setting in (setting for setting in settings if setting.name == OLD):
        in_block = [other for other in current if setting.shares_block(other)]
        if not in_block:
            edits.replace(setting.line, setting.start, setting.start + len(OLD), NEW)
            replaced.append(setting.line)
            continue
        old_value = env_bool(setting.value)
        new_values = [env_bool(other.value) for other in in_block]
        if setting.entry is None or old_value is None or None in new_values or len(in_block) > 1:
            edits.todo(setting.anchor, _BOTH_SET)
            continue
        target = in_block[0]
        if old_value is False and new_values[0] is True and target.value_span is not None:
            line, start, end = target.value_span
            edits.replace(line, start, end, setting.value or "")
        elif old_value is False and new_values[0] is True:
            edits.todo(setting.anchor, _BOTH_SET)
            continue
        edits.delete(*setting.entry)
        replaced.append(setting.line)
    if replaced:
        for index, column in env_references(lines, file, OLD, min(replaced), settings):
            edits.replace(index, column, column + len(OLD), NEW)
    return "\n".join(edits.apply(lines, file)) if edits else text
