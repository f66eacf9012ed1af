"""RunGreatExpectationsValidation gained two parameters in second place (changelog: silent
breaker; guide section "Additional changes").

Prefect 1.0 inserts ``ge_checkpoint`` and ``checkpoint_kwargs`` after ``checkpoint_name`` in
both ``RunGreatExpectationsValidation.__init__`` and ``.run``, so a positional ``context`` (and
everything after it) lands in the wrong parameter without any error. Rewrites positional
arguments after the first into keywords with their 0.15 names, in:

- constructor calls, in every import style (``prefect.tasks.great_expectations`` and its
  ``checkpoints`` module);
- calls of the task object: ``RunGreatExpectationsValidation(...)(...)``, and ``v(...)`` /
  ``v.run(...)`` where every binding of ``v`` visible there (Python's scope rules) is
  ``v = RunGreatExpectationsValidation(...)``.

Flags calls that unpack ``*args`` into those parameters, and calls of a name that is bound to
such a task only in some of its assignments.
"""

from __future__ import annotations

from fissix.pgen2 import token
from fissix.pytree import Node
from prefect1_migrate.codemods._python.calls import (
    assigned_calls,
    call_arguments,
    calls_to,
    is_star_argument,
    keyword_argument,
    make_keyword,
)
from prefect1_migrate.codemods._python.markers import add_todo
from prefect1_migrate.codemods._python.names import import_bindings
from prefect1_migrate.codemods._python.tree import LN, syms, walk

from prefect1_migrate.codemod import PythonCodemod, SourceFile
from prefect1_migrate.guide import ADDITIONAL

CODEMOD = PythonCodemod(
    __name__,
    title="Pass RunGreatExpectationsValidation arguments by keyword",
    guide_section=ADDITIONAL,
    order=50,
    summary="Positional arguments after checkpoint_name of RunGreatExpectationsValidation "
    "(constructor, task call, .run) become keywords.",
    description=(
        "Turned positional arguments after checkpoint_name of RunGreatExpectationsValidation "
        "(constructor, task calls and .run) into keywords: Prefect 1.0 inserted ge_checkpoint and "
        "checkpoint_kwargs as 2nd and 3rd parameters, which silently shifts positional "
        "arguments."
    ),
    flags=(
        "calls unpacking *args into RunGreatExpectationsValidation",
        "calls of a name that is only sometimes a RunGreatExpectationsValidation task",
    ),
    review_note=(
        "Subclasses of RunGreatExpectationsValidation that call super().__init__ or super().run "
        "positionally are not rewritten. prefect.tasks.great_expectations needs the ge extra."
    ),
    triggers=("RunGreatExpectationsValidation",),
)


VALIDATION = frozenset(
    {
        "prefect.tasks.great_expectations.RunGreatExpectationsValidation",
        "prefect.tasks.great_expectations.checkpoints.RunGreatExpectationsValidation",
    }
)
# The parameters of __init__ and run in 0.15.13, in order (1.0 inserts two after the first).
PARAMETERS = (
    "checkpoint_name",
    "context",
    "assets_to_validate",
    "batch_kwargs",
    "expectation_suite_name",
    "context_root_dir",
    "runtime_environment",
    "run_name",
    "run_info_at_end",
    "disable_markdown_artifact",
    "validation_operator",
    "evaluation_parameters",
)
UNPACKED_TODO = (
    "RunGreatExpectationsValidation takes ge_checkpoint and checkpoint_kwargs as its 2nd and "
    "3rd parameters in Prefect 1.0: pass everything after checkpoint_name by keyword"
)
MAYBE_TODO = (
    "if {name} is a RunGreatExpectationsValidation task here, pass everything after "
    "checkpoint_name by keyword (Prefect 1.0 inserted ge_checkpoint and checkpoint_kwargs "
    "as 2nd and 3rd parameters)"
)


@CODEMOD.rewriter
def rewrite(root: Node, file: SourceFile) -> None:
    bindings = import_bindings(root)
    for _, trailer in calls_to(root, VALIDATION, bindings):
        _keywordise(trailer)
        if _is_call(trailer.next_sibling):
            _keywordise(trailer.next_sibling)  # RunGreatExpectationsValidation(...)(...)
    for power in walk(root):
        call = _task_call(power)
        if call is None:
            continue
        matching, total = assigned_calls(power.children[0], VALIDATION, bindings)
        if matching and matching == total:
            _keywordise(call)
        elif matching and _shifted_positionals(call):
            add_todo(call, MAYBE_TODO.format(name=power.children[0].value))


def _keywordise(trailer: LN) -> None:
    for index, argument in enumerate(call_arguments(trailer)):
        if argument.type == syms.star_expr or (
            argument.type == syms.argument and argument.children[0].type == token.STAR
        ):
            add_todo(trailer, UNPACKED_TODO)
            return
        if keyword_argument(argument) is not None or is_star_argument(argument):
            return  # keywords and **kwargs follow the positional arguments
        if 1 <= index < len(PARAMETERS):
            make_keyword(argument, PARAMETERS[index])


def _is_call(node: LN | None) -> bool:
    return node is not None and node.type == syms.trailer and node.children[0].type == token.LPAR


def _shifted_positionals(trailer: LN) -> bool:
    return any(
        index >= 1 and keyword_argument(argument) is None
        for index, argument in enumerate(call_arguments(trailer))
    )


def _task_call(power: LN) -> LN | None:
    """The call trailer of ``v(...)`` or ``v.run(...)`` for a plain name ``v``."""
    if power.type != syms.power or power.children[0].type != token.NAME:
        return None
    rest = power.children[1:]
    if rest and _is_call(rest[0]):
        return rest[0]
    if (
        len(rest) >= 2
        and rest[0].type == syms.trailer
        and rest[0].children[0].type == token.DOT
        and rest[0].children[1].value == "run"
        and _is_call(rest[1])
    ):
        return rest[1]
    return None
