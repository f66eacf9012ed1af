"""Companion pins below a repinned ``prefect`` requirement in a requirements-format file.

A repository pinned to ``prefect==1.x`` alone installs releases Prefect 1.x cannot run with
(see ``codemods/_companions.py``). After the prefect-pins codemod repinned ``prefect`` in a
``requirements*.txt``, ``requirements*.in`` or ``constraints*.txt`` file, this adds one line
per companion the file does not name yet (``marshmallow<4``, ``pendulum<3``) right below the
last repinned requirement, carrying its environment marker. Files with ``--hash`` values are
left alone: pip's hash-checking mode needs a hash on every line, which only re-running the
lock tool (pip-compile) can give; the codemod already flags them.
"""

from __future__ import annotations

import re

from codemods._companions import companion_requirements
from codemods._text import LineEdits

_REQUIREMENT_NAME = re.compile(r"\s*(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)")
_MARKER = re.compile(r";(?P<marker>[^#]*?)\s*(?:#.*)?$")
_REASON = "  # Prefect 1.x does not work with later releases"


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pin_companions(lines: list[str], edits: LineEdits, target: str) -> None:
    """Plan the companion lines of ``target`` below the last line ``edits`` repinned."""
    repinned = sorted({line for line, _, _, _ in edits.replacements})
    if not repinned or any("--hash" in line for line in lines):
        return
    named = {_normalized(found["name"]) for found in map(_REQUIREMENT_NAME.match, lines) if found}
    missing = [
        (name, specifier)
        for name, specifier in companion_requirements(target)
        if _normalized(name) not in named
    ]
    if not missing:
        return
    last = repinned[-1]
    marker = _MARKER.search(lines[last])
    suffix = f" ;{marker['marker']}" if marker else ""
    end = last
    while end + 1 < len(lines) and lines[end].rstrip().endswith("\\"):
        end += 1
    edits.insert(end + 1, [f"{name}{specifier}{suffix}{_REASON}" for name, specifier in missing])
