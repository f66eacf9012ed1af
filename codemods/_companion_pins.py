"""Companion pins next to a repinned ``prefect`` requirement, in the syntax of its file.

A repository pinned to ``prefect==1.x`` alone installs releases Prefect 1.x cannot run with
(see ``codemods/_companions.py``). Wherever the prefect-pins codemods repin ``prefect``, the
same list of requirements gets one entry per companion it does not name yet (``marshmallow<4``,
``pendulum<3``; any version of its own, such as ``marshmallow==3.19.0``, is kept):

- requirements-format files (``requirements*.txt``, ``*.in``, ``constraints*.txt``): one line
  per companion right below the last repinned requirement, carrying its environment marker and
  a comment saying why. Files with ``--hash`` values are left alone: pip's hash-checking mode
  needs a hash on every line, which only re-running the lock tool (pip-compile) can give; the
  codemod already flags them;
- line lists (setup.cfg and tox values, conda entries): lines below the repinned one, written
  like it (:func:`companion_lines_below`);
- TOML, install commands and setup.py build their entries from :func:`missing_companions`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from prefect1_migrate.codemods._companions import companion_requirements
from prefect1_migrate.codemods._text import LineEdits

_REQUIREMENT_NAME = re.compile(r"\s*(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)")
_MARKER = re.compile(r";(?P<marker>[^#]*?)\s*(?:#.*)?$")
REASON_COMMENT = "  # Prefect 1.x does not work with later releases"


def normalized(name: str) -> str:
    """A distribution name as pip compares them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def missing_companions(target: str, named: Iterable[str]) -> list[tuple[str, str]]:
    """(name, specifier) of the companions of ``target`` that ``named`` (distribution names
    already listed) lacks."""
    listed = {normalized(name) for name in named}
    return [
        (name, specifier)
        for name, specifier in companion_requirements(target)
        if normalized(name) not in listed
    ]


def requirement_name(text: str) -> str | None:
    """The distribution a requirement string starts with (leading spaces allowed)."""
    found = _REQUIREMENT_NAME.match(text)
    return found["name"] if found else None


def pin_companions(lines: list[str], edits: LineEdits, target: str) -> None:
    """Plan the companion lines of ``target`` below the last line ``edits`` repinned."""
    repinned = sorted({line for line, _, _, _ in edits.replacements})
    if not repinned or any("--hash" in line for line in lines):
        return
    missing = missing_companions(target, filter(None, map(requirement_name, lines)))
    if not missing:
        return
    last = repinned[-1]
    marker = _MARKER.search(lines[last])
    suffix = f" ;{marker['marker']}" if marker else ""
    end = last
    while end + 1 < len(lines) and lines[end].rstrip().endswith("\\"):
        end += 1
    edits.insert(
        end + 1, [f"{name}{specifier}{suffix}{REASON_COMMENT}" for name, specifier in missing]
    )


def companion_lines_below(
    edits: LineEdits,
    index: int,
    lead: str,
    missing: list[tuple[str, str]],
    comment: bool,
    quote: str = "",
) -> None:
    """Plan one line per ``missing`` companion below ``lines[index]``, each starting with
    ``lead`` (indentation, a list dash), quoted with ``quote`` and, when the format allows it,
    followed by the reason comment."""
    reason = REASON_COMMENT if comment else ""
    edits.insert(
        index + 1, [f"{lead}{quote}{name}{specifier}{quote}{reason}" for name, specifier in missing]
    )
