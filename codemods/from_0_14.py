"""What Prefect 0.15.0 removed, for a repository coming from 0.14 (upgrade guide: "Additional
changes"; each removal measured on the real 0.14.22, 0.15.13, 1.0.0 and 1.4.1, see
docs/catalog.md "Coming from Prefect 0.14").

Rewrites, in every import style the move table supports:

- ``prefect.tasks.secrets.Secret`` (a deprecated subclass in 0.14) -> ``PrefectSecret``;
- ``prefect.tasks.google`` -> ``prefect.tasks.gcp`` (the same classes since 0.14);
- ``prefect.utilities.tasks.unmapped`` -> ``prefect.unmapped``;
- ``OneTimeSchedule(d)`` -> ``Schedule(clocks=[DatesClock(dates=[d])])`` and
  ``UnionSchedule(s)`` -> ``Schedule(clocks=[...every clock of s...])``: what 0.14's
  functions returned;
- ``RunGreatExpectationsCheckpoint(...)`` -> ``RunGreatExpectationsValidation(...)`` with
  every argument by keyword (its four parameters exist there under the same names);
- ``DockerAgent(network=X)`` -> ``DockerAgent(networks=[X])`` (``network=None``: dropped).

Flags what has no mechanical replacement:

- ``RunGreatExpectationsValidation`` runs a checkpoint with the installed Great Expectations'
  checkpoint API, where 0.14's checkpoint task read the legacy batches itself;
- the removed ``access_token_secret`` (Dropbox) and ``encryption_key_secret`` (GCS) arguments
  of a constructor: removed (the task no longer accepts them), the marker names the
  ``access_token=PrefectSecret(...)`` / ``encryption_key=...`` to pass when the flow calls
  the task; in a call of the task (``Task(...)(..., access_token_secret=X)``) they become
  that argument;
- ``except Exception`` (or a tuple with it) whose ``try`` body raises a Prefect signal
  directly: signals are ``BaseException`` subclasses since 0.15.0, so the handler silently
  stops catching them.

``prefect.agent.kubernetes.ResourceManager`` (removed, no replacement) is marked by the
residual pass (codemods/_removed_in_1x.py), like every name of this list left unrewritten.
"""

from __future__ import annotations

from fissix.pgen2 import token
from fissix.pytree import Leaf, Node
from prefect1_migrate.codemods._python.calls import (
    call_arguments,
    calls_to,
    is_star_argument,
    keyword_argument,
    make_keyword,
    remove_listed,
)
from prefect1_migrate.codemods._python.imports import (
    ensure_from_import,
    remove_imported_name_if_unused,
)
from prefect1_migrate.codemods._python.markers import add_todo
from prefect1_migrate.codemods._python.moves import ModuleMove, NameMove, move_imports
from prefect1_migrate.codemods._python.names import import_bindings, qualified_chain
from prefect1_migrate.codemods._python.snippets import parse_expression
from prefect1_migrate.codemods._python.tree import LN, source_of, syms, walk

from prefect1_migrate.codemod import PythonCodemod, SourceFile
from prefect1_migrate.guide import ADDITIONAL

CODEMOD = PythonCodemod(
    __name__,
    title="Prefect 0.14 APIs removed in 0.15.0",
    guide_section=ADDITIONAL,
    order=5,
    summary="Secret -> PrefectSecret, prefect.tasks.google -> gcp, utilities.tasks.unmapped, "
    "OneTimeSchedule/UnionSchedule -> Schedule(clocks=...), RunGreatExpectationsCheckpoint, "
    "DockerAgent(network=...); flags removed secret arguments and `except Exception` around "
    "signals.",
    description=(
        "Rewrote what Prefect 0.15.0 removed from 0.14: the Secret task -> PrefectSecret, "
        "prefect.tasks.google -> prefect.tasks.gcp, prefect.utilities.tasks.unmapped -> "
        "prefect.unmapped, OneTimeSchedule/UnionSchedule -> Schedule(clocks=[...]) (what they "
        "returned), RunGreatExpectationsCheckpoint -> RunGreatExpectationsValidation (by "
        "keyword), DockerAgent(network=X) -> networks=[X]."
    ),
    flags=(
        "RunGreatExpectationsValidation running a former RunGreatExpectationsCheckpoint",
        "the removed Dropbox `access_token_secret` and GCS `encryption_key_secret` constructor "
        "arguments (removed; the marker names the run-time argument to pass)",
        "`except Exception` around a direct raise of a Prefect signal (BaseException since 0.15)",
        "OneTimeSchedule/UnionSchedule/DockerAgent calls whose arguments cannot be read",
    ),
    triggers=(
        "Secret",
        "prefect.tasks.google",
        "unmapped",
        "OneTimeSchedule",
        "UnionSchedule",
        "RunGreatExpectationsCheckpoint",
        "network",
        "_secret",
        "signals",
        "prefect.engine",
    ),
)

