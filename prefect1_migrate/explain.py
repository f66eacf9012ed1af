"""``explain``: a codemod's description, flagged cases and an example from its golden fixture."""

from __future__ import annotations

import difflib

from prefect1_migrate.codemod import Codemod
from prefect1_migrate.examples import example_for


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
    example = example_for(codemod.id)
    if example is not None:
        name, before, after = example.file, example.before, example.after
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
