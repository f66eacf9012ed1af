"""Prefect APIs removed or changed without a mechanical replacement (changelog; guide section
"Additional changes").

Flags, in every import style:

- ``prefect.utilities.storage.get_flow_image(flow)``: now returns ``flow.run_config.image``
  whenever the run config has an ``image`` attribute, even ``None``, before looking at Docker
  storage. ``prefect.utilities.agent.get_flow_image`` (the changelog's replacement) takes a flow
  run from the API, not a Flow, so nothing is rewritten;
- ``KubernetesAgent.generate_job_spec_from_environment`` / ``..._from_run_config`` and
  ``Agent._verify_token`` (removed);
- ``get_hook`` of ``DatabricksSubmitRun`` / ``DatabricksRunNow`` (now a private
  ``_get_hook`` with other parameters), on the class, on instances assigned from it, on ``self``
  in subclasses, and as ``mock.patch`` targets;
- imports of ``prefect.tasks.databricks`` (Prefect 1.0 needs the ``databricks`` extra);
- ``LocalDaskExecutor(scheduler="processes")`` (now a ``concurrent.futures`` process pool with
  the platform's default start method);
- removed helpers: ``prefect.configuration.warn_on_deprecated_config_keys``,
  ``prefect.storage._healthcheck.environment_dependency_check`` and the command objects of the
  removed CLI commands (``prefect.cli.auth.create_token/list_tokens/revoke_token``,
  ``prefect.cli.build_register.flow``, ``prefect.cli.run.run_flow``,
  ``prefect.cli.agent.fargate/warn_fargate_deprecated``).

``prefect.get_versions`` is not flagged: 0.15.13 already deleted it right after use, so no
working 0.15 code refers to it.
"""

from __future__ import annotations

from fissix.pgen2 import token
from fissix.pytree import Node
from prefect1_migrate.codemods._python.calls import (
    assigned_calls,
    call_arguments,
    calls_to,
    keyword_argument,
)
from prefect1_migrate.codemods._python.imports import from_import_module, imported_names
from prefect1_migrate.codemods._python.literals import string_value
from prefect1_migrate.codemods._python.markers import add_todo
from prefect1_migrate.codemods._python.names import base_classes, import_bindings, qualified_chain
from prefect1_migrate.codemods._python.tree import LN, dotted_text, leaves_of, syms, walk

from prefect1_migrate.codemod import PythonCodemod, SourceFile
from prefect1_migrate.guide import ADDITIONAL

CODEMOD = PythonCodemod(
    __name__,
    title="Flag removed and silently changed Prefect APIs",
    guide_section=ADDITIONAL,
    order=60,
    summary="Flags get_flow_image, removed KubernetesAgent/Agent methods, Databricks get_hook and "
    "extra, process-based LocalDaskExecutor and removed helpers.",
    description=(
        "Marked uses of Prefect APIs that were removed or changed behaviour in 1.0 without a "
        "mechanical replacement: prefect.utilities.storage.get_flow_image, "
        "KubernetesAgent.generate_job_spec_from_*, Agent._verify_token, Databricks get_hook and "
        "the new databricks extra, LocalDaskExecutor with processes, and removed configuration, "
        "healthcheck and CLI helpers. The changelog's replacement for get_flow_image, "
        "prefect.utilities.agent.get_flow_image, takes a flow run rather than a Flow, so it is "
        "not substituted."
    ),
    flags=(
        "prefect.utilities.storage.get_flow_image",
        "KubernetesAgent.generate_job_spec_from_environment/_from_run_config, Agent._verify_token",
        "DatabricksSubmitRun/DatabricksRunNow.get_hook and imports of prefect.tasks.databricks",
        'LocalDaskExecutor(scheduler="processes")',
        "warn_on_deprecated_config_keys, environment_dependency_check, removed CLI command objects",
    ),
    review_note=(
        "Docker storage now removes intermediate build containers (rm=True) unless "
        'build_kwargs={"rm": False}; LocalDaskExecutor with threads can no longer interrupt '
        "running tasks on cancellation."
    ),
    triggers=(
        "get_flow_image",
        "generate_job_spec_from_",
        "_verify_token",
        "databricks",
        "LocalDaskExecutor",
        "warn_on_deprecated_config_keys",
        "environment_dependency_check",
        "prefect.cli",
    ),
)


