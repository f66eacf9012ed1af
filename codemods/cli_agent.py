"""The Fargate agent command becomes the ECS agent's; the Docker agent loses
``--no-docker-interface`` (upgrade guide: "Additional changes").

Rewrites every ``prefect`` command line a file holds (see ``codemods/_commands/``):

- ``prefect agent fargate start ...`` -> ``prefect agent ecs start ...`` with the common agent
  options kept and the Fargate agent's free ``KEY=VALUE`` arguments mapped where the ECS agent
  has an option (catalog fargate-agent-cli): ``cluster=X`` -> ``--cluster=X``,
  ``launch_type=X`` -> ``--launch-type=X``, ``taskRoleArn=X`` -> ``--task-role-arn=X``,
  ``executionRoleArn=X`` -> ``--execution-role-arn=X`` (also when written ``--cluster=X``);
- ``prefect agent docker start --no-docker-interface`` -> the flag is removed (it had no effect
  since 0.14.18 and 1.0 rejects it). The guide also names ``--docker-interface``; no Prefect
  version had that flag.

Flags (left as written): AWS credentials and ``region_name`` (environment variables for the
ECS agent), every other boto3 task-definition/run_task key (a ``--task-definition`` or
``--run-task-kwargs`` YAML file), keys with no ECS equivalent, arguments known only at run
time, options click would have rejected; and every converted command, because the ECS agent
reads none of the Fargate agent's environment variables and runs only ``ECSRun`` flows.
"""

from __future__ import annotations

from codemods._commands.driver import rewrite_commands
from codemods._commands.edits import Edit, Rewrite, cannot_read, delete, runtime_arguments
from codemods._commands.invocations import Invocation
from codemods._commands.words import PLACEHOLDER
from codemods._prefect_cli import (
    FARGATE_TO_ECS_AGENT,
    FARGATE_WITHOUT_ECS_EQUIVALENT,
    NO_DOCKER_INTERFACE,
    agent_command,
)
from prefect1_migrate.codemod import SourceFile, TextCodemod
from prefect1_migrate.filekinds import COMMAND_KINDS
from prefect1_migrate.guide import ADDITIONAL

CODEMOD = TextCodemod(
    __name__,
    title="prefect agent fargate becomes prefect agent ecs; --no-docker-interface removed",
    guide_section=ADDITIONAL,
    order=20,
    summary="`prefect agent fargate start [k=v]` -> `prefect agent ecs start [--cluster ...]`; "
    "`prefect agent docker start --no-docker-interface` loses the flag.",
    description=(
        "Rewrote `prefect agent fargate start` command lines to `prefect agent ecs start`, "
        "turning cluster=, launch_type=, taskRoleArn= and executionRoleArn= arguments into "
        "--cluster, --launch-type, --task-role-arn and --execution-role-arn, and removed the "
        "no-op `--no-docker-interface` flag of `prefect agent docker start`. The guide also "
        "names `--docker-interface`; Prefect 0.15.13 had only `--no-docker-interface`."
    ),
    flags=(
        "every converted Fargate agent (environment settings and flows' run configs)",
        "AWS credentials/region arguments (environment variables now), other boto3 keys (a "
        "--task-definition or --run-task-kwargs file), keys with no ECS equivalent",
        "arguments known only at run time, and options the old command would have rejected",
    ),
    review_note=(
        "The ECS agent registers a task definition per flow run and deregisters it afterwards; "
        "without networkConfiguration on FARGATE it uses the default VPC's subnets."
    ),
    triggers=("fargate", "docker-interface"),
    file_kinds=COMMAND_KINDS,
)


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
    if agent is None or agent.action != "start":
        return None
    if agent.agent_type == "docker" and "--no-docker-interface" in invocation.values:
        if agent.occurrences is None:
            return cannot_read("prefect agent docker start")
        return Rewrite(
            tuple(delete(o) for o in agent.occurrences if o.option == NO_DOCKER_INTERFACE)
        )
    if agent.agent_type != "fargate":
        return None
    if agent.occurrences is None:
        return cannot_read("prefect agent fargate start")
    ops = [Edit(1, 0, len("fargate"), "ecs")]
    todos = [ECS_AGENT]
    environment: list[str] = []
    task_files: list[str] = []
    removed: list[str] = []
    for occurrence in agent.occurrences:
        if occurrence.option is not None:
            continue
        written, equals, _ = (occurrence.value or "").partition("=")
        if PLACEHOLDER in written:
            todos.append(runtime_arguments("prefect agent fargate start"))
            continue
        if not equals:
            return cannot_read("prefect agent fargate start")  # 0.15.13 failed on it too
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
    return Rewrite(tuple(ops), tuple(dict.fromkeys(todos)))


@CODEMOD.rewriter
def rewrite(text: str, file: SourceFile) -> str:
    return rewrite_commands(text, file, rewrite_argv)