MODULE_MOVES = (ModuleMove("prefect.tasks.google", "prefect.tasks.gcp"),)
NAME_MOVES = (
    NameMove("prefect.tasks.secrets", "Secret", "prefect.tasks.secrets", "PrefectSecret"),
    NameMove("prefect.tasks.secrets.base", "Secret", "prefect.tasks.secrets", "PrefectSecret"),
    NameMove("prefect.utilities.tasks", "unmapped", "prefect", "unmapped"),
)


def _qualified(modules: tuple[str, ...], name: str) -> frozenset[str]:
    return frozenset(f"{module}.{name}" for module in modules)


SCHEDULES = ("prefect.schedules", "prefect.schedules.schedules")
ONE_TIME = _qualified(SCHEDULES, "OneTimeSchedule")
UNION = _qualified(SCHEDULES, "UnionSchedule")
GE_MODULES = ("prefect.tasks.great_expectations", "prefect.tasks.great_expectations.checkpoints")
CHECKPOINT = _qualified(GE_MODULES, "RunGreatExpectationsCheckpoint")
CHECKPOINT_PARAMETERS = ("checkpoint_name", "context_root_dir", "runtime_environment", "run_name")
DOCKER_AGENT = _qualified(("prefect.agent.docker", "prefect.agent.docker.agent"), "DockerAgent")
REMOVED_SECRET_ARGUMENTS = {
    **dict.fromkeys(
        _qualified(("prefect.tasks.dropbox", "prefect.tasks.dropbox.dropbox"), "DropboxDownload"),
        ("access_token_secret", "access_token"),
    ),
    **{
        qualified: ("encryption_key_secret", "encryption_key")
        for name in ("GCSDownload", "GCSUpload", "GCSCopy", "GCSBlobExists")
        for qualified in _qualified(
            ("prefect.tasks.gcp", "prefect.tasks.gcp.storage", "prefect.tasks.google"), name
        )
    },
}
SIGNALS_MODULE = "prefect.engine.signals"

CHECKPOINT_TODO = (
    "RunGreatExpectationsCheckpoint is gone since Prefect 0.15.0: RunGreatExpectationsValidation "
    "runs the checkpoint through the installed Great Expectations' checkpoint API (0.14 read "
    "the legacy checkpoint's batches itself); check that this checkpoint runs the same"
)
SECRET_ARGUMENT_TODO = (
    "the `{old}` argument was removed from this constructor (gone since Prefect 0.15.0): pass "
    "`{new}=PrefectSecret({value})` when calling the task in the flow (from "
    "prefect.tasks.secrets import PrefectSecret)"
)
SIGNAL_TODO = (
    "Prefect signals are BaseException subclasses since 0.15.0: this `except Exception` no "
    "longer catches the signal raised in its `try` block; catch the signal class by name if "
    "that was intended"
)
UNREADABLE_TODO = (
    "{name} was removed in Prefect 0.15.0 and this call could not be rewritten: {hint}"
)


