"""The Fargate agent command becomes the ECS agent's; the Docker agent loses
``--no-docker-interface`` (upgrade guide: "Additional changes"); Prefect 0.14's agent commands
take their 0.15/1.0 shape.

Rewrites every ``prefect`` command line a file holds (see ``codemods/_commands/``):

- ``prefect agent fargate start ...`` -> ``prefect agent ecs start ...`` with the common agent
  options kept and the Fargate agent's free ``KEY=VALUE`` arguments mapped where the ECS agent
  has an option (catalog fargate-agent-cli): ``cluster=X`` -> ``--cluster=X``,
  ``launch_type=X`` -> ``--launch-type=X``, ``taskRoleArn=X`` -> ``--task-role-arn=X``,
  ``executionRoleArn=X`` -> ``--execution-role-arn=X`` (also when written ``--cluster=X``);
- ``prefect agent docker start --no-docker-interface`` -> the flag is removed (it had no effect
  since 0.14.18 and 1.0 rejects it). The guide also names ``--docker-interface``; no Prefect
  version had that flag;
- from 0.14 (checked against 0.14.22's parser): ``prefect agent start [TYPE]`` (``local`` when
  no type is given) and ``prefect agent install TYPE``, removed in 0.15.0, -> ``prefect agent
  TYPE start|install`` (a Fargate agent becomes the ECS agent as above); ``-v/--verbose`` ->
  ``--log-level DEBUG``; the options the one 0.14 command took for every agent type and that
  the TYPE agent never read (``--namespace`` for a local agent...) are removed and listed;
  ``--storage-labels/--no-storage-labels`` (only a deprecation warning in 0.14.22) are removed
  wherever they are.

Flags (left as written): AWS credentials and ``region_name`` (environment variables for the
ECS agent), every other boto3 task-definition/run_task key (a ``--task-definition`` or
``--run-task-kwargs`` YAML file), keys with no ECS equivalent, arguments known only at run
time, options click would have rejected, 0.14 agent types 0.14 did not know or known only at
run time; and every converted command, because the ECS agent reads none of the Fargate
agent's environment variables and runs only ``ECSRun`` flows.
"""

from __future__ import annotations

from dataclasses import dataclass

from prefect1_migrate.codemods._commands.driver import rewrite_commands
from prefect1_migrate.codemods._commands.edits import (
    Edit,
    Op,
    Replace,
    Rewrite,
    cannot_read,
    delete,
    runtime_arguments,
)
from prefect1_migrate.codemods._commands.invocations import Invocation
from prefect1_migrate.codemods._commands.options import Occurrence
from prefect1_migrate.codemods._commands.words import PLACEHOLDER
from prefect1_migrate.codemods._prefect_cli import (
    AGENT_COMMANDS,
    FARGATE_TO_ECS_AGENT,
    FARGATE_WITHOUT_ECS_EQUIVALENT,
    NO_DOCKER_INTERFACE,
    STORAGE_LABELS,
    VERBOSE,
    AgentCommand,
    agent_command,
)

from prefect1_migrate.codemod import SourceFile, TextCodemod
from prefect1_migrate.filekinds import COMMAND_KINDS
from prefect1_migrate.guide import ADDITIONAL

