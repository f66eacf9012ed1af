"""Nothing silently missed: every removed API of the catalog, in many shapes, is rewritten or
marked by ``migrate``, and ``--check`` then lists every marked place.

Each place gets a file of its own, generated from ``codemods/_removed_in_1x.py``: after the
run, the file must no longer hold the 0.x form (rewritten) or must carry a
``TODO(prefect-1.0)`` marker. A file that is neither is the failure this test exists for.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from conftest import run_cli
from prefect1_migrate.codemods._removed_in_1x import (
    COMMANDS,
    CONFIG_KEYS,
    ENV_VARS,
    MEMBERS,
    MODULES,
    NAMES,
    RemovedCommand,
)

from prefect1_migrate.markers import MARKER


@dataclass(frozen=True)
class Place:
    path: str
    content: str
    old: str  # the 0.x form: gone once rewritten


def _python_module_places() -> list[Place]:
    places = []
    for number, removed in enumerate(MODULES):
        old = removed.old
        parent, _, last = old.rpartition(".")
        shapes = {
            "direct": f"import {old}\n",
            "aliased": f"import {old} as legacy\n",
            "from": f"from {parent} import {last}\n",
            "attribute": f"import prefect\n\n\ndef helper():\n    return {old}.Thing\n",
            "variable": f"import prefect\n\nlegacy = {old}\nthing = legacy.Thing\n",
            "string": f'import prefect\n\nDEFAULT_CLASS = "{old}.Thing"\n',
        }
        if removed.importable:  # still imports on 1.x: only chains and strings break
            shapes = {k: v for k, v in shapes.items() if k in ("attribute", "variable", "string")}
        places += [
            Place(f"modules/m{number}_{shape}.py", text, old) for shape, text in shapes.items()
        ]
        places.append(
            Place(
                f"modules/reexport{number}/__init__.py",
                f"from {old} import Thing\n\n__all__ = ['Thing']\n",
                old,
            )
        )
        if not removed.importable:  # what the package re-exports breaks where it is imported
            places.append(
                Place(
                    f"modules/use_reexport{number}.py",
                    f"from modules.reexport{number} import Thing\n\nvalue = Thing()\n",
                    "import Thing",
                )
            )
    return places


def _python_name_places() -> list[Place]:
    places = []
    for number, removed in enumerate(NAMES):
        module, _, name = removed.old.rpartition(".")
        shapes = {
            "from": f"from {module} import {name}\n\nvalue = {name}\n",
            "aliased": f"from {module} import {name} as Alias\n\nvalue = Alias\n",
            "helper": f"def helper():\n    from {module} import {name}\n\n    return {name}\n",
            "string": f'import prefect\n\nPATH = "{removed.old}"\n',
        }
        places += [
            Place(f"names/n{number}_{shape}.py", text, removed.old)
            for shape, text in shapes.items()
        ]
        # re-exported by the repository's own package, then imported from it (names only it)
        places += [
            Place(
                f"names/compat{number}/__init__.py",
                f'from {module} import {name}\n\n__all__ = ["{name}"]\n',
                removed.old,
            ),
            Place(
                f"names/compat{number}/relative.py",
                f"from . import {name} as Relative\n\nvalue = Relative\n",
                f"import {name}",
            ),
            Place(
                f"names/use_compat{number}.py",
                f"from names.compat{number} import {name}\n\nvalue = {name}\n",
                f"import {name}",
            ),
            Place(
                f"names/chain_compat{number}.py",
                f"import names.compat{number} as shims\n\nvalue = shims.{name}\n",
                f"shims.{name}",
            ),
        ]
    return places


def _python_member_places() -> list[Place]:
    places = []
    for number, removed in enumerate(MEMBERS):
        member = removed.old.rpartition(".")[2]
        if not removed.old.startswith("Client."):
            continue
        text = f"from prefect import Client\n\n\ndef helper(client: Client):\n    return client.{member}\n"
        places.append(Place(f"members/c{number}.py", text, f".{member}"))
    places.append(
        Place(
            "members/api_token.py",
            "import prefect\n\nc = prefect.Client(api_token=T)\n",
            "api_token=",
        )
    )
    places.append(
        Place(
            "members/environment.py",
            "from prefect import Flow\n\n\ndef describe(flow: Flow):\n    return flow.environment.labels\n",
            "flow.environment",
        )
    )
    return places


def _config_places() -> list[Place]:
    places = []
    for number, removed in enumerate(CONFIG_KEYS):
        places.append(
            Place(
                f"config/k{number}_chain.py",
                f"import prefect\n\nv = prefect.config.{removed.old}\n",
                removed.old,
            )
        )
        places.append(
            Place(
                f"config/k{number}_temporary.py",
                "from prefect.utilities.configuration import set_temporary_config\n\n"
                f'with set_temporary_config({{"{removed.old}": "x"}}):\n    pass\n',
                removed.old,
            )
        )
    for number, removed in enumerate(ENV_VARS):
        name = removed.old
        places += [
            Place(f"env/v{number}/.env", f"{name}=value\n", name),
            Place(f"env/v{number}/setup.sh", f"#!/bin/sh\nexport {name}=value\n", name),
            Place(
                f"env/v{number}/k8s.yaml",
                f"env:\n  # from the secret store\n  - name: {name}\n    value: x\n",
                name,
            ),
            Place(
                f"env/v{number}/settings.py",
                f'import os\n\nprefect_setting = os.environ["{name}"]\n',
                name,
            ),
        ]
    for number, image in enumerate(("0.15.13-python3.6", "latest-python3.6")):
        old = f"prefecthq/prefect:{image}"
        places += [
            Place(f"images/i{number}/Dockerfile", f"FROM {old}\n", "python3.6"),
            Place(f"images/i{number}/job.yaml", f"containers:\n  - image: {old}\n", "python3.6"),
            Place(
                f"images/i{number}/flow.py",
                f'from prefect.run_configs import DockerRun\n\nrc = DockerRun(image="{old}")\n',
                "python3.6",
            ),
        ]
    return places


def _argv(command: RemovedCommand) -> list[str]:
    words = ["local" if word == "*" else word for word in command.path]
    if command.options:
        words += (
            [command.options[-1], "VALUE"]
            if "token" in command.options[-1]
            else [command.options[-1]]
        )
    return words


def _command_places() -> list[Place]:
    places = []
    for number, command in enumerate(COMMANDS):
        argv = _argv(command)
        line = " ".join(argv)
        old = command.options[-1] if command.options else " ".join(argv[: len(command.path)])
        python_args = ", ".join(f'"{word}"' for word in ["prefect", *argv])
        launchers = {
            "plain.sh": f"#!/bin/sh\nprefect {line}\n",
            "poetry.sh": f"#!/bin/sh\npoetry run prefect {line}\n",
            "module.sh": f"#!/bin/sh\npython -m prefect {line}\n",
            "Makefile": f"RUN := poetry run\n\ndeploy:\n\t$(RUN) prefect {line}\n",
            "Jenkinsfile": f"pipeline {{\n  stages {{\n    stage('x') {{\n      steps {{\n        sh 'prefect {line}'\n      }}\n    }}\n  }}\n}}\n",
            ".gitlab-ci.yml": f"deploy:\n  script:\n    # deploy the flows\n    - prefect {line}\n",
            "noxfile.py": f"import nox\n\n\n@nox.session\ndef deploy(session):\n    session.run({python_args})\n",
            "tasks.py": f"import subprocess\n\nsubprocess.run([{python_args}])\n",
        }
        places += [
            Place(f"commands/c{number}/{name}", text, old) for name, text in launchers.items()
        ]
    return places


def _all_places() -> list[Place]:
    return [
        *_python_module_places(),
        *_python_name_places(),
        *_python_member_places(),
        *_config_places(),
        *_command_places(),
    ]


def test_every_removed_api_is_rewritten_or_marked_and_check_lists_every_marker(
    make_repo, tmp_path: Path
) -> None:
    places = _all_places()
    repo = make_repo(files={place.path: place.content for place in places})
    report = tmp_path / "report.json"
    migrated = run_cli("migrate", "--jobs", "2", "--report", str(report), str(repo))
    assert migrated.returncode in (0, 3), migrated.stderr
    # A file a rewrite would have broken is left as it was and listed: not silent either.
    listed_as_left = {item["path"] for item in json.loads(report.read_text())["skipped_files"]}
    silent = []
    for place in places:
        text = (repo / place.path).read_text()
        if place.old in text and MARKER not in text and place.path not in listed_as_left:
            silent.append(place.path)
    assert silent == [], "neither rewritten nor marked:\n" + "\n".join(silent)

    check = run_cli("migrate", "--check", str(repo))
    # A file the run left as it was is still one --check cannot migrate: exit 3, not 1.
    assert check.returncode == (3 if listed_as_left else 1)
    for path in listed_as_left:
        assert path in check.stdout.decode(), f"{path} not listed by --check"
    listed = set(re.findall(r"^(\S+?):(\d+): marked: ", check.stdout.decode(), re.MULTILINE))
    for place in places:
        lines = (repo / place.path).read_text().split("\n")
        for number, line in enumerate(lines, start=1):
            if MARKER in line:
                assert (place.path, str(number)) in listed, f"{place.path}:{number} not listed"
