"""The per-class tables of the catalog (section B): an environment call -> a :class:`Plan`.

A plan says which run config to build with which arguments, which executor to set, which
imports that needs and what a human must still do. Argument values are moved as source
(:class:`Source`), never evaluated; only literals (``None``, booleans, strings, dicts with
string keys) are looked into. Anything that cannot be mapped raises :class:`Unconvertible`
or leaves a TODO message in the plan: no argument is dropped without one, except those the
catalog proves had no effect in Prefect 0.15 (``unique_job_name``, ``family``,
``work_stealing=True``, ``None`` values).
"""

from __future__ import annotations

import json

from fissix.pgen2 import token
from prefect1_migrate.codemods._ecs import ROLE_ARNS, RUN_TASK_KEYS, TASK_DEFINITION_KEYS
from prefect1_migrate.codemods._environments.plan import (
    SPLAT,
    Argument,
    CallValue,
    DictValue,
    NewArgument,
    Plan,
    Source,
    Unconvertible,
    Value,
    dict_entries,
    literal_value,
    shown,
)
from prefect1_migrate.codemods._environments.render import render_inline
from prefect1_migrate.codemods._python.calls import (
    call_arguments,
    is_star_argument,
    keyword_argument,
)
from prefect1_migrate.codemods._python.literals import is_none
from prefect1_migrate.codemods._python.tree import LN, source_of, syms

RUN_CONFIGS = "prefect.run_configs"
EXECUTORS = "prefect.executors"
KUBE_CLUSTER_FACTORY = "make_kube_cluster"

# 0.15.13 signatures (positional order), checked with inspect.signature.
PARAMETERS: dict[str, tuple[str, ...]] = {
    "LocalEnvironment": ("executor", "labels", "on_start", "on_exit", "metadata"),
    "KubernetesJobEnvironment": (
        "job_spec_file",
        "unique_job_name",
        "executor",
        "labels",
        "on_start",
        "on_exit",
        "metadata",
    ),
    "FargateTaskEnvironment": (
        "launch_type",
        "aws_access_key_id",
        "aws_secret_access_key",
        "aws_session_token",
        "region_name",
        "executor",
        "labels",
        "on_start",
        "on_exit",
        "metadata",
    ),
    "DaskKubernetesEnvironment": (
        "min_workers",
        "max_workers",
        "work_stealing",
        "scheduler_logs",
        "private_registry",
        "docker_secret",
        "labels",
        "on_start",
        "on_exit",
        "metadata",
        "scheduler_spec_file",
        "worker_spec_file",
        "image_pull_secret",
        "log_k8s_errors",
    ),
    "DaskCloudProviderEnvironment": (
        "provider_class",
        "adaptive_min_workers",
        "adaptive_max_workers",
        "security",
        "executor_kwargs",
        "labels",
        "on_execute",
        "on_start",
        "on_exit",
        "metadata",
    ),
}
_TAKES_KWARGS = frozenset({"FargateTaskEnvironment", "DaskCloudProviderEnvironment"})

# What a human gets told to write when a use cannot be converted.
HINTS: dict[str, str] = {
    "LocalEnvironment": "flow.run_config = UniversalRun(labels=...) (DockerRun/KubernetesRun/"
    "ECSRun(image=...) when it had an image) and its executor as flow.executor",
    "KubernetesJobEnvironment": "flow.run_config = KubernetesRun("
    "job_template_path=<job_spec_file>, "
    "labels=..., image=...) and its executor as flow.executor",
    "FargateTaskEnvironment": "flow.run_config = ECSRun(cpu=..., memory=..., "
    "task_definition={...}, "
    "run_task_kwargs={...}, labels=...) (run by an ECS agent) and its executor as flow.executor",
    "DaskKubernetesEnvironment": "flow.run_config = KubernetesRun(labels=..., image=...) and "
    "flow.executor = DaskExecutor("
    "cluster_class=<function returning a dask_kubernetes.KubeCluster>, "
    'adapt_kwargs={"minimum": min_workers, "maximum": max_workers})',
    "DaskCloudProviderEnvironment": "flow.run_config = ECSRun(labels=..., image=...) and "
    "flow.executor = DaskExecutor(cluster_class=<provider_class>, cluster_kwargs={...}, "
    'adapt_kwargs={"minimum": ..., "maximum": ...})',
}

