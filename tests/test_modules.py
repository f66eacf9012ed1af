"""The survey of the repository's own modules (prefect1_migrate/modules.py)."""

from __future__ import annotations

from prefect1_migrate.modules import absolute_module, module_names, survey

FILES = {
    "src/team/__init__.py": b"",
    "src/team/compat/__init__.py": (
        b"from prefect.environments import LocalEnvironment as LE\n__all__ = ['LE']\n"
    ),
    "src/team/helpers.py": b"from .compat import LE\nENV = LE() if X else None\n"
    b"def env():\n    return ENV\n",
    "flows/etl.py": b"from team.helpers import env\nfrom a.config import A\nimport config\n",
    "unrelated.py": b"import os as system\n",
    "a/config.py": b"import prefect\nA = 1\n",
    "b/config.py": b"import prefect\nB = 1\n",
}


def _survey(read: list[str]) -> object:
    def reader(path: str) -> bytes | None:
        read.append(path)
        return FILES.get(path)

    return survey(list(FILES), reader)


def test_names_are_followed_through_re_exports_and_relative_imports() -> None:
    modules = _survey([])
    assert modules.resolve("team.helpers.LE") == "prefect.environments.LocalEnvironment"
    assert modules.resolve("src.team.compat.LE.labels") == (
        "prefect.environments.LocalEnvironment.labels"
    )
    assert modules.values["team.helpers.ENV"] == (("call", "src.team.compat.LE"), ("none", ""))
    assert modules.returns["helpers.env"] == (("name", "src.team.helpers.ENV"),)
    assert "team.helpers.env" in modules.imported
    assert modules.reaching == {
        "src/team/compat/__init__.py",
        "src/team/helpers.py",
        "flows/etl.py",
        "a/config.py",
        "b/config.py",
    }
    # what they import from the repository may be spelled like nothing Prefect has
    assert modules.reexport_importers == {"src/team/helpers.py", "flows/etl.py"}


def test_a_module_name_two_files_share_names_neither() -> None:
    modules = _survey([])
    assert "a.config.A" in modules.values and "config.A" not in modules.values


def test_files_that_cannot_reach_prefect_are_not_parsed() -> None:
    modules = _survey([])
    assert "b.config.B" not in modules.values  # names Prefect, but nothing imports it
    assert "helpers.ENV" in modules.values  # names no Prefect, but the re-exporting compat
    assert "unrelated.system" not in modules.aliases


def test_module_names_and_relative_imports() -> None:
    assert module_names("src/team/compat/__init__.py") == [
        "src.team.compat",
        "team.compat",
        "compat",
    ]
    assert module_names("scripts/run-me.py") == []
    assert absolute_module("compat", 1, "src/team/helpers.py") == "src.team.compat"
    assert absolute_module("", 2, "src/team/compat/__init__.py") == "src.team"
    assert absolute_module("x", 3, "team/helpers.py") is None
