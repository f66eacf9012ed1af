"""Qualified names of Prefect 0.15 classes that several codemods recognise.

Each class is reachable under every module that exported it; a name counts only when the
file's imports resolve it to one of these (see :mod:`prefect1_migrate.codemods._python.names`).
"""

from __future__ import annotations

FLOW = frozenset({"prefect.Flow", "prefect.core.Flow", "prefect.core.flow.Flow"})
