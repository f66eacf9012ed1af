"""The campaign table: printed, and written as Markdown or JSON by ``--report``. Every
location is shown with a URL's user information hidden; text from git or a repository is
escaped."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from prefect1_migrate import __version__
from prefect1_migrate.escaping import code_span, escaped
from prefect1_migrate.fleet.model import VERIFY_FAILED, DefaultBranchCheck, RepositoryState
from prefect1_migrate.fleet.state import RepositoryRecord

_NOTE_WIDTH = 70


@dataclass(frozen=True)
class CampaignRow:
    repository: str  # the entry as shown
    record: RepositoryRecord
    default: DefaultBranchCheck | None = None  # --status only

    @property
    def failed(self) -> bool:
        """The work failed, or ``verify`` found the migrated branch failing."""
        verify = self.record.verify or ""
        return self.record.state is RepositoryState.FAILED or verify.startswith(VERIFY_FAILED)

    @property
    def done(self) -> bool:
        """Merged into the default branch, where --check finds nothing any more."""
        return (
            self.record.state is not RepositoryState.FAILED
            and self.default is not None
            and self.default.merged
            and self.default.left == 0
        )


def default_branch_text(check: DefaultBranchCheck | None) -> str:
    if check is None:
        return "-"
    parts = ["merged" if check.merged else "not merged"]
    if check.left:
        parts.append(f"{check.left} left")
    if check.new_places:
        parts.append(f"{check.new_places} new 0.x")
    return ", ".join(parts)


def _cells(row: CampaignRow) -> list[str]:
    record = row.record
    return [
        record.folder,
        record.state.value,
        str(record.commits) if record.migrated else "-",
        "-" if record.markers is None else str(record.markers),
        default_branch_text(row.default),
        record.verify or "-",
        record.reason or "",
    ]


HEADINGS = ["repository", "state", "commits", "left", "default branch", "verify", "note"]


def table_lines(rows: list[CampaignRow]) -> list[str]:
    """The campaign table for the terminal (the note cut to its first line)."""
    cells = [HEADINGS] + [
        [escaped(cell) for cell in _cells(row)[:-1]] + [_first_line(row.record.reason)]
        for row in rows
    ]
    widths = [max(len(line[column]) for line in cells) for column in range(len(HEADINGS) - 1)]
    return [
        "  ".join(cell.ljust(width) for cell, width in zip(line[:-1], widths, strict=True))
        + "  "
        + line[-1]
        for line in cells
    ]


def _first_line(reason: str | None) -> str:
    if not reason:
        return ""
    line = escaped(reason.splitlines()[0])
    return line if len(line) <= _NOTE_WIDTH else line[: _NOTE_WIDTH - 1] + "…"


def summary_line(rows: list[CampaignRow]) -> str:
    counts = Counter(row.record.state for row in rows)
    markers = sum(row.record.markers or 0 for row in rows)
    parts = [
        f"{counts[state]} {state.value}"
        + (f" ({markers} left)" if state is RepositoryState.NEEDS_REVIEW else "")
        for state in RepositoryState
        if counts[state]
    ]
    return f"Campaign: {len(rows)} repositories: {', '.join(parts) or 'none'}."


def report_data(rows: list[CampaignRow], branch: str, campaign: Path) -> dict[str, Any]:
    return {
        "tool_version": __version__,
        "branch": branch,
        "campaign": str(campaign),
        "summary": {
            state.value: sum(row.record.state is state for row in rows) for state in RepositoryState
        },
        "repositories": [
            {
                "repository": row.repository,
                "folder": row.record.folder,
                "state": row.record.state.value,
                "reason": row.record.reason,
                "commits": row.record.commits,
                "left": row.record.markers,
                "skipped_files": row.record.skipped_files,
                "base": row.record.base,
                "tip": row.record.tip,
                "default_ref": row.record.default_ref,
                "pushed_to": row.record.pushed_to
                if row.record.pushed_tip is not None and row.record.pushed_tip == row.record.tip
                else None,
                "verify": row.record.verify,
                "default_branch": None
                if row.default is None
                else {
                    "merged": row.default.merged,
                    "new_places": row.default.new_places,
                    "left": row.default.left,
                },
            }
            for row in rows
        ],
    }


def markdown_report(rows: list[CampaignRow], branch: str) -> str:
    lines = [
        f"# Prefect 1.0 migration campaign: branch {code_span(branch)}",
        "",
        f"prefect1-migrate {__version__}. {summary_line(rows)}",
        "",
        "| " + " | ".join(HEADINGS) + " |",
        "|" + "---|" * len(HEADINGS),
    ]
    for row in rows:
        cells = [escaped(cell) for cell in _cells(row)[:-1]] + [_first_line(row.record.reason)]
        cells[0] = code_span(row.record.folder)
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(lines) + "\n"


def write_campaign_report(path: Path, rows: list[CampaignRow], branch: str, campaign: Path) -> None:
    """Markdown for ``.md``, JSON for ``.json``; written in one step."""
    if path.suffix.lower() == ".json":
        text = json.dumps(report_data(rows, branch, campaign), indent=2) + "\n"
    else:
        text = markdown_report(rows, branch)
    temporary = path.with_name(f".{path.name}.partial")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)
