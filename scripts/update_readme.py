"""Rewrite the codemod table in README.md from `prefect1-migrate list --markdown`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"
START, END = "<!-- codemods:start -->", "<!-- codemods:end -->"


def codemod_table() -> str:
    return subprocess.run(
        [sys.executable, "-m", "prefect1_migrate", "list", "--markdown"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def with_table(readme: str, table: str) -> str:
    head, _, rest = readme.partition(START)
    _, _, tail = rest.partition(END)
    return f"{head}{START}\n{table}{END}{tail}"


if __name__ == "__main__":
    README.write_text(
        with_table(README.read_text(encoding="utf-8"), codemod_table()), encoding="utf-8"
    )
