"""What setup.cfg cannot say (issue 16): the repository's ``codemods/`` folder is installed as
``prefect1_migrate.codemods`` with all its subpackages (nothing under a generic top-level
name)."""

from __future__ import annotations

from setuptools import find_packages, setup

CODEMODS = "prefect1_migrate.codemods"

setup(
    packages=[
        *find_packages(include=["prefect1_migrate", "prefect1_migrate.*"]),
        CODEMODS,
        *(f"{CODEMODS}.{name}" for name in find_packages("codemods")),
    ],
    package_dir={CODEMODS: "codemods"},
)
