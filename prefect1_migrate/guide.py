"""The sections of the upgrade guide, in the guide's own order.

Every codemod names one of these titles; the pipeline runs codemods in this order.
"""

from __future__ import annotations

GUIDE_URL = "https://docs.prefect.io/orchestration/faq/upgrading_1.0.html"

API_KEYS = "API keys replace authentication tokens"
ENVIRONMENTS = "Support for environments"
CLI_REGISTER_RUN = "Registering and running flows with the CLI"
SUBFLOWS = "Tasks for sub-flows"
IMPORTS_MOVED = "Imports have moved"
RRULE = "iCal recurrence rules schedules"
PYTHON_36 = "Drop support for Python 3.6"
SERVER_LOCAL = "Prefect server services local by default"
ADDITIONAL = "Additional changes"

SECTIONS: tuple[str, ...] = (
    API_KEYS,
    ENVIRONMENTS,
    CLI_REGISTER_RUN,
    SUBFLOWS,
    IMPORTS_MOVED,
    RRULE,
    PYTHON_36,
    SERVER_LOCAL,
    ADDITIONAL,
)


def section_anchor(title: str) -> str:
    """The anchor the rendered guide gives a section title (VuePress slug rules)."""
    slug = "".join(ch if ch.isalnum() else "-" for ch in title.lower())
    while "--" in slug:
        slug = slug.replace("--", "-")
    return slug.strip("-")


def section_link(title: str) -> str:
    return f"{GUIDE_URL}#{section_anchor(title)}"
