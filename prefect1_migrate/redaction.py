"""Keeps secret values out of everything the tool prints or records (not out of diffs).

Two layers, applied only to text the repository supplied (review messages, reasons, git's
and hooks' output), never to the tool's own titles, descriptions and sentences, nor paths.
``redact`` hides whatever sits in a secret's slot (``--token X``, ``api_key = X``,
``"auth_token": X``, ``Bearer X``, a URL password, a Kubernetes ``value:`` under a secret's
``name:``) and strings shaped like known tokens. And the values a codemod's input holds in
such slots are remembered while the files are read (``remember(secret_values(text))``), so
``redact`` hides them wherever they turn up later, even with no key next to them (a TODO
message that quoted one, a codemod's exception text).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

REDACTED = "***"

_SECRET_WORDS = r"(?:token|api_key|apikey|api-key|password|passwd|secret)"
# A quoted value runs to its closing quote on the same line (spaces, commas and semicolons
# included); a bare one ends at whitespace or punctuation.
_VALUE = (
    r"(?P<quote>[\"'])?"
    r"(?P<value>(?(quote)(?:(?!(?P=quote))[^\n])+|[^\s\"',;)}\]]+))"
    r"(?(quote)(?P=quote))"
)

_SECRET_FLAG = re.compile(
    r"(?P<name>(?<!\S)(?:-t|-k|--key|--token|--api-key|--auth-token|--password))"
    r"(?P<sep>[ =]\s*)" + _VALUE
)
_SECRET_ASSIGNMENT = re.compile(
    r"(?P<name>\b[\w.-]*" + _SECRET_WORDS + r"[\w.-]*)"
    r"(?P<sep>[\"'\]]*\s*[=:]\s*)" + _VALUE,
    re.IGNORECASE,
)
# ``prefect auth login -tVALUE``: a short option glued to its value, counted only on a line
# that mentions prefect shortly before it (``_on_prefect_command``; ``find -type f`` is not).
_GLUED_SHORT_FLAG = re.compile(r"(?P<name>(?<!\S)-[tk])(?P<sep>)(?![\s=-])" + _VALUE)
_COMMAND_REACH = 200  # characters before the option where the prefect command may start
_BEARER = re.compile(r"(?P<name>\b(?:Bearer|Basic))(?P<sep>\s+)" + _VALUE)
_URL_PASSWORD = re.compile(r"(?P<name>://[^/\s:@]*)(?P<sep>:)(?P<quote>)(?P<value>[^@\s/]+)(?=@)")
_MANIFEST_VALUE = re.compile(
    r"(?P<name>name:\s*[\"']?[\w.-]*" + _SECRET_WORDS + r"[\w.-]*[\"']?\s*\n\s*(?:-\s*)?value)"
    r"(?P<sep>:\s*)" + _VALUE,
    re.IGNORECASE,
)
_TOKEN_SHAPES = re.compile(
    r"\b(?:pnu_[A-Za-z0-9]{20,}|gh[pousr]_[A-Za-z0-9]{20,}|AKIA[0-9A-Z]{16}"
    r"|eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_.-]+)"
)
_SLOTS = (
    _SECRET_FLAG,
    _GLUED_SHORT_FLAG,
    _MANIFEST_VALUE,
    _SECRET_ASSIGNMENT,
    _BEARER,
    _URL_PASSWORD,
)

# Which values are looked for everywhere (not only in their slot): at least this long, and
# not a plain word ("prefect", "changeme", "Postgres"): a password that is a word is hidden
# where it stands, but hiding that word in every sentence would garble the text around it.
_MIN_REMEMBERED = 8
_PLAIN_WORD = re.compile(r"[A-Za-z][a-z]*|[A-Z]+")
_remembered: set[str] = set()


def _is_reference(value: str) -> bool:
    """A variable, placeholder or expression standing where a secret would go."""
    return value.startswith(("$", "<", "{", "%")) or value == REDACTED or "(" in value


def _on_prefect_command(match: re.Match[str]) -> bool:
    if match.re is not _GLUED_SHORT_FLAG:
        return True
    text, start = match.string, match.start()
    reach = max(0, start - _COMMAND_REACH)
    line_start = text.rfind("\n", reach, start) + 1 or reach
    return re.search(r"\bprefect\b", text[line_start:start]) is not None


def _is_secret(match: re.Match[str]) -> bool:
    return not _is_reference(match.group("value")) and _on_prefect_command(match)


def _hide(match: re.Match[str]) -> str:
    if not _is_secret(match):
        return match.group(0)
    quote = match.group("quote") or ""
    return f"{match.group('name')}{match.group('sep')}{quote}{REDACTED}{quote}"


def secret_values(text: str) -> set[str]:
    """The literal values ``text`` holds in secret slots (what ``redact`` would hide)."""
    found = {
        match.group("value")
        for pattern in _SLOTS
        for match in pattern.finditer(text)
        if _is_secret(match)
    }
    found.update(_TOKEN_SHAPES.findall(text))
    return {value for value in found if _worth_remembering(value)}


def _worth_remembering(value: str) -> bool:
    return len(value) >= _MIN_REMEMBERED and not _PLAIN_WORD.fullmatch(value)


def remember(values: Iterable[str]) -> None:
    """Hide these values from now on wherever ``redact`` sees them."""
    _remembered.update(value for value in values if _worth_remembering(value))


def redact(text: str) -> str:
    """``text`` with every secret slot's value and every remembered value shown as ``***``.
    Only for text the repository supplied (a review message, a hook's output), never for the
    tool's own sentences, titles or paths."""
    for pattern in _SLOTS:
        text = pattern.sub(_hide, text)
    text = _TOKEN_SHAPES.sub(REDACTED, text)
    for value in sorted(_remembered, key=len, reverse=True):
        if value in text:
            text = text.replace(value, REDACTED)
    return text
