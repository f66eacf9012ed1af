"""The repository's own re-exports of environment classes (a compat package's ``__init__``
importing them and listing them in ``__all__``).

Its importers convert their calls to run configs, imported from ``prefect.run_configs``
(their own files' conversion, which follows names into the repository's modules), so the
package exports the run config each class became in place of the class: the import and the
``__all__`` entry change together, and only while nothing else in the module uses the name.
"""

from __future__ import annotations

from prefect1_migrate.codemods._environments.mapping import RUN_CONFIGS
from prefect1_migrate.codemods._environments.names import CONVERTIBLE, exported_name
from prefect1_migrate.codemods._python.calls import remove_listed
from prefect1_migrate.codemods._python.imports import (
    all_entries,
    ensure_from_import,
    imported_names,
    name_is_used,
    remove_import_element,
    top_level_imports,
)
from prefect1_migrate.codemods._python.literals import set_string_value, string_value
from prefect1_migrate.codemods._python.statements import remove_statement_or_pass
from prefect1_migrate.codemods._python.tree import LN, syms

#: The run config each class becomes when no call says more (``LocalEnvironment`` with an
#: image becomes ``DockerRun``, decided per call).
RUN_CONFIG_OF = {
    "LocalEnvironment": "UniversalRun",
    "KubernetesJobEnvironment": "KubernetesRun",
    "FargateTaskEnvironment": "ECSRun",
    "DaskKubernetesEnvironment": "KubernetesRun",
    "DaskCloudProviderEnvironment": "ECSRun",
}
assert set(RUN_CONFIG_OF) == set(CONVERTIBLE)


def reexport_run_configs(root: LN, bindings: dict[str, str]) -> None:
    """Replace each environment class the module imports only to list it in ``__all__`` by
    the run config it became, in the import and in ``__all__``."""
    entries = {string_value(leaf): leaf for leaf in all_entries(root)}
    for statement in top_level_imports(root):
        node = statement.children[0]
        if node.type != syms.import_from:
            continue
        names = imported_names(node)
        replaced: list[tuple[LN, str]] = []  # (import element, run config)
        for element, name, alias in names:
            local = alias or name
            environment = exported_name(bindings.get(local))
            if environment not in CONVERTIBLE or local not in entries:
                continue
            if name_is_used(root, local):
                continue
            run_config = RUN_CONFIG_OF[environment]  # type: ignore[index]
            entry = entries[local]
            if run_config in entries:
                remove_listed(entry)
            else:
                set_string_value(entry, run_config)  # type: ignore[arg-type]
                entries[run_config] = entry
            replaced.append((element, run_config))
        if not replaced:
            continue
        for run_config in dict.fromkeys(run_config for _, run_config in replaced):
            ensure_from_import(root, RUN_CONFIGS, run_config)
        if len(replaced) == len(names):
            remove_statement_or_pass(statement)
        else:
            for element, _ in replaced:
                remove_import_element(element)
