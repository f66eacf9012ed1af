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

import ast
import json
from dataclasses import dataclass, field

from fissix.pgen2 import token

from codemods._ecs import ROLE_ARNS, RUN_TASK_KEYS, TASK_DEFINITION_KEYS
from codemods._python.calls import call_arguments, is_star_argument, keyword_argument
from codemods._python.literals import is_none
from codemods._python.tree import LN, first_leaf, leaves_of, root_of, source_of, syms

RUN_CONFIGS = "prefect.run_configs"
EXECUTORS = "prefect.executors"
KUBE_CLUSTER_FACTORY = "make_kube_cluster"
SPLAT = "**"  # the keyword of a ``**mapping`` argument

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


class Unconvertible(Exception):
    """The call cannot be mapped mechanically; the message says why."""


# --- values ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """An expression of the original call, moved as it is written."""

    node: LN
    text: str | None = None  # the node's source after an edit, when it was edited


@dataclass(frozen=True)
class DictValue:
    """A dict literal built from string keys and values (rendered on one line)."""

    entries: tuple[tuple[str, Value], ...]


@dataclass(frozen=True)
class CallValue:
    """``name(keyword=value, ...)``."""

    name: str
    arguments: tuple[NewArgument, ...]


Value = Source | str | DictValue | CallValue


@dataclass(frozen=True)
class NewArgument:
    keyword: str
    value: Value
    origin: LN | None = None  # the argument it comes from (its comments are kept)


@dataclass
class Plan:
    run_config: CallValue | None = None
    executor: Value | None = None
    executor_origin: LN | None = None  # the environment's own executor= argument
    imports: list[tuple[str, str]] = field(default_factory=list)  # (module, name)
    kube_cluster_factory: bool = False
    todos: list[str] = field(default_factory=list)


# --- binding the call's arguments to the 0.15.13 parameters ----------------------------------