_FARGATE_DEFINITION_KEYS = (
    "family",
    "taskRoleArn",
    "executionRoleArn",
    "containerDefinitions",
    "requiresCompatibilities",
    *TASK_DEFINITION_KEYS,
)
_FARGATE_RUN_KEYS = ("cluster", "taskDefinition", *RUN_TASK_KEYS)
_FARGATE_RENAMED = {"cpu": "cpu", "memory": "memory", **ROLE_ARNS}
_AWS_CONNECTION = ("aws_access_key_id", "aws_secret_access_key", "aws_session_token", "region_name")
_DASK_K8S_LOGGERS = ("dask_kubernetes.core", "distributed.deploy.adaptive")


# --- binding the call's arguments to the 0.15.13 parameters ----------------------------------


def bind(environment: str, trailer: LN) -> tuple[dict[str, Argument], list[Argument]]:
    """The call's arguments by parameter name, plus the extra keywords of ``**kwargs``."""
    parameters = PARAMETERS[environment]
    named: dict[str, Argument] = {}
    extra: list[Argument] = []
    for position, node in enumerate(call_arguments(trailer)):
        if is_star_argument(node):
            raise Unconvertible(f"it unpacks {shown(node)}")
        keyword = keyword_argument(node)
        if keyword is None:
            if position >= len(parameters):
                raise Unconvertible("it has more positional arguments than 0.15.13 accepted")
            named[parameters[position]] = Argument(parameters[position], node, node)
            continue
        name, value = keyword
        if name in parameters:
            named[name] = Argument(name, node, value)
        elif environment in _TAKES_KWARGS:
            extra.append(Argument(name, node, value))
        else:
            raise Unconvertible(f"0.15.13 had no parameter {name}=")
    return named, extra


def plan_for(environment: str, trailer: LN) -> Plan:
    named, extra = bind(environment, trailer)
    named = {name: arg for name, arg in named.items() if not is_none(arg.value)}
    plan = Plan()
    return _PLANNERS[environment](plan, named, extra)


# --- per class ------------------------------------------------------------------------------


def _local(plan: Plan, named: dict[str, Argument], extra: list[Argument]) -> Plan:
    arguments: list[NewArgument] = []
    if _common(plan, named, arguments):
        plan.todos.append(
            "LocalEnvironment's metadata image became DockerRun(image=...) because UniversalRun "
            "has no image: use KubernetesRun, ECSRun or VertexRun(image=...) instead if another "
            "agent type runs this flow"
        )
        _set_run_config(plan, "DockerRun", arguments)
    else:
        _set_run_config(plan, "UniversalRun", arguments)
    return plan


def _kubernetes_job(plan: Plan, named: dict[str, Argument], extra: list[Argument]) -> Plan:
    arguments: list[NewArgument] = []
    _common(plan, named, arguments, first=("job_spec_file", "job_template_path"))
    _set_run_config(plan, "KubernetesRun", arguments)
    return plan