@CODEMOD.rewriter
def rewrite(root: Node, file: SourceFile) -> None:
    move_imports(root, MODULE_MOVES, NAME_MOVES)
    bindings = import_bindings(root)
    rewrote_schedule = False
    for _, trailer in calls_to(root, ONE_TIME | UNION, bindings):
        rewrote_schedule |= _rewrite_schedule(root, trailer, bindings)
    for _, trailer in calls_to(root, CHECKPOINT, bindings):
        _rewrite_checkpoint(root, trailer)
    for _, trailer in calls_to(root, DOCKER_AGENT, bindings):
        _rewrite_docker_network(trailer)
    for qualified, trailer in calls_to(root, REMOVED_SECRET_ARGUMENTS, bindings):
        _rewrite_secret_argument(root, trailer, *REMOVED_SECRET_ARGUMENTS[qualified])
    if rewrote_schedule or CHECKPOINT & set(bindings.values()):
        for name, qualified in bindings.items():
            if qualified in ONE_TIME | UNION | CHECKPOINT:
                remove_imported_name_if_unused(root, name)
    _flag_signal_handlers(root, bindings)


# --- schedules -------------------------------------------------------------------------------


def _rewrite_schedule(root: LN, trailer: Node, bindings: dict[str, str]) -> bool:
    power = trailer.parent
    chain = qualified_chain(power, bindings)
    one_time = chain[-1] in ONE_TIME
    name, parameter = (
        ("OneTimeSchedule", "start_date") if one_time else ("UnionSchedule", "schedules")
    )
    value = _only_argument(trailer, parameter)
    schedule_bound = bindings.get("Schedule", "prefect.schedules.Schedule")
    if (
        value is None
        or power.children[-1] is not trailer
        or schedule_bound not in _qualified(SCHEDULES, "Schedule")
    ):
        hint = f"build a Schedule(clocks=[...]) from its {parameter} by hand"
        add_todo(trailer, UNREADABLE_TODO.format(name=name, hint=hint))
        return False
    if one_time:
        clocks = f"[DatesClock(dates=[{source_of(value)}])]"
        ensure_from_import(root, "prefect.schedules.clocks", "DatesClock")
    elif (items := _display_items(value)) and not any(i.type == syms.star_expr for i in items):
        clocks = "[" + ", ".join(f"*{source_of(item)}.clocks" for item in items) + "]"
    else:
        clocks = f"[clock for schedule in {source_of(value)} for clock in schedule.clocks]"
    new = parse_expression(f"Schedule(clocks={clocks})")
    new.prefix = power.prefix
    power.replace(new)
    ensure_from_import(root, "prefect.schedules", "Schedule")
    return True


def _display_items(atom: LN) -> list[LN]:
    """The items of a ``[...]``/``(...)`` display (a parenthesized expression: itself); none
    for anything else."""
    if atom.type != syms.atom or len(atom.children) != 3 or atom.children[0].value not in "[(":
        return []
    inner = atom.children[1]
    if inner.type in (syms.listmaker, syms.testlist_gexp):
        return [child for child in inner.children if child.type != token.COMMA]
    return [inner]


def _only_argument(trailer: Node, parameter: str) -> LN | None:
    """The value of a call's single argument, positional or named ``parameter``."""
    arguments = call_arguments(trailer)
    if len(arguments) != 1 or is_star_argument(arguments[0]):
        return None
    keyword = keyword_argument(arguments[0])
    if keyword is None:
        return arguments[0]
    return keyword[1] if keyword[0] == parameter else None


# --- Great Expectations, Docker agent, secret arguments --------------------------------------


def _rewrite_checkpoint(root: LN, trailer: Node) -> None:
    arguments = call_arguments(trailer)
    positional = [a for a in arguments if keyword_argument(a) is None]
    if any(is_star_argument(a) for a in positional) or len(positional) > len(CHECKPOINT_PARAMETERS):
        hint = "use RunGreatExpectationsValidation with keyword arguments"
        add_todo(trailer, UNREADABLE_TODO.format(name="RunGreatExpectationsCheckpoint", hint=hint))
        return
    for argument, name in zip(positional, CHECKPOINT_PARAMETERS, strict=False):
        make_keyword(argument, name)
    callee = trailer.prev_sibling
    if callee is not None and callee.type == syms.trailer:  # module.RunGreat...: same module
        callee.children[1].value = "RunGreatExpectationsValidation"
    elif isinstance(callee, Leaf):  # an imported name, maybe aliased
        callee.value = "RunGreatExpectationsValidation"
        ensure_from_import(
            root, "prefect.tasks.great_expectations", "RunGreatExpectationsValidation"
        )
    add_todo(trailer, CHECKPOINT_TODO)


