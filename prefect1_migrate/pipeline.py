"""Runs the codemods over files: each file is read once, parsed at most once, and passed
through every codemod in pipeline order, keeping the file's bytes after each codemod that
changed it. Commits and diffs are made from those snapshots; nothing here writes a file.
"""

from __future__ import annotations

import ast
import gc
import json
import multiprocessing
import os
import re
import signal
import threading
import time
import warnings
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from enum import Enum
from itertools import pairwise
from pathlib import Path

from prefect1_migrate.bindings import dropped_names_still_used
from prefect1_migrate.code_blocks import DOCUMENT_KINDS, run_code_blocks
from prefect1_migrate.codemod import (
    Codemod,
    MigrationOptions,
    PythonAndTextCodemod,
    PythonCodemod,
    SourceFile,
    TextCodemod,
)
from prefect1_migrate.diffs import unified_diff
from prefect1_migrate.filekinds import COMMENTLESS_KINDS, FileKind, classify
from prefect1_migrate.linemap import LineMap
from prefect1_migrate.markers import MARKER, marker_lines, marker_message, unfolded_markers
from prefect1_migrate.modules import survey
from prefect1_migrate.redaction import secret_values
from prefect1_migrate.sourcefile import (
    SourceText,
    UndecodableFile,
    declared_encoding,
    decode,
    is_binary,
    python_encoding,
    text_encoding,
)
from prefect1_migrate.workspace import UnsafePath, inside


@dataclass(frozen=True)
class Finding:
    """A place a codemod marked for a human, with the line of its marker."""

    path: str
    line: int  # in the fully migrated file
    commit_line: int  # in the file as the codemod's own commit leaves it
    message: str
    codemod_id: str
    cell: int | None = None  # a notebook's cell (1-based) that ``line`` is a line of

    @property
    def where(self) -> str:
        return where(self.path, self.line, self.cell)


@dataclass(frozen=True)
class Listing:
    """A place a codemod listed for review in a file without comments (JSON)."""

    codemod_id: str
    version: int  # the file's text it refers to: 0 = as read, k = after the k-th change
    index: int  # 0-based line in that text
    message: str
    changed: bool  # the codemod changed the file too


@dataclass(frozen=True)
class Place:
    """What ``--check`` reports: a line of the file as it is now, and why it must change."""

    path: str
    line: int
    reason: str
    codemod_id: str | None = None  # None: a TODO(prefect-1.0) marker the file already has
    pending: bool = False  # a run of migrate would rewrite or mark this place
    cell: int | None = None

    @property
    def where(self) -> str:
        return where(self.path, self.line, self.cell)


@dataclass(frozen=True)
class FileProblem:
    """A file (or one codemod's work on it) that had to be left as it was."""

    path: str
    line: int | None
    reason: str
    codemod_id: str | None = None
    cell: int | None = None

    @property
    def where(self) -> str:
        return where(self.path, self.line, self.cell) if self.line else self.path


def where(path: str, line: int, cell: int | None) -> str:
    """A place to review: ``path:line``, or ``path:cell N:line M`` in a notebook."""
    return f"{path}:{line}" if cell is None else f"{path}:cell {cell}:line {line}"


class StepOutput(Enum):
    """What a :class:`FileResult` keeps of each codemod's change to the file."""

    BYTES = "bytes"  # the file's bytes after the codemod (and its original bytes): to write
    PATCH = "patch"  # the unified diff from the bytes before the codemod: for --dry-run
    NONE = "none"  # which codemods changed it, and the places (lines) they change: --check


@dataclass
class FileResult:
    path: str
    original: bytes = b""  # kept with StepOutput.BYTES only
    steps: list[tuple[str, bytes]] = field(default_factory=list)  # (codemod id, StepOutput)
    findings: list[Finding] = field(default_factory=list)
    problems: list[FileProblem] = field(default_factory=list)
    secrets: frozenset[str] = frozenset()  # secret values the file holds (never printed)
    places: list[Place] = field(default_factory=list)  # with StepOutput.NONE only

    @property
    def changed(self) -> bool:
        return bool(self.steps)


_PREFECT = re.compile(rb"prefect", re.IGNORECASE)


