"""Token options and commands of the CLI become API-key ones (upgrade guide: "API keys
replace authentication tokens").

Rewrites every ``prefect`` command line a file holds (see ``codemods/_commands/``):

- ``prefect auth login -t/--token X`` -> ``prefect auth login --key X``;
- ``prefect agent <type> start|install -t/--token X`` -> ``--key X`` for every agent type
  (local, docker, kubernetes, ecs, vertex, fargate; ``install`` for local and kubernetes), and
  in 0.14's ``prefect agent start|install <type>`` (which cli-agent then reorders);
- ``prefect auth logout --token/-t`` -> ``prefect auth purge-tokens`` (1.0 keeps the flag but
  the token branch is gone: the command always fails);
- ``prefect auth create-token -n N -s S`` -> ``prefect auth create-key -n N --quiet`` (``--quiet``
  keeps the old output: the secret alone);
- ``prefect auth list-tokens`` -> ``prefect auth list-keys``.

Flags: every value moved from a token slot into a key slot (it must be an API key, and a key's
non-default tenant needs ``--tenant-id`` or ``prefect auth switch-tenants``); ``purge-tokens``
asks for confirmation; ``create-token`` with a RUNNER/TENANT scope (a service-account key now);
``list-tokens`` output read by a script; ``revoke-token`` (left as written: key ids are not
token ids); commands giving both a token and a key; options click would have rejected.
"""

from __future__ import annotations

from prefect1_migrate.codemods._commands.driver import rewrite_commands
from prefect1_migrate.codemods._commands.edits import (
    Edit,
    Replace,
    Rewrite,
    cannot_read,
    delete,
    rename,
)
from prefect1_migrate.codemods._commands.invocations import Invocation
from prefect1_migrate.codemods._commands.options import Occurrence, Option, parse_options
from prefect1_migrate.codemods._prefect_cli import AGENT_KEY, AGENT_TOKEN, agent_command

from prefect1_migrate.codemod import SourceFile, TextCodemod
from prefect1_migrate.filekinds import COMMAND_KINDS
from prefect1_migrate.guide import API_KEYS

CODEMOD = TextCodemod(
    __name__,
    title="CLI token options and commands become API-key ones",
    guide_section=API_KEYS,
    order=30,
    summary="`prefect auth login -t`, `prefect agent ... start/install -t` -> `--key`; "
    "`auth logout --token` -> `auth purge-tokens`; create-token/list-tokens -> create-key/list-keys.",
    description=(
        "Rewrote token command lines to API keys: `prefect auth login -t/--token` and "
        "`prefect agent <type> start|install -t/--token` now pass --key, `prefect auth "
        "create-token` became `create-key --quiet`, `list-tokens` `list-keys`. `prefect auth "
        "logout --token` became `prefect auth purge-tokens`: the guide says a second logout "
        "deletes the token, but that is 0.15 behaviour; in Prefect 1.0 `logout --token` always "
        "fails and purge-tokens deletes the token store."
    ),
    flags=(
        "every value moved from a token option to --key (it must be an API key; --tenant-id "
        "for a non-default tenant)",
        "purge-tokens asks for confirmation",
        "create-token with a RUNNER/TENANT scope (a service-account key now), list-tokens "
        "output read by a script, revoke-token (no equivalent for token ids)",
        "commands giving both a token and a key, and options the old command would have rejected",
    ),
    review_note=(
        "Tokens are ignored by Prefect 1.0: every place that passed one must pass an API key. "
        "Agents use the key of `prefect auth login` unless --key or PREFECT__CLOUD__API_KEY is set."
    ),
    triggers=("auth", "agent"),
    file_kinds=COMMAND_KINDS,
)


LOGIN_TOKEN = Option(("--token", "-t"))
LOGOUT_TOKEN = Option(("--token", "-t"), takes_value=False)
NAME = Option(("--name", "-n"))
SCOPE = Option(("--scope", "-s"))
TOKEN_ID = Option(("--id", "-i"))
AUTH_OPTIONS = {
    "login": (AGENT_KEY, LOGIN_TOKEN),
    "logout": (LOGOUT_TOKEN,),
    "create-token": (NAME, SCOPE),
    "list-tokens": (),
    "revoke-token": (TOKEN_ID,),
}