def _rewrite_docker_network(trailer: Node) -> None:
    arguments = call_arguments(trailer)
    named = {
        keyword[0]: argument for argument in arguments if (keyword := keyword_argument(argument))
    }
    network = named.get("network")
    if network is None:
        return
    value = network.children[2]
    if "networks" in named:
        hint = "merge `network` into `networks`"
        add_todo(trailer, UNREADABLE_TODO.format(name="DockerAgent(network=...)", hint=hint))
    elif value.type == token.NAME and value.value == "None":
        remove_listed(network)
    else:
        network.children[0].value = "networks"
        new_value = parse_expression(f"[{source_of(value)}]")
        new_value.prefix = value.prefix
        value.replace(new_value)


def _rewrite_secret_argument(root: LN, trailer: Node, old: str, new: str) -> None:
    """``Task(..., old=NAME)``: removed from the constructor, with a marker naming the run-time
    argument to pass; ``Task(...)(..., old=NAME)`` (a call in the flow) becomes
    ``new=PrefectSecret(NAME)``."""
    for argument in call_arguments(trailer):
        keyword = keyword_argument(argument)
        if keyword is not None and keyword[0] == old:
            value = source_of(keyword[1]).strip()
            remove_listed(argument)
            add_todo(trailer, SECRET_ARGUMENT_TODO.format(old=old, new=new, value=value))
    call = trailer.next_sibling
    if call is None or call.type != syms.trailer or call.children[0].type != token.LPAR:
        return
    for argument in call_arguments(call):
        keyword = keyword_argument(argument)
        if keyword is not None and keyword[0] == old:
            argument.children[0].value = new
            secret = parse_expression(f"PrefectSecret({source_of(keyword[1]).strip()})")
            secret.prefix = keyword[1].prefix
            keyword[1].replace(secret)
            ensure_from_import(root, "prefect.tasks.secrets", "PrefectSecret")


# --- signals caught by `except Exception` ----------------------------------------------------


def _flag_signal_handlers(root: LN, bindings: dict[str, str]) -> None:
    for node in walk(root):
        if node.type != syms.try_stmt or not _raises_signal(node.children[2], bindings):
            continue
        for index, clause in enumerate(node.children):
            if clause.type == syms.except_clause and _catches_exception(clause):
                add_todo(_first_statement(node.children[index + 2]) or node, SIGNAL_TODO)


def _first_statement(suite: LN) -> LN | None:
    """The first statement of an indented block (None for a body on the ``except`` line)."""
    if suite.type != syms.suite:
        return None
    return next(c for c in suite.children if c.type not in (token.NEWLINE, token.INDENT))


def _raises_signal(suite: LN, bindings: dict[str, str]) -> bool:
    """Whether ``suite`` raises a ``prefect.engine.signals`` class directly (nested functions
    and classes aside)."""
    for node in walk(suite, skipping=(syms.funcdef, syms.classdef)):
        if node.type != syms.raise_stmt or len(node.children) < 2:
            continue
        raised = node.children[1]
        chain = qualified_chain(raised, bindings) if raised.type == syms.power else []
        if not chain and raised.type == token.NAME:
            chain = [bindings.get(raised.value, "")]
        if chain and chain[-1].startswith(SIGNALS_MODULE + "."):
            return True
    return False


def _catches_exception(clause: Node) -> bool:
    """``except Exception``, ``except Exception as e``, ``except (Exception, ...)``."""
    if len(clause.children) < 2:
        return False
    caught = clause.children[1]
    names = _display_items(caught) if caught.type == syms.atom else [caught]
    return any(name.type == token.NAME and name.value == "Exception" for name in names)
