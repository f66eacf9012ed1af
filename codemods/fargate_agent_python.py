"""The Fargate agent is gone: use ECSAgent (upgrade guide: "Additional changes").

Rewrites ``FargateAgent`` (``prefect.agent.fargate``, ``prefect.agent.fargate.agent``, aliases
and dotted chains after ``import prefect``) to ``ECSAgent`` from ``prefect.agent.ecs`` and maps
the arguments of its calls:

- common agent arguments, ``aws_*``, ``region_name``, ``botocore_config``, ``launch_type`` and
  ``cluster`` keep their names; positional arguments after the seventh become keywords
  (ECSAgent's positional order differs from there on);
- ``taskRoleArn=`` / ``executionRoleArn=`` -> ``task_role_arn=`` / ``execution_role_arn=``.

Flags, leaving the argument in place so that the call fails loudly until it is moved: other
boto3 task-definition options and ``containerDefinitions`` (-> a template file for
``task_definition_path=``), other ``run_task`` options (-> a YAML file for
``run_task_kwargs_path=``), ``enable_task_revisions`` / ``use_external_kwargs`` /
``external_kwargs_s3_*`` (no equivalent), options FargateAgent ignored, ``*args`` /
``**kwargs``, and classes that subclass FargateAgent.
"""

from __future__ import annotations

from fissix.pytree import Node
from prefect1_migrate.codemods._ecs import ROLE_ARNS, RUN_TASK_KEYS, TASK_DEFINITION_KEYS
from prefect1_migrate.codemods._prefect_cli import (
    FARGATE_TO_ECS_AGENT,
    FARGATE_WITHOUT_ECS_EQUIVALENT,
)
from prefect1_migrate.codemods._python.calls import (
    call_arguments,
    calls_to,
    is_star_argument,
    keyword_argument,
    make_keyword,
)
from prefect1_migrate.codemods._python.imports import from_import_module, imported_names
from prefect1_migrate.codemods._python.markers import add_todo
from prefect1_migrate.codemods._python.moves import ModuleMove, move_imports
from prefect1_migrate.codemods._python.names import base_classes, import_bindings, qualified_chain
from prefect1_migrate.codemods._python.tree import LN, syms, walk

from prefect1_migrate.codemod import PythonCodemod, SourceFile
from prefect1_migrate.guide import ADDITIONAL

CODEMOD = PythonCodemod(
    __name__,
    title="Replace FargateAgent with ECSAgent",
    guide_section=ADDITIONAL,
    order=10,
    summary="FargateAgent -> prefect.agent.ecs.ECSAgent with its arguments mapped; boto3 options "
    "that need a task definition / run_task file are flagged.",
    description=(
        "Replaced the removed FargateAgent with ECSAgent (prefect.agent.ecs): common agent, AWS "
        "credential, region, botocore_config, launch_type and cluster arguments are kept, "
        "taskRoleArn/executionRoleArn became task_role_arn/execution_role_arn, and positional "
        "arguments after the seventh became keywords because ECSAgent orders them differently."
    ),
    flags=(
        "boto3 task definition options and containerDefinitions (move to a template for "
        "task_definition_path=)",
        "boto3 run_task options such as networkConfiguration (move to a YAML file for "
        "run_task_kwargs_path=)",
        "enable_task_revisions, use_external_kwargs, external_kwargs_s3_bucket/key (no equivalent)",
        "arguments FargateAgent ignored, unpacked *args/**kwargs, subclasses of FargateAgent",
    ),
    review_note=(
        "FargateAgent also read every boto3 option from an agent environment variable of the same "
        "name (containerDefinitions_<key>, REGION_NAME); ECSAgent does not: move them into the "
        "task definition / run_task files (region: AWS_DEFAULT_REGION). Role ARNs already in a "
        "task definition template now win over the agent's task_role_arn/execution_role_arn. "
        "Flows deployed by this agent must use ECSRun (or no run config)."
    ),
    triggers=("FargateAgent", "fargate"),
)


FARGATE_AGENT = frozenset(
    {"prefect.agent.fargate.FargateAgent", "prefect.agent.fargate.agent.FargateAgent"}
)

# FargateAgent.__init__ in 0.15.13, in order; ECSAgent shares only the first seven positions.
PARAMETERS = (
    "agent_config_id",
    "name",
    "labels",
    "env_vars",
    "max_polls",
    "agent_address",
    "no_cloud_logs",
    "launch_type",
    "aws_access_key_id",
    "aws_secret_access_key",
    "aws_session_token",
    "region_name",
    "botocore_config",
    *FARGATE_WITHOUT_ECS_EQUIVALENT,
)
SHARED_POSITIONS = 7
KEPT = frozenset(PARAMETERS).difference(FARGATE_WITHOUT_ECS_EQUIVALENT).union(FARGATE_TO_ECS_AGENT)
# FargateAgent._parse_kwargs in 0.15.13: placementConstraints and tags went to both calls.
TASK_DEFINITION = (*TASK_DEFINITION_KEYS, "containerDefinitions")
RUN_TASK = RUN_TASK_KEYS

