"""API keys replace authentication tokens (upgrade guide: "API keys replace authentication
tokens"), in Python code.

Prefect 1.0 ignores or rejects every API token. Rewrites, where the token is passed to Prefect:

- ``Client(api_token=...)`` (also ``prefect.Client``, ``prefect.client.Client``,
  ``prefect.client.client.Client`` and the 4th positional parameter) -> ``Client(api_key=...)``;
  when ``api_key`` is given too, ``api_token`` is dropped (0.15 already preferred the key);
- ``client.graphql/get/post/_request(token=...)`` -> ``api_key=...``;
- ``client.login_to_tenant(...)`` -> ``client.switch_tenant(...)`` when exactly one of
  ``tenant_slug``/``tenant_id`` is passed and the result is ignored or only tested for truth;
- ``client.get_auth_token()`` -> ``client.api_key``, ``client.active_tenant_id`` ->
  ``client.tenant_id``; ``as_user=`` dropped from ``get_cloud_url`` and
  ``get_default_tenant_slug``;
- ``flow.run_agent(token=...)`` -> ``api_key=...``;
  ``LocalAgent.generate_supervisor_conf(token=...)`` and
  ``KubernetesAgent.generate_deployment_yaml(token=...)`` -> ``key=...``, positional calls turned
  into keywords by the 0.15.13 parameter order (``generate_deployment_yaml`` lost its first
  parameter, so its positional arguments would shift);
- ``prefect.config.cloud.auth_token`` (also through ``prefect.context.config``, ``.get(...)``,
  ``[...]``), ``set_temporary_config({"cloud.auth_token": ...})`` and
  ``prefect.context(config={"cloud": {"auth_token": ...}})`` -> ``cloud.api_key``.

Every value moved from a token slot into a key slot is marked: it must become an API key.
Flags ``login_to_tenant`` calls that cannot be renamed safely, ``save_api_token``,
``logout_from_tenant`` and the private token members, ``cloud.agent.auth_token`` (no agent-only
key in 1.x) and the ``PREFECT__CLOUD__[AGENT__]AUTH_TOKEN`` variable names in strings.

Which objects are Prefect clients (flows, agents): an expression is rewritten only when it is
known to be one: a constructor call (``Client(...)``) of the class imported from Prefect, the
class itself (static methods), or a name whose every binding in its scope is such a constructor
call (``client = Client()``, ``with Flow(...) as flow``) or a parameter annotated with the class.
Other receivers of a member only Prefect's class has (``login_to_tenant``, ``get_auth_token``,
``graphql(token=...)``, ``run_agent(token=...)``...) are flagged, not rewritten, in a file that
uses that Prefect class; ``get``/``post``/``_request`` and look-alikes in other files are left
alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from fissix.pgen2 import token
from fissix.pytree import Leaf, Node
from prefect1_migrate.codemods import _api_keys
from prefect1_migrate.codemods._prefect_classes import FLOW
from prefect1_migrate.codemods._python.calls import (
    call_arguments,
    is_star_argument,
    keyword_argument,
    keyword_positionals,
    remove_listed,
)
from prefect1_migrate.codemods._python.literals import is_none, set_string_value, string_value
from prefect1_migrate.codemods._python.markers import add_todo
from prefect1_migrate.codemods._python.names import ImportedNames, qualified_chain
from prefect1_migrate.codemods._python.scopes import binding_of, binding_sites, defining_scope
from prefect1_migrate.codemods._python.tree import LN, syms, walk

from prefect1_migrate.codemod import PythonCodemod, SourceFile
from prefect1_migrate.guide import API_KEYS

CODEMOD = PythonCodemod(
    __name__,
    title="API keys replace authentication tokens (Python)",
    guide_section=API_KEYS,
    order=10,
    summary="Client(api_token=), token= on client requests and agents, login_to_tenant, "
    "get_auth_token, active_tenant_id and cloud.auth_token config reads move to API keys.",
    description=(
        "Moved Python code from API tokens to API keys: Client(api_token=...) -> "
        "Client(api_key=...), token= -> api_key= on Client.graphql/get/post/_request and "
        "Flow.run_agent, token= -> key= on LocalAgent.generate_supervisor_conf and "
        "KubernetesAgent.generate_deployment_yaml (positional calls keyworded by the 0.15.13 "
        "order, which lost its first parameter), login_to_tenant -> switch_tenant where safe, "
        "get_auth_token() -> .api_key, active_tenant_id -> .tenant_id, as_user= dropped, and "
        "cloud.auth_token config reads/overrides -> cloud.api_key. Every moved value is marked: "
        "it must become an API key. Real Prefect 1.0 still accepts run_agent(token=) and "
        "generate_supervisor_conf(token=) but silently ignores the token."
    ),
    flags=(
        "every value moved from a token slot into an API-key slot (it must be an API key)",
        "login_to_tenant calls passing both or neither tenant argument, or using the result",
        "save_api_token, logout_from_tenant and the private token members of Client",
        "cloud.agent.auth_token reads and PREFECT__CLOUD__[AGENT__]AUTH_TOKEN names in strings",
        "get_default_tenant_slug(as_user=...) (now always the current tenant)",
        "token members on objects that might be Prefect clients, flows or agents",
    ),
    review_note=(
        "Clients, flows and agents are recognised through imports and local assignments only: "
        "token arguments passed through **kwargs, helper functions or attributes such as "
        "self.client are not rewritten. Replace every token value by an API key and revoke "
        "the old tokens (`prefect auth purge-tokens` removes the local token files)."
    ),
    triggers=(
        "Client",
        "api_token",
        "auth_token",
        "AUTH_TOKEN",
        "token=",
        "token =",
        "as_user",
        "_tenant",
        "run_agent",
        "generate_supervisor_conf",
        "generate_deployment_yaml",
        "_local_settings",
        "_refresh_access_token",
    ),
)


@dataclass
class _File:
    names: ImportedNames
    _uses: dict[frozenset[str], bool] = field(default_factory=dict)

    def uses(self, classes: frozenset[str]) -> bool:
        """Whether the file refers to one of ``classes`` anywhere (imports included)."""
        if classes not in self._uses:
            bindings = self.names.bindings
            self._uses[classes] = any(
                (node.type == token.NAME and bindings.get(node.value) in classes)
                or (node.type == syms.power and classes & set(qualified_chain(node, bindings)))
                for node in walk(self.names.root)
            )
        return self._uses[classes]


@CODEMOD.rewriter
def rewrite(root: Node, file: SourceFile) -> None:
    names = _File(ImportedNames.of(root))
    for node in walk(root):
        if node.type == syms.power and node.parent is not None:
            _rewrite_power(names, node)
        elif node.type == token.STRING and string_value(node) in _api_keys.ENVIRONMENT_VARIABLES:
            add_todo(node, _api_keys.ENVIRONMENT_VARIABLES[string_value(node)])


def _rewrite_power(file: _File, power: Node) -> None:
    index = 1
    while index < len(power.children):
        trailer = power.children[index]
        opening = trailer.children[0].type if trailer.type == syms.trailer else None
        if opening == token.LPAR:
            _rewrite_call(file, power, index)
        elif opening == token.DOT:
            _rewrite_attribute(file, power, index)
        elif opening == token.LSQB:
            _rewrite_config_lookup(file, power.children[:index], trailer.children[1])
        index += 1


# --- calls ---------------------------------------------------------------------------------


def _rewrite_call(file: _File, power: Node, index: int) -> None:
    children = power.children
    trailer = children[index]
    callee = file.names.qualified(children[:index])
    if callee in _api_keys.CLIENT:
        _client_constructor(trailer)
    elif callee in _api_keys.SET_TEMPORARY_CONFIG:
        _temporary_config(trailer)
    elif callee in _api_keys.CONTEXT:
        _context_config(trailer)
    elif index >= 2 and _is_dot(children[index - 1]):
        method = children[index - 1].children[1].value
        receiver = children[: index - 1]
        if method == "get" and call_arguments(trailer):
            _rewrite_config_lookup(file, receiver, call_arguments(trailer)[0])
        member = _METHODS.get(method)
        if member is not None:
            _on_receiver(file, receiver, member, power, index)


def _client_constructor(trailer: Node) -> None:
    if len(_positional(trailer)) >= 4 and not keyword_positionals(
        trailer, _api_keys.CLIENT_PARAMETERS
    ):
        add_todo(trailer, _api_keys.STAR_ARGUMENTS.format(call="Client(...)", key="api_key"))
        return
    _move_token(trailer, "api_token", "api_key", "Client()", _api_keys.CLIENT_KEY)


def _move_token(trailer: Node, old: str, new: str, call: str, message: str) -> None:
    """``old=value`` -> ``new=value``, marked with ``message``; when ``new=`` is given too,
    ``old=`` is dropped instead (``None`` values are simply dropped)."""
    arguments = {k[0]: a for a in call_arguments(trailer) if (k := keyword_argument(a))}
    token_argument = arguments.get(old)
    if token_argument is None:
        return
    if is_none(token_argument.children[2]):
        remove_listed(token_argument)
        return
    key_argument = arguments.get(new)
    if key_argument is not None and is_none(key_argument.children[2]):
        remove_listed(key_argument)
        key_argument = None
    if key_argument is not None:
        add_todo(trailer, _api_keys.TOKEN_DROPPED.format(call=call))
        remove_listed(token_argument)
        return
    add_todo(trailer, message)
    token_argument.children[0].value = new


def _request_token(power: Node, index: int) -> None:
    trailer = power.children[index]
    method = power.children[index - 1].children[1].value
    position = _api_keys.REQUEST_TOKEN_POSITION[method]
    if len(_positional(trailer)) > position:
        add_todo(trailer, _api_keys.REQUEST_POSITIONAL.format(position=position + 1, method=method))
    message = _api_keys.REQUEST_KEY.format(method=method)
    _move_token(trailer, "token", "api_key", f"{method}()", message)


def _request_token_advice(power: Node, index: int) -> str | None:
    trailer = power.children[index]
    method = power.children[index - 1].children[1].value
    position = _api_keys.REQUEST_TOKEN_POSITION[method]
    if len(_positional(trailer)) > position:
        return _api_keys.REQUEST_POSITIONAL.format(position=position + 1, method=method)
    return _api_keys.REQUEST_KEY.format(method=method) if "token" in _keywords(trailer) else None


def _login_to_tenant(power: Node, index: int) -> None:
    if _tenant_arguments_given(power.children[index]) == 1 and _result_tested_or_unused(
        power, index
    ):
        power.children[index - 1].children[1].value = "switch_tenant"
        add_todo(power, _api_keys.SWITCH_TENANT)
    else:
        add_todo(power, _api_keys.LOGIN_TO_TENANT)


def _tenant_arguments_given(trailer: Node) -> int:
    """How many of tenant_slug/tenant_id are passed (not None); 2 when that cannot be told."""
    given = 0
    for position, argument in enumerate(call_arguments(trailer)):
        keyword = keyword_argument(argument)
        if keyword is None and (position > 1 or is_star_argument(argument)):
            return 2
        if keyword is not None and keyword[0] not in ("tenant_slug", "tenant_id"):
            return 2
        if not is_none(keyword[1] if keyword is not None else argument):
            given += 1
    return given


def _result_tested_or_unused(power: Node, index: int) -> bool:
    """Whether the call's result is dropped or only tested for truth (switch_tenant returns a
    non-empty tenant id where login_to_tenant returned True)."""
    parent = power.parent
    if index != len(power.children) - 1 or parent is None:
        return False
    if parent.type in (syms.simple_stmt, syms.not_test):
        return True
    previous = power.prev_sibling
    return (
        parent.type in (syms.if_stmt, syms.while_stmt, syms.assert_stmt)
        and previous is not None
        and previous.type == token.NAME
        and previous.value in ("if", "elif", "while", "assert")
    )


def _get_auth_token(power: Node, index: int) -> None:
    trailer = power.children[index]
    if call_arguments(trailer):
        add_todo(power, _api_keys.GET_AUTH_TOKEN_REFERENCE)
        return
    add_todo(power, _api_keys.GET_AUTH_TOKEN)
    power.children[index - 1].children[1].value = "api_key"
    trailer.remove()


def _get_cloud_url(power: Node, index: int) -> None:
    trailer = power.children[index]
    positional = _positional(trailer)
    for argument in call_arguments(trailer):
        keyword = keyword_argument(argument)
        if (keyword is not None and keyword[0] == "as_user") or (
            len(positional) == 3 and argument is positional[2]
        ):
            remove_listed(argument)


def _get_cloud_url_advice(power: Node, index: int) -> str | None:
    trailer = power.children[index]
    if "as_user" in _keywords(trailer) or len(_positional(trailer)) == 3:
        return _api_keys.AS_USER_DROPPED
    return None


def _get_default_tenant_slug(power: Node, index: int) -> None:
    for argument in call_arguments(power.children[index]):
        keyword = keyword_argument(argument)
        if keyword is not None and keyword[0] != "as_user":
            continue
        value = keyword[1] if keyword is not None else argument
        if not (value.type == token.NAME and value.value == "False"):
            add_todo(power, _api_keys.DEFAULT_TENANT_SLUG)
        remove_listed(argument)


def _get_default_tenant_slug_advice(power: Node, index: int) -> str | None:
    return _api_keys.AS_USER_DEFAULT_TENANT if call_arguments(power.children[index]) else None


def _token_parameter(
    parameters: tuple[str, ...], new: str, message: str
) -> tuple[Callable[[Node, int], None], Callable[[Node, int], str | None]]:
    """Rewrite and advice for a method whose first 0.15.13 parameter was ``token``: positional
    arguments become keywords by the 0.15.13 order, then ``token=`` becomes ``new=``."""

    def rewrite(power: Node, index: int) -> None:
        trailer = power.children[index]
        method = power.children[index - 1].children[1].value
        if _positional(trailer) and not keyword_positionals(trailer, parameters):
            add_todo(power, _api_keys.STAR_ARGUMENTS.format(call=f"{method}(...)", key=new))
            return
        _move_token(trailer, "token", new, f"{method}()", message)

    def advice(power: Node, index: int) -> str | None:
        trailer = power.children[index]
        return message if _positional(trailer) or "token" in _keywords(trailer) else None

    return rewrite, advice


def _flag(message: str) -> tuple[Callable[[Node, int], None], Callable[[Node, int], str]]:
    def rewrite(power: Node, index: int) -> None:
        add_todo(power, message)

    return rewrite, lambda power, index: message


# --- attributes ----------------------------------------------------------------------------


def _rewrite_attribute(file: _File, power: Node, index: int) -> None:
    children = power.children
    name = children[index].children[1].value
    if name == "auth_token":
        owner = file.names.qualified(children[:index])
        if owner in _api_keys.CLOUD:
            add_todo(power, _api_keys.CLOUD_KEY)
            children[index].children[1].value = "api_key"
        elif owner in _api_keys.CLOUD_AGENT:
            add_todo(power, _api_keys.AGENT_TOKEN)
        return
    called = index + 1 < len(children) and children[index + 1].children[0].type == token.LPAR
    member = _ATTRIBUTES.get(name)
    if member is not None and not called:
        _on_receiver(file, children[:index], member, power, index)


def _rename_active_tenant_id(power: Node, index: int) -> None:
    power.children[index].children[1].value = "tenant_id"


# --- configuration -------------------------------------------------------------------------


def _rewrite_config_lookup(file: _File, owner_nodes: list[LN], key: LN) -> None:
    """``<config>.cloud.get("auth_token")`` and ``<config>.cloud["auth_token"]``."""
    if key.type != token.STRING or string_value(key) != "auth_token":
        return
    owner = file.names.qualified(owner_nodes)
    if owner in _api_keys.CLOUD:
        add_todo(key, _api_keys.CLOUD_KEY)
        set_string_value(key, "api_key")
    elif owner in _api_keys.CLOUD_AGENT:
        add_todo(key, _api_keys.AGENT_TOKEN)


def _temporary_config(trailer: Node) -> None:
    arguments = call_arguments(trailer)
    if not arguments:
        return
    keyword = keyword_argument(arguments[0])
    for key, _ in _dict_items(keyword[1] if keyword is not None else arguments[0]):
        if string_value(key) == "cloud.auth_token":
            add_todo(trailer, _api_keys.CLOUD_KEY)
            set_string_value(key, "cloud.api_key")
        elif string_value(key) == "cloud.agent.auth_token":
            add_todo(trailer, _api_keys.AGENT_TOKEN)


def _context_config(trailer: Node) -> None:
    for argument in call_arguments(trailer):
        keyword = keyword_argument(argument)
        if keyword is None or keyword[0] != "config":
            continue
        for key, cloud in _dict_items(keyword[1]):
            if string_value(key) != "cloud":
                continue
            for inner_key, inner_value in _dict_items(cloud):
                if string_value(inner_key) == "auth_token":
                    add_todo(trailer, _api_keys.CLOUD_KEY)
                    set_string_value(inner_key, "api_key")
                elif string_value(inner_key) == "agent" and any(
                    string_value(k) == "auth_token" for k, _ in _dict_items(inner_value)
                ):
                    add_todo(trailer, _api_keys.AGENT_TOKEN)


def _dict_items(node: LN) -> list[tuple[LN, LN]]:
    """(key, value) pairs of a dict display ``{k: v, ...}``; ``**other`` entries skipped."""
    if node.type != syms.atom or node.children[0].type != token.LBRACE or len(node.children) != 3:
        return []
    inner = node.children[1]
    if inner.type != syms.dictsetmaker:
        return []
    items = inner.children
    pairs: list[tuple[LN, LN]] = []
    position = 0
    while position < len(items):
        if items[position].type == token.DOUBLESTAR:
            position += 3
        elif position + 2 < len(items) and items[position + 1].type == token.COLON:
            pairs.append((items[position], items[position + 2]))
            position += 4
        else:
            return []  # a comprehension or a set
    return pairs


# --- receivers -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Member:
    """A member of a Prefect class: ``advice`` says what to do about a use of it (None: this
    use needs nothing, e.g. no ``token=``); ``rewrite`` does it on a known instance (or on the
    class itself, for static methods). Where the receiver only might be an instance, the
    advice becomes a marker, unless the member's name is too common (``flag_unknown``)."""

    classes: frozenset[str]
    kind: str
    rewrite: Callable[[Node, int], None]
    advice: Callable[[Node, int], str | None]
    static: bool = False
    flag_unknown: bool = True