GET_FLOW_IMAGE = "prefect.utilities.storage.get_flow_image"
GET_FLOW_IMAGE_TODO = (
    "prefect.utilities.storage.get_flow_image(flow) now returns flow.run_config.image whenever "
    "the run config has an `image` attribute, even None, before looking at Docker storage; check "
    "the result (prefect.utilities.agent.get_flow_image takes a flow run from the API, not a Flow)"
)
REMOVED_NAMES = {
    "prefect.configuration.warn_on_deprecated_config_keys": (
        "prefect.configuration.warn_on_deprecated_config_keys was removed in Prefect 1.0 (the old "
        "keys are ignored without a warning); drop the call"
    ),
    "prefect.storage._healthcheck.environment_dependency_check": (
        "environment_dependency_check was removed with environments in Prefect 1.0; drop the call"
    ),
    "prefect.cli.auth.create_token": (
        "the token CLI commands were removed in Prefect 1.0; use prefect.cli.auth.create_key"
    ),
    "prefect.cli.auth.list_tokens": (
        "the token CLI commands were removed in Prefect 1.0; use prefect.cli.auth.list_keys"
    ),
    "prefect.cli.auth.revoke_token": (
        "the token CLI commands were removed in Prefect 1.0; use prefect.cli.auth.revoke_key"
    ),
    "prefect.cli.build_register.flow": (
        "`prefect register flow` was removed in Prefect 1.0; use the prefect.cli.build_register."
        "register command (`prefect register --path ... --project ...`)"
    ),
    "prefect.cli.run.run_flow": (
        "`prefect run flow` was removed in Prefect 1.0; use the prefect.cli.run.run command "
        "(`prefect run --name ... --project ...`)"
    ),
    "prefect.cli.agent.fargate": (
        "the fargate agent commands were removed in Prefect 1.0; use prefect.cli.agent.ecs"
    ),
    "prefect.cli.agent.warn_fargate_deprecated": (
        "warn_fargate_deprecated was removed with the Fargate agent in Prefect 1.0; drop it"
    ),
}
REMOVED_METHODS = {
    "generate_job_spec_from_environment": (
        "KubernetesAgent.generate_job_spec_from_environment was removed in Prefect 1.0 with "
        "environments; use generate_job_spec(flow_run)"
    ),
    "generate_job_spec_from_run_config": (
        "KubernetesAgent.generate_job_spec_from_run_config(flow_run, run_config) was removed in "
        "Prefect 1.0; use generate_job_spec(flow_run), which reads the flow run's run config"
    ),
    "_verify_token": (
        "Agent._verify_token was removed in Prefect 1.0 (agents authenticate with API keys); "
        "drop the call"
    ),
}
DATABRICKS_MODULE = "prefect.tasks.databricks"
DATABRICKS_TASKS = frozenset(
    f"{module}.{name}"
    for module in (DATABRICKS_MODULE, f"{DATABRICKS_MODULE}.databricks_submitjob")
    for name in ("DatabricksSubmitRun", "DatabricksRunNow")
)
DATABRICKS_EXTRA_TODO = (
    "Prefect 1.0 imports prefect.tasks.databricks only with the databricks extra installed (pip "
    'install "prefect[databricks]"); DatabricksRunNow now calls the Jobs API 2.1'
)
GET_HOOK_TODO = (
    "DatabricksSubmitRun/DatabricksRunNow.get_hook() is gone in Prefect 1.0 (now a private "
    "_get_hook with other parameters): build a DatabricksHook yourself, or in tests patch "
    "prefect.tasks.databricks.databricks_submitjob.DatabricksHook"
)
LOCAL_DASK_EXECUTOR = frozenset(
    f"{module}.LocalDaskExecutor"
    for module in (
        "prefect.executors",
        "prefect.executors.dask",
        "prefect.engine.executors",
        "prefect.engine.executors.dask",
    )
)
PROCESS_SCHEDULERS = ("processes", "multiprocessing")
LOCAL_DASK_TODO = (
    'LocalDaskExecutor(scheduler="processes") runs on a concurrent.futures ProcessPoolExecutor '
    "in Prefect 1.0, with the platform's default start method instead of dask's "
    "multiprocessing.context setting (spawn by default): check that the flow still works with it"
)


