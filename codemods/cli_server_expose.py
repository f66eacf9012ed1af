"""``prefect server start`` listens on 127.0.0.1 (upgrade guide: "Prefect server services
local by default").

Nothing to rewrite: real Prefect shows no change here between 0.15.13 and 1.0.0 (catalog
server-expose-no-change); the UI and the GraphQL API have listened on 127.0.0.1 unless
``--expose`` is given since 0.15.5. A server started by an older Prefect in a place that is
reached from elsewhere stops being reachable, so this codemod flags ``prefect server start``
and ``prefect server config`` without ``--expose`` where that is likely:

- in a Dockerfile, a compose file, Kubernetes/Helm YAML, a Procfile or a supervisord/systemd
  unit: the server is a service for other containers or hosts;
- in any other file with command lines (shell, Makefile, CI, docs) only when the same file
  points the UI at a remote API (``PREFECT__SERVER__UI__APOLLO_URL`` or ``apollo_url`` with a
  host that is not localhost/127.0.0.1). A server started in CI or on a workstation is used
  from the same host and needs nothing.

No flag where the same file already binds the services to all interfaces
(``PREFECT__SERVER__HOST_IP``/``PREFECT__SERVER__UI__HOST_IP`` set to ``0.0.0.0``).
"""

from __future__ import annotations

import re

from prefect1_migrate.codemods._commands.driver import rewrite_commands
from prefect1_migrate.codemods._commands.edits import Rewrite
from prefect1_migrate.codemods._commands.invocations import Invocation

from prefect1_migrate.codemod import SourceFile, TextCodemod
from prefect1_migrate.filekinds import COMMAND_KINDS, FileKind
from prefect1_migrate.guide import SERVER_LOCAL

CODEMOD = TextCodemod(
    __name__,
    title="Flag prefect server start where remote access is likely",
    guide_section=SERVER_LOCAL,
    order=10,
    summary="Flags `prefect server start/config` without --expose in containers, service units "
    "and next to a remote UI API URL.",
    description=(
        "Flagged `prefect server start`/`config` without --expose where the server is likely "
        "reached from elsewhere (Dockerfiles, compose, Kubernetes YAML, Procfiles, service "
        "units, or a remote apollo_url in the same file). The guide lists this as a 1.0 change; "
        "real Prefect binds to 127.0.0.1 since 0.15.5 and nothing changed between 0.15.13 and 1.0."
    ),
    flags=("`prefect server start`/`config` without --expose in a service or remote context",),
    review_note=(
        "Only projects coming from Prefect < 0.15.5 are affected. Postgres, Hasura and the "
        "GraphQL service stay published on 127.0.0.1 whatever the flags."
    ),
    triggers=("server",),
    file_kinds=COMMAND_KINDS,
)


SERVICE_KINDS = frozenset(
    {FileKind.DOCKERFILE, FileKind.COMPOSE, FileKind.YAML, FileKind.PROCFILE, FileKind.INI}
)
REMOTE_API = re.compile(
    r"apollo_url[\"']?\s*[=:]\s*[\"']?https?://(?!localhost\b|127\.0\.0\.1\b)", re.IGNORECASE
)
ALL_INTERFACES = re.compile(r"HOST_IP[\"']?\s*[=:]\s*[\"']?0\.0\.0\.0\b", re.IGNORECASE)

EXPOSE = (
    "since Prefect 0.15.5 (unchanged in 1.0) the server UI and API listen on 127.0.0.1 only: "
    "add --expose if this server must be reachable from other hosts or containers"
)


def rewrite_argv(invocation: Invocation) -> Rewrite | None:
    values = invocation.values
    if values[:1] != ["server"] or values[1:2] not in (["start"], ["config"]):
        return None
    if "--expose" in values:
        return None
    return Rewrite(todos=(EXPOSE,))


@CODEMOD.rewriter
def rewrite(text: str, file: SourceFile) -> str:
    remote = file.kind in SERVICE_KINDS or REMOTE_API.search(text) is not None
    if not remote or ALL_INTERFACES.search(text):
        return text
    return rewrite_commands(text, file, rewrite_argv)