TASK_DEFINITION_TODO = (
    "FargateAgent task definition options ({names}) are not ECSAgent arguments: put them in a "
    "task definition template (YAML/JSON, container named `flow`) passed as "
    "task_definition_path=, or per flow in ECSRun(task_definition=...)"
)
RUN_TASK_TODO = (
    "FargateAgent run_task options ({names}) are not ECSAgent arguments: put them in a YAML "
    "file passed as run_task_kwargs_path=, or per flow in ECSRun(run_task_kwargs=...)"
)
NO_EQUIVALENT_TODO = (
    "FargateAgent options ({names}) have no ECSAgent equivalent: it registers a task definition "
    "per flow run (reuse one with ECSRun(task_definition_arn=...)) and reads no S3 kwargs "
    "(put them in the files passed as task_definition_path= / run_task_kwargs_path=); remove them"
)
IGNORED_TODO = "FargateAgent ignored these options ({names}) and ECSAgent rejects them; remove them"
STAR_TODO = (
    "check the arguments unpacked into ECSAgent (formerly FargateAgent): boto3 options go into "
    "the files passed as task_definition_path= / run_task_kwargs_path="
)
SUBCLASS_TODO = (
    "this class subclassed FargateAgent; ECSAgent's methods and attributes differ, review "
    "every overridden method"
)

MODULE_MOVES = (
    ModuleMove("prefect.agent.fargate", "prefect.agent.ecs", renamed={"FargateAgent": "ECSAgent"}),
)


@CODEMOD.rewriter
def rewrite(root: Node, file: SourceFile) -> None:
    bindings = import_bindings(root)
    for _, trailer in calls_to(root, FARGATE_AGENT, bindings):
        _map_arguments(trailer)
    for node in walk(root):
        if node.type == syms.classdef and base_classes(node, bindings) & FARGATE_AGENT:
            add_todo(node, SUBCLASS_TODO)
    _rename_in_chains(root, bindings)
    _import_from_package(root)
    move_imports(root, MODULE_MOVES)


def _map_arguments(trailer: LN) -> None:
    arguments = call_arguments(trailer)
    if any(map(is_star_argument, arguments)):
        add_todo(trailer, STAR_TODO)
    for index, argument in enumerate(arguments):
        if is_star_argument(argument):
            break
        if keyword_argument(argument) is None and SHARED_POSITIONS <= index < len(PARAMETERS):
            make_keyword(argument, PARAMETERS[index])
    to_task_definition: list[str] = []
    to_run_task: list[str] = []
    no_equivalent: list[str] = []
    ignored: list[str] = []
    for argument in call_arguments(trailer):
        keyword = keyword_argument(argument)
        if keyword is None:
            continue
        name = keyword[0]
        if name in ROLE_ARNS:
            argument.children[0].value = ROLE_ARNS[name]
        elif name in KEPT:
            continue
        elif name in FARGATE_WITHOUT_ECS_EQUIVALENT:
            no_equivalent.append(name)
        elif name in TASK_DEFINITION or name in RUN_TASK:
            if name in TASK_DEFINITION:
                to_task_definition.append(name)
            if name in RUN_TASK:
                to_run_task.append(name)
        else:
            ignored.append(name)
    for names, message in (
        (to_task_definition, TASK_DEFINITION_TODO),
        (to_run_task, RUN_TASK_TODO),
        (no_equivalent, NO_EQUIVALENT_TODO),
        (ignored, IGNORED_TODO),
    ):
        if names:
            add_todo(trailer, message.format(names=", ".join(names)))


def _rename_in_chains(root: LN, bindings: dict[str, str]) -> None:
    """``x.FargateAgent`` -> ``x.ECSAgent`` in dotted chains; the module move then fixes ``x``
    (it renames names only right after the moved module, not after ``...fargate.agent``)."""
    for node in walk(root):
        for index, qualified in enumerate(qualified_chain(node, bindings)):
            if index > 0 and qualified in FARGATE_AGENT:
                node.children[index].children[1].value = "ECSAgent"


def _import_from_package(root: LN) -> None:
    """``from prefect.agent.fargate.agent import FargateAgent`` -> ``from prefect.agent.fargate
    import FargateAgent``, which the module move turns into ``from prefect.agent.ecs import
    ECSAgent``."""
    for node in walk(root):
        if (
            node.type == syms.import_from
            and from_import_module(node) == "prefect.agent.fargate.agent"
            and all(name == "FargateAgent" for _, name, _ in imported_names(node))
        ):
            module = node.children[1]
            module.children[-2].remove()  # the last "."
            module.children[-1].remove()  # "agent"
