"""One Prefect requirement written in a line of text (a requirements line, a TOML string, a
command-line argument), moved to the target 1.x release in place: what the prefect-pins
codemod does in every file kind, and the markers it leaves where it cannot.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from prefect1_migrate.codemods._text import LineEdits, logical_start
from prefect1_migrate.codemods._versions import (
    PREFECT_DISTRIBUTION,
    UNREADABLE_PIN_TODO,
    UnreadableSpecifier,
    repin,
)

URL_TODO = "this requirement installs Prefect from a URL: point it at Prefect {target}"
_HASH_TODO = (
    "update the --hash values of this requirement for Prefect {target} (re-run pip-compile)"
)
_UNQUOTABLE_PIN_TODO = (
    "this command uses both quote characters: quote the prefect argument by hand and pin it "
    "to {new}"
)
_COMPANIONS_TODO = (
    "Prefect {target} also needs {companions} where it is installed: add them to this "
    "dependency list"
)

# ``prefect`` (any case), optional extras, then what follows: a specifier, markers, a comment.
_REQUIREMENT = re.compile(
    rf"(?<![\w.-]){PREFECT_DISTRIBUTION}(?P<extras>\s*\[[^\]]*\])?"
    r"(?P<tail>[^;#\"'`]*)",
    re.IGNORECASE,
)
_SPEC_START = re.compile(r"\s*(?:\(|===|==|~=|!=|<=|>=|<|>|=|@|\^|~)")
# Prefect's own repository as a pip VCS URL, with the ref it installs.
PREFECT_GIT_URL = re.compile(
    r"git\+(?:https?|ssh)://(?:git@)?github\.com[/:]PrefectHQ/prefect(?:\.git)?"
    r"(?:@(?P<ref>[^\s#\"'`;,\]]+))?(?![\w.-])",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Found:
    """A Prefect requirement at ``lines[index][start:end]`` (inside any quotes)."""

    index: int
    start: int
    end: int
    unpinned_allowed: bool  # a bare ``prefect`` here is a requirement to bound
    quote: str | None = None  # the quote around it in a command line ("" when none)
    bare_version: bool = False  # a conda entry may give a bare version (``prefect 0.15.13``)
    wrap_quote: str | None = None  # the quote to add around it if needed (None: a free one)


def repin_requirement(
    lines: list[str], edits: LineEdits, found: Found, target: str, in_code_block: bool = True
) -> bool:
    """Rewrite the specifier of the requirement ``found`` designates; whether it now names a
    Prefect 1.x it did not name before (so companions belong next to it)."""
    line = lines[found.index]
    requirement = _REQUIREMENT.match(line, found.start, found.end)
    if requirement is None:
        return False
    tail_start, tail_end = requirement.span("tail")
    tail = line[tail_start:tail_end]
    anchor = logical_start(lines, found.index)
    if not tail.strip():
        if not found.unpinned_allowed:
            return False
        _replace_in_token(lines, edits, found, tail_start, tail_start, repin("", target))
        return True
    if not _SPEC_START.match(tail) and not (found.bare_version and re.match(r"\s+\d", tail)):
        return False
    if tail.lstrip().startswith("@") and not re.match(r"\s*@\s*[\^~=<>]?\s*\d", tail):
        if not PREFECT_GIT_URL.search(tail):  # Prefect's own repository: _git_urls did it
            edits.todo(anchor, URL_TODO.format(target=target), in_code_block)
        return False
    hashed = "--hash" in tail
    spec_text = re.split(r"\s+--|\s*\\$", tail, maxsplit=1)[0]
    body_start = tail_start + len(spec_text) - len(spec_text.lstrip())
    body = spec_text.strip()
    separator = re.match(r"@|\(", body)
    if separator:
        body_start += 1
        body = body[1:].rstrip(")")
    body = body.rstrip()
    try:
        new = repin(body, target)
    except UnreadableSpecifier:
        edits.todo(anchor, UNREADABLE_PIN_TODO.format(target=target), in_code_block)
        return False
    if new is None:
        return False
    _replace_in_token(lines, edits, found, body_start, body_start + len(body), new)
    command = "\n".join(lines[anchor : anchor + 2])
    if hashed or (line.rstrip().endswith("\\") and "--hash" in command):
        edits.todo(anchor, _HASH_TODO.format(target=target), in_code_block)
    return True


def _replace_in_token(
    lines: list[str], edits: LineEdits, found: Found, start: int, end: int, new: str
) -> None:
    """Replace ``[start, end)`` of the requirement by ``new``; an unquoted command-line token
    that gains a ``<`` or ``>`` (which a shell reads as a redirection) is quoted as a whole."""
    line = lines[found.index]
    if found.quote != "" or not re.search(r"[<>]", new) or re.search(r"[<>]", line[start:end]):
        edits.replace(found.index, start, end, new)
        return
    quote = found.wrap_quote or free_quote(line)
    if quote is None:
        edits.todo(logical_start(lines, found.index), _UNQUOTABLE_PIN_TODO.format(new=new))
        return
    token = line[found.start : start] + new + line[end : found.end]
    edits.replace(found.index, found.start, found.end, f"{quote}{token}{quote}")


def free_quote(line: str) -> str | None:
    """A quote character the line does not use yet; None when it uses both."""
    if '"' not in line:
        return '"'
    return "'" if "'" not in line else None


def companions_todo(
    edits: LineEdits, index: int, target: str, missing: list[tuple[str, str]]
) -> None:
    companions = ", ".join(f"{name}{specifier}" for name, specifier in missing)
    edits.todo(index, _COMPANIONS_TODO.format(target=target, companions=companions))


def add_companions_once(companions: dict[str, list[tuple[bool, Callable[[], None]]]]) -> None:
    """Per group, run the first of the ``(is_main, add)`` candidates that is main, else the
    first."""
    for candidates in companions.values():
        main = [add for is_main, add in candidates if is_main]
        (main or [add for _, add in candidates])[0]()
