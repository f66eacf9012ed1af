"""Keeps secret values out of everything the tool prints or records (not out of diffs)."""

from __future__ import annotations

import re

REDACTED = "***"

_SECRET_FLAG = re.compile(
    r"(?P<name>(?<!\S)(?:-t|-k|--key|--token|--api-key))(?P<sep>[ =])(?P<quote>[\"']?)(?P<value>[^\s\"']+)(?P=quote)"
)
_SECRET_ASSIGNMENT = re.compile(
    r"(?P<name>\b[\w.-]*(?:token|api_key|apikey|api-key|password|passwd|secret)[\w.-]*)"
    r"(?P<sep>\s*[=:]\s*)(?P<quote>[\"']?)(?P<value>[^\s\"',;)]+)(?P=quote)",
    re.IGNORECASE,
)
_TOKEN_SHAPES = re.compile(
    r"\b(?:pnu_[A-Za-z0-9]{20,}|gh[pousr]_[A-Za-z0-9]{20,}|AKIA[0-9A-Z]{16}"
    r"|eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_.-]+)"
)


def _hide(match: re.Match[str]) -> str:
    value = match.group("value")
    if value.startswith(("$", "<")) or value == REDACTED:
        return match.group(0)  # a variable reference or placeholder is not a secret
    quote = match.group("quote")
    return f"{match.group('name')}{match.group('sep')}{quote}{REDACTED}{quote}"


def redact(text: str) -> str:
    """``text`` with every value that sits in a secret's slot shown as ``***``."""
    text = _SECRET_FLAG.sub(_hide, text)
    text = _SECRET_ASSIGNMENT.sub(_hide, text)
    return _TOKEN_SHAPES.sub(REDACTED, text)