class FileProcessor:
    """Applies a fixed list of codemods to one file at a time."""

    def __init__(
        self,
        root: Path,
        codemods: Sequence[Codemod],
        options: MigrationOptions,
        output: StepOutput = StepOutput.BYTES,
        report_marked: bool = False,
        encodings: Mapping[str, str] | None = None,
    ) -> None:
        self.root = root
        self.encodings = encodings or {}  # git's working-tree-encoding, by path
        self.codemods = [c for c in codemods if isinstance(c, (PythonCodemod, TextCodemod))]
        self.options = options
        self.output = output
        self.report_marked = report_marked  # existing markers become places (--check)
        self._runners: dict[str, object] = {}
        self._safe_folders: set[Path] = set()  # folders of this run checked for symlinks
        self._trigger_bytes = {
            c.id: tuple(trigger.encode() for trigger in c.triggers) for c in self.codemods
        }
        self._line_lengths: dict[str, int] = {}  # folder -> its formatter's line length

    def process(self, path: str) -> FileResult:
        # Parsing builds millions of linked nodes; the cyclic collector, left on, rescans them
        # over and over (a 5 MB file took three times as long). One collection after the file.
        collecting = gc.isenabled()
        gc.disable()
        try:
            return self._process(path)
        except Exception as error:  # an engine bug on one file must not stop the run
            problem = FileProblem(path, None, f"internal error {error!r}; file left as it was")
            return FileResult(path, problems=[problem])
        finally:
            if collecting:
                gc.enable()

    def _process(self, path: str) -> FileResult:
        try:
            data = inside(self.root, path, self._safe_folders).read_bytes()
        except UnsafePath as error:
            problem = FileProblem(path, None, str(error).removeprefix(f"{path} "))
            return FileResult(path, problems=[problem])
        except OSError as error:
            problem = FileProblem(path, None, f"cannot read: {error.strerror}")
            return FileResult(path, problems=[problem])
        return self.process_source(path, data, lambda: self._line_length(path))

    def _line_length(self, path: str) -> int:
        from prefect1_migrate.linefit import line_length

        folder = path.rpartition("/")[0]
        if folder not in self._line_lengths:
            self._line_lengths[folder] = line_length(self.root, self.root / folder)
        return self._line_lengths[folder]

    def process_source(
        self, path: str, data: bytes, line_length: int | Callable[[], int] | None = None
    ) -> FileResult:
        """What the codemods make of ``data``, the bytes of the file at ``path`` (which is
        only used to tell the file's kind and to name it: nothing is read or written).
        With ``line_length``, rewritten Python lines longer than it are split as black
        would split them and new review markers longer than it are folded
        (``prefect1_migrate/linefit.py``); a function giving it is called only for a file
        some codemod rewrote (finding it reads the file system)."""
        result = FileResult(path)
        source: SourceText | None = None
        probe = data  # what the file's kind, markers and triggers are looked for in
        encoding = declared_encoding(data, self.encodings.get(path))
        if encoding is not None and classify(path) is FileKind.PYTHON:
            encoding = None  # Python reads source as PEP 263 says: never UTF-16 or UTF-32
        if encoding is not None:  # UTF-16 and the like: decoded first, looked at as UTF-8
            try:
                source = decode(data, encoding)
            except UndecodableFile as error:
                if classify(path) is not None:
                    result.problems.append(FileProblem(path, None, f"cannot decode: {error}"))
                return result
            probe = source.text.encode("utf-8")
        elif is_binary(data):
            return result
        kind = classify(path, probe[:256])
        if kind is None:
            return result
        if kind is FileKind.NOTEBOOK:
            if _PREFECT.search(data) is not None:  # markers name it too
                from prefect1_migrate.notebook_run import process_notebook

                process_notebook(self, result, data, _known(line_length))
            return result
        if self.report_marked:
            for line, message in marker_lines(probe):
                result.places.append(Place(path, line, f"marked: {message}"))
        # A Python file may reach Prefect through the repository's modules (it imports a
        # flow or a re-export); one that imports a re-export may spell Prefect's names like
        # nothing a codemod triggers on, so every Python codemod looks at it.
        modules = self.options.modules
        python = kind is FileKind.PYTHON
        if python and _PREFECT.search(probe) is None and path not in modules.reaching:
            return result  # every Python rewrite concerns code that reaches Prefect
        via_reexport = python and path in modules.reexport_importers
        name = path.rpartition("/")[2]
        for_kind = [c for c in self.codemods if c.looks_at(kind, name)]
        gate = for_kind  # a document's Python code blocks are read by the Python codemods
        if kind in DOCUMENT_KINDS:
            gate = [
                c
                for c in self.codemods
                if c.looks_at(kind, name) or c.looks_at(FileKind.PYTHON, "")
            ]
        if not via_reexport and not any(
            t in probe for c in gate for t in self._trigger_bytes[c.id]
        ):
            return result
        # Each codemod checks its triggers again on the text the earlier ones left, so a
        # name one codemod introduces reaches the codemods after it.
        candidates = for_kind
        if source is None:
            try:
                encoding = python_encoding(data) if kind is FileKind.PYTHON else text_encoding(data)
                source = decode(data, encoding)
            except UndecodableFile as error:
                result.problems.append(FileProblem(path, None, f"cannot decode: {error}"))
                return result
        result.secrets = frozenset(secret_values(source.text))
        listings: list[Listing] = []
        if kind is FileKind.PYTHON:
            texts = self._run_python(path, source.text, candidates, result, via_reexport)
        else:
            texts = self._run_text(path, kind, source.text, candidates, result, listings)
        if texts and line_length and kind not in _MARKERS_KEPT_WHOLE:
            limit = _known(line_length)
            if limit:
                texts = _fitted(source.text, texts, limit, code=kind is FileKind.PYTHON)
        if texts or listings:
            self._finish(result, data, source, texts, listings)
        return result

    def _runner(self, codemod: PythonCodemod) -> object:
        from prefect1_migrate.python_tree import CompiledCodemod

        runner = self._runners.get(codemod.id)
        if runner is None:
            runner = CompiledCodemod(codemod, self.options)
            self._runners[codemod.id] = runner
        return runner

    def _run_python(
        self,
        path: str,
        text: str,
        candidates: list[Codemod],
        result: FileResult,
        via_reexport: bool = False,
    ) -> list[tuple[str, str]]:
        """Each codemod's text of the file, in order; nothing at all once one of them fails.

        The file is parsed once and every codemod rewrites that same tree; its text is taken
        after each codemod. Only the final text is checked; when it is not valid Python the
        intermediate texts are checked too, to name the codemod that broke the file."""
        from prefect1_migrate.python_tree import PythonParseFailure, parse, source_text

        texts: list[tuple[str, str]] = []
        original = text
        tree = None
        for codemod in candidates:
            assert isinstance(codemod, PythonCodemod)
            if not via_reexport and not codemod.is_triggered_by(text):
                continue
            try:
                if tree is None:
                    tree = parse(text)
            except PythonParseFailure as failure:
                result.problems.append(FileProblem(path, failure.line, failure.reason))
                return []
            try:
                self._runner(codemod).apply(tree, path)  # type: ignore[attr-defined]
                new_text = source_text(tree)
            except Exception as error:  # a codemod bug must not stop the run
                return _left_as_it_was(result, codemod, f"codemod raised {error!r}")
            if new_text != text:
                texts.append((codemod.id, new_text))
                text = new_text
        if texts and not _compiles(text):
            return _first_broken_rewrite(result, original, candidates, texts)
        if texts and dropped_names_still_used(original, text):
            return _first_dropping_rewrite(result, original, candidates, texts)
        return texts

    def _run_text(
        self,
        path: str,
        kind: FileKind,
        text: str,
        candidates: list[Codemod],
        result: FileResult,
        listings: list[Listing],
    ) -> list[tuple[str, str]]:
        """Each codemod's text of the file, in order; nothing at all once one of them fails.
        The places codemods list in a file without comments are added to ``listings``."""
        texts: list[tuple[str, str]] = []
        file = SourceFile(path, kind, self.options)
        document = text
        for codemod in candidates:
            assert isinstance(codemod, (TextCodemod, PythonAndTextCodemod))
            if not codemod.is_triggered_by(text):
                continue
            rewrite = codemod.text_rewrite
            assert rewrite is not None, f"{codemod.id} has no text rewrite"
            already_listed = len(file.listed)
            try:
                new_text = rewrite(text, file)
                problem = _format_broken(kind, text, new_text)
            except Exception as error:  # a codemod bug must not stop the run
                problem = f"codemod raised {error!r}"
            if problem is not None:
                listings.clear()
                return _left_as_it_was(result, codemod, problem)
            changed = new_text != text
            listings.extend(
                Listing(codemod.id, len(texts) + changed, index, message, changed)
                for index, message in file.listed[already_listed:]
            )
            if changed:
                texts.append((codemod.id, new_text))
                text = new_text
        if kind in DOCUMENT_KINDS:  # its Python code blocks go through the Python codemods
            return run_code_blocks(self, path, kind, document, texts, result)
        return texts

    def _finish(
        self,
        result: FileResult,
        data: bytes,
        source: SourceText,
        texts: list[tuple[str, str]],
        listings: Sequence[Listing] = (),
    ) -> None:
        encoded: list[bytes] = []
        for codemod_id, text in texts:
            try:
                encoded.append(source.encode(text))
            except UnicodeEncodeError as error:
                reason = f"the rewrite cannot be written in {source.encoding}: {error.reason}"
                result.problems.append(FileProblem(result.path, None, reason, codemod_id))
                return
        versions = [source.text] + [text for _, text in texts]
        line_maps = [LineMap(old, new) for old, new in pairwise(versions)]
        for index, (codemod_id, text) in enumerate(texts):
            for line, message, _ in new_markers(versions[index], text):
                final_line = line
                for line_map in line_maps[index + 1 :]:
                    final_line = line_map(final_line)
                result.findings.append(Finding(result.path, final_line, line, message, codemod_id))
        for listing in sorted(listings, key=lambda listing: (listing.version, listing.index)):
            final_line = listing.index + 1
            for line_map in line_maps[listing.version :]:
                final_line = line_map(final_line)
            result.findings.append(
                Finding(
                    result.path, final_line, listing.index + 1, listing.message, listing.codemod_id
                )
            )
        self.keep_steps(result, data, [codemod_id for codemod_id, _ in texts], encoded)
        if self.output is StepOutput.NONE:
            result.places.extend(self._pending_places(result, versions, texts))
            result.places.extend(self._listed_places(result, versions, listings))

    def keep_steps(
        self, result: FileResult, data: bytes, codemod_ids: list[str], versions: list[bytes]
    ) -> None:
        """Keeps what the mode needs of each codemod's version of the file (``data``: the
        original bytes)."""
        previous = data
        for codemod_id, after in zip(codemod_ids, versions, strict=True):
            if self.output is StepOutput.BYTES:
                result.steps.append((codemod_id, after))
            elif self.output is StepOutput.PATCH:
                result.steps.append((codemod_id, unified_diff(result.path, previous, after)))
            else:
                result.steps.append((codemod_id, b""))
            previous = after
        if self.output is StepOutput.BYTES:
            result.original = data

    def _listed_places(
        self, result: FileResult, versions: list[str], listings: Sequence[Listing]
    ) -> Iterator[Place]:
        """The places listed in a file without comments, as lines of the file as it is now:
        like markers, they count unless only pending rewrites do and their codemod changes
        nothing in the file."""
        backwards = [LineMap(new, old) for old, new in pairwise(versions)]
        for listing in listings:
            if listing.changed or self.report_marked:
                line = line_before(backwards, listing.version, listing.index + 1)
                reason = f"listed (no comments here): {listing.message} ({listing.codemod_id})"
                yield Place(result.path, line, reason)

    def _pending_places(
        self, result: FileResult, versions: list[str], texts: list[tuple[str, str]]
    ) -> Iterator[Place]:
        """Per codemod that changes the file: its first changed line and the line of each
        statement it marks, as lines of the file as it is now."""
        titles = {codemod.id: codemod.title for codemod in self.codemods}
        backwards = [LineMap(new, old) for old, new in pairwise(versions)]
        for index, (codemod_id, text) in enumerate(texts):
            before = versions[index]
            changed = first_changed_line(before, text)
            yield Place(
                result.path,
                line_before(backwards, index, changed),
                f"would be rewritten: {titles[codemod_id]} ({codemod_id})",
                codemod_id,
                pending=True,
            )
            for _, message, marked_line in new_markers(before, text):
                marked = backwards[index](marked_line)
                yield Place(
                    result.path,
                    line_before(backwards, index, marked),
                    f"{message} ({codemod_id})",
                    codemod_id,
                    pending=True,
                )


