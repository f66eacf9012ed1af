"""What a codemod is, as the engine sees it.

A codemod module in ``codemods/`` declares one module-level ``CODEMOD`` at its top, named
after the module (``CODEMOD = PythonCodemod(__name__, title=...)`` in
``codemods/imports_moved.py`` is the codemod ``imports-moved``), and marks its rewrite
function below with ``@CODEMOD.rewriter``. Every rewrite has the same shape,
``rewrite(content, file: SourceFile)``:

- :class:`PythonCodemod`: ``rewrite(root, file) -> None`` edits the file's fissix tree in
  place (the engine compiles it into a Bowler query, ``prefect1_migrate/python_tree.py``);
- :class:`TextCodemod`: ``rewrite(text, file) -> str`` returns the new text of a non-Python
  file;
- :class:`PythonAndTextCodemod`: both, for one change over every kind of file (one id, one
  commit): ``@CODEMOD.rewriter`` marks its Python rewrite, ``@CODEMOD.text_rewriter`` its
  text rewrite;
- :class:`NoticeCodemod`: a guide section with nothing to rewrite, listed so that every
  section is accounted for.

The engine knows nothing about any single codemod; codemods know nothing about git or the
command line.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Generic, TypeVar

from prefect1_migrate.filekinds import FileKind
from prefect1_migrate.guide import SECTIONS
from prefect1_migrate.modules import RepositoryModules

if TYPE_CHECKING:
    from fissix.pytree import Node

DEFAULT_PREFECT_TARGET = "1.4.1"


@dataclass(frozen=True)
class MigrationOptions:
    """Settings a codemod may read; the same for every file of a run."""

    prefect_version: str = DEFAULT_PREFECT_TARGET
    #: What the repository's own modules bind (gathered before the codemods run).
    modules: RepositoryModules = field(default_factory=RepositoryModules)


@dataclass(frozen=True)
class SourceFile:
    """The file a codemod is rewriting, as every rewrite gets it."""

    path: str  # repository-relative, POSIX separators
    kind: FileKind
    options: MigrationOptions
    #: Places needing a human in a file whose format has no comments to hold a marker (JSON,
    #: ``filekinds.COMMENTLESS_KINDS``): (0-based line of the text the rewrite returns,
    #: message), in the order listed. The engine reports them like markers.
    listed: list[tuple[int, str]] = field(default_factory=list, compare=False, repr=False)

    def list_place(self, index: int, message: str) -> None:
        """List line ``index`` for review (once per message)."""
        if (index, message) not in self.listed:
            self.listed.append((index, message))


PythonRewrite = Callable[["Node", SourceFile], None]
TextRewrite = Callable[[str, SourceFile], str]
Rewrite = TypeVar("Rewrite", PythonRewrite, TextRewrite)


def codemod_id(module: str) -> str:
    """The id of the codemod declared in ``module``:
    ``prefect1_migrate.codemods.imports_moved`` -> ``imports-moved``."""
    return module.rpartition(".")[2].replace("_", "-")


@dataclass(frozen=True)
class Codemod:
    """The declaration every codemod makes."""

    module: str  # the declaring module's ``__name__``; the id is derived from it
    title: str  # names the change; first line of its commit message
    guide_section: str  # one of prefect1_migrate.guide.SECTIONS
    summary: str  # one line for ``list``
    description: str  # what it rewrites; used by ``explain`` and commit messages
    flags: tuple[str, ...] = ()  # the cases it marks for a human instead of rewriting
    review_note: str = ""  # what a human must check even where nothing was flagged
    triggers: tuple[str, ...] = ()  # text a file must contain before anything is parsed
    file_kinds: frozenset[FileKind] = frozenset()
    file_names: frozenset[str] = frozenset()  # when given, only files of these names
    order: int = 0  # position among the codemods of the same guide section
    id: str = field(init=False)  # kebab-case, unique

    kind = "notice"

    def __post_init__(self) -> None:
        object.__setattr__(self, "id", codemod_id(self.module))
        if self.guide_section not in SECTIONS:
            raise ValueError(f"{self.id}: unknown guide section {self.guide_section!r}")

    def looks_at(self, kind: FileKind, file_name: str) -> bool:
        """Whether the codemod reads a file of ``kind`` named ``file_name`` (no folder)."""
        return kind in self.file_kinds and (not self.file_names or file_name in self.file_names)

    def is_triggered_by(self, text: str) -> bool:
        return any(trigger in text for trigger in self.triggers)

    @property
    def pipeline_position(self) -> tuple[int, int, str]:
        return (SECTIONS.index(self.guide_section), self.order, self.id)


@dataclass(frozen=True)
class _RewritingCodemod(Codemod, Generic[Rewrite]):
    rewrite: Rewrite | None = field(default=None, compare=False, repr=False)

    def rewriter(self, rewrite: Rewrite) -> Rewrite:
        """Decorator: ``rewrite`` is this codemod's rewrite. The declaration comes first in
        its module and the rewrite after it, so the rewrite is attached once, at import."""
        if self.rewrite is not None:
            raise ValueError(f"{self.id}: a codemod has one rewrite")
        object.__setattr__(self, "rewrite", rewrite)
        return rewrite


@dataclass(frozen=True)
class PythonCodemod(_RewritingCodemod[PythonRewrite]):
    """Rewrites a Python file's fissix tree in place: ``rewrite(root, file) -> None``."""

    file_kinds: frozenset[FileKind] = frozenset({FileKind.PYTHON})

    kind = "python"


@dataclass(frozen=True)
class TextCodemod(_RewritingCodemod[TextRewrite]):
    """Rewrites non-Python files: ``rewrite(text, file) -> str``, the new text of one file."""

    kind = "text"

    @property
    def text_rewrite(self) -> TextRewrite | None:
        """The rewrite of a non-Python file (the engine reads every text codemod's here)."""
        return self.rewrite


@dataclass(frozen=True)
class PythonAndTextCodemod(PythonCodemod):
    """One change over every kind of file: ``rewrite(root, file) -> None`` for Python files
    (``@CODEMOD.rewriter``) and ``text_rewrite(text, file) -> str`` for the others
    (``@CODEMOD.text_rewriter``); its changes to both make one commit."""

    file_kinds: frozenset[FileKind] = frozenset(FileKind)
    text_rewrite: TextRewrite | None = field(default=None, compare=False, repr=False)

    kind = "python+text"

    def text_rewriter(self, rewrite: TextRewrite) -> TextRewrite:
        """Decorator: ``rewrite`` is this codemod's rewrite of non-Python files."""
        if self.text_rewrite is not None:
            raise ValueError(f"{self.id}: a codemod has one text rewrite")
        object.__setattr__(self, "text_rewrite", rewrite)
        return rewrite


@dataclass(frozen=True)
class NoticeCodemod(Codemod):
    """A guide section with nothing to migrate; ``description`` says why."""

    kind = "notice"
