"""What "the same flow" means across a migration, from two flow descriptions.

A description is what the probe (``envside/prefect1_migrate_probe/flows.py``) answers for one
Flow. Two flows are the same when they have the same name, the same tasks (name and constant
inputs), the same edges (upstream name, downstream name, key, mapped) and the same parameters
(name, default, required) — after the sub-flow tasks on both sides are folded into one
canonical node:

* 0.15 ``StartFlowRun`` task → node ``subflow:<flow name>`` whose inputs are its constructor
  settings and call-time constants (``new_flow_context`` is called ``context``), waiting
  (``wait=True``) or not;
* 1.x ``create_flow_run`` task → node ``subflow:<flow name>``; a ``wait_for_flow_run`` task fed
  by it (key ``flow_run_id``) is folded into it: it makes the node waiting when it raises the
  child's final state (``raise_final_state=True``, which ``wait=True`` did), and its
  downstream edges become the node's.

Where the flow runs is compared separately (:func:`expected_run_setup`): a flow without an
environment keeps its run config and executor; a flow with one gets the run config and
executor the guide's environment mapping prescribes.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

START_FLOW_RUN = "prefect.tasks.prefect.flow_run.StartFlowRun"
CREATE_FLOW_RUN = "prefect.tasks.prefect.flow_run.create_flow_run"
WAIT_FOR_FLOW_RUN = "prefect.tasks.prefect.flow_run.wait_for_flow_run"
_RENAMED_INPUTS = {"new_flow_context": "context"}
_SUBFLOW_INPUTS = (
    "flow_name",
    "project_name",
    "parameters",
    "run_config",
    "context",
    "run_name",
    "scheduled_start_time",
    "idempotency_key",
    "labels",
)
IMAGE_RUN_CONFIGS = frozenset({"DockerRun", "KubernetesRun", "ECSRun", "VertexRun"})


def _key(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


def _subflow_inputs(values: dict[str, Any]) -> dict[str, Any]:
    renamed = {_RENAMED_INPUTS.get(k, k): v for k, v in values.items()}
    inputs = {k: renamed[k] for k in _SUBFLOW_INPUTS if renamed.get(k) not in (None, "")}
    return inputs


def _kind(task: dict[str, Any]) -> str | None:
    if task["class"] == START_FLOW_RUN:
        return "start"
    return {CREATE_FLOW_RUN: "create", WAIT_FOR_FLOW_RUN: "wait"}.get(task.get("function", ""))


def canonical(flow: dict[str, Any]) -> dict[str, Any]:
    """Tasks, edges and parameters with sub-flow tasks folded (see the module docstring)."""
    tasks = {task["id"]: task for task in flow["task_details"]}
    edges = flow["edges_by_id"]
    # wait_for_flow_run task -> the create_flow_run task whose run id it waits for
    waiting = {
        down: up
        for up, down, key, _ in edges
        if key == "flow_run_id" and _kind(tasks[up]) == "create" and _kind(tasks[down]) == "wait"
    }
    label: dict[str, str] = {}
    nodes: list[str] = []
    for task_id, task in tasks.items():
        kind = _kind(task)
        if task_id in waiting:
            continue  # folded into its create_flow_run node
        if kind == "start":
            settings = task.get("settings", {})
            inputs = _subflow_inputs({**settings, **task["constants"]})
            waits = bool(settings.get("wait"))
        elif kind == "create":
            inputs = _subflow_inputs(task["constants"])
            waits = any(
                up == task_id and tasks[down]["constants"].get("raise_final_state") is True
                for down, up in waiting.items()
            )
        else:
            label[task_id] = task["name"]
            nodes.append(_key([task["name"], task["constants"]]))
            continue
        label[task_id] = f"subflow:{inputs.get('flow_name', '?')}"
        nodes.append(_key([label[task_id], {"inputs": inputs, "waits": waits}]))
    folded = []
    for up, down, key, mapped in edges:
        if waiting.get(down) == up:
            continue
        up, down = waiting.get(up, up), waiting.get(down, down)
        folded.append(_key([label[up], label[down], _RENAMED_INPUTS.get(key, key), mapped]))
    return {"tasks": Counter(nodes), "edges": Counter(folded), "parameters": flow["parameters"]}


def structure_differences(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """What differs between two flows' structure; empty when they are the same flow."""
    differences = []
    if before["name"] != after["name"]:
        differences.append(f"name {before['name']!r} became {after['name']!r}")
    old, new = canonical(before), canonical(after)
    for part in ("tasks", "edges"):
        lost, gained = old[part] - new[part], new[part] - old[part]
        if lost or gained:
            differences.append(
                f"{part}: lost {sorted(lost.elements())}, gained {sorted(gained.elements())}"
            )
    if old["parameters"] != new["parameters"]:
        differences.append(f"parameters {old['parameters']} became {new['parameters']}")
    return differences


# --- where the flow runs --------------------------------------------------------------------


def _image(environment: dict[str, Any]) -> str | None:
    metadata = environment.get("metadata") or {}
    return metadata.get("image") if isinstance(metadata, dict) else None


def _adapt(minimum: Any, maximum: Any) -> dict[str, Any]:
    return {"minimum": minimum, "maximum": maximum}