@dataclass(frozen=True)
class Argument:
    name: str
    node: LN  # the whole argument (its prefix holds its layout and comments)
    value: LN


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
            definition.append(("requiresCompatibilities", f"[{_render_inline(launch_type)}]"))
        elif not definition and _literal(launch_type.node) != "FARGATE":
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
        literal = _literal(secret.value)
        value: Value = (
            "[" + ", ".join(json.dumps(s) for s in literal.split(",")) + "]"
            if isinstance(literal, str)
            else f'{_render_inline(Source(secret.value))}.split(",")'
        )
        arguments.append(NewArgument("image_pull_secrets", value, secret.node))
        plan.todos.append(
            "image_pull_secret also applied to the Dask worker pods: add the same "
            f"imagePullSecrets to the pod spec made in {KUBE_CLUSTER_FACTORY}"
        )
    registry = [
        name
        for name in ("private_registry", "docker_secret")
        if name in named and _literal(named[name].value) is not False
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
        if _literal(stealing) is not True:
            value = '"False"' if _literal(stealing) is False else f"str({source_of(stealing)})"
            env.append(("DASK_DISTRIBUTED__SCHEDULER__WORK_STEALING", value))
    loggers = list(_DASK_K8S_LOGGERS)
    for flag, logger in (
        ("log_k8s_errors", "kubernetes"),
        ("scheduler_logs", "distributed.scheduler"),
    ):
        if flag not in named:
            continue
        literal = _literal(named[flag].value)
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
    entries = _dict_entries(metadata.value)
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
            entries = _dict_entries(first)
            if entries is not None:
                renamed = [(k, v) for k, v in entries if k != "name"]
                value = DictValue((("name", '"flow"'), *((k, Source(v)) for k, v in renamed)))
                text = source_of(definitions)
                edited = text.replace(source_of(first), _render_inline(value), 1)
                return Source(definitions, edited)
    plan.todos.append(
        'the ECS agent runs the flow in the container named "flow" (FargateTaskEnvironment '
        'used the first one): name the first entry of containerDefinitions "flow"'
    )
    return Source(definitions)


def _executor_kwargs(argument: Argument, executor: list[NewArgument]) -> list[NewArgument]:
    taken = {new.keyword for new in executor}
    entries = _dict_entries(argument.value)
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


# --- literals and source text ---------------------------------------------------------------

_NOT_LITERAL = object()


def shown(node: LN, strings: bool = False) -> str:
    """``node``'s source for a TODO message; ``...`` when it is long or holds string literals
    (which may be secrets) unless ``strings`` says the parameter never holds one."""
    text = " ".join(source_of(node).split())
    has_string = any(leaf.type == token.STRING for leaf in leaves_of(node))
    if len(text) > 60 or (has_string and not strings):
        return "..."
    return text


def _literal(node: LN) -> object:
    try:
        return ast.literal_eval(source_of(node).strip())
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return _NOT_LITERAL


def _dict_entries(node: LN) -> list[tuple[str, LN]] | None:
    """(key, value node) of a ``{...}`` literal whose keys are all string literals."""
    if node.type != syms.atom or node.children[0].type != token.LBRACE:
        return None
    if len(node.children) == 2:
        return []
    inner = node.children[1]
    items = inner.children if inner.type == syms.dictsetmaker else [inner]
    entries: list[tuple[str, LN]] = []
    index = 0
    while index < len(items):
        if index + 2 >= len(items) or items[index + 1].type != token.COLON:
            return None
        key = _literal(items[index])
        if not isinstance(key, str):
            return None
        entries.append((key, items[index + 2]))
        index += 3
        if index < len(items) and items[index].type == token.COMMA:
            index += 1
    return entries


# --- rendering ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Layout:
    """How to lay out generated code: one line, or one argument per line below ``indent``."""

    multiline: bool = False
    indent: str | None = None  # of the line the text starts on; None: keep moved text as is
    unit: str = "    "


def render(value: Value, layout: Layout) -> str:
    """Source text for ``value``. Moved sources are re-indented to ``layout.indent``."""
    if isinstance(value, str):
        return value
    if isinstance(value, Source):
        return _moved(value, layout.indent)
    if isinstance(value, DictValue):
        inline = "{" + ", ".join(f'"{k}": {render(v, layout)}' for k, v in value.entries) + "}"
        if not layout.multiline or layout.indent is None or _fits(inline):
            return inline
        nested = Layout(True, layout.indent + layout.unit, layout.unit)
        entries = "".join(f'\n{nested.indent}"{k}": {render(v, nested)},' for k, v in value.entries)
        return f"{{{entries}\n{layout.indent}}}"
    if not value.arguments:
        return f"{value.name}()"
    if not layout.multiline or layout.indent is None:
        inner = ", ".join(_argument(a, layout) for a in value.arguments)
        return f"{value.name}({inner})"
    nested = Layout(True, layout.indent + layout.unit, layout.unit)
    lines = []
    for argument in value.arguments:
        above, trailing = comments_of(argument.origin)
        lines.extend(f"\n{nested.indent}{comment}" for comment in above)
        lines.append(f"\n{nested.indent}{_argument(argument, nested)},")
        if trailing:
            lines.append(f"  {trailing}")
    return f"{value.name}({''.join(lines)}\n{layout.indent})"


def _fits(text: str) -> bool:
    return "\n" not in text and len(text) <= _INLINE_WIDTH


_INLINE_WIDTH = 60


def _render_inline(value: Value) -> str:
    return render(value, Layout())


def _argument(argument: NewArgument, layout: Layout) -> str:
    text = render(argument.value, layout)
    return f"**{text}" if argument.keyword == SPLAT else f"{argument.keyword}={text}"


def comments_of(argument: LN | None) -> tuple[list[str], str | None]:
    """The comment lines above a call argument, and the comment at the end of its line."""
    if argument is None:
        return [], None
    above = argument.prefix.split("\n")[1:]
    following = argument.next_sibling
    if following is not None and following.type == token.COMMA:
        following = following.next_sibling
    if following is None and argument.parent is not None and argument.parent.type == syms.arglist:
        following = argument.parent.next_sibling  # the closing parenthesis
    trailing = following.prefix.split("\n")[0].strip() if following is not None else ""
    return [line.strip() for line in above if line.strip()], trailing or None


def _moved(source: Source, indent: str | None) -> str:
    node = source.node
    text = source.text if source.text is not None else source_of(node)
    if indent is None or "\n" not in text or _has_multiline_string(node):
        return text
    old = line_indent(node)
    lines = text.split("\n")
    return "\n".join(
        [lines[0]]
        + [indent + line[len(old) :] if line.startswith(old) else line for line in lines[1:]]
    )


def _has_multiline_string(node: LN) -> bool:
    return any(leaf.type == token.STRING and "\n" in leaf.value for leaf in leaves_of(node))


def line_indent(node: LN) -> str:
    """The indentation of the line on which ``node`` starts."""
    target = first_leaf(node)
    line = ""
    for leaf in leaves_of(root_of(node)):
        text = leaf.prefix if leaf is target else leaf.prefix + leaf.value
        line = text.rpartition("\n")[2] if "\n" in text else line + text
        if leaf is target:
            break
    return line[: len(line) - len(line.lstrip(" \t"))]
