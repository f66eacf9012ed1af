"""The naive baseline: what a script built on Bowler's own runner does, one
``Query(repository).execute(write=False)`` per codemod (the query the engine compiles from the
codemod's rewrite, over the folder), so that every Python file under the folder is read and
parsed once per codemod.

    python -m benchmarks.naive REPOSITORY TIMINGS.json   (the diffs go to stdout)
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
from pathlib import Path

from bowler import Query

from prefect1_migrate.codemod import MigrationOptions, PythonCodemod
from prefect1_migrate.python_tree import codemod_query
from prefect1_migrate.registry import all_codemods


def run_naive(repository: Path) -> dict[str, float]:
    """Seconds each Python codemod's query took over the whole folder, in pipeline order."""
    logging.getLogger().setLevel(logging.CRITICAL)  # Bowler logs every file fissix rejects
    options = MigrationOptions()
    seconds: dict[str, float] = {}
    for codemod in all_codemods():
        if not isinstance(codemod, PythonCodemod):
            continue
        query = Query(str(repository))
        query.transforms.extend(codemod_query(codemod, options).transforms)
        if codemod.file_names:  # the engine's file-name filter, as a Bowler filter
            names = "|".join(re.escape(name) for name in sorted(codemod.file_names))
            query.is_filename(include=rf"(^|/)({names})$")
        start = time.perf_counter()
        query.execute(write=False, interactive=False)
        seconds[codemod.id] = time.perf_counter() - start
    return seconds


if __name__ == "__main__":
    timings = run_naive(Path(sys.argv[1]))
    Path(sys.argv[2]).write_text(json.dumps(timings))
