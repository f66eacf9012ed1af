"""What a CI system shows on a pull request's files: one annotation per place.

With ``--check``: an error for each place a run of ``migrate`` would still rewrite or mark,
a warning for each ``TODO(prefect-1.0)`` marker already there. Otherwise: a warning for each
place to review (each marker the run made, on its line of the migrated file). Always: an
error for each file that could not be migrated. ``--output-format github`` prints them as
GitHub workflow commands (``github_commands``); ``--report NAME.sarif`` records them as
SARIF results (``prefect1_migrate/sarif.py``). Messages are redacted; paths and messages
are escaped where they are printed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import Enum

from prefect1_migrate.escaping import escaped
from prefect1_migrate.outcome import MigrationOutcome, Mode
from prefect1_migrate.redaction import redact

MARKER_RULE = "todo-prefect-1.0"  # a TODO(prefect-1.0) marker the repository already has
SKIPPED_RULE = "file-left-as-it-was"  # a file that could not be read, parsed or rewritten


class Level(str, Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Annotation:
    level: Level
    path: str
    line: int
    rule: str  # a codemod id, MARKER_RULE or SKIPPED_RULE
    message: str  # redacted, not escaped


def annotations(outcome: MigrationOutcome) -> list[Annotation]:
    found: list[Annotation] = []
    if outcome.mode is Mode.CHECK:
        for place in outcome.places:
            level = Level.ERROR if place.pending else Level.WARNING
            rule = place.codemod_id or MARKER_RULE
            line, message = _in_cell(place.line, place.cell, redact(place.reason))
            found.append(Annotation(level, place.path, line, rule, message))
    else:
        for item in outcome.codemods:
            for finding in item.findings:
                line, message = _in_cell(finding.line, finding.cell, redact(finding.message))
                found.append(
                    Annotation(Level.WARNING, finding.path, line, item.codemod.id, message)
                )
    for problem in outcome.problems:
        line, message = _in_cell(
            problem.line or 1, problem.cell, f"could not be migrated: {redact(problem.reason)}"
        )
        found.append(
            Annotation(Level.ERROR, problem.path, line, problem.codemod_id or SKIPPED_RULE, message)
        )
    return sorted(found, key=lambda annotation: (annotation.path, annotation.line))


def _in_cell(line: int, cell: int | None, message: str) -> tuple[int, str]:
    """(line of the file, message) of a place: a notebook's cell line is no line of its
    JSON file, so the annotation is on the file's first line and the message names it."""
    if cell is None:
        return line, message
    return 1, f"cell {cell}:line {line}: {message}"


def github_commands(found: Iterable[Annotation]) -> Iterator[str]:
    """``::error file=flow.py,line=3,title=...::message`` per annotation."""
    for annotation in found:
        properties = ",".join(
            f"{name}={_property(value)}"
            for name, value in (
                ("file", escaped(annotation.path)),
                ("line", str(annotation.line)),
                ("title", f"prefect1-migrate {annotation.rule}"),
            )
        )
        yield f"::{annotation.level.value} {properties}::{_data(escaped(annotation.message))}"


def _data(text: str) -> str:
    """A workflow command's message, escaped as the runner reads it back."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")
