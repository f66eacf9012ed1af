"""The lower bound a migration cannot beat, in one process: list the tracked files, read each
once, and parse with fissix each ``.py`` file that mentions ``prefect``.

    python -m benchmarks.lower_bound REPOSITORY   (prints JSON counts)
"""

from __future__ import annotations

import json
import subprocess
import sys
import tokenize
from io import BytesIO
from pathlib import Path

from fissix import pygram, pytree
from fissix.pgen2 import driver
from fissix.pgen2.parse import ParseError
from fissix.pgen2.tokenize import TokenError


def tracked_files(repository: Path) -> list[str]:
    output = subprocess.run(
        ["git", "ls-files", "-z"], cwd=repository, check=True, capture_output=True
    ).stdout
    return [name.decode() for name in output.split(b"\0") if name]


def lower_bound(repository: Path) -> dict[str, int]:
    parser = driver.Driver(pygram.python_grammar_no_print_and_exec_statement, pytree.convert)
    counts = {"files": 0, "bytes": 0, "parsed": 0, "parse_failures": 0}
    for name in tracked_files(repository):
        data = (repository / name).read_bytes()
        counts["files"] += 1
        counts["bytes"] += len(data)
        if not name.endswith(".py") or b"prefect" not in data:
            continue
        encoding, _ = tokenize.detect_encoding(BytesIO(data).readline)
        try:
            parser.parse_string(data.decode(encoding))
            counts["parsed"] += 1
        except (ParseError, TokenError, IndentationError, UnicodeDecodeError):
            counts["parse_failures"] += 1
    return counts


if __name__ == "__main__":
    print(json.dumps(lower_bound(Path(sys.argv[1]))))
