"""What a codemod is, as the engine sees it.

A codemod module in ``codemods/`` defines one module-level ``CODEMOD``: a
:class:`PythonCodemod` (Bowler queries over fissix trees), a :class:`TextCodemod` (a
text rewrite for non-Python files) or a :class:`NoticeCodemod` (a guide section with
nothing to rewrite, listed so that every section is accounted for). The engine knows
nothing about any single codemod; codemods know nothing about git or the command line.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from prefect1_migrate.filekinds import FileKind
from prefect1_migrate.guide import SECTIONS

if TYPE_CHECKING:
    from bowler import Query

DEFAULT_PREFECT_TARGET = "1.4.1"


@dataclass(frozen=True)
class MigrationOptions:
    """Settings a codemod may read; the same for every file of a run."""

    prefect_version: str = DEFAULT_PREFECT_TARGET


@dataclass(frozen=True)
class TextFile:
    """A non-Python file as a text codemod sees it."""

    path: str  # repository-relative, POSIX separators
    kind: FileKind
    options: MigrationOptions


@dataclass(frozen=True)
class Codemod:
    """The declaration every codemod makes."""

    id: str  # kebab-case, unique
    title: str  # names the change; first line of its commit message
    guide_section: str  # one of prefect1_migrate.guide.SECTIONS
    summary: str  # one line for ``list``
    description: str  # what it rewrites; used by ``explain`` and commit messages
    flags: tuple[str, ...] = ()  # the cases it marks for a human instead of rewriting
    review_note: str = ""  # what a human must check even where nothing was flagged
    triggers: tuple[str, ...] = ()  # text a file must contain before anything is parsed
    file_kinds: frozenset[FileKind] = frozenset()
    order: int = 0  # position among the codemods of the same guide section

    kind = "notice"

    def __post_init__(self) -> None:
        if self.guide_section not in SECTIONS:
            raise ValueError(f"{self.id}: unknown guide section {self.guide_section!r}")

    def looks_at(self, kind: FileKind) -> bool:
        return kind in self.file_kinds

    def is_triggered_by(self, text: str) -> bool:
        return any(trigger in text for trigger in self.triggers)

    @property
    def pipeline_position(self) -> tuple[int, int, str]:
        return (SECTIONS.index(self.guide_section), self.order, self.id)


@dataclass(frozen=True)
class PythonCodemod(Codemod):
    """Rewrites Python through Bowler queries, applied to the file's fissix tree."""

    build_queries: Callable[[MigrationOptions], Sequence[Query]] = field(default=lambda _: ())
    file_kinds: frozenset[FileKind] = frozenset({FileKind.PYTHON})

    kind = "python"


@dataclass(frozen=True)
class TextCodemod(Codemod):
    """Rewrites non-Python files: ``rewrite`` returns the new text of one file."""

    rewrite: Callable[[str, TextFile], str] = field(default=lambda text, _: text)

    kind = "text"


@dataclass(frozen=True)
class NoticeCodemod(Codemod):
    """A guide section with nothing to migrate; ``description`` says why."""

    kind = "notice"
