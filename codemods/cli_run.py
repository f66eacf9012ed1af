"""``prefect run flow`` becomes ``prefect run`` (upgrade guide: "Registering and running flows
with the CLI", "Running flows").

Rewrites every ``prefect`` command line a file holds (see ``codemods/_commands/``), with the
option table of catalog cli-run-flow-removed:

- ``prefect run flow ...`` -> ``prefect run ...``; ``--id``, ``-n/--name``, ``--label`` stay;
- ``-p/--project X`` -> ``--project X`` (``-p`` is ``--path`` in 1.0);
- ``-pf/--parameters-file F`` -> ``--param-file F``; ``-rn/--run-name`` -> ``--run-name``;
- ``-ps/--parameters-string '{"k": v, ...}'`` -> ``--param k=<json> ...`` and ``-c/--context``
  likewise -> ``--context k=<json>``, one option per key. A string value is written bare when
  Prefect reads it back as the same string, otherwise as JSON, shell-quoted; an ``=`` inside a
  value is written ``\\u003d`` (the same JSON string), because Prefect 1.0.0 splits
  ``key=value`` on every ``=`` (catalog sb-cli-param-equals);
- ``-l/--logs`` -> ``--watch``; ``-w/--watch`` (states only) -> ``--watch --no-logs``;
  ``--no-url`` -> ``--quiet``.

Flags (left as written): ``-v/--version`` and ``--version-group-id`` (no 1.0 option: a human
finds the flow id), JSON only known at run time, JSON that is not an object or has a key with
``=``, arguments known only at run time, options click would have rejected; output captured by
``$(...)`` or a pipe (1.0 prints a different text).
"""

from __future__ import annotations

import json

from prefect1_migrate.codemods._commands.driver import rewrite_commands
from prefect1_migrate.codemods._commands.edits import (
    Op,
    Replace,
    Rewrite,
    cannot_read,
    rename,
    runtime_arguments,
)
from prefect1_migrate.codemods._commands.invocations import Invocation
from prefect1_migrate.codemods._commands.options import Occurrence, Option, parse_options
from prefect1_migrate.codemods._commands.words import PLACEHOLDER

from prefect1_migrate.codemod import SourceFile, TextCodemod
from prefect1_migrate.filekinds import COMMAND_KINDS
from prefect1_migrate.guide import CLI_REGISTER_RUN

CODEMOD = TextCodemod(
    __name__,
    title="prefect run flow becomes prefect run",
    guide_section=CLI_REGISTER_RUN,
    order=20,
    summary="`prefect run flow` -> `prefect run`: --project, --param-file, --param k=v, "
    "--context k=v, --run-name, --watch [--no-logs], --quiet.",
    description=(
        "Rewrote `prefect run flow` command lines to `prefect run`: -p/--project became "
        "--project (-p is --path in 1.0), -pf/--parameters-file --param-file, -rn --run-name, "
        "--logs --watch, --watch --watch --no-logs (1.0 --watch also streams logs), --no-url "
        "--quiet; a literal -ps/--parameters-string or -c/--context JSON object became one "
        "--param/--context KEY=JSON per key, with '=' in values written as \\u003d because "
        "Prefect 1.0.0 splits KEY=VALUE on every '=' (fixed in later 1.x)."
    ),
    flags=(
        "--version and --version-group-id (no 1.0 option; find the flow id)",
        "parameters or context JSON known only at run time, not an object, or with '=' in a key",
        "output captured by $(...) or a pipe (1.0 prints different text)",
        "arguments known only at run time, and options the old command would have rejected",
    ),
    review_note=(
        "`prefect run --watch` exits with status 1 when the flow run fails (the old command "
        "exited 0) and, in Prefect 1.0.0, gives up after 12 hours."
    ),
    triggers=("flow",),
    file_kinds=COMMAND_KINDS,
)


ID = Option(("--id",))
VERSION_GROUP_ID = Option(("--version-group-id",))
NAME = Option(("--name", "-n"))
PROJECT = Option(("--project", "-p"))
VERSION = Option(("--version", "-v"))
PARAMETERS_FILE = Option(("--parameters-file", "-pf"))
PARAMETERS = Option(("--parameters-string", "-ps"))
RUN_NAME = Option(("--run-name", "-rn"))
CONTEXT = Option(("--context", "-c"))
WATCH = Option(("--watch", "-w"), takes_value=False)
LABEL = Option(("--label",))
LOGS = Option(("--logs", "-l"), takes_value=False)
NO_URL = Option(("--no-url",), takes_value=False)
OLD_OPTIONS = (
    ID,
    VERSION_GROUP_ID,
    NAME,
    PROJECT,
    VERSION,
    PARAMETERS_FILE,
    PARAMETERS,
    RUN_NAME,
    CONTEXT,
    WATCH,
    LABEL,
    LOGS,
    NO_URL,
)

