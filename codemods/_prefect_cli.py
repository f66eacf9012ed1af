"""Prefect 0.15.13's ``prefect agent`` commands and their options (domain data, read by the
token and the agent codemods): which options each ``prefect agent <type> <action>`` took, so
that an invocation's options can be read by click's rules; and which Fargate agent settings
the ECS agent that replaces it takes (read by the command-line and the Python codemods)."""

from __future__ import annotations

from dataclasses import dataclass

from codemods._commands.invocations import Invocation
from codemods._commands.options import Occurrence, Option, parse_options
from codemods._ecs import ROLE_ARNS

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
_INSTALL = (AGENT_KEY, Option(("--tenant-id",)), Option(("--label", "-l")), Option(("--env", "-e")))
AGENT_COMMANDS: dict[tuple[str, str], tuple[Option, ...]] = {
    ("local", "start"): (
        *_AGENT_START,
        Option(("--import-path", "-p")),
        _SHOW_FLOW_LOGS,
        Option(("--hostname-label",), takes_value=False),
        Option(("--no-hostname-label",), takes_value=False),
    ),
    ("docker", "start"): (
        *_AGENT_START,
        Option(("--base-url", "-b")),
        Option(("--no-pull",), takes_value=False),
        _SHOW_FLOW_LOGS,
        Option(("--volume",)),
        Option(("--network",)),
        NO_DOCKER_INTERFACE,
        Option(("--docker-client-timeout",)),
    ),
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
    ),
}


@dataclass(frozen=True)
class AgentCommand:
    """``prefect agent <type> <action>`` with its options (None: click would reject them)."""

    agent_type: str
    action: str
    occurrences: list[Occurrence] | None


def agent_command(invocation: Invocation) -> AgentCommand | None:
    values = invocation.values
    if len(values) < 3 or values[0] != "agent" or (values[1], values[2]) not in AGENT_COMMANDS:
        return None
    options = AGENT_COMMANDS[(values[1], values[2])]
    occurrences = parse_options(
        invocation.args, options, start=3, extra_args=values[1] == "fargate"
    )
    return AgentCommand(values[1], values[2], occurrences)


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