# Documentation is not held to a line length, and its prose markers are not ``#`` comments;
# a file without comments has no markers.
_MARKERS_KEPT_WHOLE = frozenset({FileKind.MARKDOWN, FileKind.RST, *COMMENTLESS_KINDS})


def _known(line_length: int | Callable[[], int] | None) -> int | None:
    """The line length ``process_source`` was given, or got from the function it was given."""
    return line_length() if callable(line_length) else line_length


def _fitted(
    original: str, texts: list[tuple[str, str]], limit: int, code: bool = True
) -> list[tuple[str, str]]:
    """Each codemod's text with its long new markers folded and, in Python (``code``), its
    long rewritten lines split; the texts as they were if that would change what the Python
    code means (a split the tokens allowed but Python does not, a "marker" line inside a
    string)."""
    from prefect1_migrate.linefit import fit_changed_lines

    fitted = [
        (codemod_id, fit_changed_lines(original, text, limit, code)) for codemod_id, text in texts
    ]
    if not code or fitted[-1][1] == texts[-1][1] or _same_code(texts[-1][1], fitted[-1][1]):
        return fitted
    return texts


def first_changed_line(old_text: str, new_text: str) -> int:
    for number, (old, new) in enumerate(
        zip(old_text.split("\n"), new_text.split("\n"), strict=False), start=1
    ):
        if old != new:
            return number
    return min(old_text.count("\n"), new_text.count("\n")) + 1


