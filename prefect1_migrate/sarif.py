"""The run as a SARIF 2.1.0 log (``--report NAME.sarif``), which GitHub code scanning reads.

One rule per codemod of the run (its id, title, summary, and the link to its section of the
upgrade guide), plus ``todo-prefect-1.0`` (a marker already in the repository) and
``file-left-as-it-was``; one result per annotation (``prefect1_migrate/annotations.py``),
located by the file's path relative to the repository (``%SRCROOT%``) and its line.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from prefect1_migrate import __version__
from prefect1_migrate.annotations import MARKER_RULE, SKIPPED_RULE, annotations
from prefect1_migrate.escaping import decodable
from prefect1_migrate.guide import GUIDE_URL, section_link
from prefect1_migrate.outcome import MigrationOutcome

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _rule(rule_id: str, title: str, summary: str, link: str) -> dict[str, Any]:
    return {
        "id": rule_id,
        "name": "".join(part.capitalize() for part in rule_id.replace(".", "-").split("-")),
        "shortDescription": {"text": title},
        "fullDescription": {"text": summary},
        "helpUri": link,
        "help": {"text": f"{summary} See {link}", "markdown": f"{summary} [Upgrade guide]({link})"},
    }


def sarif_log(outcome: MigrationOutcome) -> dict[str, Any]:
    rules = [
        _rule(
            item.codemod.id,
            item.codemod.title,
            item.codemod.summary,
            section_link(item.codemod.guide_section),
        )
        for item in outcome.codemods
    ]
    rules.append(
        _rule(
            MARKER_RULE,
            "TODO(prefect-1.0) marker",
            "A place marked for a human: it still uses something Prefect 1.x removed or changed.",
            GUIDE_URL,
        )
    )
    rules.append(
        _rule(
            SKIPPED_RULE,
            "File left as it was",
            "The file could not be read, parsed or rewritten safely; migrate it by hand.",
            GUIDE_URL,
        )
    )
    index = {rule["id"]: position for position, rule in enumerate(rules)}
    results = [
        {
            "ruleId": annotation.rule,
            "ruleIndex": index[annotation.rule],
            "level": annotation.level.value,
            "message": {"text": decodable(annotation.message)},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {
                            "uri": quote(decodable(annotation.path)),
                            "uriBaseId": "%SRCROOT%",
                        },
                        "region": {"startLine": annotation.line},
                    }
                }
            ],
        }
        for annotation in annotations(outcome)
    ]
    return {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "prefect1-migrate",
                        "version": __version__,
                        "rules": rules,
                    }
                },
                "automationDetails": {"id": f"prefect1-migrate/{outcome.mode.value}/"},
                "results": results,
            }
        ],
    }