def _on_receiver(file: _File, receiver: list[LN], member: _Member, power: Node, index: int) -> None:
    advice = member.advice(power, index)
    if advice is None:
        return
    if _is_known(file, receiver, member):
        member.rewrite(power, index)
    elif member.flag_unknown and file.uses(member.classes):
        add_todo(
            power,
            _api_keys.UNPROVEN.format(
                receiver=_describe(receiver), kind=member.kind, advice=advice
            ),
        )


def _is_known(file: _File, receiver: list[LN], member: _Member) -> bool:
    """Whether ``receiver`` is an instance of ``member.classes`` (or the class, for static
    members): a constructor call, or a name whose every binding in its scope is one."""
    if member.static and file.names.qualified(receiver) in member.classes:
        return True
    if _constructs(file, receiver, member.classes):
        return True
    if len(receiver) != 1 or receiver[0].type != token.NAME:
        return False
    scope = defining_scope(receiver[0])
    if scope is None:
        return False
    sites = binding_sites(scope, receiver[0].value)
    return bool(sites) and all(_binds_instance(file, site, member.classes) for site in sites)


def _binds_instance(file: _File, site: Leaf, classes: frozenset[str]) -> bool:
    kind, value = binding_of(site)
    if value is None:
        return False
    if kind in ("assign", "with"):
        return _constructs(file, value.children if value.type == syms.power else [value], classes)
    return kind == "parameter" and file.names.qualified(_parts(value)) in classes


