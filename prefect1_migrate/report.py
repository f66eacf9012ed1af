"""The run's report: JSON and Markdown files, and the console summary. Secrets are redacted."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from prefect1_migrate import __version__
from prefect1_migrate.escaping import code_span, decodable, escaped
from prefect1_migrate.guide import SECTIONS, section_link
from prefect1_migrate.outcome import MigrationOutcome
from prefect1_migrate.pipeline import where
from prefect1_migrate.redaction import redact


def report_data(outcome: MigrationOutcome, exit_code: int) -> dict[str, Any]:
    return {
        "tool_version": __version__,
        "prefect_target": outcome.prefect_target,
        "repository": decodable(outcome.root.name),
        "mode": outcome.mode.value,
        "codemods": [
            {
                "id": item.codemod.id,
                "title": item.codemod.title,
                "guide_section": item.codemod.guide_section,
                "commit": item.commit,
                "files_changed": [decodable(path) for path in item.files],
                "review": [
                    {
                        "path": decodable(f.path),
                        "line": f.line,
                        "cell": f.cell,
                        "message": decodable(redact(f.message)),
                    }
                    for f in item.findings
                ],
            }
            for item in outcome.codemods
        ],
        "skipped_files": [
            {
                "path": decodable(problem.path),
                "line": problem.line,
                "cell": problem.cell,
                "reason": decodable(redact(problem.reason)),
                "codemod": problem.codemod_id,
            }
            for problem in outcome.problems
        ],
        "exit_code": exit_code,
    }


def markdown_report(data: dict[str, Any]) -> str:
    """The report as Markdown; every path and message the repository supplied is escaped."""
    lines = [
        f"# Prefect 1.0 migration of {code_span(data['repository'])}",
        "",
        f"prefect1-migrate {data['tool_version']}, target Prefect {data['prefect_target']}.",
        "",
    ]
    for section in SECTIONS:
        items = [item for item in data["codemods"] if item["guide_section"] == section]
        changed = [item for item in items if item["files_changed"] or item["review"]]
        if not changed:
            continue
        lines += [f"## [{section}]({section_link(section)})", ""]
        for item in changed:
            commit = f" ({item['commit'][:10]})" if item["commit"] else ""
            lines.append(
                f"- **{item['title']}**{commit}: {len(item['files_changed'])} file(s) changed"
            )
            for path in item["files_changed"]:
                lines.append(f"  - {code_span(path)}")
            if item["review"]:
                lines.append("  - Needs review:")
                for review in item["review"]:
                    place = code_span(where(review["path"], review["line"], review["cell"]))
                    lines.append(f"    - [ ] {place}: {escaped(review['message'])}")
        lines.append("")
    if data["skipped_files"]:
        lines += ["## Files left as they were", ""]
        for skipped in data["skipped_files"]:
            place = skipped["path"]
            if skipped["line"]:
                place = where(place, skipped["line"], skipped["cell"])
            by = f" ({skipped['codemod']})" if skipped["codemod"] else ""
            lines.append(f"- {code_span(place)}{by}: {escaped(skipped['reason'])}")
        lines.append("")
    if len(lines) <= 4:
        lines += ["Nothing to migrate.", ""]
    return "\n".join(lines)


REPORT_FORMATS = {".md": "Markdown", ".json": "JSON", ".sarif": "SARIF 2.1.0"}


def report_path_problem(path: Path) -> str | None:
    """Why a report cannot be written at ``path`` (checked before the run writes anything),
    or None."""
    if path.suffix.lower() not in REPORT_FORMATS:
        return f"--report {path}: name a .md (Markdown), .json (JSON) or .sarif (SARIF) file"
    if path.is_dir():
        return f"--report {path} is a folder; name a file"
    folder = path.parent
    if not folder.is_dir():
        return f"--report {path}: the folder {folder} does not exist"
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"--report {path}: the folder {folder} is not writable"
    return None


def write_report(path: Path, outcome: MigrationOutcome, exit_code: int) -> None:
    """Write the report in the format its extension names, in one step (a run stopped
    meanwhile leaves no half-written report)."""
    suffix = path.suffix.lower()
    if suffix == ".sarif":
        from prefect1_migrate.sarif import sarif_log

        text = json.dumps(sarif_log(outcome), indent=2) + "\n"
    elif suffix == ".json":
        text = json.dumps(report_data(outcome, exit_code), indent=2) + "\n"
    else:
        text = markdown_report(report_data(outcome, exit_code))
    temporary = path.with_name(f".{path.name}.partial")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)
