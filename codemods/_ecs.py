"""The boto3 ECS keyword arguments that Prefect 0.15's Fargate agent and
FargateTaskEnvironment passed through ``**kwargs``, split the way 0.15.13 split them between
``register_task_definition`` and ``run_task`` (``placementConstraints`` and ``tags`` went to
both). In 1.x they belong in an ECS task definition or run_task kwargs instead, except the
role ARNs, which ``ECSAgent`` and ``ECSRun`` take as arguments of their own.
"""

from __future__ import annotations

TASK_DEFINITION_KEYS = (
    "networkMode",
    "volumes",
    "placementConstraints",
    "cpu",
    "memory",
    "tags",
    "pidMode",
    "ipcMode",
    "proxyConfiguration",
    "inferenceAccelerators",
)
RUN_TASK_KEYS = (
    "count",
    "startedBy",
    "group",
    "placementConstraints",
    "placementStrategy",
    "platformVersion",
    "networkConfiguration",
    "tags",
    "enableECSManagedTags",
    "propagateTags",
)

# The boto3 role ARN keywords -> the ECSAgent / ECSRun parameters that took them over.
ROLE_ARNS = {"taskRoleArn": "task_role_arn", "executionRoleArn": "execution_role_arn"}
