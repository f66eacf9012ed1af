"""Where ``explain`` finds a codemod's before/after example: the codemod's first transforming
golden case under ``fixtures/codemods/<id>/`` in a checkout, or the copy of that one case a
wheel carries under ``prefect1_migrate/examples/<id>/`` (``setup.py`` copies it at build time,
so an installed tool shows the same example without the fixtures).

Standard library only: ``setup.py`` loads this file by path before anything is installed."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

PACKAGED = Path(__file__).resolve().parent / "examples"
CHECKOUT = Path(__file__).resolve().parent.parent / "fixtures" / "codemods"


class Example(NamedTuple):
    case: Path  # the golden case folder, holding before/ and after/
    file: str  # the example file, relative to before/ and after/, in POSIX form
    before: str
    after: str


def first_example(codemod_folder: Path) -> Example | None:
    """The first file that the first transforming case (one with an ``after/``) changes."""
    for case in sorted(codemod_folder.iterdir()):
        before, after = case / "before", case / "after"
        if not after.is_dir():
            continue  # a no-op case
        for file in sorted(p for p in after.rglob("*") if p.is_file() and not _is_cache(p)):
            relative = file.relative_to(after)
            old = (before / relative).read_text(encoding="utf-8", errors="replace")
            new = file.read_text(encoding="utf-8", errors="replace")
            if old != new:
                return Example(case, relative.as_posix(), old, new)
    return None


def _is_cache(file: Path) -> bool:
    """Whether ``file`` is Python's byte code cache (pip compiles the wheel's example .py files
    on install), not a file of the example."""
    return "__pycache__" in file.parts


def example_for(codemod_id: str) -> Example | None:
    """The example of codemod ``codemod_id``, from the wheel's copy or else the checkout."""
    folder = (PACKAGED if PACKAGED.is_dir() else CHECKOUT) / codemod_id
    return first_example(folder) if folder.is_dir() else None


def copy_examples(fixtures: Path, target: Path) -> list[Path]:
    """Copy, byte for byte, each codemod's example file (both sides) from ``fixtures`` to
    ``target``, in the same ``<id>/<case>/{before,after}/<file>`` layout; returns the copies."""
    copies: list[Path] = []
    for codemod_folder in sorted(p for p in fixtures.iterdir() if p.is_dir()):
        example = first_example(codemod_folder)
        if example is None:
            continue
        for side in ("before", "after"):
            copy = target / codemod_folder.name / example.case.name / side / example.file
            copy.parent.mkdir(parents=True, exist_ok=True)
            copy.write_bytes((example.case / side / example.file).read_bytes())
            copies.append(copy)
    return copies