def _fargate(plan: Plan, named: dict[str, Argument], extra: list[Argument]) -> Plan:
    arguments: list[NewArgument] = []
    definition: list[tuple[str, Value]] = []
    run_task: list[tuple[str, Value]] = []
    ignored: list[str] = []
    keys = {argument.name for argument in extra}
    has_definition = bool(keys & set(_FARGATE_DEFINITION_KEYS))
    arn: Argument | None = None
    for argument in extra:
        if argument.name in _FARGATE_RENAMED:
            new = NewArgument(
                _FARGATE_RENAMED[argument.name], Source(argument.value), argument.node
            )
            arguments.append(new)
            continue
        if argument.name == "taskDefinition":
            if not has_definition:
                arn = argument  # an existing task definition, run as it is
            continue  # with definition keys it named the one the environment registered
        if argument.name == "containerDefinitions":
            definition.append((argument.name, _flow_container_first(plan, argument.value)))
        elif argument.name in _FARGATE_DEFINITION_KEYS and argument.name != "family":
            definition.append((argument.name, Source(argument.value)))
        if argument.name in _FARGATE_RUN_KEYS:
            run_task.append((argument.name, Source(argument.value)))
        if argument.name not in _FARGATE_DEFINITION_KEYS + _FARGATE_RUN_KEYS:
            ignored.append(argument.name)
    if "launch_type" in named:
        launch_type = Source(named["launch_type"].value)
        run_task.append(("launchType", launch_type))
        if definition and "requiresCompatibilities" not in keys:
            definition.append(("requiresCompatibilities", f"[{render_inline(launch_type)}]"))
        elif not definition and literal_value(launch_type.node) != "FARGATE":
            plan.todos.append(
                f"launch_type={shown(launch_type.node, strings=True)}: the ECS agent's default "
                "task definition uses the agent's launch type; start the agent with the same "
                "--launch-type"
            )
    aws = [name for name in _AWS_CONNECTION if name in named]
    if aws:
        plan.todos.append(
            f"dropped FargateTaskEnvironment's {', '.join(aws)}, since ECSRun takes no AWS "
            "credentials or region; configure them on the ECS agent (ECSAgent(...) arguments "
            "or the standard AWS credential chain)"
        )
    if ignored:
        plan.todos.append(
            f"FargateTaskEnvironment ignored {', '.join(ignored)} (neither task-definition nor "
            "run_task keys); dropped"
        )
    image = _common(plan, named, arguments)
    if arn is not None:
        if image:
            raise Unconvertible("ECSRun cannot take both task_definition_arn and image")
        arguments.append(NewArgument("task_definition_arn", Source(arn.value), arn.node))
    if definition:
        arguments.append(NewArgument("task_definition", DictValue(tuple(definition))))
    if run_task:
        arguments.append(NewArgument("run_task_kwargs", DictValue(tuple(run_task))))
    _set_run_config(plan, "ECSRun", arguments)
    return plan


def _dask_kubernetes(plan: Plan, named: dict[str, Argument], extra: list[Argument]) -> Plan:
    arguments: list[NewArgument] = []
    _common(plan, named, arguments, first=("scheduler_spec_file", "job_template_path"))
    if "scheduler_spec_file" in named:
        plan.todos.append(
            "scheduler_spec_file became KubernetesRun(job_template_path=...): check that it is a "
            "Job template for the flow-run pod (the agent sets the first container's image and "
            "args, and the Dask scheduler now runs in that pod)"
        )
    if "worker_spec_file" in named:
        plan.todos.append(
            f"worker_spec_file={shown(named['worker_spec_file'].value, strings=True)} has no "
            "equivalent: build "
            f"the worker pods from that spec in {KUBE_CLUSTER_FACTORY} (e.g. "
            "KubeCluster.from_yaml(...)); the file is now read when the flow runs"
        )
    if "image_pull_secret" in named:
        secret = named["image_pull_secret"]
        literal = literal_value(secret.value)
        value: Value = (
            "[" + ", ".join(json.dumps(s) for s in literal.split(",")) + "]"
            if isinstance(literal, str)
            else f'{render_inline(Source(secret.value))}.split(",")'
        )
        arguments.append(NewArgument("image_pull_secrets", value, secret.node))
        plan.todos.append(
            "image_pull_secret also applied to the Dask worker pods: add the same "
            f"imagePullSecrets to the pod spec made in {KUBE_CLUSTER_FACTORY}"
        )
    registry = [
        name
        for name in ("private_registry", "docker_secret")
        if name in named and literal_value(named[name].value) is not False
    ]
    if registry:
        plan.todos.append(
            f"{' and '.join(registry)} (deprecated) were dropped: create a Kubernetes image pull "
            "secret and list it in KubernetesRun's image_pull_secrets and in the worker pod "
            "spec"
        )
    env: list[tuple[str, Value]] = []
    if "work_stealing" in named:
        stealing = named["work_stealing"].value
        if literal_value(stealing) is not True:
            value = '"False"' if literal_value(stealing) is False else f"str({source_of(stealing)})"
            env.append(("DASK_DISTRIBUTED__SCHEDULER__WORK_STEALING", value))
    loggers = list(_DASK_K8S_LOGGERS)
    for flag, logger in (
        ("log_k8s_errors", "kubernetes"),
        ("scheduler_logs", "distributed.scheduler"),
    ):
        if flag not in named:
            continue
        literal = literal_value(named[flag].value)
        if literal is True:
            loggers.append(logger)
        elif literal is not False:
            plan.todos.append(
                f"{flag}={shown(named[flag].value)} was not converted: list the loggers in "
                "PREFECT__LOGGING__EXTRA_LOGGERS with KubernetesRun(env=...)"
            )
    if len(loggers) > len(_DASK_K8S_LOGGERS):
        env.append(("PREFECT__LOGGING__EXTRA_LOGGERS", repr(str(loggers))))
    if env:
        arguments.append(NewArgument("env", DictValue(tuple(env))))
    _set_run_config(plan, "KubernetesRun", arguments)
    minimum = _value_or(named, "min_workers", "1")
    maximum = _value_or(named, "max_workers", "2")
    adapt = DictValue((("minimum", minimum), ("maximum", maximum)))
    plan.kube_cluster_factory = True
    _set_executor(
        plan,
        [
            NewArgument("cluster_class", KUBE_CLUSTER_FACTORY),
            NewArgument("adapt_kwargs", adapt),
        ],
    )
    return plan


