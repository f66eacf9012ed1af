"""Star imports from Prefect export only ``__all__`` (changelog: "Use ``__all__`` to declare
Prefect's public API"; guide section "Additional changes").

Prefect 1.0 gave its packages an ``__all__``, so ``from prefect[.x] import *`` no longer
provides submodules (``from prefect import *`` then ``storage.Local()``), incidental imports
(``prefect`` itself) or helpers left out of ``__all__`` (``get_default_executor_class``,
``signals``, ``state``...). For each star import from a Prefect module, the names it provided
in 0.15.13 and no longer does, that the file uses and does not bind itself, are imported
explicitly right after it (``from prefect import storage``, ``import prefect``): same names,
same objects, same order of bindings. Star imports whose lost names are not used are left
alone.

Flags lost names that Prefect 1.x has nowhere under that module any more (the 0.15
compatibility aliases of ``prefect.exceptions``, ``Parameter`` from ``prefect.core.task``,
environment classes, incidental standard-library imports); a name another codemod already
flagged on the same import is not repeated.

``LOST_NAMES`` / ``GONE_NAMES`` were measured with the real packages: ``from X import *`` in
0.15.13 minus the same in 1.0.0 and in 1.4.1 for every module present in all three (optional
extras' third-party imports stubbed), split by whether ``from X import name`` still works in
both 1.0.0 and 1.4.1.
"""

from __future__ import annotations

from fissix.pytree import Node
from prefect1_migrate.codemods._python.imports import (
    from_import_module,
    imported_names,
    name_is_used,
)
from prefect1_migrate.codemods._python.markers import add_todo
from prefect1_migrate.codemods._python.scopes import binding_sites
from prefect1_migrate.codemods._python.statements import insert_statement_after
from prefect1_migrate.codemods._python.tree import LN, first_leaf, statement_of, syms, walk

from prefect1_migrate.codemod import PythonCodemod, SourceFile
from prefect1_migrate.guide import ADDITIONAL
from prefect1_migrate.markers import MARKER, unfolded_lines

CODEMOD = PythonCodemod(
    __name__,
    title="Import what Prefect star imports no longer provide",
    guide_section=ADDITIONAL,
    order=70,
    summary="from prefect[.x] import * now exports only __all__: the lost names a file uses "
    "(submodules, helpers) are imported explicitly.",
    description=(
        "Added explicit imports after star imports from Prefect modules for the names the file "
        "uses that the star import no longer provides: Prefect 1.0 declares __all__ in its "
        "packages, so submodules, incidental imports and helpers outside __all__ are not "
        "star-exported any more."
    ),
    flags=("names star-imported from a Prefect module that Prefect 1.x no longer has there",),
    review_note=(
        "A module that star-imports Prefect to re-export names to other modules is not "
        "detected; check `from yourmodule import <name>` chains that relied on it."
    ),
    triggers=("import *",),
)


# module -> names its star import lost that ``from module import name`` still provides.
LOST_NAMES: dict[str, str] = {
    "prefect": (
        "agent artifacts backend cli client configuration core engine exceptions executors "
        "prefect run_configs schedules serialization storage tasks triggers utilities"
    ),
    "prefect.agent": "agent docker ecs kubernetes local prefect vertex",
    "prefect.agent.docker": "agent",
    "prefect.agent.ecs": "agent",
    "prefect.agent.kubernetes": "agent",
    "prefect.agent.local": "agent",
    "prefect.agent.vertex": "agent",
    "prefect.backend": "artifacts execution flow flow_run kv_store task_run tenant",
    "prefect.core": "edge flow parameter task",
    "prefect.engine": (
        "cache_validators cloud config executors flow_runner get_default_executor_class "
        "get_default_flow_runner_class get_default_task_runner_class prefect result results "
        "runner serializers signals state task_runner warn"
    ),
    "prefect.engine.cloud": "flow_runner task_runner",
    "prefect.engine.executors": "dask local",
    "prefect.engine.result": "base prefect",
    "prefect.engine.results": (
        "azure_result constant_result gcs_result local_result prefect_result s3_result "
        "secret_result"
    ),
    "prefect.executors": "base dask local",
    "prefect.run_configs": "base docker ecs kubernetes local vertex",
    "prefect.schedules": "adjustments clocks filters prefect schedules",
    "prefect.storage": (
        "azure base bitbucket codecommit config docker gcs get_default_storage_class git "
        "github gitlab local module prefect s3 warn webhook"
    ),
    "prefect.tasks": (
        "airbyte airtable asana aws azure azureml census control_flow core cubejs database "
        "databricks dbt docker dremio dropbox exasol files firebolt fivetran gcp github "
        "great_expectations gsheets jira jupyter kafka kubernetes mixpanel monday monte_carlo "
        "mysql notifications postgres prefect prometheus redis rss secrets sendgrid shell "
        "snowflake sodaspark sodasql spacy sql_server templates trello twitter zendesk"
    ),
    "prefect.tasks.airbyte": "airbyte",
    "prefect.tasks.airtable": "airtable",
    "prefect.tasks.asana": "asana_task",
    "prefect.tasks.aws": (
        "batch client_waiter lambda_function s3 secrets_manager step_function waiters"
    ),
    "prefect.tasks.azure": "blobstorage cosmosdb",
    "prefect.tasks.azureml": "dataset datastore",
    "prefect.tasks.census": "census",
    "prefect.tasks.control_flow": "conditional filter",
    "prefect.tasks.cubejs": "cubejs_tasks",
    "prefect.tasks.database": "sqlite warnings",
    "prefect.tasks.databricks": "databricks_hook databricks_submitjob",
    "prefect.tasks.dbt": "dbt dbt_cloud_utils",
    "prefect.tasks.docker": "containers images",
    "prefect.tasks.dremio": "dremio",
    "prefect.tasks.dropbox": "dropbox",
    "prefect.tasks.exasol": "exasol",
    "prefect.tasks.files": "compression operations",
    "prefect.tasks.fivetran": "fivetran",
    "prefect.tasks.gcp": "bigquery secretmanager storage",
    "prefect.tasks.github": "comments issues prs repos",
    "prefect.tasks.great_expectations": "checkpoints",
    "prefect.tasks.gsheets": "gsheets",
    "prefect.tasks.jira": "jira_service_desk jira_task",
    "prefect.tasks.jupyter": "jupyter",
    "prefect.tasks.kafka": "kafka",
    "prefect.tasks.kubernetes": "deployment job pod secrets service",
    "prefect.tasks.monday": "monday",
    "prefect.tasks.mysql": "mysql",
    "prefect.tasks.notifications": "email_task pushbullet_task slack_task",
    "prefect.tasks.postgres": "postgres",
    "prefect.tasks.prefect": "flow_run flow_run_cancel flow_run_rename",
    "prefect.tasks.prometheus": "pushgateway",
    "prefect.tasks.redis": "redis_tasks",
    "prefect.tasks.rss": "feed",
    "prefect.tasks.secrets": "base env_var",
    "prefect.tasks.sendgrid": "sendgrid",
    "prefect.tasks.snowflake": "snowflake",
    "prefect.tasks.sodaspark": "sodaspark_tasks",
    "prefect.tasks.sodasql": "sodasql_tasks",
    "prefect.tasks.spacy": "spacy_tasks",
    "prefect.tasks.sql_server": "sql_server",
    "prefect.tasks.templates": "jinja2 strings",
    "prefect.tasks.trello": "trello",
    "prefect.tasks.twitter": "twitter",
    "prefect.utilities.notifications": "jira_notification notifications",
}

