"""The repositories file: one repository per line, ``LOCATION [REF]``.

LOCATION is a git URL (``https://...``, ``ssh://...``, ``git@host:path``, ``file://...``) or a
local path (relative to the file's folder). REF, when given, is the branch the migration
branch starts from (default: the repository's default branch). Blank lines and lines starting
with ``#`` are skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from prefect1_migrate.escaping import escaped
from prefect1_migrate.fleet.credentials import redacted_url

_URL = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*://|[\w.-]+@[\w.-]+:)")
_UNSAFE_NAME_CHARACTERS = re.compile(r"[^A-Za-z0-9._-]+")


class ReposFileProblem(Exception):
    """The repositories file cannot be used; the message names the line."""


@dataclass(frozen=True)
class RepositoryEntry:
    location: str  # as written for a URL (user information included), absolute for a path
    ref: str | None
    line: int

    @property
    def is_url(self) -> bool:
        return _URL.match(self.location) is not None

    @property
    def shown(self) -> str:
        """The location as it may be printed and stored (a URL's user information hidden)."""
        shown = redacted_url(self.location)
        return f"{shown} {self.ref}" if self.ref else shown

    @property
    def key(self) -> str:
        """What identifies the repository in the campaign's database."""
        return self.shown

    @property
    def name(self) -> str:
        """A folder name for it: the location's last part, without ``.git``."""
        last = re.split(r"[/:]", self.location.rstrip("/"))[-1]
        last = last.removesuffix(".git")
        name = _UNSAFE_NAME_CHARACTERS.sub("-", last).strip(".-") or "repository"
        return f"{name}@{_UNSAFE_NAME_CHARACTERS.sub('-', self.ref)}" if self.ref else name


def parse_repos_file(path: Path) -> list[RepositoryEntry]:
    """The entries of the file at ``path``, in its order. A line with more than two fields
    is refused, and so is a repository listed a second time (with another REF too: both
    would need the same migration branch)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ReposFileProblem(f"cannot read {path}: {error}") from None
    entries: list[RepositoryEntry] = []
    seen: dict[str, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        fields = line.split()
        if len(fields) > 2:
            raise ReposFileProblem(
                f"{path}:{number}: expected LOCATION [REF], got {len(fields)} fields: "
                f"{escaped(redacted_url(line))}"
            )
        location = fields[0]
        if _URL.match(location) is None:
            location = str((path.parent / Path(location).expanduser()).resolve())
        entry = RepositoryEntry(location, fields[1] if len(fields) == 2 else None, number)
        shown = redacted_url(location)
        if shown in seen:
            raise ReposFileProblem(
                f"{path}:{number}: {escaped(shown)} is already listed on line {seen[shown]}"
            )
        seen[shown] = number
        entries.append(entry)
    return entries