CODEMOD = TextCodemod(
    __name__,
    title="Agent CLI: fargate -> ecs, 0.14 forms, no-op docker flag",
    guide_section=ADDITIONAL,
    order=20,
    summary="`prefect agent fargate start [k=v]` -> `prefect agent ecs start [--cluster ...]`; "
    "`prefect agent docker start --no-docker-interface` loses the flag; 0.14's `prefect agent "
    "start|install TYPE` -> `prefect agent TYPE start|install`.",
    description=(
        "Rewrote `prefect agent fargate start` command lines to `prefect agent ecs start`, "
        "turning cluster=, launch_type=, taskRoleArn= and executionRoleArn= arguments into "
        "--cluster, --launch-type, --task-role-arn and --execution-role-arn, and removed the "
        "no-op `--no-docker-interface` flag of `prefect agent docker start`. The guide also "
        "names `--docker-interface`; Prefect 0.15.13 had only `--no-docker-interface`. "
        "Prefect 0.14's `prefect agent start [TYPE]` / `prefect agent install TYPE` (removed "
        "in 0.15.0) became `prefect agent TYPE start|install`, without the options that agent "
        "type never read, `--verbose` becoming `--log-level DEBUG`, and the no-op "
        "`--storage-labels` removed."
    ),
    flags=(
        "every converted Fargate agent (environment settings and flows' run configs)",
        "AWS credentials/region arguments (environment variables now), other boto3 keys (a "
        "--task-definition or --run-task-kwargs file), keys with no ECS equivalent",
        "arguments known only at run time, and options the old command would have rejected",
        "options removed from 0.14's one-for-every-type agent command (listed), and agent "
        "types 0.14 did not know",
    ),
    review_note=(
        "The ECS agent registers a task definition per flow run and deregisters it afterwards; "
        "without networkConfiguration on FARGATE it uses the default VPC's subnets."
    ),
    triggers=("fargate", "docker-interface", "storage-labels", "agent"),
    file_kinds=COMMAND_KINDS,
)


#: Options that did nothing and that 1.0 rejects: deleted wherever they are.
NO_EFFECT = (NO_DOCKER_INTERFACE, *STORAGE_LABELS)
STORAGE_FLAGS = frozenset(name for option in STORAGE_LABELS for name in option.names)
ECS_OPTIONS = {key: "--" + name.replace("_", "-") for key, name in FARGATE_TO_ECS_AGENT.items()}
AWS_ENVIRONMENT = {
    "aws_access_key_id": "AWS_ACCESS_KEY_ID",
    "aws_secret_access_key": "AWS_SECRET_ACCESS_KEY",
    "aws_session_token": "AWS_SESSION_TOKEN",
    "region_name": "AWS_DEFAULT_REGION",
}

ECS_AGENT = (
    "the ECS agent reads none of the Fargate agent's environment settings (REGION_NAME, "
    "networkConfiguration, containerDefinitions_*, ...) and runs only flows with ECSRun "
    "run configs: set AWS_DEFAULT_REGION and move task settings into --task-definition / "
    "--run-task-kwargs files"
)


def rewrite_argv(invocation: Invocation) -> Rewrite | None:
    agent = agent_command(invocation)
    if agent is None:
        return None
    if agent.legacy:
        return _legacy(agent)
    docker = agent.agent_type == "docker" and "--no-docker-interface" in invocation.values
    storage = agent.agent_type == "local" and any(v in STORAGE_FLAGS for v in invocation.values)
    if agent.action != "start" or not (docker or storage or agent.agent_type == "fargate"):
        return None
    if agent.occurrences is None:
        return cannot_read(agent.written)
    ops: list[Op] = [delete(o) for o in agent.occurrences if o.option in NO_EFFECT]
    if agent.agent_type != "fargate":
        return Rewrite(tuple(ops))
    fargate = _fargate_to_ecs(agent.occurrences)
    if fargate is None:
        return cannot_read(agent.written)  # 0.15.13 failed on it too
    return Rewrite((Edit(1, 0, len("fargate"), "ecs"), *ops, *fargate.ops), fargate.todos)