def line_before(backwards: list[LineMap], index: int, line: int) -> int:
    """Where ``line`` of version ``index`` stands in the original version 0 (``backwards[k]``
    maps version k + 1 to version k)."""
    for later in range(index, 0, -1):
        line = backwards[later - 1](line)
    return line


def _left_as_it_was(
    result: FileResult, codemod: Codemod, reason: str, line: int | None = None
) -> list[tuple[str, str]]:
    """Records why ``codemod`` failed on the file; no codemod's change to it is kept."""
    result.problems.append(
        FileProblem(result.path, line, f"{reason}; file left as it was", codemod.id)
    )
    return []


def _first_broken_rewrite(
    result: FileResult, original: str, codemods: list[Codemod], texts: list[tuple[str, str]]
) -> list[tuple[str, str]]:
    """Names the codemod whose rewrite made a Python file invalid; keeps no change. A file
    that was not valid Python to begin with (syntax only fissix reads) need only still parse
    with fissix."""
    from prefect1_migrate.python_tree import PythonParseFailure, parse

    by_id = {codemod.id: codemod for codemod in codemods}
    if _compiles(original):
        for codemod_id, text in texts:
            if not _compiles(text):
                return _left_as_it_was(
                    result, by_id[codemod_id], "the rewrite is not valid Python any more"
                )
    for codemod_id, text in texts:
        try:
            parse(text)
        except PythonParseFailure as failure:
            return _left_as_it_was(
                result,
                by_id[codemod_id],
                f"the rewrite would not parse ({failure.reason})",
                failure.line,
            )
    return texts


