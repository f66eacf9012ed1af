"""Prefect user configuration files (``~/.prefect/config.toml`` and the like), for the settings
the upgrade guide renames ("API keys replace authentication tokens", "Imports have moved",
"Additional changes").

A TOML file counts as a Prefect configuration when it sets one of the keys below (the table and
key together are Prefect's own); other TOML files, e.g. with an unrelated ``[logging]`` table,
are left alone. Rewrites, keeping comments and layout (line-precise edits, checked by parsing
the result with a TOML reader):

- ``[logging] log_to_cloud = V`` -> ``[cloud] send_flow_run_logs = V`` (moved into ``[cloud]``,
  created if missing); with both set, ``send_flow_run_logs`` becomes ``log_to_cloud AND
  send_flow_run_logs``; ``log_to_cloud = true`` alone is deleted (already the default);
- ``[cloud] auth_token`` -> ``api_key``, flagged (the value must be an API key); removed where an
  ``api_key`` is already set;
- ``[engine.executor] default_class = "prefect.engine.executors.X"`` -> ``"prefect.executors.X"``
  and ``[flows.defaults.storage] default_class = "prefect.environments.storage.X"`` ->
  ``"prefect.storage.X"``.

Flags ``[cloud.agent] auth_token`` (1.0 has no agent-specific key) and a ``log_to_cloud`` that
cannot be merged mechanically. Dotted keys (``cloud.auth_token = ...``) are handled too.
"""

from __future__ import annotations

import copy
from typing import Any

from prefect1_migrate.codemods._text import LineEdits
from prefect1_migrate.codemods._toml_lines import TomlEntry, TomlTable, scan_toml

from prefect1_migrate import tomlread
from prefect1_migrate.codemod import SourceFile, TextCodemod
from prefect1_migrate.filekinds import FileKind
from prefect1_migrate.guide import API_KEYS

CODEMOD = TextCodemod(
    __name__,
    title="config.toml: send_flow_run_logs, api_key, 1.0 class paths",
    guide_section=API_KEYS,
    order=30,
    summary="Prefect config.toml files: [logging] log_to_cloud -> [cloud] send_flow_run_logs, "
    "[cloud] auth_token -> api_key, default executor/storage classes to their 1.0 modules.",
    description=(
        "Rewrote Prefect configuration files: [logging] log_to_cloud moved to [cloud] "
        "send_flow_run_logs (combined with an existing send_flow_run_logs, dropped when it was "
        "true), [cloud] auth_token renamed api_key, default_class values naming "
        "prefect.engine.executors / prefect.environments.storage moved to prefect.executors / "
        "prefect.storage. Prefect 1.0 silently ignores the old keys and falls back to "
        "LocalExecutor for the old executor path. Comments and layout are kept."
    ),
    flags=(
        "[cloud] auth_token renamed to api_key: the value must be an API key",
        "[cloud.agent] auth_token: no agent-specific key in 1.0",
        "log_to_cloud next to send_flow_run_logs when either is not a literal boolean",
    ),
    review_note="Revoke the old tokens; `prefect auth login` refuses to run while a config file "
    "sets [cloud] api_key, so do not mix the two ways of storing a key.",
    triggers=(
        "log_to_cloud",
        "auth_token",
        "prefect.engine.executors",
        "prefect.environments.storage",
    ),
    file_kinds=frozenset({FileKind.TOML}),
)


LOG_TO_CLOUD = ("logging", "log_to_cloud")
SEND_FLOW_RUN_LOGS = ("cloud", "send_flow_run_logs")
CLIENT_TOKEN = ("cloud", "auth_token")
API_KEY = ("cloud", "api_key")
AGENT_TOKEN = ("cloud", "agent", "auth_token")
MOVED_CLASSES = {
    ("engine", "executor", "default_class"): ("prefect.engine.executors.", "prefect.executors."),
    ("flows", "defaults", "storage", "default_class"): (
        "prefect.environments.storage.",
        "prefect.storage.",
    ),
}

_API_KEY_TODO = (
    "api_key replaces auth_token; the value must be an API key (`prefect auth create-key`), not "
    "an auth token; add tenant_id if the key's default tenant is not the one to use"
)
_AGENT_TODO = (
    "Prefect 1.0 agents ignore [cloud.agent] auth_token and there is no agent-specific key: give "
    "agents an API key ([cloud] api_key, PREFECT__CLOUD__API_KEY or `--key`), then remove this"
)
_BOTH_LOG_SETTINGS_TODO = (
    "Prefect 1.0 reads only [cloud] send_flow_run_logs (0.15 sent logs only when it and "
    "[logging] log_to_cloud were both true): merge this value into it and remove this line"
)
_MISSING: Any = object()


