"""What imported names refer to, seen through the scopes of a file."""

from __future__ import annotations

from prefect1_migrate.codemods._python.names import ImportedNames, shadowed_imports
from prefect1_migrate.codemods._python.tree import syms, walk

from prefect1_migrate.python_tree import parse


def test_shadowed_imports_are_imported_names_a_parameter_or_assignment_binds() -> None:
    tree = parse(
        "import os\nfrom a import b, c, d\n"
        "def f(b):\n    return b\n"
        "class K:\n    c = 1\n"
        "g = lambda d: d\n"
        "import os\n"
    )
    bindings = {"os": "os", "b": "a.b", "c": "a.c", "d": "a.d"}
    assert shadowed_imports(tree, bindings) == {"b", "c", "d"}


def test_a_dotted_name_resolves_to_its_import_unless_a_local_binding_hides_it() -> None:
    names = ImportedNames.of(
        parse(
            "import prefect.agent.fargate as fa\n"
            "from prefect import Client\n"
            "AGENT = fa.FargateAgent(1).start()\n"
            "CLIENT = Client()\n"
            "def f(Client):\n"
            "    return Client()\n"
        )
    )
    powers = [node for node in walk(names.root) if node.type == syms.power]
    agent, module_client, local_client = powers
    assert names.qualified(agent.children[:2]) == "prefect.agent.fargate.FargateAgent"
    assert names.qualified(agent.children[:4]) is None  # a call is not a dotted name
    assert names.qualified(module_client.children[:1]) == "prefect.Client"
    assert names.qualified(local_client.children[:1]) is None
    assert names.shadowed == {"Client"}
