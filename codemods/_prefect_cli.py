"""Prefect 0.15.13's ``prefect agent`` commands and their options (domain data, read by the
token and the agent codemods): which options each ``prefect agent <type> <action>`` took, so
that an invocation's options can be read by click's rules, and Prefect 0.14's ``prefect agent
start [TYPE]`` / ``prefect agent install TYPE`` (removed in 0.15.0) with theirs; and which
Fargate agent settings the ECS agent that replaces it takes (read by the command-line and the
Python codemods)."""

from __future__ import annotations

from dataclasses import dataclass

from prefect1_migrate.codemods._commands.invocations import Invocation
from prefect1_migrate.codemods._commands.options import Occurrence, Option, parse_options
from prefect1_migrate.codemods._ecs import ROLE_ARNS

AGENT_TOKEN = Option(("--token", "-t"))
AGENT_KEY = Option(("--key", "-k"))
NO_DOCKER_INTERFACE = Option(("--no-docker-interface",), takes_value=False)
_AGENT_START = (
    AGENT_KEY,
    Option(("--tenant-id",)),
    Option(("--api", "-a")),
    Option(("--agent-config-id",)),
    Option(("--name", "-n")),
    Option(("--label", "-l")),
    Option(("--env", "-e")),
    Option(("--max-polls",)),
    Option(("--agent-address",)),
    Option(("--no-cloud-logs",), takes_value=False),
    Option(("--log-level",)),
    AGENT_TOKEN,
)
_SHOW_FLOW_LOGS = Option(("--show-flow-logs", "-f"), takes_value=False)
#: 0.14's ``--storage-labels/--no-storage-labels`` of the local agent: a deprecation warning
#: and nothing else in 0.14.22 (``LocalAgent(storage_labels=...)``), gone in 0.15.0.
STORAGE_LABELS = (
    Option(("--storage-labels",), takes_value=False),
    Option(("--no-storage-labels",), takes_value=False),
)
_INSTALL = (AGENT_KEY, Option(("--tenant-id",)), Option(("--label", "-l")), Option(("--env", "-e")))
_LOCAL_START = (
    Option(("--import-path", "-p")),
    _SHOW_FLOW_LOGS,
    Option(("--hostname-label",), takes_value=False),
    Option(("--no-hostname-label",), takes_value=False),
    *STORAGE_LABELS,
)
_DOCKER_START = (
    Option(("--base-url", "-b")),
    Option(("--no-pull",), takes_value=False),
    _SHOW_FLOW_LOGS,
    Option(("--volume",)),
    Option(("--network",)),
    NO_DOCKER_INTERFACE,
    Option(("--docker-client-timeout",)),
)
_KUBERNETES_INSTALL = (
    Option(("--namespace", "-n")),
    Option(("--image-pull-secrets", "-i")),
    Option(("--rbac",), takes_value=False),
    Option(("--latest",), takes_value=False),
    Option(("--mem-request",)),
    Option(("--mem-limit",)),
    Option(("--cpu-request",)),
    Option(("--cpu-limit",)),
    Option(("--image-pull-policy",)),
    Option(("--service-account-name",)),
    Option(("--backend", "-b")),
)
AGENT_COMMANDS: dict[tuple[str, str], tuple[Option, ...]] = {
    ("local", "start"): (*_AGENT_START, *_LOCAL_START),
    ("docker", "start"): (*_AGENT_START, *_DOCKER_START),
    ("kubernetes", "start"): (
        *_AGENT_START,
        Option(("--namespace",)),
        Option(("--job-template",)),
        Option(("--service-account-name",)),
        Option(("--image-pull-secrets",)),
        Option(("--disable-job-deletion",), takes_value=False),
    ),
    ("fargate", "start"): _AGENT_START,  # plus free KEY=VALUE arguments
    ("ecs", "start"): (
        *_AGENT_START,
        Option(("--cluster",)),
        Option(("--launch-type",)),
        Option(("--task-role-arn",)),
        Option(("--execution-role-arn",)),
        Option(("--task-definition",)),
        Option(("--run-task-kwargs",)),
    ),
    ("vertex", "start"): (
        *_AGENT_START,
        Option(("--project",)),
        Option(("--region-name",)),
        Option(("--service-account",)),
    ),
    ("local", "install"): (
        *_INSTALL,
        AGENT_TOKEN,
        Option(("--agent-config-id",)),
        Option(("--import-path", "-p")),
        _SHOW_FLOW_LOGS,
    ),
    ("kubernetes", "install"): (
        *_INSTALL,
        AGENT_TOKEN,
        Option(("--agent-config-id",)),
        Option(("--api", "-a")),
        *_KUBERNETES_INSTALL,
    ),
}