LOGIN_KEY = (
    "`prefect auth login` needs an API key: make sure this value is an API key, not a token; "
    "for a key's non-default tenant run `prefect auth switch-tenants` after logging in"
)
AGENT_KEY_VALUE = (
    "agents authenticate with an API key: the value of --key, formerly a token, must be an "
    "API key; add --tenant-id for a key's non-default tenant"
)
TOKEN_AND_KEY = "both a token and an API key are given: remove the token option"
PURGE_CONFIRMS = (
    "`prefect auth purge-tokens` asks for confirmation; in a script run `yes | prefect auth "
    "purge-tokens` (it deletes ~/.prefect/client)"
)
SERVICE_ACCOUNT = (
    "API keys have no scope: `create-key` makes a key for the logged-in user; for a RUNNER or "
    "TENANT token create a service-account API key in the UI instead"
)
LIST_KEYS_OUTPUT = "`prefect auth list-keys` prints other columns than `list-tokens` did"
REVOKE_TOKEN = (
    "`prefect auth revoke-token` was removed: revoke the API key instead with "
    "`prefect auth revoke-key --id KEY_ID` (key ids are not token ids)"
)


def rewrite_argv(invocation: Invocation) -> Rewrite | None:
    values = invocation.values
    if len(values) >= 2 and values[0] == "auth" and values[1] in AUTH_OPTIONS:
        occurrences = parse_options(invocation.args, AUTH_OPTIONS[values[1]], start=2)
        if occurrences is None:
            return cannot_read(f"prefect auth {values[1]}")
        return _AUTH_REWRITES[values[1]](invocation, occurrences)
    agent = agent_command(invocation)
    if agent is None or not any(v == "--token" or v.startswith(("--token=", "-t")) for v in values):
        return None
    if agent.occurrences is None:
        return cannot_read(agent.written)
    return _token_to_key(agent.occurrences, AGENT_KEY_VALUE)


def _token_to_key(occurrences: list, message: str) -> Rewrite | None:
    tokens = [o for o in occurrences if o.option in (AGENT_TOKEN, LOGIN_TOKEN)]
    if not tokens:
        return None
    if any(o.option == AGENT_KEY for o in occurrences):
        return Rewrite(todos=(TOKEN_AND_KEY,))
    ops = tuple(op for op in (rename(o, "--key") for o in tokens) if op is not None)
    return Rewrite(ops, (message,))


def _login(invocation: Invocation, occurrences: list[Occurrence]) -> Rewrite | None:
    return _token_to_key(occurrences, LOGIN_KEY)


def _logout(invocation: Invocation, occurrences: list[Occurrence]) -> Rewrite | None:
    tokens = [o for o in occurrences if o.option == LOGOUT_TOKEN]
    if not tokens:
        return None
    ops = (Edit(1, 0, len("logout"), "purge-tokens"), *(delete(o) for o in tokens))
    return Rewrite(ops, (PURGE_CONFIRMS,))


def _create_token(invocation: Invocation, occurrences: list[Occurrence]) -> Rewrite:
    scopes = [o for o in occurrences if o.option == SCOPE]
    ops = (Replace(1, 2, ("create-key", "--quiet")), *(delete(o) for o in scopes))
    user_scope = all(o.is_static and (o.value or "").upper() == "USER" for o in scopes)
    return Rewrite(ops, () if scopes and user_scope else (SERVICE_ACCOUNT,))


def _list_tokens(invocation: Invocation, occurrences: list[Occurrence]) -> Rewrite:
    return Rewrite(
        (Edit(1, 0, len("list-tokens"), "list-keys"),),
        (LIST_KEYS_OUTPUT,) if invocation.captured else (),
    )


def _revoke_token(invocation: Invocation, occurrences: list[Occurrence]) -> Rewrite:
    return Rewrite(todos=(REVOKE_TOKEN,))


_AUTH_REWRITES = {
    "login": _login,
    "logout": _logout,
    "create-token": _create_token,
    "list-tokens": _list_tokens,
    "revoke-token": _revoke_token,
}


@CODEMOD.rewriter
def rewrite(text: str, file: SourceFile) -> str:
    return rewrite_commands(text, file, rewrite_argv)