def _dask_cloud_provider(plan: Plan, named: dict[str, Argument], extra: list[Argument]) -> Plan:
    if "provider_class" not in named:
        raise Unconvertible("it has no provider_class")
    arguments: list[NewArgument] = []
    _common(plan, named, arguments)
    _set_run_config(plan, "ECSRun", arguments)
    cluster: list[tuple[str, Value]] = [(arg.name, Source(arg.value)) for arg in extra]
    if "skip_cleanup" not in {arg.name for arg in extra}:
        cluster.append(("skip_cleanup", "True"))
    if "image" not in {arg.name for arg in extra}:
        plan.todos.append(
            "DaskCloudProviderEnvironment started the Dask scheduler and workers with the flow's "
            'image when no image= was given: add "image" to cluster_kwargs if your provider '
            "needs it"
        )
    executor = [NewArgument("cluster_class", Source(named["provider_class"].value))]
    security = named.get("security")
    if security is not None:
        cluster.append(("security", Source(security.value)))
    executor.append(NewArgument("cluster_kwargs", DictValue(tuple(cluster))))
    if "adaptive_min_workers" in named:
        # the environment called cluster.adapt(minimum=..., maximum=None): None means Dask's
        # distributed.adaptive.maximum setting
        minimum = Source(named["adaptive_min_workers"].value)
        maximum = _value_or(named, "adaptive_max_workers", "None")
        adapt = DictValue((("minimum", minimum), ("maximum", maximum)))
        executor.append(NewArgument("adapt_kwargs", adapt))
    elif "adaptive_max_workers" in named:
        plan.todos.append(
            "adaptive_max_workers had no effect without adaptive_min_workers and was dropped"
        )
    if security is not None:
        executor.append(
            NewArgument("client_kwargs", DictValue((("security", Source(security.value)),)))
        )
    if "executor_kwargs" in named:
        executor.extend(_executor_kwargs(named["executor_kwargs"], executor))
    if "on_execute" in named:
        plan.todos.append(
            f"on_execute={shown(named['on_execute'].value)} has no equivalent: compute the "
            "cluster kwargs in a cluster_class callable (it can read prefect.context.parameters)"
        )
    _set_executor(plan, executor)
    return plan


_PLANNERS = {
    "LocalEnvironment": _local,
    "KubernetesJobEnvironment": _kubernetes_job,
    "FargateTaskEnvironment": _fargate,
    "DaskKubernetesEnvironment": _dask_kubernetes,
    "DaskCloudProviderEnvironment": _dask_cloud_provider,
}


# --- shared parameters ----------------------------------------------------------------------