def _legacy(agent: AgentCommand) -> Rewrite:
    """0.14's ``prefect agent start|install [TYPE]`` -> ``prefect agent TYPE start|install``,
    without the options the TYPE agent never read; a Fargate agent becomes the ECS agent."""
    if agent.occurrences is None:
        return cannot_read(agent.written)
    ops: list[Op] = []
    todos: list[str] = []
    new_type = agent.agent_type
    if new_type == "fargate":
        fargate = _fargate_to_ecs(agent.occurrences)
        if fargate is None:
            return cannot_read(agent.written)
        new_type = "ecs"
        ops.extend(fargate.ops)
        todos.extend(fargate.todos)
    kept = {option.names[0] for option in AGENT_COMMANDS[(agent.agent_type, agent.action)]}
    ignored: list[str] = []
    for occurrence in agent.occurrences:
        option = occurrence.option
        if option is VERBOSE:
            ops.append(Replace(occurrence.index, occurrence.stop, ("--log-level", "DEBUG")))
        elif option is None and agent.agent_type != "fargate":  # extra arguments: unused
            if occurrence.is_static:
                ops.append(delete(occurrence))
                ignored.append(occurrence.value or "")
            else:
                todos.append(runtime_arguments(agent.written))
        elif option is not None and (option in NO_EFFECT or option.names[0] not in kept):
            ops.append(delete(occurrence))
            if option not in NO_EFFECT:
                ignored.append(occurrence.name)
    if ignored:
        todos.append(
            f"removed {', '.join(dict.fromkeys(ignored))}: 0.14's `{agent.written}` accepted "
            f"every agent type's options; the {agent.agent_type} agent never read these"
        )
    ops.extend(_reorder(agent, new_type))
    return Rewrite(tuple(ops), tuple(dict.fromkeys(todos)))


def _reorder(agent: AgentCommand, new_type: str) -> list[Op]:
    """Ops writing ``agent <new_type> <action>`` where 0.14 had ``agent <action> [... TYPE]``."""
    at = agent.type_index
    if at == 2:  # ``agent start local``: swap the two words in place, keeping their quoting
        return [
            Edit(1, 0, len(agent.action), new_type),
            Edit(2, 0, len(agent.agent_type), agent.action),
        ]
    ops: list[Op] = [Replace(1, 2, (new_type, agent.action))]
    if at is not None:
        ops.append(Replace(at, at + 1))
    return ops


@dataclass(frozen=True)
class _EcsArguments:
    """The ECS agent's options for a Fargate agent's ``KEY=VALUE`` arguments."""

    ops: tuple[Op, ...]
    todos: tuple[str, ...]


def _fargate_to_ecs(occurrences: list[Occurrence]) -> _EcsArguments | None:
    """``KEY=VALUE`` arguments -> ECS agent options and review messages (None: an argument
    without ``=``, which 0.15.13 failed on too)."""
    ops: list[Op] = []
    todos = [ECS_AGENT]
    environment: list[str] = []
    task_files: list[str] = []
    removed: list[str] = []
    for occurrence in occurrences:
        if occurrence.option is not None:
            continue
        written, equals, _ = (occurrence.value or "").partition("=")
        if PLACEHOLDER in written:
            todos.append(runtime_arguments("prefect agent fargate start"))
            continue
        if not equals:
            return None
        key = written.replace("--", "")  # what 0.15.13 did with each extra argument
        if key in ECS_OPTIONS:
            if written != ECS_OPTIONS[key]:
                ops.append(Edit(occurrence.index, 0, len(written), ECS_OPTIONS[key]))
        elif key in AWS_ENVIRONMENT:
            environment.append(key)
        elif key in FARGATE_WITHOUT_ECS_EQUIVALENT:
            removed.append(key)
        else:
            task_files.append(key)
    if environment:
        variables = ", ".join(AWS_ENVIRONMENT[key] for key in environment)
        todos.append(
            f"`prefect agent ecs start` has no option for {', '.join(environment)}; "
            f"set {variables} in the agent's environment and remove these arguments"
        )
    if task_files:
        todos.append(
            f"`prefect agent ecs start` takes no {', '.join(task_files)}: move run_task "
            "settings into a YAML file for --run-task-kwargs and task definition settings into "
            "one for --task-definition"
        )
    if removed:
        todos.append(
            f"{', '.join(removed)}: no ECS agent equivalent (it registers a task definition "
            "per flow run); remove"
        )
    return _EcsArguments(tuple(ops), tuple(dict.fromkeys(todos)))


@CODEMOD.rewriter
def rewrite(text: str, file: SourceFile) -> str:
    return rewrite_commands(text, file, rewrite_argv)