def _constructs(file: _File, nodes: list[LN], classes: frozenset[str]) -> bool:
    """Whether ``nodes`` are a call of one of ``classes``: ``Client(...)``."""
    return (
        len(nodes) >= 2
        and nodes[-1].type == syms.trailer
        and nodes[-1].children[0].type == token.LPAR
        and file.names.qualified(nodes[:-1]) in classes
    )


def _parts(node: LN) -> list[LN]:
    return list(node.children) if node.type == syms.power else [node]


def _describe(receiver: list[LN]) -> str:
    """``self.client`` for a dotted receiver; never the text of arbitrary expressions."""
    words = [receiver[0].value] if receiver[0].type == token.NAME else []
    for trailer in receiver[1:]:
        if not _is_dot(trailer):
            return "this object"
        words.append(trailer.children[1].value)
    return f"`{'.'.join(words)}`" if words else "this object"


# --- small helpers -------------------------------------------------------------------------


def _is_dot(node: LN) -> bool:
    return node.type == syms.trailer and node.children[0].type == token.DOT


def _positional(trailer: Node) -> list[LN]:
    return [
        a
        for a in call_arguments(trailer)
        if keyword_argument(a) is None and not is_star_argument(a)
    ]


def _keywords(trailer: Node) -> set[str]:
    return {k[0] for a in call_arguments(trailer) if (k := keyword_argument(a))}


