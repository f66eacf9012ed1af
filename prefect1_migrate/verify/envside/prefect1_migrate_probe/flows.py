"""Build the flows of a Python file with this environment's Prefect and describe them.

The file runs with ``runpy.run_path(path, run_name="<flow>")``, as ``prefect register
--path`` does (``if __name__ == "__main__"`` blocks are skipped), with the repository root and
the file's folder first on ``sys.path`` and the root as working directory. Every Flow object
left in the file's globals is described: name, tasks (class or function, settings, constant
inputs), edges (upstream, downstream, key, mapped), parameters (name, default, required), run
config (type and every set field), executor (type and its defining fields), storage type,
the 0.x environment where one is set (type, every argument, the content of local
``*_spec_file``s), the Prefect warnings raised while building; and, when asked, the outcome of
``flow.validate()`` and ``next()`` on its schedule; what ``flow.serialize()`` raised (if
anything) is always part of the description. Paths under the root
become ``<root>/...``; secret-looking keys are redacted.

A module the file (or Prefect for it) imports and that is neither installed nor part of the
repository is answered as ``{"missing_dependency": name}``: the environment lacks a
dependency, which says nothing about the migration.
"""

from __future__ import annotations

import json
import os
import runpy
import sys
import warnings
from typing import Any

import yaml
from prefect import Flow, Task
from prefect1_migrate_probe.common import describe_error, jsonable, qualified_name

_EXECUTOR_FIELDS = ("address", "cluster_class", "adapt_kwargs", "scheduler", "dask_config")
_EXECUTOR_KEY_FIELDS = ("cluster_kwargs", "client_kwargs")  # only their keys are compared
_BASE_TASK_ATTRIBUTES = frozenset(vars(Task()))


def describe_executor(executor: Any, root: str) -> dict[str, Any] | None:
    if executor is None:
        return None
    info: dict[str, Any] = {"type": type(executor).__name__}
    for field in _EXECUTOR_FIELDS:
        value = getattr(executor, field, None)
        if value is not None:
            info[field] = jsonable(value, root)
    for field in _EXECUTOR_KEY_FIELDS:
        value = getattr(executor, field, None)
        if value:
            info[field + "_keys"] = sorted(str(key) for key in value)
    if isinstance(info.get("cluster_class"), str):
        info["cluster_class"] = {"callable": info["cluster_class"]}
    return info


def describe_run_config(run_config: Any, root: str) -> dict[str, Any] | None:
    if run_config is None:
        return None
    fields = {k: v for k, v in vars(run_config).items() if not k.startswith("_") and v is not None}
    described: dict[str, Any] = {"type": type(run_config).__name__}
    described.update(jsonable(fields, root))
    return described


def describe_environment(environment: Any, root: str) -> dict[str, Any] | None:
    if environment is None:
        return None
    # DaskCloudProviderEnvironment keeps its arguments in "_provider_class" and the like
    fields = {
        k.lstrip("_"): v
        for k, v in getattr(environment, "__dict__", {}).items()
        if k not in ("logger", "executor")
    }
    info: dict[str, Any] = {"type": type(environment).__name__}
    info.update(jsonable(fields, root))
    for field, value in fields.items():  # 1.x run configs load local templates when built
        if field.endswith("_spec_file") and isinstance(value, str) and os.path.isfile(value):
            with open(value, encoding="utf-8") as spec:
                info[field + "_content"] = jsonable(yaml.safe_load(spec), root)
    if hasattr(environment, "executor"):
        info["executor"] = describe_executor(environment.executor, root)
    return info


def describe_task(task: Task, flow: Flow, root: str) -> dict[str, Any]:
    info: dict[str, Any] = {"name": task.name, "class": qualified_name(type(task))}
    if type(task).__name__ == "FunctionTask":
        info["function"] = qualified_name(task.run)
    else:
        settings = {
            k: v
            for k, v in vars(task).items()
            if k not in _BASE_TASK_ATTRIBUTES and not k.startswith("_")
        }
        info["settings"] = jsonable(settings, root)
    info["constants"] = jsonable(dict(flow.constants.get(task, {})), root)
    return info