def _first_dropping_rewrite(
    result: FileResult, original: str, codemods: list[Codemod], texts: list[tuple[str, str]]
) -> list[tuple[str, str]]:
    """Names the codemod whose rewrite removed an import the file still uses or exports;
    keeps no change (wrong is worse than missed)."""
    by_id = {codemod.id: codemod for codemod in codemods}
    codemod_id, dropped = next(  # the last text, the final one, drops some
        (codemod_id, dropped)
        for codemod_id, text in texts
        if (dropped := dropped_names_still_used(original, text))
    )
    reason = (
        f"the rewrite removes the import of {', '.join(dropped)}, which the file still uses "
        "or exports (__all__)"
    )
    return _left_as_it_was(result, by_id[codemod_id], reason)


_TOML_KINDS = frozenset({FileKind.TOML, FileKind.PYPROJECT, FileKind.PIPFILE})


def _compiles(text: str) -> bool:
    """Whether ``text`` is valid Python for the running interpreter (parsed, never run)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def _same_code(text: str, fitted: str) -> bool:
    """Whether ``fitted`` is valid Python with the same syntax tree as ``text`` (only its
    layout and comments differ), as black checks its own output."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.dump(ast.parse(text)) == ast.dump(ast.parse(fitted))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False


def _format_broken(kind: FileKind, old_text: str, new_text: str) -> str | None:
    """Why ``new_text`` may not replace ``old_text`` (a TOML or JSON file that loaded before
    and would not after), or None."""
    if new_text == old_text:
        return None
    if kind in _TOML_KINDS and not _loads_toml(new_text) and _loads_toml(old_text):
        return "the rewrite is not valid TOML any more"
    if kind is FileKind.JSON and not _loads_json(new_text) and _loads_json(old_text):
        return "the rewrite is not valid JSON any more"
    return None


