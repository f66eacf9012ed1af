"""``prefect register flow`` becomes ``prefect register`` (upgrade guide: "Registering and
running flows with the CLI", "Registering flows").

Rewrites every ``prefect`` command line a file holds (shell scripts, Makefiles, Dockerfiles,
compose/CI/Kubernetes YAML, Procfiles, INI units, Markdown/reST code; see ``codemods/_commands/``):

- ``prefect register flow ...`` -> ``prefect register ...``: ``-f/--file X`` -> ``--path X``
  and ``-p/--project X`` -> ``--project X`` (in 1.0 ``-f`` means ``--force`` and ``-p`` means
  ``--path``, so no bare ``-f``/``-p`` is left); ``--skip-if-flow-metadata-unchanged`` is
  dropped (skipping unchanged flows is the 1.0 default); ``-n/--name`` and ``-l/--label`` stay;
- the guide's own example ``prefect register flows --project P --path D``, which no Prefect
  version accepts (catalog cli-register-guide-example) -> ``prefect register --project P --path D``.

Flags: without ``--name`` the new command registers every flow in the file where the old one
took the first; without ``--skip-if-flow-metadata-unchanged`` the old command always made a new
version where the new one skips unchanged flows (``--force`` keeps the old behaviour); options
known only at run time; options click would have rejected.
"""

from __future__ import annotations

from prefect1_migrate.codemods._commands.driver import rewrite_commands
from prefect1_migrate.codemods._commands.edits import (
    Replace,
    Rewrite,
    cannot_read,
    delete,
    rename,
    runtime_arguments,
)
from prefect1_migrate.codemods._commands.invocations import Invocation
from prefect1_migrate.codemods._commands.options import Option, parse_options

from prefect1_migrate.codemod import SourceFile, TextCodemod
from prefect1_migrate.filekinds import COMMAND_KINDS
from prefect1_migrate.guide import CLI_REGISTER_RUN

CODEMOD = TextCodemod(
    __name__,
    title="prefect register flow becomes prefect register",
    guide_section=CLI_REGISTER_RUN,
    order=10,
    summary="`prefect register flow -f F -p P` -> `prefect register --path F --project P` in "
    "scripts, Makefiles, Dockerfiles, CI/compose/Kubernetes YAML, INI units and docs.",
    description=(
        "Rewrote `prefect register flow` command lines to `prefect register`: -f/--file became "
        "--path and -p/--project became --project (in 1.0 -f is --force and -p is --path), "
        "--skip-if-flow-metadata-unchanged was dropped (it is the 1.0 default). The guide's own "
        "example `prefect register flows --project ... --path ...` is rejected by every Prefect "
        "version; it became `prefect register --project ... --path ...`."
    ),
    flags=(
        "commands without --name: 1.0 registers every flow in the file, not only the first",
        "commands without --skip-if-flow-metadata-unchanged: 1.0 skips unchanged flows "
        "(--force keeps the old always-new-version behaviour)",
        "arguments known only at run time, and options the old command would have rejected",
    ),
    review_note=(
        "`prefect register` needs Prefect Server 2021.09.02 or later. It runs the file with "
        "runpy: code under `if __name__ == '__main__':` is skipped, as before."
    ),
    triggers=("register",),
    file_kinds=COMMAND_KINDS,
)


FILE = Option(("--file", "-f"))
NAME = Option(("--name", "-n"))
PROJECT = Option(("--project", "-p"))
LABEL = Option(("--label", "-l"))
SKIP_UNCHANGED = Option(("--skip-if-flow-metadata-unchanged",), takes_value=False)
OLD_OPTIONS = (FILE, NAME, PROJECT, LABEL, SKIP_UNCHANGED)

ALL_FLOWS = (
    "`prefect register` registers every flow in the file, `register flow` only the first: "
    "add --name to register one flow"
)
NEW_VERSIONS = (
    "`prefect register` skips flows whose metadata did not change, `register flow` always "
    "made a new version: add --force to keep that"
)
BOTH = (
    "`prefect register` registers every flow in the file (`register flow`: the first; add "
    "--name to pick one) and skips flows whose metadata did not change (`register flow` always "
    "made a new version; add --force for that)"
)


def rewrite_argv(invocation: Invocation) -> Rewrite | None:
    """The 1.0 form of a ``prefect register flow`` (or ``register flows``) invocation."""
    values = invocation.values
    if len(values) < 2 or values[0] != "register" or values[1] not in ("flow", "flows"):
        return None
    drop_subcommand = Replace(1, 2)
    if values[1] == "flows":
        return Rewrite((drop_subcommand,))
    occurrences = parse_options(invocation.args, OLD_OPTIONS, start=2)
    if occurrences is None or any(o.option is None and o.is_static for o in occurrences):
        return cannot_read("prefect register flow")
    ops = [drop_subcommand]
    for occurrence in occurrences:
        if occurrence.option == FILE:
            ops.append(rename(occurrence, "--path"))
        elif occurrence.option == PROJECT:
            ops.append(rename(occurrence, "--project"))
        elif occurrence.option == SKIP_UNCHANGED:
            ops.append(delete(occurrence))
    written = {occurrence.option for occurrence in occurrences}
    todos = []
    if None in written:
        todos.append(runtime_arguments("prefect register flow"))
    if NAME not in written and SKIP_UNCHANGED not in written:
        todos.append(BOTH)
    elif NAME not in written:
        todos.append(ALL_FLOWS)
    elif SKIP_UNCHANGED not in written:
        todos.append(NEW_VERSIONS)
    return Rewrite(tuple(op for op in ops if op is not None), tuple(todos))


@CODEMOD.rewriter
def rewrite(text: str, file: SourceFile) -> str:
    return rewrite_commands(text, file, rewrite_argv)
