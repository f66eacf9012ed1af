"""Custom environments and environment internals (upgrade guide: "Support for environments").

Nothing here has a Prefect 1.0 equivalent, so nothing is rewritten. Flags, whatever import
style named them:

- classes deriving from ``Environment`` or one of the environment classes (custom
  ``setup()`` / ``execute()``): agents, run configs and executors replace them;
- other uses of ``prefect.environments.Environment``;
- ``load_and_run_flow`` (also inside strings, e.g. a container command
  ``python -c '...load_and_run_flow()'``): agents now start ``prefect execute flow-run``;
- ``prefect.serialization.environment`` (its schemas) and
  ``prefect.serialization.flow.EnvironmentSchema``: serialized flows have no environment.

The environment classes themselves, where a flow sets them, are converted by
``environments-to-run-configs``.
"""

from __future__ import annotations

from fissix.pgen2 import token
from fissix.pytree import Node
from prefect1_migrate.codemods._environments.names import (
    environment_bindings,
    exported_name,
    flag_environment_imports,
    in_class_bases,
    references,
)
from prefect1_migrate.codemods._python.imports import from_import_module, imported_names
from prefect1_migrate.codemods._python.markers import add_todo
from prefect1_migrate.codemods._python.names import qualified_chain
from prefect1_migrate.codemods._python.tree import LN, statement_of, syms, walk

from prefect1_migrate.codemod import PythonCodemod, SourceFile
from prefect1_migrate.guide import ENVIRONMENTS

CODEMOD = PythonCodemod(
    __name__,
    title="Flag custom environments, load_and_run_flow, env schemas",
    guide_section=ENVIRONMENTS,
    order=30,
    summary="Flags Environment subclasses, load_and_run_flow and prefect.serialization.environment "
    "(no Prefect 1.0 equivalent).",
    description=(
        "Marked what Prefect 1.0 removed without a replacement: custom Environment subclasses "
        "(agents, run configs and executors replace them), load_and_run_flow (agents run "
        "`prefect execute flow-run`) and the environment serialization schemas."
    ),
    flags=(
        "classes deriving from Environment or an environment class",
        "other uses of prefect.environments.Environment",
        "load_and_run_flow, also inside strings (container commands)",
        "prefect.serialization.environment and prefect.serialization.flow.EnvironmentSchema",
    ),
    review_note=(
        "Job specs, task definitions and Dockerfiles outside Python that run "
        "load_and_run_flow must start `prefect execute flow-run` instead (or let the agent "
        "set the command)."
    ),
    triggers=("environments", "load_and_run_flow", "serialization"),
)


_SUBCLASS = (
    "{name} derives from {base}, removed in Prefect 1.0 with no extension point: move what "
    "its setup()/execute() did into the flow's run config (job template, task definition, "
    "env) or its executor, run by an agent"
)
_ENVIRONMENT = (
    "prefect.environments.Environment was removed in Prefect 1.0: configure flows with "
    "flow.run_config and flow.executor"
)
_LOAD_AND_RUN = (
    "load_and_run_flow was removed in Prefect 1.0: agents start flow runs with "
    "`prefect execute flow-run`, which reads PREFECT__CONTEXT__FLOW_RUN_ID (and the API "
    "settings) from the environment the agent provides"
)
_SCHEMAS = (
    "prefect.serialization.environment (EnvironmentSchema and the per-environment schemas) "
    "was removed in Prefect 1.0 with no replacement: serialized flows have no environment"
)
_SERIALIZATION = "prefect.serialization.environment"
_FLOW_SCHEMA = "prefect.serialization.flow.EnvironmentSchema"


@CODEMOD.rewriter
def rewrite(root: Node, file: SourceFile) -> None:
    bindings = environment_bindings(root, file)
    flag_environment_imports(root)
    for reference, qualified in references(root, bindings):
        name = exported_name(qualified)
        if in_class_bases(reference):
            continue
        if name == "Environment":
            add_todo(reference, _ENVIRONMENT)
        elif name == "load_and_run_flow":
            add_todo(reference, _LOAD_AND_RUN)
    for statement in walk(root):
        if statement.type == syms.classdef:
            _flag_subclass(statement, bindings)
        elif statement.type == token.STRING and "load_and_run_flow" in statement.value:
            add_todo(statement, _LOAD_AND_RUN)
        elif statement.type == syms.import_from and _imports_schemas(statement):
            add_todo(statement, _SCHEMAS)
        elif statement.type == syms.import_name and _SERIALIZATION in str(statement):
            add_todo(statement, _SCHEMAS)
        elif statement.type == syms.power and _names_schemas(statement, bindings):
            add_todo(statement, _SCHEMAS)


def _flag_subclass(classdef: LN, bindings: dict[str, str]) -> None:
    bases = [
        node
        for node in walk(classdef)
        if node is not classdef and in_class_bases(node) and node.type in (token.NAME, syms.power)
    ]
    for base in bases:
        if base.type == token.NAME:
            qualified = bindings.get(base.value)
        else:
            chain = qualified_chain(base, bindings)
            qualified = chain[-1] if chain else None
        name = exported_name(qualified)
        if name is not None and name != "load_and_run_flow":
            add_todo(
                statement_of(classdef), _SUBCLASS.format(name=classdef.children[1].value, base=name)
            )
            return


def _imports_schemas(node: LN) -> bool:
    module = from_import_module(node)
    if module == _SERIALIZATION or module.startswith(_SERIALIZATION + "."):
        return True
    return any(
        f"{module}.{name}" in (_SERIALIZATION, _FLOW_SCHEMA) for _, name, _ in imported_names(node)
    )


def _names_schemas(power: LN, bindings: dict[str, str]) -> bool:
    chain = qualified_chain(power, bindings)
    return any(
        qualified == _FLOW_SCHEMA
        or qualified == _SERIALIZATION
        or qualified.startswith(_SERIALIZATION + ".")
        for qualified in chain
    )