def describe_flow(flow: Flow, root: str) -> dict[str, Any]:
    tasks = sorted(flow.tasks, key=lambda t: t.name)
    ids = {task: f"{task.name}#{index}" for index, task in enumerate(tasks)}
    details = []
    for task in tasks:
        detail = {"id": ids[task]}
        detail.update(describe_task(task, flow, root))
        details.append(detail)
    return {
        "name": flow.name,
        "tasks": sorted(task.name for task in flow.tasks),
        "task_details": details,
        "edges": sorted(
            [e.upstream_task.name, e.downstream_task.name, e.key, bool(e.mapped)]
            for e in flow.edges
        ),
        "edges_by_id": sorted(
            [ids[e.upstream_task], ids[e.downstream_task], e.key, bool(e.mapped)]
            for e in flow.edges
        ),
        "parameters": sorted(
            (
                {"name": p.name, "default": jsonable(p.default, root), "required": p.required}
                for p in flow.parameters()
            ),
            key=lambda p: p["name"],
        ),
        "run_config": describe_run_config(flow.run_config, root),
        "executor": describe_executor(flow.executor, root),
        # vars(): in 1.x ``flow.environment = X`` still sets a plain, ignored attribute
        "environment": describe_environment(vars(flow).get("environment"), root),
        "storage": None if flow.storage is None else type(flow.storage).__name__,
        "serialization_error": serialization_error(flow),
    }


def serialization_error(flow: Flow) -> str | None:
    """What ``flow.serialize()`` (what registering sends) raised, or None."""
    try:
        json.dumps(flow.serialize())
    except Exception as error:  # reported, not raised: the other flows still get described
        return describe_error(error)
    return None


def flow_steps(flow: Flow) -> list[dict[str, Any]]:
    """What registering (besides serializing) and scheduling the flow would do first, each
    step's outcome."""
    steps = []
    for step, action in (("validate", flow.validate), ("schedule", lambda: _next_run(flow))):
        outcome: dict[str, Any] = {"step": step, "ok": True}
        try:
            value = action()
        except Exception as error:
            outcome = {"step": step, "ok": False, "error": describe_error(error)}
        else:
            if step == "schedule":
                outcome["next"] = value
        steps.append(outcome)
    return steps


def _next_run(flow: Flow) -> str | None:
    if flow.schedule is None:
        return None
    upcoming = flow.schedule.next(1)
    return str(upcoming[0]) if upcoming else "no upcoming run"


def _is_local(module: str, folders: list[str]) -> bool:
    top = module.split(".")[0]
    return any(
        os.path.isdir(os.path.join(folder, top))
        or os.path.isfile(os.path.join(folder, top + ".py"))
        for folder in folders
    )


def build(path: str, root: str, checks: bool = False, folder: str | None = None) -> dict[str, Any]:
    """``folder``: the folder whose modules the file imports (by default its own: a
    notebook's module is written elsewhere)."""
    os.chdir(root)
    folders = [folder or os.path.dirname(path), root]
    sys.path[:0] = folders
    sys.argv = [path]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            namespace = runpy.run_path(path, run_name="<flow>")
        except ModuleNotFoundError as error:
            name = error.name or ""
            if name and name.split(".")[0] != "prefect" and not _is_local(name, folders):
                return {"missing_dependency": name, "error": describe_error(error)}
            raise
    flows = {id(v): v for v in namespace.values() if isinstance(v, Flow)}
    described = []
    for flow in flows.values():
        info = describe_flow(flow, root)
        if checks:
            info["steps"] = flow_steps(flow)
        described.append(info)
    return {
        "flows": sorted(described, key=lambda f: f["name"]),
        # what Prefect itself says is deprecated or moved while the file builds
        "warnings": sorted(
            {
                f"{w.category.__name__}: {w.message}"
                for w in caught
                if "prefect" in str(w.message).lower()
            }
        ),
    }
