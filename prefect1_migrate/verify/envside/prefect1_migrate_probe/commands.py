"""Parse ``prefect ...`` argument lists with this environment's own click command tree.

The walk is click's own: ``make_context`` on the ``prefect`` group, then ``resolve_command``
and ``make_context`` down to the leaf command, so options, arguments and sub-command names
are checked by the parser of that release; no command callback runs. Path arguments need not
exist.
"""

from __future__ import annotations

from typing import Any

import click
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
    """``{"accepted": true}`` or ``{"accepted": false, "error": click's message}``."""
    command: click.Command = cli
    try:
        context = command.make_context("prefect", list(argv))
        while isinstance(command, click.Group):
            protected = getattr(context, "_protected_args", None)
            if protected is None:
                protected = context.protected_args
            rest = list(protected) + list(context.args)
            if not rest:
                if not command.invoke_without_command:
                    context.fail("Missing command.")
                break
            name, sub, rest = command.resolve_command(context, rest)
            assert sub is not None and name is not None
            context = sub.make_context(name, rest, parent=context)
            command = sub
    except click.exceptions.Exit as done:  # --help, --version
        if done.exit_code == 0:
            return {"accepted": True}
        return {"accepted": False, "error": f"exit {done.exit_code}"}
    except click.ClickException as error:
        return {"accepted": False, "error": error.format_message().splitlines()[0]}
    return {"accepted": True}


def prepare() -> None:
    relax_file_arguments(cli)