RENAMED = {PROJECT: "--project", PARAMETERS_FILE: "--param-file", RUN_NAME: "--run-name"}
REPLACED = {LOGS: ("--watch",), WATCH: ("--watch", "--no-logs"), NO_URL: ("--quiet",)}
SPLIT_JSON = {PARAMETERS: "--param", CONTEXT: "--context"}

NO_VERSION = (
    "`prefect run` has no --version: look up the flow id of that version "
    "(`prefect get flows --name NAME --project PROJECT --version N`) and pass it with --id"
)
NO_VERSION_GROUP_ID = (
    "`prefect run` has no --version-group-id: pass the flow id or the flow group id with --id "
    "(a version group id is neither)"
)
QUIET_OUTPUT = "`prefect run --quiet` prints only the flow run id (no `Flow Run ID: ` prefix)"
SUMMARY_OUTPUT = (
    "`prefect run` prints a multi-line summary instead of `Flow Run: <url>`; use --quiet to "
    "print only the flow run id"
)


def rewrite_argv(invocation: Invocation) -> Rewrite | None:
    """The 1.0 form of a ``prefect run flow`` invocation."""
    if invocation.values[:2] != ["run", "flow"]:
        return None
    occurrences = parse_options(invocation.args, OLD_OPTIONS, start=2)
    if occurrences is None or any(o.option is None and o.is_static for o in occurrences):
        return cannot_read("prefect run flow")
    ops: list[Op | None] = [Replace(1, 2)]
    todos: list[str] = []
    for occurrence in occurrences:
        option = occurrence.option
        if option in RENAMED:
            ops.append(rename(occurrence, RENAMED[option]))
        elif option in REPLACED:
            ops.append(Replace(occurrence.index, occurrence.stop, REPLACED[option]))
        elif option in SPLIT_JSON:
            op, problem = _split_json(occurrence, SPLIT_JSON[option])
            ops.append(op)
            if problem:
                todos.append(problem)
        elif option == VERSION:
            todos.append(NO_VERSION)
        elif option == VERSION_GROUP_ID:
            todos.append(NO_VERSION_GROUP_ID)
        elif option is None:
            todos.append(runtime_arguments("prefect run flow"))
    written = {occurrence.option for occurrence in occurrences}
    if invocation.captured and NO_URL in written:
        todos.append(QUIET_OUTPUT)
    elif invocation.captured and not written & {WATCH, LOGS}:
        todos.append(SUMMARY_OUTPUT)
    return Rewrite(tuple(op for op in ops if op is not None), tuple(dict.fromkeys(todos)))


def _split_json(occurrence: Occurrence, new_option: str) -> tuple[Replace | None, str | None]:
    """``-ps '{"a": 1, "b": "x"}'`` -> ``--param a=1 --param b=x``, or why it cannot be."""
    old = occurrence.name
    text = occurrence.value or ""
    if PLACEHOLDER in text:
        return None, (
            f"{old} gets JSON known only at run time: pass each key as `{new_option} KEY=JSON`"
            + (" or put the JSON in a file for --param-file" if new_option == "--param" else "")
        )
    try:
        data = json.loads(text)
    except ValueError:
        return (
            None,
            f"the value of {old} is not valid JSON; fix it and pass `{new_option} KEY=JSON`",
        )
    if not isinstance(data, dict):
        return None, f"the value of {old} is not a JSON object; pass `{new_option} KEY=JSON`"
    if any("=" in key for key in data):
        return None, (
            f"a key of {old} contains '=', which `{new_option} KEY=JSON` cannot express"
            + (
                "; put the parameters in a JSON file for --param-file"
                if new_option == "--param"
                else ""
            )
        )
    words: list[str] = []
    for key, value in data.items():
        words += [new_option, f"{key}={_cli_json(value)}"]
    return Replace(occurrence.index, occurrence.stop, tuple(words)), None


def _cli_json(value: object) -> str:
    """How ``prefect run`` reads ``value`` back from ``KEY=<this>`` in 1.0.0 and 1.4.1."""
    if isinstance(value, str) and value and _read_back_as_string(value):
        return value
    return json.dumps(value, ensure_ascii=False).replace("=", "\\u003d")


def _read_back_as_string(text: str) -> bool:
    """Whether ``prefect run``'s ``cast_value`` turns bare ``text`` into the string itself: it
    quotes text that is no JSON value ("Expecting value"/"Extra data") and holds no ``"``."""
    if '"' in text or "\\" in text or "=" in text or not text.isprintable():
        return False
    try:
        json.loads(text)
    except ValueError as error:
        return "Expecting value" in str(error) or "Extra data" in str(error)
    return False


@CODEMOD.rewriter
def rewrite(text: str, file: SourceFile) -> str:
    return rewrite_commands(text, file, rewrite_argv)
