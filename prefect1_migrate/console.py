"""What a run prints: progress on a terminal, the diff or check lines, and the summary.

The summary comes last: the places to review, grouped by codemod, file and message (at most
``REVIEW_LINES`` lines unless verbose, then how many more the report holds), the files that
could not be migrated (always, even when quiet: the pre-commit hook runs quiet), the table
of codemods, and the closing line. A progress bar is cleared before any other line."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TextIO

from prefect1_migrate.codemod import Codemod
from prefect1_migrate.escaping import escaped, escaped_lines
from prefect1_migrate.outcome import CodemodOutcome, MigrationOutcome, Mode, Progress
from prefect1_migrate.pipeline import FileResult, Finding
from prefect1_migrate.redaction import redact

REVIEW_LINES = 40  # lines of review places printed by default
_LINE_WIDTH = 120  # a review line is cut here by default (its path is never cut)
_LINE_NUMBERS_SHOWN = 8  # line numbers of one message in one file, by default


class Console:
    def __init__(
        self,
        quiet: bool,
        colour: bool,
        diff_to_stdout: bool,
        verbose: bool = False,
        report: Path | None = None,
        github: bool = False,
    ) -> None:
        self.quiet = quiet
        self.github = github  # places as GitHub workflow commands (annotations)
        self.colour = colour
        self.verbose = verbose  # every review place, whole messages
        self.report = report
        # With --dry-run, stdout carries the patch alone; everything else goes to stderr.
        self.info = sys.stderr if diff_to_stdout else sys.stdout
        self._bar: Any = None
        self._task: Any = None

    # --- progress --------------------------------------------------------------------------

    def progress(self) -> Progress:
        return Progress(
            files_found=self._files_found,
            file_done=self._file_done,
            codemod_written=self._codemod_written,
        )

    def _files_found(self, count: int) -> None:
        if self.quiet:
            return
        if sys.stderr.isatty():
            from rich.progress import Progress as RichProgress

            self._bar = RichProgress(transient=True, disable=not count)
            self._bar.start()
            self._task = self._bar.add_task("Migrating", total=count)
        else:
            self._print(f"Scanning {count} files...")

    def _file_done(self, result: FileResult) -> None:
        if self._bar is not None:
            self._bar.advance(self._task)

    def _codemod_written(self, outcome: CodemodOutcome) -> None:
        if self.quiet:
            return
        self.close()  # every file is read by now; the bar must not glue to this line
        sha = f" as {outcome.commit[:10]}" if outcome.commit else ""
        self._print(f"{outcome.codemod.id}: {len(outcome.files)} file(s) written{sha}")

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None

    # --- results ---------------------------------------------------------------------------

    def show_diffs(self, diffs: Iterable[tuple[Codemod, bytes]]) -> None:
        """The patch, exact when piped; on a terminal, the control characters the files hold
        are shown escaped (an escape sequence in a file must not drive the terminal). A
        reader that stops early (``--dry-run | head``) ends the patch quietly."""
        out = sys.stdout.buffer
        terminal = sys.stdout.isatty()
        try:
            for codemod, patch in diffs:
                text = f"# prefect1-migrate: {codemod.id}: {codemod.title}\n".encode() + patch
                if terminal:
                    text = escaped_lines(text)
                if self.colour:
                    from prefect1_migrate.diffs import colourise

                    text = colourise(text)
                out.write(text)
            out.flush()
        except BrokenPipeError:
            silence(sys.stdout)

    def show_check(self, outcome: MigrationOutcome) -> None:
        """One ``path:line: reason`` line per place that breaks on Prefect 1.x (with
        ``github``, one workflow command per place and per file left as it was)."""
        if self.github:
            self._annotate(outcome)
            return
        for place in sorted(outcome.places, key=lambda p: (p.path, p.cell or 0, p.line)):
            self._print(f"{escaped(place.where)}: {escaped(redact(place.reason))}", sys.stdout)

    def show_summary(self, outcome: MigrationOutcome) -> None:
        """The places to review, the files left as they were, the table, the closing line."""
        changed = outcome.changed
        flagged = sum(len(item.findings) for item in outcome.codemods)
        if self.github:
            if outcome.mode is not Mode.CHECK:  # --check annotated its places already
                self._annotate(outcome)
        elif not self.quiet and outcome.mode is not Mode.CHECK:  # --check listed them
            # every codemod's: places listed in JSON may come without a change
            for line in self._review_lines(outcome.codemods, flagged):
                self._print(line)
        if outcome.problems and not self.github:
            self._print(f"Files left as they were ({len(outcome.problems)}):")
            for problem in outcome.problems:
                by = f" [{problem.codemod_id}]" if problem.codemod_id else ""
                self._print(f"  {escaped(problem.where)}{by}: {escaped(redact(problem.reason))}")
        if not self.quiet:
            rows = [
                (
                    item.codemod.id,
                    str(len(item.files)),
                    str(len(item.findings)),
                    (item.commit or "")[:10]
                    or ("-" if outcome.mode is Mode.WRITE else "(not written)"),
                )
                for item in changed
            ]
            if rows:
                self._table(("codemod", "files changed", "flagged", "commit"), rows)
        if outcome.not_checked_out:
            self._print(
                f"Skipped {outcome.not_checked_out} tracked file(s) that the sparse checkout "
                "leaves out of the work tree."
            )
        self._print(self._closing_line(outcome, len(changed), flagged))

    def _annotate(self, outcome: MigrationOutcome) -> None:
        from prefect1_migrate.annotations import annotations, github_commands

        for command in github_commands(annotations(outcome)):
            self._print(command, sys.stdout)

    def _review_lines(self, changed: list[CodemodOutcome], flagged: int) -> list[str]:
        """Per codemod, per file and message: ``path:12,14: message``. At most
        ``REVIEW_LINES`` lines unless verbose, then how many places were not shown."""
        if not flagged:
            return []
        lines = [f"To review ({flagged} place(s) marked TODO(prefect-1.0)):"]
        shown = 0
        for item in changed:
            if not item.findings:
                continue
            files = len({finding.path for finding in item.findings})
            lines.append(f"{item.codemod.id}: {len(item.findings)} place(s) in {files} file(s)")
            for prefix, message, numbers in _by_file_and_message(item.findings):
                if not self.verbose and len(lines) >= REVIEW_LINES:
                    break
                place = f"  {escaped(prefix)}{self._numbers(numbers)}: "
                lines.append(place + self._text(message, _LINE_WIDTH - len(place)))
                shown += len(numbers)
        if shown < flagged:
            where = escaped(str(self.report)) if self.report else "--report FILE"
            lines = lines[:REVIEW_LINES]
            lines.append(f"... {flagged - shown} more place(s) in {where} (--verbose prints all)")
        return lines

    def _numbers(self, numbers: list[int]) -> str:
        if self.verbose or len(numbers) <= _LINE_NUMBERS_SHOWN:
            return ",".join(map(str, numbers))
        rest = len(numbers) - _LINE_NUMBERS_SHOWN
        return ",".join(map(str, numbers[:_LINE_NUMBERS_SHOWN])) + f",... (+{rest})"

    def _text(self, message: str, width: int) -> str:
        text = escaped(redact(message))
        if self.verbose or len(text) <= width:
            return text
        return text[: max(width, 40) - 1] + "…"

    def _closing_line(self, outcome: MigrationOutcome, changed: int, flagged: int) -> str:
        if not outcome.uses_prefect:
            base = "Nothing to migrate: no tracked file mentions Prefect."
        elif not changed and outcome.places:
            base = (
                f"Prefect 1.x work left: {len(outcome.places)} place(s) marked "
                "TODO(prefect-1.0), listed above."
            )
        elif not changed and flagged:
            base = (
                f"Nothing to rewrite, but {flagged} place(s) in files without comments (JSON) "
                "need a human, listed above."
            )
        elif not changed and outcome.problems:
            base = "Nothing to migrate in the files that could be read."
        elif not changed:
            base = "Nothing to migrate: the repository already uses the Prefect 1.0 forms."
        elif outcome.mode is Mode.CHECK:
            base = (
                f"Migration needed: {changed} codemod(s) would change files. "
                "Run `prefect1-migrate migrate`."
            )
        elif outcome.mode is Mode.DRY_RUN:
            base = f"Dry run: {changed} codemod(s) would change files; nothing was written."
        else:
            written = (
                f"{changed} commit(s)"
                if outcome.committed
                else f"{changed} codemod(s) wrote changes (not committed)"
            )
            todo = (
                f"resolve the {flagged} TODO(prefect-1.0) marker(s) "
                + ("(`migrate --check` lists them), " if self.quiet else "listed above, ")
                if flagged
                else ""
            )
            review = "`git log -p`" if outcome.committed else "`git diff`"
            base = f"Done: {written}. Next: {todo}re-register your flows, and review {review}."
        if outcome.problems:
            base += f" {len(outcome.problems)} file(s) could not be migrated (exit 3)."
        return base

    def _table(self, header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
        if self.info.isatty():
            from rich.console import Console as RichConsole
            from rich.table import Table

            table = Table(*header)
            for row in rows:
                table.add_row(*row)
            RichConsole(file=self.info, no_color=not self.colour).print(table)
            return
        widths = [max(len(cell) for cell in column) for column in zip(header, *rows, strict=False)]
        for row in (header, *rows):
            self._print(
                "  ".join(
                    cell.ljust(width) for cell, width in zip(row, widths, strict=False)
                ).rstrip()
            )

    def _print(self, line: str, stream: TextIO | None = None) -> None:
        """Prints ``line`` now; a reader that went away (``| head``) silences the stream
        instead of failing the run."""
        stream = stream or self.info
        try:
            print(line, file=stream, flush=True)
        except BrokenPipeError:
            silence(stream)


def silence(stream: TextIO) -> None:
    """Sends what is still written to ``stream`` (whose reader has gone) to /dev/null, so
    neither later lines nor the flush at exit fail."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, stream.fileno())
    finally:
        os.close(devnull)


def _by_file_and_message(findings: list[Finding]) -> list[tuple[str, str, list[int]]]:
    """(``path:`` or ``path:cell N:line `` in a notebook, message, lines) per file (cell)
    and message, files in order, lines ascending."""
    grouped: dict[tuple[str, str], list[int]] = {}
    for finding in sorted(findings, key=lambda f: (f.path, f.cell or 0, f.line)):
        cell = "" if finding.cell is None else f"cell {finding.cell}:line "
        prefix = f"{finding.path}:{cell}"
        grouped.setdefault((prefix, finding.message), []).append(finding.line)
    return [(prefix, message, numbers) for (prefix, message), numbers in grouped.items()]
