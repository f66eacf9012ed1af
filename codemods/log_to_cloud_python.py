"""The log_to_cloud setting is ignored: use send_flow_run_logs (upgrade guide: "Additional
changes").

Rewrites, in Python code:

- ``prefect.config.logging.log_to_cloud`` and ``prefect.context.config.logging.log_to_cloud``
  (also after ``from prefect import config`` / ``context``, read or assigned) and
  ``<config>.logging.get("log_to_cloud")`` -> ``...cloud.send_flow_run_logs``;
- the config key string ``"logging.log_to_cloud"`` (``set_temporary_config({...})``) ->
  ``"cloud.send_flow_run_logs"`` and the environment variable name
  ``"PREFECT__LOGGING__LOG_TO_CLOUD"`` -> ``"PREFECT__CLOUD__SEND_FLOW_RUN_LOGS"``.

Prefect 1.0 ignores the old key without a warning, so logs that were suppressed would start
being sent. ``flow.run_agent(log_to_cloud=...)``, ``Agent(no_cloud_logs=...)`` and the
``agent.log_to_cloud`` attribute are still valid and are left alone.

Flags a dict that sets both the old and the new key (0.15 sent logs only when both were true).
"""

from __future__ import annotations

from fissix.pgen2 import token
from fissix.pytree import Node
from prefect1_migrate.codemods._python.calls import call_arguments
from prefect1_migrate.codemods._python.literals import set_string_value, string_value
from prefect1_migrate.codemods._python.markers import add_todo
from prefect1_migrate.codemods._python.names import import_bindings, qualified_chain
from prefect1_migrate.codemods._python.tree import LN, syms, walk

from prefect1_migrate.codemod import PythonCodemod, SourceFile
from prefect1_migrate.guide import ADDITIONAL

CODEMOD = PythonCodemod(
    __name__,
    title="Use send_flow_run_logs instead of log_to_cloud in Python",
    guide_section=ADDITIONAL,
    order=30,
    summary="prefect.config.logging.log_to_cloud, the logging.log_to_cloud key and "
    "PREFECT__LOGGING__LOG_TO_CLOUD become cloud.send_flow_run_logs in Python code.",
    description=(
        "Replaced the logging.log_to_cloud setting, which Prefect 1.0 ignores without a warning, "
        "with cloud.send_flow_run_logs in Python code: config attribute reads and assignments, "
        "set_temporary_config keys and PREFECT__LOGGING__LOG_TO_CLOUD environment variable "
        "names. flow.run_agent(log_to_cloud=...) and no_cloud_logs are unchanged (still valid)."
    ),
    flags=("a dict that sets both logging.log_to_cloud and cloud.send_flow_run_logs",),
    review_note=(
        "Assigning log_to_cloud = True used to be overridden by send_flow_run_logs = false; the "
        "rewritten assignment now turns log shipping on. Check such assignments."
    ),
    triggers=("log_to_cloud", "LOG_TO_CLOUD"),
)


CONFIG_OBJECTS = ("prefect.config", "prefect.context.config")
OLD_SECTION, OLD_KEY = "logging", "log_to_cloud"
NEW_SECTION, NEW_KEY = "cloud", "send_flow_run_logs"
RENAMED_STRINGS = {
    "logging.log_to_cloud": "cloud.send_flow_run_logs",
    "PREFECT__LOGGING__LOG_TO_CLOUD": "PREFECT__CLOUD__SEND_FLOW_RUN_LOGS",
}
BOTH_SET_TODO = (
    "{old} is ignored by Prefect 1.0 and {new} is set here too: keep only {new}, false if "
    "either was false (0.15 sent logs only when both were true)"
)


@CODEMOD.rewriter
def rewrite(root: Node, file: SourceFile) -> None:
    bindings = import_bindings(root)
    old_sections = {f"{config}.{OLD_SECTION}" for config in CONFIG_OBJECTS}
    for node in walk(root):
        chain = qualified_chain(node, bindings)
        for index in range(1, len(chain) - 1):
            if chain[index] in old_sections:
                _rename_setting(node, index)
        if node.type == token.STRING and string_value(node) in RENAMED_STRINGS:
            _rename_string(node)


def _rename_setting(power: LN, section_index: int) -> None:
    """``<config>.logging.log_to_cloud`` or ``<config>.logging.get("log_to_cloud", ...)``."""
    section = power.children[section_index].children[1]
    attribute = power.children[section_index + 1].children[1]
    if attribute.value == OLD_KEY:
        section.value, attribute.value = NEW_SECTION, NEW_KEY
        return
    if attribute.value != "get" or len(power.children) <= section_index + 2:
        return
    call = power.children[section_index + 2]
    arguments = call_arguments(call) if call.children[0].type == token.LPAR else []
    if arguments and string_value(arguments[0]) == OLD_KEY:
        section.value = NEW_SECTION
        set_string_value(arguments[0], NEW_KEY)


def _rename_string(leaf: LN) -> None:
    old = string_value(leaf)
    assert old is not None
    new = RENAMED_STRINGS[old]
    container = leaf.parent
    if (
        container is not None
        and container.type == syms.dictsetmaker
        and any(string_value(sibling) == new for sibling in container.children)
    ):
        add_todo(leaf, BOTH_SET_TODO.format(old=old, new=new))
        return
    set_string_value(leaf, new)
