"""What setup.cfg cannot say (issue 16): the repository's ``codemods/`` folder is installed as
``prefect1_migrate.codemods`` with all its subpackages (nothing under a generic top-level
name), and a wheel carries the one golden case per codemod that ``explain`` shows."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from setuptools import find_packages, setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
CODEMODS = "prefect1_migrate.codemods"


def _examples_module() -> ModuleType:
    """prefect1_migrate/examples.py, loaded by path (the package is not installed yet)."""
    path = ROOT / "prefect1_migrate" / "examples.py"
    spec = importlib.util.spec_from_file_location("_prefect1_migrate_examples", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


class BuildPyWithExamples(build_py):
    """``build_py`` that also copies each codemod's example into the built package (an editable
    install reads them from the checkout's fixtures instead)."""

    def run(self) -> None:
        super().run()
        if not self.editable_mode:
            examples = _examples_module()
            examples.copy_examples(
                examples.CHECKOUT, Path(self.build_lib, "prefect1_migrate", examples.PACKAGED.name)
            )


setup(
    packages=[
        *find_packages(include=["prefect1_migrate", "prefect1_migrate.*"]),
        CODEMODS,
        *(f"{CODEMODS}.{name}" for name in find_packages("codemods")),
    ],
    package_dir={CODEMODS: "codemods"},
    cmdclass={"build_py": BuildPyWithExamples},
)
