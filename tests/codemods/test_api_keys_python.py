"""api-keys-python beyond the golden cases: names hidden by local bindings, receivers that
only might be Prefect clients, and token values kept out of the review markers."""

from __future__ import annotations

from tests.codemods.tools import (
    GoldenRun,
    check_noop,
    check_transformed,
    golden_cases,
    review_entries,
)


@golden_cases("api-keys-python")
def test_golden(run: GoldenRun) -> None:
    run.check()


def test_a_parameter_hiding_the_imported_config_is_left_alone() -> None:
    check_transformed(
        "api-keys-python",
        """\
from prefect import config

def read(config):
    return config.cloud.auth_token

TOKEN = config.cloud.auth_token
""",
        """\
from prefect import config

def read(config):
    return config.cloud.auth_token

# TODO(prefect-1.0): cloud.api_key must hold an API key, not an API token (Prefect 1.0 ignores cloud.auth_token); set cloud.tenant_id for a non-default tenant
TOKEN = config.cloud.api_key
""",
    )


def test_a_client_name_bound_twice_is_flagged_not_rewritten() -> None:
    check_transformed(
        "api-keys-python",
        """\
from prefect import Client

def token(make):
    client = Client()
    client = make()
    return client.get_auth_token()
""",
        """\
from prefect import Client

def token(make):
    client = Client()
    client = make()
    # TODO(prefect-1.0): if `client` is a Prefect Client: get_auth_token() was removed: read client.api_key (the API key) instead
    return client.get_auth_token()
""",
    )


def test_a_comprehension_variable_is_not_taken_for_the_outer_client() -> None:
    check_transformed(
        "api-keys-python",
        """\
from prefect import Client

client = Client()
TENANTS = [client.active_tenant_id for client in []]
CURRENT = client.active_tenant_id
""",
        """\
from prefect import Client

client = Client()
# TODO(prefect-1.0): if `client` is a Prefect Client: Client.active_tenant_id was removed: read client.tenant_id
TENANTS = [client.active_tenant_id for client in []]
CURRENT = client.tenant_id
""",
    )


def test_token_members_in_a_file_without_prefect_clients_stay_unmarked() -> None:
    check_noop(
        "api-keys-python",
        "import prefect\n\ndef go(service):\n    return service.login_to_tenant(tenant_slug='a')\n",
    )


def test_no_token_value_reaches_a_marker() -> None:
    result = check_transformed(
        "api-keys-python",
        """\
from prefect import Client

CLIENT = Client(api_token='tok-1234-secret')
CLIENT.graphql('query', token='tok-5678-secret')
""",
        """\
from prefect import Client

# TODO(prefect-1.0): the api_key of Client() needs an API key, not an API token (create one with `prefect auth create-key`); pass tenant_id=... too if the key's default tenant is not the one to use
CLIENT = Client(api_key='tok-1234-secret')
# TODO(prefect-1.0): the api_key argument of graphql() (was token) needs an API key, not an API token (create one with `prefect auth create-key`)
CLIENT.graphql('query', api_key='tok-5678-secret')
""",
    )
    entries = review_entries(result)
    assert [line for line, _ in entries] == [3, 5]
    assert not any("secret" in message for _, message in entries)
