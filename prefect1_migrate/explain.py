"""``explain``: a codemod's description, flagged cases and an example from its golden fixture."""

from __future__ import annotations

import difflib
from pathlib import Path

from prefect1_migrate.codemod import Codemod

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "codemods"


def example_case(codemod: Codemod) -> tuple[str, str, str] | None:
    """(file, before, after) of the codemod's first transforming golden case, if installed."""
    folder = FIXTURES / codemod.id
    if not folder.is_dir():
        return None
    for case in sorted(folder.iterdir()):
        before, after = case / "before", case / "after"
        if not after.is_dir():
            continue  # a no-op case
        for file in sorted(p for p in after.rglob("*") if p.is_file()):
            relative = file.relative_to(after)
            old = (before / relative).read_text(encoding="utf-8", errors="replace")
            new = file.read_text(encoding="utf-8", errors="replace")
            if old != new:
                return relative.as_posix(), old, new
    return None


def explanation(codemod: Codemod) -> str:
    lines = [
        f"{codemod.id}: {codemod.title}",
        f"Upgrade guide section: {codemod.guide_section}",
        f"Kind: {codemod.kind}",
        "",
        codemod.description.strip(),
    ]
    if codemod.review_note:
        lines += ["", codemod.review_note.strip()]
    if codemod.flags:
        lines += ["", "Flagged for a human (TODO(prefect-1.0) marker and report entry):"]
        lines += [f"  - {flag}" for flag in codemod.flags]
    example = example_case(codemod)
    if example is not None:
        name, before, after = example
        lines += ["", f"Example ({name}):"]
        lines += [
            line.rstrip("\n")
            for line in difflib.unified_diff(
                before.splitlines(keepends=True),
                after.splitlines(keepends=True),
                f"before/{name}",
                f"after/{name}",
            )
        ]
    return "\n".join(lines)
