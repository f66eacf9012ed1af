"""``prefect`` command lines inside Python code (upgrade guide: "Registering and running flows
with the CLI"; also the CLI parts of "API keys replace authentication tokens" and "Additional
changes").

Applies the argv rewrites of the text codemods ``cli-auth``, ``cli-register``, ``cli-run`` and
``cli-agent`` (in pipeline order) to the command lines a Python file holds:

- list and tuple displays that start with the program: ``subprocess.run(["prefect",
  "register", "flow", "-f", path])``, ``[sys.executable, "-m", "prefect", ...]``; items that are
  expressions are run-time values and move as they are;
- string literals holding a command line (``os.system("prefect run flow ...")``,
  ``subprocess.run("...", shell=True)``, ``shlex.split("...")``), f-strings included (their
  fields are run-time values), docstrings included;
- comments.

New list items are string literals in the quote style of the list; edits inside a literal keep
its prefix, quotes and escapes. Flags are those of the text codemods, as comments above the
statement.
"""

from __future__ import annotations

from itertools import groupby

from fissix.pytree import Node

from codemods import cli_agent, cli_auth, cli_register, cli_run
from codemods._commands.driver import CANNOT_WRITE
from codemods._commands.edits import Rewriter, apply_text_edits, text_edits
from codemods._commands.invocations import Invocation, invocations
from codemods._commands.python_strings import PythonSpot, python_spots
from codemods._commands.words import Unencodable
from codemods._python.markers import add_todo
from codemods._python.snippets import parse_expression
from codemods._python.tree import LN
from prefect1_migrate.codemod import PythonCodemod, SourceFile
from prefect1_migrate.guide import CLI_REGISTER_RUN

CODEMOD = PythonCodemod(
    __name__,
    title="prefect command lines in Python code",
    guide_section=CLI_REGISTER_RUN,
    order=30,
    summary="The CLI rewrites (register, run, auth/agent tokens, Fargate agent) in subprocess "
    "argv lists, os.system strings, f-strings, docstrings and comments.",
    description=(
        "Rewrote `prefect` command lines inside Python code (subprocess argv lists, command "
        "strings, docstrings, comments) the way cli-auth, cli-register, cli-run and cli-agent "
        "rewrite them in scripts: `register flow` -> `register --path/--project`, `run flow` -> "
        "`run --project/--param/...`, token options -> --key, `agent fargate` -> `agent ecs`."
    ),
    flags=(
        "the cases cli-auth, cli-register, cli-run and cli-agent flag",
        "argv lists built piece by piece (`cmd += [...]`) are not recognised",
    ),
    review_note=(
        "Only list/tuple displays and string literals are read: a command assembled from "
        "variables elsewhere in the code needs a look by hand."
    ),
    triggers=("prefect",),
)


REWRITERS: tuple[Rewriter, ...] = (
    cli_auth.rewrite_argv,
    cli_register.rewrite_argv,
    cli_run.rewrite_argv,
    cli_agent.rewrite_argv,
)


@CODEMOD.rewriter
def rewrite(root: Node, file: SourceFile) -> None:
    places = _places(root)
    for rewriter in REWRITERS:
        changes = [_rewrite_place(place, rewriter) for place in places]
        if any(changes):
            places = _places(root)  # read again only what a rewriter changed


Place = list[tuple[PythonSpot, tuple[Invocation, ...]]]


def _places(root: LN) -> list[Place]:
    """The spots of ``root`` grouped by literal, prefix or list display, each spot with its
    invocations."""
    spots = python_spots(root)
    return [
        [(spot, tuple(invocations(spot.segment))) for spot in same_place]
        for _, same_place in groupby(spots, key=lambda spot: (id(spot.node), spot.part))
    ]


def _rewrite_place(place: Place, rewriter: Rewriter) -> bool:
    """Rewrite the invocations of the spots of one literal, prefix or list display; whether
    anything was edited or marked."""
    first = place[0][0]
    text = first.text
    edits = []
    messages: list[str] = []
    for _, found in place:
        for invocation in found:
            rewrite = rewriter(invocation)
            if rewrite is None:
                continue
            try:
                edits.extend(text_edits(invocation, rewrite.ops, text))
                messages.extend(rewrite.todos)
            except Unencodable:
                messages.extend((*rewrite.todos, CANNOT_WRITE))
    node = _replace(first, apply_text_edits(text, edits)) if edits else first.node
    for message in dict.fromkeys(messages):
        add_todo(node, message)
    return bool(edits or messages)


def _replace(spot: PythonSpot, new_text: str) -> LN:
    """Put ``new_text`` where :attr:`PythonSpot.text` was; returns the node now there."""
    node = spot.node
    if spot.part == "value":
        node.value = new_text  # type: ignore[union-attr]
        node.changed()
        return node
    if spot.part == "prefix":
        node.prefix = new_text
        return node
    new = parse_expression(new_text)
    new.prefix = node.prefix
    node.replace(new)
    return new
