"""DockerAgent(docker_interface=...) is gone (upgrade guide: "Additional changes").

Deletes the ``docker_interface`` argument (the keyword, or the fifteenth positional argument)
from calls of Prefect's ``DockerAgent``, however it was imported (``prefect.agent.docker``,
``prefect.agent.docker.agent``, an alias, or a dotted chain after ``import prefect``). The
argument had no effect since 0.14.18 (only a deprecation warning); Prefect 1.0 raises
TypeError for it, so deleting it keeps the behaviour. Other classes that happen to take a
``docker_interface`` argument, and ``DockerAgent`` classes that are not Prefect's, are left
alone. Nothing is flagged.
"""

from __future__ import annotations

from fissix.pytree import Node
from prefect1_migrate.codemods._python.calls import (
    call_arguments,
    calls_to,
    is_star_argument,
    keyword_argument,
    remove_listed,
)
from prefect1_migrate.codemods._python.names import import_bindings

from prefect1_migrate.codemod import PythonCodemod, SourceFile
from prefect1_migrate.guide import ADDITIONAL

ARGUMENT = "docker_interface"

CODEMOD = PythonCodemod(
    __name__,
    title="Remove DockerAgent(docker_interface=...)",
    guide_section=ADDITIONAL,
    order=20,
    summary="Delete the docker_interface argument of DockerAgent (a no-op since 0.14.18, a "
    "TypeError in 1.0).",
    description=(
        "Deleted the docker_interface argument from DockerAgent(...) calls: it had no effect "
        "since Prefect 0.14.18 and Prefect 1.0 rejects it with a TypeError, so behaviour is "
        "unchanged."
    ),
    review_note=(
        "A DockerAgent built from a **kwargs dict, or a subclass passing docker_interface to "
        "super().__init__, is not rewritten; remove the key there by hand."
    ),
    triggers=(ARGUMENT,),
)


DOCKER_AGENT = frozenset(
    {"prefect.agent.docker.DockerAgent", "prefect.agent.docker.agent.DockerAgent"}
)
POSITION = 14  # its index among DockerAgent's parameters in 0.15.13 (the last one)


@CODEMOD.rewriter
def rewrite(root: Node, file: SourceFile) -> None:
    for _, trailer in calls_to(root, DOCKER_AGENT, import_bindings(root)):
        arguments = call_arguments(trailer)
        for index, argument in enumerate(arguments):
            keyword = keyword_argument(argument)
            if keyword is not None:
                if keyword[0] == ARGUMENT:
                    remove_listed(argument)
            elif index == POSITION and not any(map(is_star_argument, arguments[: index + 1])):
                remove_listed(argument)
