"""What Prefect 1.0 removed or renamed, as data: the residual pass's catalog.

Taken from ``../shared/reference/prefect1-changes.md`` (each entry keeps its evidence): what
fails on 1.x (``ImportError``, ``AttributeError``, "No such command/option", a setting that is
ignored). Names that still work with a deprecation warning (``prefect.artifacts.*``) or whose
behaviour changed (``prefect.utilities.storage.get_flow_image``) are not listed. It is
deliberately independent of the codemods' own matching code: the residual pass
(``codemods/residual_0x_uses.py``) marks whatever still uses one of these after every codemod
ran, so a form no codemod recognises is never left silently.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Removed:
    """One removed or renamed thing: its 0.x spelling, what replaces it, and the evidence."""

    old: str
    new: str  # "" when 1.x has no replacement
    evidence: str
    importable: bool = False  # a module 1.x still imports explicitly (only chains/strings break)
    via: str = ""  # the repository's own name for it (``mypkg.compat.LE``), when reached so

    def message(self) -> str:
        replacement = f"use {self.new}" if self.new else "it has no 1.x replacement"
        reached = f" (re-exported here as `{self.via}`)" if self.via else ""
        return f"`{self.old}`{reached} does not work on Prefect 1.x; {replacement}"


#: Evidence of what 0.15.0 removed from 0.14 (codemods/from_0_14.py).
_FROM_0_14 = (
    "present in 0.14.22, absent from 0.15.13, 1.0.0 and 1.4.1 "
    "(docs/catalog.md: Coming from Prefect 0.14)"
)

# --- Python: modules whose every import fails (or whose attribute chain fails) -------------
#: The most specific module is listed first: the first that matches a path names it.

MODULES = (
    Removed(
        "prefect.environments.storage",
        "prefect.storage",
        "0.14.22:src/prefect/environments/storage/__init__.py; absent from 0.15.0 "
        "(env-legacy-storage-path)",
    ),
    Removed(
        "prefect.environments",
        "a run config (`flow.run_config`) and an executor (`flow.executor`)",
        "git diff --stat 0.15.13 1.0.0 -- src/prefect/environments (env-module-removed)",
    ),
    Removed(
        "prefect.serialization.environment",
        "",
        "0.15.13:src/prefect/serialization/environment.py (env-serialization-schema)",
    ),
    Removed(
        "prefect.agent.fargate",
        "prefect.agent.ecs.ECSAgent",
        "0.15.13:src/prefect/agent/fargate/agent.py (fargate-agent-python)",
    ),
    Removed(
        "prefect.utilities.exceptions",
        "prefect.exceptions",
        "0.15.13:src/prefect/utilities/exceptions.py (imp-utilities-exceptions)",
    ),
    Removed(
        "prefect.tasks.google",
        "prefect.tasks.gcp",
        _FROM_0_14,
    ),
    Removed("prefect.agent.kubernetes.resource_manager", "", _FROM_0_14),
    Removed(
        "prefect.engine.executors",
        "prefect.executors",
        "1.0.0:src/prefect/engine/executors/__init__.py; 1.0.0:src/prefect/__init__.py "
        "(imp-engine-executors, sb-engine-executors-attr, sb-executor-config-string)",
        importable=True,
    ),
)

# --- Python: names removed from a module that still exists (module, name) ------------------

NAMES = (
    Removed("prefect.core.task.Parameter", "prefect.Parameter", "imp-core-task-parameter"),
    Removed("prefect.core.task._Parameter", "prefect.Parameter", "imp-core-task-parameter"),
    Removed(
        "prefect.exceptions.PrefectError",
        "prefect.exceptions.PrefectException",
        "0.15.13:src/prefect/exceptions.py (imp-exceptions-compat-aliases)",
    ),
    Removed(
        "prefect.exceptions.StorageError",
        "prefect.exceptions.FlowStorageError",
        "imp-exceptions-compat-aliases",
    ),
    Removed(
        "prefect.exceptions.ClientError_",
        "prefect.exceptions.ClientError",
        "imp-exceptions-compat-aliases",
    ),
    Removed(
        "prefect.exceptions.AuthorizationError_",
        "prefect.exceptions.AuthorizationError",
        "imp-exceptions-compat-aliases",
    ),
    Removed(
        "prefect.agent.agent.AuthorizationError",
        "prefect.exceptions.AuthorizationError",
        "imp-other-removed-names",
    ),
    Removed("prefect.core.flow.Environment", "", "imp-other-removed-names"),
    Removed("prefect.serialization.flow.EnvironmentSchema", "", "imp-other-removed-names"),
    Removed("prefect.cli.auth.create_token", "", "imp-other-removed-names"),
    Removed("prefect.cli.auth.list_tokens", "", "imp-other-removed-names"),
    Removed("prefect.cli.auth.revoke_token", "", "imp-other-removed-names"),
    Removed("prefect.cli.build_register.flow", "", "imp-other-removed-names"),
    Removed("prefect.cli.run.run_flow", "", "imp-other-removed-names"),
    Removed("prefect.cli.agent.fargate", "", "imp-other-removed-names"),
    Removed("prefect.cli.agent.warn_fargate_deprecated", "", "imp-other-removed-names"),
    Removed("prefect.configuration.warn_on_deprecated_config_keys", "", "imp-other-removed-names"),
    Removed(
        "prefect.storage._healthcheck.environment_dependency_check", "", "imp-other-removed-names"
    ),
    Removed("prefect.get_versions", "prefect.__version__", "imp-other-removed-names"),
    Removed("prefect.tasks.secrets.Secret", "prefect.tasks.secrets.PrefectSecret", _FROM_0_14),
    Removed("prefect.tasks.secrets.base.Secret", "prefect.tasks.secrets.PrefectSecret", _FROM_0_14),
    Removed("prefect.utilities.tasks.unmapped", "prefect.unmapped", _FROM_0_14),
    *(
        Removed(f"{module}.{name}", "prefect.schedules.Schedule(clocks=[...])", _FROM_0_14)
        for module in ("prefect.schedules", "prefect.schedules.schedules")
        for name in ("OneTimeSchedule", "UnionSchedule")
    ),
    *(
        Removed(
            f"{module}.RunGreatExpectationsCheckpoint",
            "prefect.tasks.great_expectations.RunGreatExpectationsValidation",
            _FROM_0_14,
        )
        for module in (
            "prefect.tasks.great_expectations",
            "prefect.tasks.great_expectations.checkpoints",
        )
    ),
    Removed("prefect.agent.kubernetes.ResourceManager", "", _FROM_0_14),
    *(
        Removed(
            f"prefect.tasks.prefect{module}.{old}",
            f"prefect.tasks.prefect.{new}",
            "0.15.0:src/prefect/tasks/prefect/__init__.py (subflow-legacy-task-names)",
        )
        for module, old, new in (
            ("", "FlowRunTask", "StartFlowRun"),
            ("", "RenameFlowRunTask", "RenameFlowRun"),
            ("", "CancelFlowRunTask", "CancelFlowRun"),
            (".flow_run", "FlowRunTask", "StartFlowRun"),
            (".flow_run_rename", "RenameFlowRunTask", "RenameFlowRun"),
            (".flow_run_cancel", "CancelFlowRunTask", "CancelFlowRun"),
        )
    ),
)

# --- Python: attributes and keywords, whatever object they are used on ---------------------

#: ``Client`` members 1.0 removed or renamed (auth-client-removed-token-methods,
#: auth-client-login-to-tenant) and agent members (imp-other-removed-names).
MEMBERS = (
    Removed("Client.get_auth_token", "client.api_key", "auth-client-removed-token-methods"),
    Removed("Client.active_tenant_id", "client.tenant_id", "auth-client-removed-token-methods"),
    Removed(
        "Client.save_api_token", "client.save_auth_to_disk()", "auth-client-removed-token-methods"
    ),
    Removed(
        "Client.logout_from_tenant",
        "`prefect auth logout` (API keys)",
        "auth-client-removed-token-methods",
    ),
    Removed("Client._init_tenant", "", "auth-client-removed-token-methods"),
    Removed("Client._refresh_access_token", "", "auth-client-removed-token-methods"),
    Removed("Client._load_local_settings", "", "auth-client-removed-token-methods"),
    Removed("Client._save_local_settings", "", "auth-client-removed-token-methods"),
    Removed("Client._api_token_settings_path", "", "auth-client-removed-token-methods"),
    Removed(
        "Client.login_to_tenant",
        "client.switch_tenant (returns the tenant id, saves nothing to disk)",
        "1.0.0:src/prefect/client/client.py::Client.switch_tenant (auth-client-login-to-tenant)",
    ),
    Removed(
        "KubernetesAgent.generate_job_spec_from_environment",
        "KubernetesAgent.generate_job_spec(flow_run)",
        "imp-other-removed-names",
    ),
    Removed(
        "KubernetesAgent.generate_job_spec_from_run_config",
        "KubernetesAgent.generate_job_spec(flow_run)",
        "imp-other-removed-names",
    ),
    Removed("Agent._verify_token", "", "imp-other-removed-names"),
)

#: ``flow.environment`` and ``Flow(environment=...)`` (env-flow-environment-attr).
FLOW_ENVIRONMENT = Removed(
    "Flow.environment",
    "flow.run_config and flow.executor",
    "git diff 0.15.13 1.0.0 -- src/prefect/core/flow.py (env-flow-environment-attr)",
)

#: ``Client(api_token=...)`` (auth-client-api-token-kwarg).
CLIENT_API_TOKEN = Removed(
    "the api_token argument of Client()",
    "its api_key argument, with an API key",
    "1.0.0:src/prefect/client/client.py::Client.__init__ (auth-client-api-token-kwarg)",
)

# --- configuration keys, environment variables, images -------------------------------------

#: Config keys (dotted, as in ``prefect.config.<key>`` and ``set_temporary_config``).
CONFIG_KEYS = (
    Removed(
        "cloud.auth_token",
        "cloud.api_key (an API key)",
        "0.15.13 vs 1.0.0:src/prefect/client/client.py::Client.__init__ "
        "(auth-config-cloud-auth-token)",
    ),
    Removed(
        "cloud.agent.auth_token",
        "cloud.api_key (an API key)",
        "1.0.0:src/prefect/agent/agent.py::Agent.__init__ (auth-config-agent-auth-token)",
    ),
    Removed(
        "logging.log_to_cloud",
        "cloud.send_flow_run_logs",
        "git diff 0.15.13 1.0.0 -- src/prefect/utilities/logging.py (log-to-cloud-setting)",
    ),
)

ENV_VARS = (
    Removed(
        "PREFECT__CLOUD__AUTH_TOKEN",
        "PREFECT__CLOUD__API_KEY (an API key)",
        "auth-config-cloud-auth-token",
    ),
    Removed(
        "PREFECT__CLOUD__AGENT__AUTH_TOKEN",
        "PREFECT__CLOUD__API_KEY (an API key)",
        "auth-config-agent-auth-token",
    ),
    Removed(
        "PREFECT__LOGGING__LOG_TO_CLOUD",
        "PREFECT__CLOUD__SEND_FLOW_RUN_LOGS",
        "log-to-cloud-setting",
    ),
)

#: ``[section] key`` of a Prefect ``config.toml``.
TOML_KEYS = (
    Removed("[cloud] auth_token", "[cloud] api_key (an API key)", "auth-config-cloud-auth-token"),
    Removed(
        "[cloud.agent] auth_token", "[cloud] api_key (an API key)", "auth-config-agent-auth-token"
    ),
    Removed("[logging] log_to_cloud", "[cloud] send_flow_run_logs", "log-to-cloud-setting"),
)

PYTHON36_IMAGE = Removed(
    "prefecthq/prefect:*-python3.6",
    "a -python3.7 (or later) image of Prefect 1.x",
    "1.0.0:.circleci/config.yml (py36-docker-image-tags)",
)

# --- the command line ----------------------------------------------------------------------


@dataclass(frozen=True)
class RemovedCommand:
    """A ``prefect`` (sub)command 1.x removed, or options it removed from a command.

    ``path`` is the command words after ``prefect``; ``"*"`` stands for any one word (an
    agent type). With ``options`` empty the command itself is gone; otherwise those options.
    """

    path: tuple[str, ...]
    options: tuple[str, ...]
    removed: Removed


COMMANDS = (
    RemovedCommand(
        ("run", "flow"),
        (),
        Removed(
            "prefect run flow",
            "prefect run (--project instead of -p, --param/--param-file, --run-name)",
            "1.0.0:src/prefect/cli/run.py::run (cli-run-flow-removed)",
        ),
    ),
    RemovedCommand(
        ("register", "flow"),
        (),
        Removed(
            "prefect register flow",
            "prefect register --path F --project P (-f is --force, -p is --path in 1.x)",
            "1.0.0:src/prefect/cli/build_register.py (cli-register-flow-removed)",
        ),
    ),
    RemovedCommand(
        ("register", "flows"),
        (),
        Removed(
            "prefect register flows",
            "prefect register",
            "parser run in 0.15.13/1.0.0/1.4.1 (cli-register-guide-example)",
        ),
    ),
    *(
        RemovedCommand(
            ("auth", old),
            (),
            Removed(f"prefect auth {old}", f"prefect auth {new}", "auth-cli-token-commands"),
        )
        for old, new in (
            ("create-token", "create-key"),
            ("list-tokens", "list-keys"),
            ("revoke-token", "revoke-key (key ids differ from token ids)"),
        )
    ),
    RemovedCommand(
        ("auth", "login"),
        ("-t", "--token"),
        Removed(
            "prefect auth login --token",
            "prefect auth login --key (an API key)",
            "1.0.0:src/prefect/cli/auth.py::login (auth-cli-login-token)",
        ),
    ),
    RemovedCommand(
        ("auth", "logout"),
        ("-t", "--token"),
        Removed(
            "prefect auth logout --token",
            "prefect auth purge-tokens",
            "1.0.0:src/prefect/cli/auth.py::logout (auth-cli-logout-token)",
        ),
    ),
    RemovedCommand(
        ("agent", "fargate"),
        (),
        Removed(
            "prefect agent fargate",
            "prefect agent ecs start",
            "1.0.0:src/prefect/cli/agent.py (fargate-agent-cli)",
        ),
    ),
    RemovedCommand(
        ("agent", "*", "start"),
        ("-t", "--token"),
        Removed(
            "prefect agent ... start --token",
            "--key (an API key) [--tenant-id]",
            "1.0.0:src/prefect/cli/agent.py::COMMON_START_OPTIONS (auth-agent-cli-token)",
        ),
    ),
    RemovedCommand(
        ("agent", "*", "install"),
        ("-t", "--token"),
        Removed(
            "prefect agent ... install --token",
            "--key (an API key) [--tenant-id]",
            "1.0.0:src/prefect/cli/agent.py::COMMON_INSTALL_OPTIONS (auth-agent-cli-token)",
        ),
    ),
    RemovedCommand(
        ("agent", "docker", "start"),
        ("--no-docker-interface",),
        Removed(
            "prefect agent docker start --no-docker-interface",
            "nothing (the flag had no effect; delete it)",
            "1.0.0:src/prefect/cli/agent.py (docker-agent-docker-interface)",
        ),
    ),
)
