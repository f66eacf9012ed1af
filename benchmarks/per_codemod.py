"""Where the engine's time goes, codemod by codemod: one process, ``--jobs 1``, the real
pipeline over every tracked file, with each codemod's work timed (for a Python codemod the
application of its compiled query to a tree, for a text codemod its ``rewrite``) and every
fissix parse of a whole file counted per file (a Python file should be parsed once, and only
when it holds some Python codemod's trigger text; codemods also parse small snippets). The engine runs all codemods in one pass over the files, so their
times cannot be read off a normal run; this is the same run with stopwatches added.

    python -m benchmarks.per_codemod REPOSITORY OUT.json
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from prefect1_migrate import pipeline, python_tree
from prefect1_migrate.codemod import Codemod, MigrationOptions, PythonCodemod, TextCodemod
from prefect1_migrate.registry import all_codemods

seconds: dict[str, float] = defaultdict(float)
calls: Counter[str] = Counter()
parses_by_path: Counter[str] = Counter()
current_path = [""]


def _timed(key: str, function: Callable[..., Any]) -> Callable[..., Any]:
    def timed(*args: Any) -> Any:
        start = time.perf_counter()
        try:
            return function(*args)
        finally:
            seconds[key] += time.perf_counter() - start
            calls[key] += 1

    return timed


class _TimedRunner:
    def __init__(self, codemod_id: str, runner: Any) -> None:
        self.apply = _timed(codemod_id, runner.apply)


def _with_stopwatches(codemods: tuple[Codemod, ...]) -> list[Codemod]:
    timed: list[Codemod] = []
    for codemod in codemods:
        if isinstance(codemod, TextCodemod):
            codemod = dataclasses.replace(codemod, rewrite=_timed(codemod.id, codemod.rewrite))
        timed.append(codemod)
    return timed


def profile(repository: Path) -> dict[str, Any]:
    timed_parse = _timed("(fissix parse)", python_tree.parse)

    def parse(text: str) -> Any:
        if sys._getframe(1).f_globals["__name__"] == pipeline.__name__:  # not a snippet
            parses_by_path[current_path[0]] += 1
        return timed_parse(text)

    python_tree.parse = parse  # type: ignore[assignment]
    original_runner = pipeline.FileProcessor._runner

    def runner(self: pipeline.FileProcessor, codemod: PythonCodemod) -> object:
        return _TimedRunner(codemod.id, original_runner(self, codemod))

    pipeline.FileProcessor._runner = runner  # type: ignore[method-assign]
    listing = subprocess.run(
        ["git", "ls-files", "-z"], cwd=repository, check=True, capture_output=True
    ).stdout
    paths = [name.decode() for name in listing.split(b"\0") if name]
    codemods = all_codemods()
    processor = pipeline.FileProcessor(repository, _with_stopwatches(codemods), MigrationOptions())
    changed: Counter[str] = Counter()
    left_as_they_were = 0
    start = time.perf_counter()
    for path in paths:
        current_path[0] = path
        result = processor.process(path)
        left_as_they_were += bool(result.problems)
        for codemod_id, _ in result.steps:
            changed[codemod_id] += 1
    total = time.perf_counter() - start
    python_triggers = [
        trigger.encode()
        for codemod in codemods
        if isinstance(codemod, PythonCodemod)
        for trigger in codemod.triggers
    ]
    parsed_without_trigger = [
        path
        for path in parses_by_path
        if not any(trigger in (repository / path).read_bytes() for trigger in python_triggers)
    ]
    rows = [
        {
            "codemod": codemod.id,
            "kind": codemod.kind,
            "files_looked_at": calls[codemod.id],
            "files_changed": changed[codemod.id],
            "seconds": round(seconds[codemod.id], 3),
        }
        for codemod in codemods
        if codemod.kind != "notice"
    ]
    return {
        "files": len(paths),
        "seconds_total": round(total, 3),
        "files_left_as_they_were": left_as_they_were,
        "fissix_parses": sum(parses_by_path.values()),
        "fissix_parses_of_snippets": calls["(fissix parse)"] - sum(parses_by_path.values()),
        "fissix_parse_seconds": round(seconds["(fissix parse)"], 3),
        "python_files_parsed": len(parses_by_path),
        "most_parses_of_one_file": max(parses_by_path.values(), default=0),
        "files_parsed_without_any_trigger": parsed_without_trigger,
        "codemods": sorted(rows, key=lambda row: -row["seconds"]),
    }


if __name__ == "__main__":
    Path(sys.argv[2]).write_text(json.dumps(profile(Path(sys.argv[1]).resolve()), indent=2))
