"""Load a user config file the way this environment's Prefect does.

The file is merged over Prefect's packaged ``config.toml`` by
``prefect.configuration.load_configuration`` (environment variables are not read). Asked
keys are read from the result. Besides, every key the file sets inside a table that Prefect's
packaged config defines (``[cloud]``, ``[logging]``, ``[engine.executor]``...; ``[context]``,
which holds the user's own values, aside) must be one that release knows, and every value
naming a ``prefect.`` object must import.
"""

from __future__ import annotations

import importlib
import os
import re
from collections.abc import Iterator
from typing import Any

import prefect
from prefect.configuration import load_configuration, load_toml
from prefect1_migrate_probe.common import jsonable

DEFAULT_CONFIG = os.path.join(os.path.dirname(prefect.__file__), "config.toml")
_MISSING = object()
_USER_TABLES = ("context",)
_PREFECT_OBJECT = re.compile(r"prefect(\.[A-Za-z_][A-Za-z0-9_]*)+")


def lookup(config: Any, key: str) -> Any:
    value = config
    for part in key.split("."):
        if not isinstance(value, dict) or part not in value:
            return _MISSING
        value = value[part]
    return value


def _settings(table: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    for key, value in table.items():
        if isinstance(value, dict):
            yield from _settings(value, prefix + key + ".")
        else:
            yield prefix + key, value


def unknown_keys(user: dict[str, Any], default: dict[str, Any]) -> list[str]:
    """Dotted keys of ``user`` that ``default`` lacks, below a table ``default`` has."""
    unknown = []
    for key, _ in _settings(user):
        table = key.rpartition(".")[0]
        if key.split(".")[0] in _USER_TABLES or lookup(default, key) is not _MISSING:
            continue
        if table and isinstance(lookup(default, table), dict):
            unknown.append(key)
    return unknown


def unresolved_objects(user: dict[str, Any]) -> list[list[str]]:
    """[key, value, error] for each value naming a ``prefect.`` object that does not import."""
    problems = []
    for key, value in _settings(user):
        if isinstance(value, str) and _PREFECT_OBJECT.fullmatch(value):
            module, _, name = value.rpartition(".")
            try:
                getattr(importlib.import_module(module), name)
            except (ImportError, AttributeError) as error:
                problems.append([key, value, f"{type(error).__name__}: {error}"])
    return problems


def load(path: str, keys: list[str]) -> dict[str, Any]:
    if not os.path.isfile(path):
        raise FileNotFoundError(path)
    config = load_configuration(path=DEFAULT_CONFIG, user_config_path=path)
    values: dict[str, Any] = {}
    missing = []
    for key in keys:
        value = lookup(config, key)
        if value is _MISSING:
            missing.append(key)
        else:
            values[key] = jsonable(value)
    user, default = load_toml(path), load_toml(DEFAULT_CONFIG)
    return {
        "values": values,
        "missing": missing,
        "unknown_keys": unknown_keys(user, default),
        "unresolved": unresolved_objects(user),
    }
