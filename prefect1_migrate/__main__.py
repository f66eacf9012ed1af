"""``python -m prefect1_migrate``. Python puts the current folder, usually the repository
being migrated, first on ``sys.path``; it leaves before anything else is imported, so that
repository's ``typer.py``, ``logging.py`` or ``codemods/`` can never stand in for ours."""

import os
import sys

if not getattr(sys.flags, "safe_path", False) and sys.path and sys.path[0] in ("", os.getcwd()):
    del sys.path[0]

from prefect1_migrate.cli import main

main()
