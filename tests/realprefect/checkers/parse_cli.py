"""Parse ``prefect ...`` argument lists with this env's own click command tree.

Input: {"argvs": [[arg, ...], ...]} (the words after ``prefect``).
Output: {"prefect": version, "results": [{"accepted": true} | {"accepted": false, "error": msg}]}.
Path arguments are not required to exist. The walk is click's own: ``make_context`` on the ``prefect`` group, then ``resolve_command``
and ``make_context`` down to the leaf command, so options, arguments and sub-command names
are checked by the parser of that release; no command callback runs.
"""

from __future__ import annotations

from typing import Any

import click
import prefect
from _common import in_fork, main
from prefect.cli import cli


def relax_file_arguments(command: click.Command) -> None:
    """Files named on a command line need not exist here: only the syntax is checked."""
    for parameter in command.params:
        if isinstance(parameter.type, click.Path):
            parameter.type.exists = False
        elif isinstance(parameter.type, click.File):
            parameter.type = click.STRING
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            relax_file_arguments(sub)


def parse(argv: list[str]) -> dict[str, Any]:
    command: click.Command = cli
    try:
        context = command.make_context("prefect", list(argv))
        while isinstance(command, click.Group):
            protected = getattr(context, "_protected_args", None)
            if protected is None:
                protected = context.protected_args
            rest = [*protected, *context.args]
            if not rest:
                if not command.invoke_without_command:
                    context.fail("Missing command.")
                break
            name, sub, rest = command.resolve_command(context, rest)
            assert sub is not None and name is not None
            context = sub.make_context(name, rest, parent=context)
            command = sub
    except click.exceptions.Exit as done:  # --help, --version
        return {"accepted": done.exit_code == 0} | (
            {} if done.exit_code == 0 else {"error": f"exit {done.exit_code}"}
        )
    except click.ClickException as error:
        return {"accepted": False, "error": error.format_message().splitlines()[0]}
    return {"accepted": True}


def handle(request: dict[str, Any]) -> dict[str, Any]:
    relax_file_arguments(cli)
    results = [in_fork(lambda argv=argv: parse(argv)) for argv in request["argvs"]]
    return {"prefect": prefect.__version__, "results": results}


if __name__ == "__main__":
    main(handle)
