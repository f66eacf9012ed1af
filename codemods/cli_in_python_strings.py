"""``prefect`` command lines inside Python code (upgrade guide: "Registering and running flows
with the CLI"; also the CLI parts of "API keys replace authentication tokens" and "Additional
changes").

Applies the argv rewrites of the text codemods ``cli-auth``, ``cli-register``, ``cli-run`` and
``cli-agent`` (in pipeline order) to the command lines a Python file holds:

- list and tuple displays that start with the program: ``subprocess.run(["prefect",
  "register", "flow", "-f", path])``, ``[sys.executable, "-m", "prefect", ...]``; items that are
  expressions are run-time values and move as they are;
- argv lists built piece by piece: ``argv += [...]`` and ``argv.extend([...])`` in the scope
  where ``argv = ["prefect", ...]`` is bound are read as the rest of that command (the words
  of the first list are read, never edited there; a rewrite that would span both lists is
  marked);
- string literals holding a command line (``os.system("prefect run flow ...")``,
  ``subprocess.run("...", shell=True)``, ``shlex.split("...")``, ``" ".join([...])`` of an
  argv list), implicitly concatenated literals of one style as one string, docstrings
  included. Run-time values are f-string fields, the fields of a ``"...".format(...)``
  template and the conversions of a ``"..." % ...`` template: they move as they are, and
  where the new form needs their content (``--parameters-string {}`` → ``--param k=v``) the
  line is marked and the value kept;
- comments.

The guard of issue 11 item 3: a rewrite that would drop or reorder a field of a ``.format``/
``%`` template (its arguments would then bind to other fields, or be ignored silently) is not
made; the command line is left as it was, with a marker saying which fields and why. The same
holds for an edit that would touch what stands between concatenated literals.

New list items are string literals in the quote style of the list; edits inside a literal keep
its prefix, quotes and escapes. Flags are those of the text codemods, as comments above the
statement.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from itertools import groupby

from fissix.pgen2 import token
from fissix.pygram import python_symbols
from fissix.pytree import Node
from prefect1_migrate.codemods import cli_agent, cli_auth, cli_register, cli_run
from prefect1_migrate.codemods._commands.driver import CANNOT_WRITE
from prefect1_migrate.codemods._commands.edits import (
    Edit,
    Op,
    Replace,
    Rewrite,
    Rewriter,
    TextEdit,
    apply_text_edits,
    text_edits,
)
from prefect1_migrate.codemods._commands.invocations import Invocation, invocations
from prefect1_migrate.codemods._commands.python_strings import (
    PythonSpot,
    fields_of,
    junctions,
    python_spots,
)
from prefect1_migrate.codemods._commands.words import Unencodable
from prefect1_migrate.codemods._python.markers import add_todo
from prefect1_migrate.codemods._python.snippets import parse_call_trailer, parse_expression
from prefect1_migrate.codemods._python.tree import LN, leaves_of

from prefect1_migrate.codemod import PythonCodemod, SourceFile
from prefect1_migrate.guide import CLI_REGISTER_RUN

CODEMOD = PythonCodemod(
    __name__,
    title="prefect command lines in Python code",
    guide_section=CLI_REGISTER_RUN,
    order=30,
    summary="The CLI rewrites (register, run, auth/agent tokens, Fargate agent) in subprocess "
    "argv lists (and their `+=`/`.extend` parts), os.system strings, f-strings, `.format`/`%` "
    "templates (never dropping a field), docstrings and comments.",
    description=(
        "Rewrote `prefect` command lines inside Python code (subprocess argv lists, command "
        "strings, docstrings, comments) the way cli-auth, cli-register, cli-run and cli-agent "
        "rewrite them in scripts: `register flow` -> `register --path/--project`, `run flow` -> "
        "`run --project/--param/...`, token options -> --key, `agent fargate` -> `agent ecs`."
    ),
    flags=(
        "the cases cli-auth, cli-register, cli-run and cli-agent flag",
        "a `.format`/`%` command string whose rewrite would drop or move a template field "
        "(left as it was)",
    ),
    review_note=(
        "Only list/tuple displays, their `+=`/`.extend` continuations in the same scope and "
        "string literals are read: a command assembled from variables elsewhere in the code "
        "needs a look by hand."
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
            if first.borrowed:
                rewrite = _extension_rewrite(first.borrowed, invocation, rewrite, rewriter)
            try:
                edits.extend(_text_edits(first.borrowed, invocation, rewrite.ops, text))
                messages.extend(rewrite.todos)
            except Unencodable:
                messages.extend((*rewrite.todos, CANNOT_WRITE))
    if any(_touches(edit, junction) for edit in edits for junction in junctions(first)):
        edits, messages = [], [*messages, CANNOT_WRITE]
    new_text = apply_text_edits(text, edits)
    lost = _lost_fields(first, text, new_text)
    if lost:
        edits, messages = [], [_lost_fields_todo(lost), *messages]
    node = _replace(first, new_text) if edits else first.node
    for message in dict.fromkeys(messages):
        add_todo(node, message)
    return bool(edits or messages)


def _extension_rewrite(
    borrowed: int, invocation: Invocation, rewrite: Rewrite, rewriter: Rewriter
) -> Rewrite:
    """What is left to do in a list display that extends an argv (``argv += [...]``): the ops
    on its own items (the list it extends is rewritten where it is written) and the messages
    on topics the borrowed words alone do not raise (the marker of the list it extends is
    read off that list alone)."""
    own_start = borrowed - invocation.first_arg  # argv index of the display's first item
    ops: list[Op] = []
    todos = list(rewrite.todos)
    for op in rewrite.ops:
        start, stop = (op.index, op.index + 1) if isinstance(op, Edit) else (op.start, op.stop)
        if start >= own_start:
            ops.append(op)
        elif stop > own_start:
            todos.append(SPLIT_EDIT)
    head = rewriter(replace(invocation, words=invocation.words[:borrowed]))
    said = {_topic(todo) for todo in (() if head is None else head.todos)}
    return Rewrite(tuple(ops), tuple(todo for todo in todos if _topic(todo) not in said))


def _topic(todo: str) -> str:
    """What a review message is about: the command it opens with (`` `prefect register` ...``:
    its variants for other options are one topic), else the whole message."""
    match = re.match(r"`[^`]+`", todo)
    return todo if match is None else match.group()


SPLIT_EDIT = (
    "this list continues a `prefect` command line built above, and its rewrite for Prefect 1.0 "
    "spans both lists: rewrite the command by hand"
)


def _text_edits(
    borrowed: int, invocation: Invocation, ops: Sequence[Op], text: str
) -> list[TextEdit]:
    """:func:`text_edits`, except that deleting the first items of a display that extends an
    argv deletes up to the next item (there is no previous one in the display)."""
    if not borrowed:
        return text_edits(invocation, ops, text)
    elements = invocation.segment.elements  # type: ignore[union-attr]
    edits = []
    for op in ops:
        start = invocation.first_arg + (op.index if isinstance(op, Edit) else op.start)
        if isinstance(op, Replace) and not op.words and start == borrowed:
            stop = invocation.first_arg + op.stop
            end = elements[stop].raw_start if stop < len(elements) else len(text) - 1
            edits.append(
                TextEdit(1 if stop == len(elements) else elements[start].raw_start, end, "")
            )
        else:
            edits.extend(text_edits(invocation, [op], text))
    return edits


def _touches(edit: TextEdit, span: tuple[int, int]) -> bool:
    start, end = span
    return edit.start < end and (edit.end > start if edit.end > edit.start else edit.start > start)


def _lost_fields(spot: PythonSpot, text: str, new_text: str) -> list[str]:
    """The fields of a ``.format``/``%`` template that rewriting ``text`` into ``new_text``
    would drop or move: the template's arguments would then bind to other fields (the guard of
    issue 11: such a place is left as it was and marked)."""
    if spot.template not in ("format", "percent"):
        return []
    old, new = _template_fields(spot, text), _template_fields(spot, new_text)
    if old == new:
        return []
    kept = 0
    while kept < min(len(old), len(new)) and old[kept] == new[kept]:
        kept += 1
    return old[kept:]


def _template_fields(spot: PythonSpot, text: str) -> list[str]:
    """The fields of the literal, or of each literal of the concatenation, ``text``."""
    if spot.part == "value":
        return fields_of(text, spot.template)
    literals = [leaf for leaf in leaves_of(parse_expression(text)) if leaf.type == token.STRING]
    return [field for leaf in literals for field in fields_of(leaf.value, spot.template)]


def _lost_fields_todo(lost: list[str]) -> str:
    fields = ", ".join(f"`{field}`" for field in lost)
    return (
        f"this command line is left as it was: rewriting it for Prefect 1.0 would drop or move "
        f"its template field(s) {fields}, and the arguments of its `.format`/`%` would no "
        "longer match; rewrite the command and its arguments together by hand"
    )


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
    call = node.type == python_symbols.trailer  # session.run("prefect", ...)'s arguments
    new = parse_call_trailer(new_text) if call else parse_expression(new_text)
    new.prefix = node.prefix
    node.replace(new)
    return new