_RUN_AGENT = _token_parameter(_api_keys.RUN_AGENT_PARAMETERS, "api_key", _api_keys.RUN_AGENT_KEY)
_SUPERVISOR_CONF = _token_parameter(
    _api_keys.SUPERVISOR_CONF_PARAMETERS, "key", _api_keys.SUPERVISOR_KEY
)
_DEPLOYMENT_YAML = _token_parameter(
    _api_keys.DEPLOYMENT_YAML_PARAMETERS, "key", _api_keys.DEPLOYMENT_KEY
)
_REQUEST = _Member(_api_keys.CLIENT, "Client", _request_token, _request_token_advice)
# get/post/_request are too common a name to flag on objects not known to be clients.
_COMMON_REQUEST = _Member(
    _api_keys.CLIENT, "Client", _request_token, _request_token_advice, flag_unknown=False
)

_METHODS: dict[str, _Member] = {
    "graphql": _REQUEST,
    "get": _COMMON_REQUEST,
    "post": _COMMON_REQUEST,
    "_request": _COMMON_REQUEST,
    "login_to_tenant": _Member(
        _api_keys.CLIENT, "Client", _login_to_tenant, lambda power, index: _api_keys.LOGIN_TO_TENANT
    ),
    "get_auth_token": _Member(
        _api_keys.CLIENT,
        "Client",
        _get_auth_token,
        lambda power, index: _api_keys.GET_AUTH_TOKEN_REFERENCE,
    ),
    "save_api_token": _Member(_api_keys.CLIENT, "Client", *_flag(_api_keys.SAVE_API_TOKEN)),
    "logout_from_tenant": _Member(_api_keys.CLIENT, "Client", *_flag(_api_keys.LOGOUT_FROM_TENANT)),
    **{
        name: _Member(
            _api_keys.CLIENT, "Client", *_flag(_api_keys.PRIVATE_TOKEN_MEMBER.format(name=name))
        )
        for name in (
            "_init_tenant",
            "_refresh_access_token",
            "_load_local_settings",
            "_save_local_settings",
        )
    },
    "get_cloud_url": _Member(_api_keys.CLIENT, "Client", _get_cloud_url, _get_cloud_url_advice),
    "get_default_tenant_slug": _Member(
        _api_keys.CLIENT, "Client", _get_default_tenant_slug, _get_default_tenant_slug_advice
    ),
    "run_agent": _Member(FLOW, "Flow", *_RUN_AGENT),
    "generate_supervisor_conf": _Member(
        _api_keys.LOCAL_AGENT, "LocalAgent", *_SUPERVISOR_CONF, static=True
    ),
    "generate_deployment_yaml": _Member(
        _api_keys.KUBERNETES_AGENT, "KubernetesAgent", *_DEPLOYMENT_YAML, static=True
    ),
}
_ATTRIBUTES: dict[str, _Member] = {
    "active_tenant_id": _Member(
        _api_keys.CLIENT,
        "Client",
        _rename_active_tenant_id,
        lambda power, index: _api_keys.ACTIVE_TENANT_ID,
    ),
    "_api_token_settings_path": _Member(
        _api_keys.CLIENT,
        "Client",
        *_flag(_api_keys.PRIVATE_TOKEN_MEMBER.format(name="_api_token_settings_path")),
    ),
}