def expected_run_setup(before: dict[str, Any]) -> dict[str, Any]:
    """What the migrated flow's run config and executor must look like.

    {"run_config_types": {...} | None, "run_config": {field: value}, "job_template": content
    of the expected template file, "executor": description or None, "executor_fields": {field:
    value}}: the run config must be of one of the types and have every listed field (a
    ``job_template_path`` may have become the file's content in ``job_template``); the
    executor must equal "executor" (``None`` and a plain LocalExecutor are the same) or, when
    "executor_fields" is given, have those fields.
    """
    environment = before.get("environment")
    if environment is None:
        run_config = before["run_config"]
        return {
            "run_config_types": None if run_config is None else {run_config["type"]},
            # settings in ``env`` may be migrated themselves (renamed keys, moved values)
            "run_config": {k: v for k, v in (run_config or {}).items() if k != "env"},
            "executor": before["executor"],
            "executor_fields": {},
        }
    labels = sorted(environment.get("labels") or [])
    image = _image(environment)
    kind = environment["type"]
    run_config: dict[str, Any] = {"labels": labels}
    executor: dict[str, Any] | None = environment.get("executor")
    executor_fields: dict[str, Any] = {}
    template = None
    if kind == "LocalEnvironment":
        types = IMAGE_RUN_CONFIGS if image else {"UniversalRun"}
        if image:
            run_config["image"] = image
    elif kind == "KubernetesJobEnvironment":
        types = {"KubernetesRun"}
        run_config.update(job_template_path=environment.get("job_spec_file"), image=image)
        template = environment.get("job_spec_file_content")
    elif kind == "FargateTaskEnvironment":
        types = {"ECSRun"}
        run_config["image"] = image
    elif kind == "DaskKubernetesEnvironment":
        types = {"KubernetesRun"}
        run_config.update(image=image, job_template_path=environment.get("scheduler_spec_file"))
        template = environment.get("scheduler_spec_file_content")
        executor = None
        executor_fields = {
            "type": "DaskExecutor",
            "adapt_kwargs": _adapt(environment.get("min_workers"), environment.get("max_workers")),
        }
    elif kind == "DaskCloudProviderEnvironment":
        types = {"ECSRun"}
        run_config["image"] = image
        executor = None
        executor_fields = {"type": "DaskExecutor", "cluster_class": environment["provider_class"]}
        if environment.get("adaptive_min_workers"):
            executor_fields["adapt_kwargs"] = _adapt(
                environment["adaptive_min_workers"], environment.get("adaptive_max_workers")
            )
    else:
        raise ValueError(f"no migration is prescribed for a {kind}")
    return {
        "run_config_types": types,
        "run_config": {k: v for k, v in run_config.items() if v is not None},
        "job_template": template,
        "executor": executor,
        "executor_fields": executor_fields,
    }


def _same_image(actual: Any, expected: Any) -> bool:
    """Equal, or both Prefect's own image (whose tag the migration moves to the new release)."""
    if actual == expected:
        return True
    prefect_image = "prefecthq/prefect"
    return all(isinstance(i, str) and i.split(":")[0] == prefect_image for i in (actual, expected))


def _same_executor(expected: dict[str, Any] | None, actual: dict[str, Any] | None) -> bool:
    local = {"type": "LocalExecutor"}
    return (expected or local) == (actual or local)


def run_setup_differences(
    before: dict[str, Any], after: dict[str, Any], marked_executors: set[str] = frozenset()
) -> list[str]:
    """Where the migrated flow's run config / executor deviate from :func:`expected_run_setup`.
    A flow left without its environment's executor is no deviation when a marker of the tree
    says that executor's class was left out of its run config (``marked_executors``)."""
    expected = expected_run_setup(before)
    differences = []
    if after.get("environment") is not None:
        differences.append(f"still has an environment: {after['environment']}")
    run_config = after["run_config"]
    types = expected["run_config_types"]
    empty_universal = types == {"UniversalRun"} and not expected["run_config"].get("labels")
    if types is None or (run_config is None and empty_universal):
        if run_config is not None and types is None:
            differences.append(f"run config {run_config} appeared")
    elif run_config is None:
        differences.append(f"no run config; expected one of {sorted(types)}")
    else:
        if run_config["type"] not in types:
            differences.append(f"run config {run_config['type']}; expected one of {sorted(types)}")
        for field, value in expected["run_config"].items():
            if field == "job_template_path" and run_config.get("job_template") is not None:
                # KubernetesRun reads a local template file when built: compare the content
                if run_config["job_template"] != expected.get("job_template"):
                    differences.append(f"run config job_template is not the content of {value}")
            elif field == "image" and _same_image(run_config.get(field), value):
                continue
            elif field != "type" and run_config.get(field) != value:
                differences.append(
                    f"run config {field} = {run_config.get(field)!r}; expected {value!r}"
                )
    executor = after["executor"]
    if expected["executor_fields"]:
        for field, value in expected["executor_fields"].items():
            if (executor or {}).get(field) != value:
                differences.append(
                    f"executor {field} = {(executor or {}).get(field)!r}; expected {value!r}"
                )
    elif not _same_executor(expected["executor"], executor):
        left_out = executor is None and (expected["executor"] or {}).get("type") in marked_executors
        if not left_out:
            differences.append(f"executor {executor}; expected {expected['executor']}")
    return differences