def _loads_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def _loads_toml(text: str) -> bool:
    from prefect1_migrate import tomlread

    try:
        tomlread.loads(text)
    except tomlread.TOMLDecodeError:
        return False
    return True


def new_markers(old_text: str, new_text: str) -> list[tuple[int, str, int]]:
    """(line number, message, number of the line after it) of the review markers
    ``new_text`` adds to ``old_text``: a folded marker is one marker, at its first line, and
    a marker ``old_text`` has already, folded or not, is not added."""
    if new_text.count(MARKER) <= 0:
        return []
    existing = Counter(text.strip() for _, _, text in unfolded_markers(old_text.split("\n")))
    added: list[tuple[int, str, int]] = []
    for index, end, text in unfolded_markers(new_text.split("\n")):
        key = text.strip()
        if existing[key] > 0:
            existing[key] -= 1
            continue
        added.append((index + 1, marker_message(text) or "", end + 1))
    return added


# --- running over many files -------------------------------------------------------------

_worker_processor: FileProcessor | None = None


_PARENT_WATCH_INTERVAL = 0.2  # seconds


def _init_worker(processor: FileProcessor, parent: int) -> None:
    global _worker_processor
    _exit_with(parent)
    # A Ctrl-C, Ctrl-\ or a closed terminal reaches every process of the group: only the
    # main process decides when to stop; a SIGTERM sent to a worker alone ends it the default
    # way.
    for group_signal in (signal.SIGINT, signal.SIGHUP, signal.SIGQUIT):
        signal.signal(group_signal, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _worker_processor = processor


def _exit_with(parent: int) -> None:
    """Ends this worker as soon as the run that started it is gone (killed with SIGKILL, say,
    as the OOM killer does): an orphaned worker would wait for work forever."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(_PARENT_WATCH_INTERVAL)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _process_in_worker(path: str) -> FileResult:
    assert _worker_processor is not None
    return _worker_processor.process(path)


def _module_reader(root: Path) -> Callable[[str], bytes | None]:
    """Reads a module for :func:`prefect1_migrate.modules.survey` the way files are read for
    the codemods (never through a symlink or out of ``root``); None when it cannot."""
    safe_folders: set[Path] = set()

    def read(path: str) -> bytes | None:
        try:
            return inside(root, path, safe_folders).read_bytes()
        except (UnsafePath, OSError):
            return None

    return read


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def process_files(
    root: Path,
    paths: Sequence[str],
    codemods: Sequence[Codemod],
    options: MigrationOptions,
    jobs: int,
    on_file_done: Callable[[FileResult], None] = lambda _: None,
    output: StepOutput = StepOutput.BYTES,
    report_marked: bool = False,
    encodings: Mapping[str, str] | None = None,
) -> Iterator[FileResult]:
    """Results for ``paths`` in the order given, computed by ``jobs`` processes."""
    options = replace(options, modules=survey(paths, _module_reader(root)))
    processor = FileProcessor(root, codemods, options, output, report_marked, encodings)
    if jobs <= 1 or len(paths) < 2 * jobs:
        for path in paths:
            result = processor.process(path)
            on_file_done(result)
            yield result
        return
    # Forked workers inherit the processor with the very codemod objects given (nothing is
    # pickled on the way in), so they run exactly what ``--jobs 1`` runs.
    context = multiprocessing.get_context("fork")
    chunksize = max(1, min(64, len(paths) // (jobs * 8)))
    pool = ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=context,
        initializer=_init_worker,
        initargs=(processor, os.getpid()),
    )
    try:
        for result in pool.map(_process_in_worker, paths, chunksize=chunksize):
            on_file_done(result)
            yield result
    except BaseException:  # stopped: drop the queued work instead of finishing it
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
