"""Build the flows of Python files with this env's Prefect and describe them as JSON.

Input: {"files": [{"path": absolute file, "root": folder the paths are made relative to}]}.
Output: {"prefect": version, "files": {path: {"flows": [...], "warnings": [...]} | {"error": "..."}}}.
Each file runs with ``runpy.run_path(path, run_name="<flow>")`` (what ``prefect register``
does), so ``if __name__ == "__main__"`` blocks are skipped; every Flow object left in the
file's globals is described.
"""

from __future__ import annotations

import json
import os
import runpy
import sys
import warnings
from typing import Any

import prefect
import yaml
from _common import in_fork, jsonable, main, qualified_name
from prefect import Flow, Task

_EXECUTOR_FIELDS = (
    "address",
    "cluster_class",
    "adapt_kwargs",
    "scheduler",
    "dask_config",
)
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
            info[f"{field}_keys"] = sorted(str(key) for key in value)
    if isinstance(info.get("cluster_class"), str):
        info["cluster_class"] = {"callable": info["cluster_class"]}
    return info


def describe_run_config(run_config: Any, root: str) -> dict[str, Any] | None:
    if run_config is None:
        return None
    fields = {k: v for k, v in vars(run_config).items() if not k.startswith("_") and v is not None}
    return {"type": type(run_config).__name__, **jsonable(fields, root)}


def describe_environment(environment: Any, root: str) -> dict[str, Any] | None:
    if environment is None:
        return None
    # DaskCloudProviderEnvironment keeps its arguments in "_provider_class" and the like
    fields = {
        k.lstrip("_"): v
        for k, v in getattr(environment, "__dict__", {}).items()
        if k not in ("logger", "executor")
    }
    info = {"type": type(environment).__name__, **jsonable(fields, root)}
    for field, value in fields.items():  # 1.x run configs load local templates when built
        if field.endswith("_spec_file") and isinstance(value, str) and os.path.isfile(value):
            with open(value, encoding="utf-8") as spec:
                info[f"{field}_content"] = jsonable(yaml.safe_load(spec), root)
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
    ids = {task: f"{task.name}#{index}" for index, task in enumerate(tasks)}  # names repeat
    return {
        "name": flow.name,
        "tasks": sorted(task.name for task in flow.tasks),
        "task_details": [{"id": ids[task], **describe_task(task, flow, root)} for task in tasks],
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
        return f"{type(error).__name__}: {error}"
    return None


def build(path: str, root: str) -> dict[str, Any]:
    os.chdir(root)
    sys.path[:0] = [os.path.dirname(path), root]
    sys.argv = [path]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        namespace = runpy.run_path(path, run_name="<flow>")
    flows = {id(v): v for v in namespace.values() if isinstance(v, Flow)}
    return {
        "flows": sorted(
            (describe_flow(flow, root) for flow in flows.values()), key=lambda f: f["name"]
        ),
        # what Prefect itself says is deprecated or moved while the file builds
        "warnings": sorted(
            {
                f"{w.category.__name__}: {w.message}"
                for w in caught
                if "prefect" in str(w.message).lower()
            }
        ),
    }


def handle(request: dict[str, Any]) -> dict[str, Any]:
    results = {}
    for item in request["files"]:
        outcome = in_fork(lambda item=item: build(item["path"], item["root"]))
        results[item["path"]] = outcome
    return {"prefect": prefect.__version__, "files": results}


if __name__ == "__main__":
    main(handle)
