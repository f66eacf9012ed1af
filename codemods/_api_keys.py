"""The API-key change's data for ``api_keys_python``: the Prefect names that hold or read a
token (clients, agents, config), the 0.15.13 parameter orders used to keyword positional calls,
and the TODO messages."""

from __future__ import annotations

CLIENT = frozenset({"prefect.Client", "prefect.client.Client", "prefect.client.client.Client"})
LOCAL_AGENT = frozenset({"prefect.agent.local.LocalAgent", "prefect.agent.local.agent.LocalAgent"})
KUBERNETES_AGENT = frozenset(
    {"prefect.agent.kubernetes.KubernetesAgent", "prefect.agent.kubernetes.agent.KubernetesAgent"}
)
CONFIG = frozenset({"prefect.config", "prefect.context.config", "prefect.configuration.config"})
SET_TEMPORARY_CONFIG = frozenset({"prefect.utilities.configuration.set_temporary_config"})
CLOUD = frozenset(f"{root}.cloud" for root in CONFIG)
CLOUD_AGENT = frozenset(f"{root}.cloud.agent" for root in CONFIG)
CONTEXT = frozenset({"prefect.context", "prefect.utilities.context.context"})

# 0.15.13 parameter orders, for turning positional arguments into keywords.
CLIENT_PARAMETERS = ("api_server", "api_key", "tenant_id", "api_token")
RUN_AGENT_PARAMETERS = ("token", "show_flow_logs", "log_to_cloud", "api_key")
SUPERVISOR_CONF_PARAMETERS = (
    "token",
    "labels",
    "env_vars",
    "import_paths",
    "show_flow_logs",
    "key",
    "tenant_id",
    "agent_config_id",
)
DEPLOYMENT_YAML_PARAMETERS = (
    "token",
    "api",
    "namespace",
    "image_pull_secrets",
    "rbac",
    "latest",
    "mem_request",
    "mem_limit",
    "cpu_request",
    "cpu_limit",
    "image_pull_policy",
    "service_account_name",
    "labels",
    "env_vars",
    "backend",
    "key",
    "tenant_id",
    "agent_config_id",
)
# Where the token sat among the positional parameters of Client's request methods (0.15.13).
REQUEST_TOKEN_POSITION = {"graphql": 4, "get": 4, "post": 4, "_request": 5}

_NEEDS_KEY = "{call} needs an API key, not an API token (create one with `prefect auth create-key`)"
CLIENT_KEY = (
    _NEEDS_KEY.format(call="the api_key of Client()")
    + "; pass tenant_id=... too if the key's default tenant is not the one to use"
)
REQUEST_KEY = _NEEDS_KEY.format(call="the api_key argument of {method}() (was token)")
REQUEST_POSITIONAL = (
    "argument {position} of {method}() is api_key in Prefect 1.0 (it was token): "
    "pass an API key, not an API token"
)
RUN_AGENT_KEY = (
    _NEEDS_KEY.format(call="the api_key of run_agent()")
    + "; Prefect 1.0 silently ignores the token argument. Set cloud.tenant_id for a non-default tenant"
)
SUPERVISOR_KEY = (
    _NEEDS_KEY.format(call="the key of generate_supervisor_conf()")
    + "; Prefect 1.0 silently drops the token argument. Pass tenant_id=... for a non-default tenant"
)
DEPLOYMENT_KEY = (
    _NEEDS_KEY.format(call="the key of generate_deployment_yaml()")
    + " (the token argument was removed); pass tenant_id=... for a non-default tenant"
)
TOKEN_DROPPED = (
    "{call}: its token argument was removed because an API key is given too; revoke the old token"
)
STAR_ARGUMENTS = (
    "{call}: check the *args: Prefect 1.0 removed the token parameter (pass an API key as {key}=)"
)
SWITCH_TENANT = (
    "switch_tenant() does not save the tenant to disk (login_to_tenant did with API tokens): "
    "call client.save_auth_to_disk() afterwards if later clients rely on it"
)
LOGIN_TO_TENANT = (
    "login_to_tenant() was removed: use switch_tenant() with exactly one of tenant_slug=/"
    "tenant_id=; it returns the tenant id instead of True and does not save the tenant to disk "
    "(call client.save_auth_to_disk())"
)
GET_AUTH_TOKEN = (
    "client.api_key replaces get_auth_token(): it holds the API key only "
    "(get_auth_token() returned the API token when no key was set)"
)
GET_AUTH_TOKEN_REFERENCE = "get_auth_token() was removed: read client.api_key (the API key) instead"
SAVE_API_TOKEN = (
    "save_api_token() was removed: with an API key call client.save_auth_to_disk() "
    "(stores key and tenant in ~/.prefect/auth.toml)"
)
LOGOUT_FROM_TENANT = (
    'logout_from_tenant() was removed: set client.api_key = "" and client.tenant_id = None, '
    "then call client.save_auth_to_disk() (or run `prefect auth logout`)"
)
PRIVATE_TOKEN_MEMBER = (
    "Client.{name} (API-token machinery) was removed in Prefect 1.0 and has no replacement"
)
DEFAULT_TENANT_SLUG = (
    "get_default_tenant_slug() now returns the slug of the client's current tenant; "
    "as_user=True returned the user's default tenant"
)
CLOUD_KEY = (
    "cloud.api_key must hold an API key, not an API token (Prefect 1.0 ignores "
    "cloud.auth_token); set cloud.tenant_id for a non-default tenant"
)
AGENT_TOKEN = (
    "cloud.agent.auth_token is ignored by Prefect 1.0: agents use the client's API key "
    "(cloud.api_key / PREFECT__CLOUD__API_KEY, or `--key`)"
)
ENVIRONMENT_VARIABLES = {
    "PREFECT__CLOUD__AUTH_TOKEN": (
        "PREFECT__CLOUD__AUTH_TOKEN is ignored by Prefect 1.0: use PREFECT__CLOUD__API_KEY "
        "(an API key) and PREFECT__CLOUD__TENANT_ID; Docker/Kubernetes/ECS/Vertex agents still "
        "set the old name to the API key for old images"
    ),
    "PREFECT__CLOUD__AGENT__AUTH_TOKEN": (
        "PREFECT__CLOUD__AGENT__AUTH_TOKEN is ignored by Prefect 1.0 agents: use "
        "PREFECT__CLOUD__API_KEY (an API key) or `--key`"
    ),
}
UNPROVEN = "if {receiver} is a Prefect {kind}: {advice}"


AS_USER_DROPPED = "get_cloud_url() lost its as_user parameter: drop it"
AS_USER_DEFAULT_TENANT = (
    "get_default_tenant_slug() lost its as_user parameter: drop it (the result is now the "
    "slug of the client's current tenant; as_user=True returned the user's default tenant)"
)
ACTIVE_TENANT_ID = "Client.active_tenant_id was removed: read client.tenant_id"