@CODEMOD.rewriter
def rewrite(root: Node, file: SourceFile) -> None:
    bindings = import_bindings(root)
    _flag_imports(root)
    for node in walk(root):
        for qualified in qualified_chain(node, bindings):
            if qualified == GET_FLOW_IMAGE:
                add_todo(node, GET_FLOW_IMAGE_TODO)
            elif qualified in REMOVED_NAMES:
                add_todo(node, REMOVED_NAMES[qualified])
        if _is_attribute(node) and node.children[1].value in REMOVED_METHODS:
            add_todo(node, REMOVED_METHODS[node.children[1].value])
    _flag_get_hook(root, bindings)
    for _, trailer in calls_to(root, LOCAL_DASK_EXECUTOR, bindings):
        if _scheduler(trailer) in PROCESS_SCHEDULERS:
            add_todo(trailer, LOCAL_DASK_TODO)


def _flag_imports(root: LN) -> None:
    for node in walk(root):
        if node.type == syms.import_from:
            module = from_import_module(node)
            names = {f"{module}.{name}" for _, name, _ in imported_names(node)}
            if _is_databricks(module) or any(map(_is_databricks, names)):
                add_todo(node, DATABRICKS_EXTRA_TODO)
            for qualified in sorted(names & REMOVED_NAMES.keys()):
                add_todo(node, REMOVED_NAMES[qualified])
        elif node.type == syms.import_name and any(map(_is_databricks, _modules(node))):
            add_todo(node, DATABRICKS_EXTRA_TODO)


def _flag_get_hook(root: LN, bindings: dict[str, str]) -> None:
    subclass_leaves = {
        id(leaf)
        for node in walk(root)
        if node.type == syms.classdef and base_classes(node, bindings) & DATABRICKS_TASKS
        for leaf in leaves_of(node)
    }
    for node in walk(root):
        if _is_attribute(node) and node.children[1].value == "get_hook":
            power = node.parent
            index = power.children.index(node)
            chain = qualified_chain(power, bindings)
            receiver = power.children[0] if index == 1 else None
            if (len(chain) >= index and chain[index - 1] in DATABRICKS_TASKS) or (
                receiver is not None
                and receiver.type == token.NAME
                and (
                    assigned_calls(receiver, DATABRICKS_TASKS, bindings)[0] > 0
                    or (receiver.value == "self" and id(receiver) in subclass_leaves)
                )
            ):
                add_todo(node, GET_HOOK_TODO)
        elif node.type == token.STRING:
            text = string_value(node) or ""
            if _is_databricks(text.rpartition(".")[0]) and text.endswith(".get_hook"):
                add_todo(node, GET_HOOK_TODO)
            elif text == "get_hook" and _patched_object_is_databricks(node, bindings):
                add_todo(node, GET_HOOK_TODO)


def _patched_object_is_databricks(string: LN, bindings: dict[str, str]) -> bool:
    """``patch.object(DatabricksRunNow, "get_hook")``: the argument before the string."""
    arguments = string.parent
    if arguments is None or arguments.type != syms.arglist:
        return False
    siblings = [child for child in arguments.children if child.type != token.COMMA]
    index = siblings.index(string)
    if index == 0:
        return False
    target = siblings[index - 1]
    if target.type == token.NAME:
        return bindings.get(target.value) in DATABRICKS_TASKS
    chain = qualified_chain(target, bindings)
    return bool(chain) and chain[-1] in DATABRICKS_TASKS and len(chain) == len(target.children)


def _scheduler(trailer: LN) -> str | None:
    for index, argument in enumerate(call_arguments(trailer)):
        keyword = keyword_argument(argument)
        if keyword is not None and keyword[0] == "scheduler":
            return string_value(keyword[1])
        if index == 0 and keyword is None:
            return string_value(argument)
    return None


def _modules(import_name: LN) -> list[str]:
    """The modules an ``import a.b, c as d`` statement imports."""
    target = import_name.children[1]
    elements = target.children[::2] if target.type == syms.dotted_as_names else [target]
    return [
        dotted_text(element.children[0] if element.type == syms.dotted_as_name else element)
        for element in elements
    ]


def _is_databricks(module: str) -> bool:
    return module == DATABRICKS_MODULE or module.startswith(DATABRICKS_MODULE + ".")


def _is_attribute(node: LN) -> bool:
    return (
        node.type == syms.trailer
        and len(node.children) == 2
        and node.children[0].type == token.DOT
        and node.parent is not None
        and node.parent.type == syms.power
    )