def _common(
    plan: Plan,
    named: dict[str, Argument],
    arguments: list[NewArgument],
    first: tuple[str, str] | None = None,
) -> bool:
    """labels, metadata, executor, on_start/on_exit (and one renamed path parameter).

    Returns whether an image was found in ``metadata``.
    """
    if first is not None and first[0] in named:
        argument = named[first[0]]
        arguments.insert(0, NewArgument(first[1], Source(argument.value), argument.node))
    image = False
    if "metadata" in named:
        image = _metadata(plan, named["metadata"], arguments)
    if "labels" in named:
        labels = named["labels"]
        arguments.append(NewArgument("labels", Source(labels.value), labels.node))
    if "executor" in named:
        plan.executor = Source(named["executor"].value)
        plan.executor_origin = named["executor"].node
    for hook, when in (("on_start", "before"), ("on_exit", "after")):
        if hook in named:
            plan.todos.append(
                f"{hook}={shown(named[hook].value)} has no Prefect 1.0 equivalent (the "
                f"environment called it {when} the flow run): use Flow(state_handlers=[...]) "
                "reacting to Running / finished states"
            )
    return image


def _metadata(plan: Plan, metadata: Argument, arguments: list[NewArgument]) -> bool:
    entries = dict_entries(metadata.value)
    if entries is None:
        plan.todos.append(
            f"metadata={shown(metadata.value)} was not converted: pass its "
            '"image" to the run config as image='
        )
        return False
    others = [key for key, _ in entries if key != "image"]
    if others:
        plan.todos.append(
            f"metadata {', '.join(repr(k) for k in others)} dropped: run configs have no "
            'metadata (Prefect only ever read "image")'
        )
    for key, value in entries:
        if key == "image":
            arguments.append(NewArgument("image", Source(value), metadata.node))
            return True
    return False


def _flow_container_first(plan: Plan, definitions: LN) -> Value:
    """``containerDefinitions`` with its first container named ``flow`` (literal lists only).

    The environment ran the flow in the first container (renaming it ``flow-container``);
    the ECS agent runs it in the container named ``flow``.
    """
    if definitions.type == syms.atom and definitions.children[0].type == token.LSQB:
        inner = definitions.children[1] if len(definitions.children) == 3 else None
        first = inner.children[0] if inner is not None and inner.type == syms.listmaker else inner
        if first is not None and first.type == syms.atom and first.children[0].type == token.LBRACE:
            entries = dict_entries(first)
            if entries is not None:
                renamed = [(k, v) for k, v in entries if k != "name"]
                value = DictValue((("name", '"flow"'), *((k, Source(v)) for k, v in renamed)))
                text = source_of(definitions)
                edited = text.replace(source_of(first), render_inline(value), 1)
                return Source(definitions, edited)
    plan.todos.append(
        'the ECS agent runs the flow in the container named "flow" (FargateTaskEnvironment '
        'used the first one): name the first entry of containerDefinitions "flow"'
    )
    return Source(definitions)


def _executor_kwargs(argument: Argument, executor: list[NewArgument]) -> list[NewArgument]:
    taken = {new.keyword for new in executor}
    entries = dict_entries(argument.value)
    if entries is None or not all(key.isidentifier() for key, _ in entries):
        return [NewArgument(SPLAT, Source(argument.value))]
    clashes = [key for key, _ in entries if key in taken]
    if clashes:
        raise Unconvertible(f"executor_kwargs repeats {', '.join(clashes)}")
    return [NewArgument(key, Source(value)) for key, value in entries]


def _set_run_config(plan: Plan, name: str, arguments: list[NewArgument]) -> None:
    plan.run_config = CallValue(name, tuple(arguments))
    plan.imports.append((RUN_CONFIGS, name))


def _set_executor(plan: Plan, arguments: list[NewArgument]) -> None:
    plan.executor = CallValue("DaskExecutor", tuple(arguments))
    plan.imports.append((EXECUTORS, "DaskExecutor"))


def _value_or(named: dict[str, Argument], name: str, default: str) -> Value:
    return Source(named[name].value) if name in named else default
