"""What ``verify`` prints and writes: the opening line (what it runs), the table of findings,
the summary line, and the JSON or Markdown report. Text the repository supplied (paths,
command lines, error messages) is escaped and its secret values are shown as ``***``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from prefect1_migrate import __version__
from prefect1_migrate.escaping import decodable, escaped
from prefect1_migrate.redaction import redact
from prefect1_migrate.verify.environment import PrefectEnvironment
from prefect1_migrate.verify.run import Finding, Result, VerifyOutcome

HEADER = ("file", "flow", "result", "reason")
_WIDEST_ALIGNED = 48  # a longer cell (a long command line) pushes its own row's reason right


def opening_line(root: Path) -> str:
    return (
        f"prefect1-migrate verify: imports the flow files of {escaped(str(root))}, which runs "
        "their module-level code; it never runs a flow and never registers one."
    )


def environment_line(environment: PrefectEnvironment, role: str) -> str:
    return (
        f"{role}: Prefect {environment.prefect_version}, "
        f"{escaped(str(environment.python))} ({escaped(environment.origin)})"
    )


def _shown(text: str) -> str:
    return escaped(redact(text))


def _location(finding: Finding) -> str:
    return finding.path if finding.line is None else f"{finding.path}:{finding.line}"


def table(outcome: VerifyOutcome) -> list[str]:
    """The findings as aligned lines under a header, failures first."""
    order = {Result.FAILED: 0, Result.NOT_CHECKED: 1, Result.OK: 2}
    rows = [
        (_shown(_location(f)), _shown(f.subject), f.result.value, _shown(f.reason))
        for f in sorted(outcome.findings, key=lambda f: order[f.result])
    ]
    widths = [
        min(_WIDEST_ALIGNED, max(len(row[column]) for row in [HEADER, *rows]))
        for column in range(3)
    ]
    return [
        "  ".join([*(row[i].ljust(widths[i]) for i in range(3)), row[3]]).rstrip()
        for row in [HEADER, *rows]
    ]


def summary_line(outcome: VerifyOutcome) -> str:
    counts = ", ".join(
        f"{outcome.count(result)} {result.value.lower()}"
        for result in (Result.OK, Result.FAILED, Result.NOT_CHECKED)
    )
    kinds = {kind: sum(1 for f in outcome.findings if f.kind == kind) for kind in _KINDS}
    checked = ", ".join(f"{count} {_KINDS[kind]}" for kind, count in kinds.items())
    verdict = (
        "something fails on Prefect 1.x (exit 1)"
        if outcome.exit_code
        else "everything checked holds on Prefect 1.x"
    )
    return f"verify: {counts} ({checked}); {verdict}."


_KINDS = {"flow": "flow results", "command": "command lines", "config": "config files"}


def report_data(outcome: VerifyOutcome) -> dict[str, Any]:
    against = outcome.against

    def environment(env: PrefectEnvironment) -> dict[str, str]:
        return {"python": str(env.python), "prefect": env.prefect_version, "origin": env.origin}

    return {
        "tool_version": __version__,
        "repository": decodable(outcome.root.name),
        "environment": environment(outcome.environment),
        "against": None
        if against is None
        else {"ref": against.ref, "commit": against.commit, **environment(against.environment)},
        "results": [
            {
                "path": decodable(f.path),
                "line": f.line,
                "kind": f.kind,
                "subject": decodable(redact(f.subject)),
                "result": f.result.value,
                "reason": decodable(redact(f.reason)),
                **({} if f.record is None else {"flow": f.record}),
            }
            for f in outcome.findings
        ],
        "summary": {result.value: outcome.count(result) for result in Result},
        "exit_code": outcome.exit_code,
    }


def markdown_report(outcome: VerifyOutcome) -> str:
    def cell(text: str) -> str:
        return _shown(text).replace("|", "\\|")

    lines = [
        f"# prefect1-migrate verify of `{cell(outcome.root.name)}`",
        "",
        f"- {environment_line(outcome.environment, 'Checked with')}",
    ]
    if outcome.against is not None:
        against = outcome.against
        lines.append(
            f"- Compared with `{cell(against.ref)}` ({against.commit[:12]}) built with "
            f"Prefect {against.environment.prefect_version}"
        )
    lines += ["", "| file | flow | result | reason |", "|---|---|---|---|"]
    lines += [
        f"| {cell(_location(f))} | {cell(f.subject)} | {f.result.value} | {cell(f.reason)} |"
        for f in outcome.findings
    ]
    return "\n".join([*lines, "", summary_line(outcome), ""])


def write_report(path: Path, outcome: VerifyOutcome) -> None:
    if path.suffix.lower() == ".json":
        text = json.dumps(report_data(outcome), indent=2) + "\n"
    else:
        text = markdown_report(outcome)
    path.write_text(text, encoding="utf-8")
