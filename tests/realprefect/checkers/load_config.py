"""Load user config files the way this env's Prefect does and read settings from the result.

Input: {"files": [{"path": absolute TOML file, "keys": ["cloud.send_flow_run_logs", ...]}]}.
Output: {"prefect": version, "files": {path: {"values": {key: value}, "missing": [keys]}}}
(or {"error": ...} when the file does not load). The file is merged over Prefect's packaged
``config.toml`` by ``prefect.configuration.load_configuration``; environment variables are
not read (no ``env_var_prefix``).
"""

from __future__ import annotations

import os
from typing import Any

import prefect
from _common import in_fork, jsonable, main
from prefect.configuration import load_configuration

DEFAULT_CONFIG = os.path.join(os.path.dirname(prefect.__file__), "config.toml")
_MISSING = object()


def lookup(config: Any, key: str) -> Any:
    value = config
    for part in key.split("."):
        if not isinstance(value, dict) or part not in value:
            return _MISSING
        value = value[part]
    return value


def load(path: str, keys: list[str]) -> dict[str, Any]:
    if not os.path.isfile(path):
        raise FileNotFoundError(path)
    config = load_configuration(path=DEFAULT_CONFIG, user_config_path=path)
    values: dict[str, Any] = {}
    missing: list[str] = []
    for key in keys:
        value = lookup(config, key)
        if value is _MISSING:
            missing.append(key)
        else:
            values[key] = jsonable(value)
    return {"values": values, "missing": missing}


def handle(request: dict[str, Any]) -> dict[str, Any]:
    results = {
        item["path"]: in_fork(lambda item=item: load(item["path"], item["keys"]))
        for item in request["files"]
    }
    return {"prefect": prefect.__version__, "files": results}


if __name__ == "__main__":
    main(handle)
