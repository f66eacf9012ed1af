"""API keys replace authentication tokens (upgrade guide: "API keys replace authentication
tokens"), for environment variables set in non-Python files.

Renames the variable being set, ``PREFECT__CLOUD__AUTH_TOKEN`` and
``PREFECT__CLOUD__AGENT__AUTH_TOKEN`` -> ``PREFECT__CLOUD__API_KEY``, in every form a file can
set one (shell, Makefile, Dockerfile ``ENV``, compose maps and lists, CI ``env:`` maps,
Kubernetes ``- name:`` entries, dotenv, INI/systemd/supervisord, code blocks in docs), and the
later reads of the renamed variable in the same file (``$NAME``, ``${NAME}``, ``env.NAME``).
The value is kept and flagged: it must become an API key, maybe with a tenant id.
Secret names (``secrets.PREFECT__CLOUD__AUTH_TOKEN``, ``secretKeyRef`` keys) are the user's.

Where ``PREFECT__CLOUD__API_KEY`` is already set in the same block, the old entry is removed
(Prefect 1.0 ignores it), or flagged when it shares its line with other settings; an old entry
whose value equals the API key's is left alone: ``prefect agent kubernetes install`` writes that
pattern itself for pre-0.15 agent images.
"""

from __future__ import annotations

from prefect1_migrate.codemods._env_settings import EnvSetting, env_references, find_env_settings
from prefect1_migrate.codemods._text import LineEdits

from prefect1_migrate.codemod import SourceFile, TextCodemod
from prefect1_migrate.filekinds import ENVIRONMENT_KINDS
from prefect1_migrate.guide import API_KEYS

CLIENT_TOKEN = "PREFECT__CLOUD__AUTH_TOKEN"
AGENT_TOKEN = "PREFECT__CLOUD__AGENT__AUTH_TOKEN"

CODEMOD = TextCodemod(
    __name__,
    title="Env vars: auth tokens become PREFECT__CLOUD__API_KEY",
    guide_section=API_KEYS,
    order=40,
    summary="PREFECT__CLOUD__AUTH_TOKEN / PREFECT__CLOUD__AGENT__AUTH_TOKEN settings in scripts, "
    "Dockerfiles, compose, CI, manifests and .env files become PREFECT__CLOUD__API_KEY.",
    description=(
        "Renamed the environment variables PREFECT__CLOUD__AUTH_TOKEN and "
        "PREFECT__CLOUD__AGENT__AUTH_TOKEN to PREFECT__CLOUD__API_KEY where files set them (and "
        "the later reads of the renamed variable in the same file); Prefect 1.0 ignores both "
        "token variables, and its agents use the client's API key. Where PREFECT__CLOUD__API_KEY "
        "was already set in the same block, the old entry was removed instead."
    ),
    flags=(
        "every renamed setting: its value must be an API key, and a key used with a non-default "
        "tenant needs PREFECT__CLOUD__TENANT_ID",
        "an old token set on the same line as other settings while PREFECT__CLOUD__API_KEY is "
        "already set in its block",
    ),
    review_note=(
        "Secrets that held tokens keep their names (secrets.PREFECT__CLOUD__AUTH_TOKEN, "
        "secretKeyRef keys): put API keys in them. Revoke the old tokens "
        "(`prefect auth purge-tokens` removes them from ~/.prefect)."
    ),
    triggers=(CLIENT_TOKEN, AGENT_TOKEN),
    file_kinds=ENVIRONMENT_KINDS,
)


API_KEY = "PREFECT__CLOUD__API_KEY"

_NEEDS_KEY = (
    "{new} replaces {old}{why}; the value must be an API key (`prefect auth create-key`), not "
    "an auth token; also set PREFECT__CLOUD__TENANT_ID if the key's default tenant is not the "
    "one to use"
)
_ALREADY_SET = "{new} is already set here and Prefect 1.0 ignores {old}; remove it"


@CODEMOD.rewriter
def rewrite(text: str, file: SourceFile) -> str:
    lines = text.split("\n")
    settings = find_env_settings(lines, file, (CLIENT_TOKEN, AGENT_TOKEN, API_KEY))
    keys = [setting for setting in settings if setting.name == API_KEY]
    old = sorted(
        (setting for setting in settings if setting.name != API_KEY),
        key=lambda setting: (setting.name != CLIENT_TOKEN, setting.line),
    )
    edits = LineEdits()
    renamed: list[EnvSetting] = []
    replaced: dict[str, int] = {}  # old name -> first line where its setting went away
    for setting in old:
        in_block = [key for key in keys + renamed if setting.shares_block(key)]
        if in_block:
            if any(key.value is not None and key.value == setting.value for key in in_block):
                continue
            if setting.entry is None:
                message = _ALREADY_SET.format(new=API_KEY, old=setting.name)
                edits.todo(setting.anchor, message)
                continue
            edits.delete(*setting.entry)
        else:
            edits.replace(setting.line, setting.start, setting.start + len(setting.name), API_KEY)
            why = " (1.0 agents use the client's key)" if setting.name == AGENT_TOKEN else ""
            message = _NEEDS_KEY.format(new=API_KEY, old=setting.name, why=why)
            edits.todo(setting.anchor, message)
            renamed.append(setting)
        replaced[setting.name] = min(replaced.get(setting.name, setting.line), setting.line)
    for name, line in replaced.items():
        for index, column in env_references(lines, file, name, line, settings):
            edits.replace(index, column, column + len(name), API_KEY)
    return "\n".join(edits.apply(lines, file)) if edits else text