class _Plan:
    """Line edits, and the configuration values they must produce."""

    def __init__(self, lines: list[str], document: dict[str, Any]) -> None:
        self.lines = lines
        self.tables, entries = scan_toml(lines)
        self.entries = {entry.path: entry for entry in entries}
        self.expected = copy.deepcopy(document)
        self.edits = LineEdits()

    def entry(self, path: tuple[str, ...]) -> TomlEntry:
        found = self.entries.get(path)
        if found is None:
            raise ValueError(f"{'.'.join(path)} is set in a form this codemod cannot edit")
        return found

    def set_expected(self, path: tuple[str, ...], value: Any) -> None:
        table = self.expected
        for part in path[:-1]:
            table = table.setdefault(part, {})
        table[path[-1]] = value

    def delete(self, path: tuple[str, ...]) -> None:
        entry = self.entry(path)
        self.edits.delete(entry.first, entry.end)
        table = self.expected
        for part in path[:-1]:
            table = table[part]
        del table[path[-1]]

    def rename_key(self, entry: TomlEntry, old: str, new: str) -> None:
        start, end = entry.key_span
        at = self.lines[entry.first].rindex(old, start, end)
        self.edits.replace(entry.first, at, at + len(old), new)


def get(document: dict[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = document
    for part in path:
        if not isinstance(value, dict) or part not in value:
            return _MISSING
        value = value[part]
    return value


@CODEMOD.rewriter
def rewrite(text: str, file: SourceFile) -> str:
    try:
        document = tomlread.loads(text)
    except tomlread.TOMLDecodeError:
        return text
    if not is_prefect_config(document):
        return text
    plan = _Plan(text.split("\n"), document)
    _default_classes(plan, document)
    _auth_tokens(plan, document)
    _log_to_cloud(plan, document)
    if not plan.edits:
        return text
    new_text = "\n".join(plan.edits.apply(plan.lines, file))
    if _pruned(tomlread.loads(new_text)) != _pruned(plan.expected):
        raise ValueError("the rewritten configuration would not hold the intended values")
    return new_text


def _pruned(table: dict[str, Any]) -> dict[str, Any]:
    """``table`` without empty tables (Prefect merges a user file over its defaults)."""
    result = {}
    for key, value in table.items():
        if isinstance(value, dict):
            value = _pruned(value)
            if not value:
                continue
        result[key] = value
    return result


def is_prefect_config(document: dict[str, Any]) -> bool:
    if any(
        get(document, path) is not _MISSING for path in (LOG_TO_CLOUD, CLIENT_TOKEN, AGENT_TOKEN)
    ):
        return True
    return any(
        isinstance(get(document, path), str) and get(document, path).startswith(old)
        for path, (old, _) in MOVED_CLASSES.items()
    )


def _default_classes(plan: _Plan, document: dict[str, Any]) -> None:
    for path, (old, new) in MOVED_CLASSES.items():
        value = get(document, path)
        if not isinstance(value, str) or not value.startswith(old):
            continue
        entry = plan.entry(path)
        at = plan.lines[entry.first].index(old, entry.value_start)
        plan.edits.replace(entry.first, at, at + len(old), new)
        plan.set_expected(path, new + value[len(old) :])


def _auth_tokens(plan: _Plan, document: dict[str, Any]) -> None:
    token = get(document, CLIENT_TOKEN)
    key = get(document, API_KEY)
    if token is not _MISSING and token != "":
        if key is _MISSING:
            entry = plan.entry(CLIENT_TOKEN)
            plan.rename_key(entry, "auth_token", "api_key")
            plan.edits.todo(entry.first, _API_KEY_TODO)
            plan.set_expected(API_KEY, token)
            del plan.expected["cloud"]["auth_token"]
        elif key != token:
            plan.delete(CLIENT_TOKEN)
    if get(document, AGENT_TOKEN) not in (_MISSING, ""):
        plan.edits.todo(plan.entry(AGENT_TOKEN).first, _AGENT_TODO)


def _log_to_cloud(plan: _Plan, document: dict[str, Any]) -> None:
    old = get(document, LOG_TO_CLOUD)
    if old is _MISSING:
        return
    entry = plan.entry(LOG_TO_CLOUD)
    new = get(document, SEND_FLOW_RUN_LOGS)
    if new is not _MISSING:
        if not isinstance(old, bool) or not isinstance(new, bool):
            plan.edits.todo(entry.first, _BOTH_LOG_SETTINGS_TODO)
            return
        if new and not old:
            target = plan.entry(SEND_FLOW_RUN_LOGS)
            at = plan.lines[target.first].index("true", target.value_start)
            plan.edits.replace(target.first, at, at + len("true"), "false")
            plan.set_expected(SEND_FLOW_RUN_LOGS, False)
        plan.delete(LOG_TO_CLOUD)
        _drop_if_emptied(plan, entry)
        return
    if old is True:
        plan.delete(LOG_TO_CLOUD)
        _drop_if_emptied(plan, entry)
        return
    if entry.end - entry.first > 1:
        plan.edits.todo(entry.first, _BOTH_LOG_SETTINGS_TODO)
        return
    _move_to_cloud(plan, entry)
    plan.set_expected(SEND_FLOW_RUN_LOGS, old)
    del plan.expected["logging"]["log_to_cloud"]


def _move_to_cloud(plan: _Plan, entry: TomlEntry) -> None:
    """Put ``send_flow_run_logs`` with the value and comments of ``entry`` into ``[cloud]``."""
    line = plan.lines[entry.first]
    indent = line[: len(line) - len(line.lstrip())]
    rest = line[entry.value_start :]
    first = entry.first  # comments above it move along when the table held nothing else
    if entry.table.header is not None and _only_entry(plan, entry):
        while first > entry.table.header + 1 and plan.lines[first - 1].lstrip().startswith("#"):
            first -= 1
    comments = plan.lines[first : entry.first]
    cloud = next((t for t in plan.tables if t.path == ("cloud",) and not t.is_array), None)
    root_cloud = [
        e for e in plan.entries.values() if e.table.header is None and e.key[0] == "cloud"
    ]
    if cloud is not None:
        own = [e for e in plan.entries.values() if e.table is cloud]
        last = max(own, key=lambda e: e.end, default=None)
        at = last.end if last else (cloud.header or 0) + 1
        below = plan.lines[last.first] if last else ""
        new_indent = below[: len(below) - len(below.lstrip())]
        plan.edits.insert(at, [*comments, f"{new_indent}send_flow_run_logs = {rest}"])
    elif entry.table.header is None and not root_cloud:
        plan.rename_key(entry, entry.key[-1], "send_flow_run_logs")
        plan.rename_key(entry, entry.key[0], "cloud")
        return
    elif root_cloud:
        last = max(root_cloud, key=lambda e: e.end)
        plan.edits.insert(last.end, [*comments, f"{indent}cloud.send_flow_run_logs = {rest}"])
    elif _only_entry(plan, entry) and not any(t.path[:1] == ("cloud",) for t in plan.tables):
        header = entry.table.header
        assert header is not None
        at = plan.lines[header].index("logging")
        plan.edits.replace(header, at, at + len("logging"), "cloud")
        plan.rename_key(entry, "log_to_cloud", "send_flow_run_logs")
        return
    else:
        end = len(plan.lines) - 1  # the text ends with "\n": the last element is empty
        separator = [""] if end > 0 and plan.lines[end - 1].strip() else []
        plan.edits.insert(end, [*separator, "[cloud]", *comments, f"send_flow_run_logs = {rest}"])
    plan.edits.delete(first, entry.end)
    _drop_if_emptied(plan, entry, first)


def _only_entry(plan: _Plan, entry: TomlEntry) -> bool:
    return all(e is entry for e in plan.entries.values() if e.table is entry.table)


def _drop_if_emptied(plan: _Plan, entry: TomlEntry, first: int | None = None) -> None:
    """Remove the ``[logging]`` header when lines ``first`` (default: the entry's first line) to
    the end of ``entry`` were all its table held, apart from blank lines."""
    table: TomlTable = entry.table
    if table.header is None or not _only_entry(plan, entry):
        return
    first = entry.first if first is None else first
    end = min(table.end, len(plan.lines) - 1)
    body = [i for i in range(table.header + 1, end) if not first <= i < entry.end]
    if any(plan.lines[i].strip() for i in body):
        return
    plan.edits.delete(table.header, end)
