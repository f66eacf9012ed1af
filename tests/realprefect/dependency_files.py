"""The requirements a dependency file of each kind installs, read the way its tool reads it,
as pip requirement lines (for ``install_envs.cached_env``).

- PEP 621 ``pyproject.toml``: ``[project] dependencies`` (tomllib);
- Poetry: ``[tool.poetry.dependencies]`` and non-optional groups, without ``python``, each constraint translated the
  way Poetry documents it (``^1.4`` -> ``>=1.4,<2.0``, ``~1.4.1`` -> ``>=1.4.1,<1.5.0``, a bare
  version -> ``==``; PEP 440 ranges as written), extras kept;
- ``setup.cfg``: ``install_requires`` as setuptools itself reads it
  (``setuptools.config.setupcfg.read_configuration``);
- ``Pipfile``: ``[packages]`` (``"*"`` -> no specifier; inline tables' ``version`` and
  ``extras``), as pipenv writes them for pip;
- conda ``environment*.yml``: the ``pip:`` entries (what conda hands to pip; conda's own
  entries need conda);
- PDM ``pyproject.toml``: ``[project] dependencies`` and every development group
  (``[tool.pdm.dev-dependencies]``, PEP 735 ``[dependency-groups]``), as ``pdm install`` does;
- ``noxfile.py``/``tasks.py`` (:func:`python_installs`): the requirements of each install
  the file runs, read from its syntax tree (``ast``), never run.

Each returns the requirements naming ``only`` distributions (normalized names), sorted, so
that files asking for the same install share one cached env; every line is parsed by
``packaging`` (a line pip could not read fails the test).
"""

from __future__ import annotations

import ast
import re
import shlex
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import tomllib
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from setuptools.config.setupcfg import read_configuration


def _kept(requirements: Iterable[str], only: Iterable[str]) -> list[str]:
    names = {canonicalize_name(name) for name in only}
    kept = [str(Requirement(line)) for line in requirements]
    return sorted(line for line in kept if canonicalize_name(Requirement(line).name) in names)


def pep621_requirements(pyproject: Path, only: Iterable[str]) -> list[str]:
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    return _kept(project.get("dependencies", []), only)


def _poetry_constraint(constraint: str) -> str:
    constraint = constraint.strip()
    caret = re.fullmatch(r"\^(\d+)((?:\.\d+)*)", constraint)
    tilde = re.fullmatch(r"~(\d+)\.(\d+)((?:\.\d+)*)", constraint)
    if caret:
        return f">={constraint[1:]},<{int(caret[1]) + 1}.0"
    if tilde:
        return f">={constraint[1:]},<{tilde[1]}.{int(tilde[2]) + 1}.0"
    if re.fullmatch(r"\d+(?:\.\d+)*", constraint):
        return f"=={constraint}"
    return "" if constraint == "*" else constraint


def _named(name: str, extras: list[str], specifier: str) -> str:
    return f"{name}[{','.join(extras)}]{specifier}" if extras else f"{name}{specifier}"


def poetry_requirements(pyproject: Path, only: Iterable[str]) -> list[str]:
    """Main dependencies and those of every group ``poetry install`` installs (not optional)."""
    table = tomllib.loads(pyproject.read_text(encoding="utf-8"))["tool"]["poetry"]
    groups = [
        group.get("dependencies", {})
        for group in table.get("group", {}).values()
        if not group.get("optional", False)
    ]
    lines = []
    for name, value in [
        item for group in [table.get("dependencies", {}), *groups] for item in group.items()
    ]:
        if name == "python":
            continue
        spec: Any = value if isinstance(value, dict) else {"version": value}
        constraint = _poetry_constraint(spec.get("version", "*"))
        lines.append(_named(name, spec.get("extras", []), constraint))
    return _kept(lines, only)


def setup_cfg_requirements(setup_cfg: Path, only: Iterable[str]) -> list[str]:
    configuration = read_configuration(str(setup_cfg))
    return _kept(configuration["options"]["install_requires"], only)


def pipfile_requirements(pipfile: Path, only: Iterable[str]) -> list[str]:
    lines = []
    for name, value in tomllib.loads(pipfile.read_text(encoding="utf-8"))["packages"].items():
        spec: Any = value if isinstance(value, dict) else {"version": value}
        version = spec.get("version", "*")
        lines.append(_named(name, spec.get("extras", []), "" if version == "*" else version))
    return _kept(lines, only)


def conda_pip_requirements(environment: Path, only: Iterable[str]) -> list[str]:
    dependencies = yaml.safe_load(environment.read_text(encoding="utf-8"))["dependencies"]
    pip = next(entry["pip"] for entry in dependencies if isinstance(entry, dict) and "pip" in entry)
    return _kept(pip, only)


def pdm_requirements(pyproject: Path, only: Iterable[str]) -> list[str]:
    """What ``pdm install`` installs: the project's dependencies and every development group
    (``{include-group = ...}`` items name groups read anyway)."""
    document = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    groups = [
        *document.get("tool", {}).get("pdm", {}).get("dev-dependencies", {}).values(),
        *document.get("dependency-groups", {}).values(),
    ]
    lines = [*document["project"].get("dependencies", [])]
    lines += [item for group in groups for item in group if isinstance(item, str)]
    return _kept(lines, only)


def python_installs(path: Path) -> list[list[str]]:
    """The requirement words of each install a ``noxfile.py`` or ``tasks.py`` runs, as nox,
    pip and a shell read them: ``x.install(...)`` arguments, a pip argv after ``"pip",
    "install"``, a ``"pip install ..."`` string (split like a shell); module-level string
    constants resolved, options dropped; an install holding a run-time value is skipped."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    constants = {
        statement.targets[0].id: statement.value.value
        for statement in tree.body
        if isinstance(statement, ast.Assign)
        and isinstance(statement.targets[0], ast.Name)
        and isinstance(statement.value, ast.Constant)
        and isinstance(statement.value.value, str)
    }
    installs = []
    for call in (node for node in ast.walk(tree) if isinstance(node, ast.Call)):
        words = [
            constants.get(argument.id)
            if isinstance(argument, ast.Name)
            else argument.value
            if isinstance(argument, ast.Constant)
            else None
            for argument in call.args
        ]
        if isinstance(call.func, ast.Attribute) and call.func.attr == "install":
            argv = words
        elif "install" in words and words[words.index("install") - 1] == "pip":
            argv = words[words.index("install") + 1 :]
        elif len(words) == 1 and isinstance(words[0], str) and words[0].startswith("pip install"):
            argv = shlex.split(words[0])[2:]
        else:
            continue
        if all(isinstance(word, str) for word in argv):
            installs.append([word for word in argv if not word.startswith("-")])
    return installs