# module -> {lost name: where it is now} for names Prefect 1.x no longer has there at all.
GONE_NAMES: dict[str, dict[str, str]] = {
    "prefect": {"environments": "removed with environments; use run configs"},
    "prefect.agent": {"fargate": "removed; use prefect.agent.ecs"},
    "prefect.agent.agent": {"AuthorizationError": "prefect.exceptions.AuthorizationError"},
    "prefect.agent.local.agent": {"warnings": "the standard library"},
    "prefect.backend.kv_store": {"sys": "the standard library"},
    "prefect.configuration": {
        "warn_on_deprecated_config_keys": "removed",
        "warnings": "the standard library",
    },
    "prefect.core.flow": {"Environment": "removed with environments; use run configs"},
    "prefect.core.task": {"Parameter": "prefect.Parameter"},
    "prefect.exceptions": {
        "PrefectError": "prefect.exceptions.PrefectException",
        "StorageError": "prefect.exceptions.FlowStorageError",
        "ClientError_": "prefect.exceptions.ClientError",
        "AuthorizationError_": "prefect.exceptions.AuthorizationError",
    },
    "prefect.serialization": {"environment": "removed with environments"},
    "prefect.serialization.flow": {"EnvironmentSchema": "removed with environments"},
    "prefect.utilities": {"exceptions": "prefect.exceptions"},
    "prefect.tasks.cubejs.cubejs_tasks": {"Session": "requests.Session", "jwt": "jwt"},
    "prefect.tasks.dbt.dbt_cloud_utils": {"dbt_cloud_artifact_paths": "removed in 1.4"},
    "prefect.utilities.agent": {"LooseVersion": "distutils.version.LooseVersion"},
    "prefect.utilities.storage": {"LooseVersion": "distutils.version.LooseVersion"},
}

GONE_TODO = (
    "`from {module} import *` no longer provides {names} in Prefect 1.x and the module has no "
    "such name any more: {where}"
)


@CODEMOD.rewriter
def rewrite(root: Node, file: SourceFile) -> None:
    stars = [
        node
        for node in walk(root)
        if node.type == syms.import_from
        and imported_names(node)[0][1] == "*"
        and (from_import_module(node) in LOST_NAMES or from_import_module(node) in GONE_NAMES)
    ]
    if not stars:
        return
    scopes = [
        root,
        *(n for n in walk(root) if n.type in (syms.funcdef, syms.classdef, syms.lambdef)),
    ]
    # A name two star imports provided came from the later one in 0.15.13.
    provider: dict[str, LN] = {}
    for node in stars:
        module = from_import_module(node)
        for name in [*LOST_NAMES.get(module, "").split(), *GONE_NAMES.get(module, {})]:
            if name_is_used(root, name) and not any(binding_sites(s, name) for s in scopes):
                provider[name] = node
    for node in stars:
        module = from_import_module(node)
        restored = [n for n in LOST_NAMES.get(module, "").split() if provider.get(n) is node]
        gone = GONE_NAMES.get(module, {})
        flagged = _flagged_above(node)
        lost = [n for n in gone if provider.get(n) is node and n not in flagged]
        if lost:
            where = "; ".join(f"{name} -> {gone[name]}" for name in lost)
            add_todo(node, GONE_TODO.format(module=module, names=", ".join(lost), where=where))
        statement = statement_of(node)
        if "prefect" in restored:
            insert_statement_after(statement, "import prefect")
        others = [name for name in restored if name != "prefect"]
        if others:
            insert_statement_after(statement, f"from {module} import {', '.join(others)}")


def _flagged_above(node: LN) -> str:
    """The text of the markers already standing above the import (another codemod's)."""
    prefix = first_leaf(statement_of(node)).prefix
    return "\n".join(line for line in unfolded_lines(prefix.split("\n")) if MARKER in line)