#: Prefect 0.14.22's ``prefect agent start [TYPE]`` and ``prefect agent install TYPE`` (hidden,
#: deprecated, removed in 0.15.0): one command for every agent type, whose options it took
#: whatever the type (and ``--key``/``--tenant-id``: what cli-auth writes for ``--token``;
#: ``--log-level``, which 0.14.22's ``start`` passed on as an extra argument).
VERBOSE = Option(("--verbose", "-v"), takes_value=False)
LEGACY_AGENT_COMMANDS: dict[str, tuple[Option, ...]] = {
    "start": (
        *_AGENT_START,
        VERBOSE,
        *_LOCAL_START,
        *_DOCKER_START,
        Option(("--namespace",)),
        Option(("--job-template",)),
    ),
    "install": (
        *_INSTALL,
        AGENT_TOKEN,
        Option(("--api", "-a")),
        Option(("--import-path", "-p")),
        _SHOW_FLOW_LOGS,
        *_KUBERNETES_INSTALL,
    ),
}
#: The agent types each 0.14 command knew (``start`` defaulted to ``local``).
LEGACY_AGENT_TYPES = {
    "start": frozenset({"local", "docker", "kubernetes", "fargate"}),
    "install": frozenset({"local", "kubernetes"}),
}


@dataclass(frozen=True)
class AgentCommand:
    """``prefect agent <type> <action>`` with its options (None: click would reject them).

    ``type_index``: the argv index of the type word (None: 0.14's ``start`` without one, which
    meant ``local``); ``legacy``: written the 0.14 way, ``prefect agent <action> [<type>]``
    (``occurrences`` is then None too for a type 0.14 did not know or one known only at run
    time); the type word is not among ``occurrences``."""

    agent_type: str
    action: str
    occurrences: list[Occurrence] | None
    type_index: int | None = 1
    legacy: bool = False

    @property
    def written(self) -> str:
        """The command as its user knows it."""
        if self.legacy:
            return f"prefect agent {self.action}"
        return f"prefect agent {self.agent_type} {self.action}"


def agent_command(invocation: Invocation) -> AgentCommand | None:
    values = invocation.values
    if len(values) >= 2 and values[0] == "agent" and values[1] in LEGACY_AGENT_COMMANDS:
        return _legacy_agent_command(invocation, values[1])
    if len(values) < 3 or values[0] != "agent" or (values[1], values[2]) not in AGENT_COMMANDS:
        return None
    options = AGENT_COMMANDS[(values[1], values[2])]
    occurrences = parse_options(
        invocation.args, options, start=3, extra_args=values[1] == "fargate"
    )
    return AgentCommand(values[1], values[2], occurrences)


def _legacy_agent_command(invocation: Invocation, action: str) -> AgentCommand:
    """0.14's ``prefect agent start|install``: its type is the first argument that is not an
    option (click's rule; ``start`` also passed unknown options on, to the Fargate agent)."""
    found = parse_options(
        invocation.args, LEGACY_AGENT_COMMANDS[action], start=2, extra_args=action == "start"
    )
    if found is None:
        return AgentCommand("", action, None, None, legacy=True)
    positional = [occurrence for occurrence in found if occurrence.option is None]
    if not positional:
        known = action == "start"  # the default type
        return AgentCommand("local", action, found if known else None, None, legacy=True)
    chosen = positional[0]
    occurrences = [occurrence for occurrence in found if occurrence is not chosen]
    agent_type = chosen.value or ""
    known = agent_type in LEGACY_AGENT_TYPES[action] and (action == "start" or len(positional) == 1)
    return AgentCommand(
        agent_type, action, occurrences if known else None, chosen.index, legacy=True
    )


#: Fargate agent settings (``FargateAgent(...)`` keywords, ``prefect agent fargate start
#: KEY=VALUE`` arguments) that the ECS agent takes, with the ECSAgent parameter name (its
#: command-line option: ``--`` and the name with ``-`` for ``_``).
FARGATE_TO_ECS_AGENT = {"cluster": "cluster", "launch_type": "launch_type", **ROLE_ARNS}
#: Fargate agent settings the ECS agent has no equivalent for.
FARGATE_WITHOUT_ECS_EQUIVALENT = (
    "enable_task_revisions",
    "use_external_kwargs",
    "external_kwargs_s3_bucket",
    "external_kwargs_s3_key",
)
