"""Keeps secret values out of everything the tool prints or records (not out of diffs).

A secret is recognised by its slot (``--token X`` or ``-t X`` on a ``prefect`` command,
``api_key = X``, ``"auth_token": X``, ``Bearer X``, a URL password, a Kubernetes ``value:``
under a secret's ``name:``) or by the shape of a known token. Two uses:

- ``redact_output`` hides every slot's value in text that comes wholly from outside the
  tool (git's and a failing hook's output).
- ``redact`` is for the tool's messages that may quote the repository (review messages,
  reasons, the forms a commit rewrote): it hides secrets by value only. The values the
  repository holds in secret slots are remembered while the files are read
  (``remember(secret_values(text))``); a long value that is not a plain word is hidden
  wherever it appears, a short or plain-word one (``changeme``) only where it stands in a
  slot of the message. The tool's own words next to a slot (``token= -> api_key=``,
  ``--key or PREFECT__CLOUD__API_KEY``, ``docker build -t name .``) are never hidden.
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
    r"(?P<name>(?<!\S)(?:--key|--token|--api-key|--auth-token|--password))"
    r"(?P<sep>[ =]\s*)" + _VALUE
)
# ``-t X`` / ``-k X`` are secrets only on a prefect command (``docker build -t name .`` is not).
_SHORT_FLAG = re.compile(r"(?P<name>(?<!\S)-[tk])(?P<sep>[ =]\s*)" + _VALUE)
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
    _SHORT_FLAG,
    _GLUED_SHORT_FLAG,
    _MANIFEST_VALUE,
    _SECRET_ASSIGNMENT,
    _BEARER,
    _URL_PASSWORD,
)

# Which values are looked for everywhere (not only in their slot): at least this long, and
# not a plain word or name ("prefect", "changeme", "Postgres", "api_token" of
# ``Client(api_token=api_token)``): a password that is a word is hidden where it stands, but
# hiding that word in every sentence would garble the text around it.
_MIN_REMEMBERED = 8
_PLAIN_WORD = re.compile(r"[A-Za-z][a-z]*(?:_[a-z]+)*|[A-Z]+(?:_[A-Z]+)*")
_hidden_everywhere: set[str] = set()  # long values that are not plain words
_hidden_in_slots: set[str] = set()  # every value the repository held in a secret slot
_NOT_SECRETS = frozenset({"true", "false", "yes", "no", "on", "off", "none", "null"})
_WORD_CHARACTER = re.compile(r"\w")


def _is_reference(value: str) -> bool:
    """A variable, placeholder, expression or setting standing where a secret would go."""
    return (
        value.startswith(("$", "<", "{", "%"))
        or value == REDACTED
        or "(" in value
        or "[" in value  # os.environ["TOKEN"]
        or value.lower() in _NOT_SECRETS
        or _WORD_CHARACTER.search(value) is None  # "...", "-", "***"
    )


def _on_prefect_command(match: re.Match[str]) -> bool:
    if match.re is not _GLUED_SHORT_FLAG and match.re is not _SHORT_FLAG:
        return True
    text, start = match.string, match.start()
    reach = max(0, start - _COMMAND_REACH)
    line_start = text.rfind("\n", reach, start) + 1 or reach
    return re.search(r"\bprefect\b", text[line_start:start]) is not None


def _is_secret(match: re.Match[str]) -> bool:
    return not _is_reference(match.group("value")) and _on_prefect_command(match)


def _hidden(match: re.Match[str]) -> str:
    quote = match.group("quote") or ""
    return f"{match.group('name')}{match.group('sep')}{quote}{REDACTED}{quote}"


def _hide_any(match: re.Match[str]) -> str:
    return _hidden(match) if _is_secret(match) else match.group(0)


def _hide_known(match: re.Match[str]) -> str:
    return _hidden(match) if match.group("value") in _hidden_in_slots else match.group(0)


def secret_values(text: str) -> set[str]:
    """The literal values ``text`` holds in secret slots, and strings shaped like tokens."""
    found = {
        match.group("value")
        for pattern in _SLOTS
        for match in pattern.finditer(text)
        if _is_secret(match)
    }
    found.update(_TOKEN_SHAPES.findall(text))
    return found


def _worth_hiding_everywhere(value: str) -> bool:
    return len(value) >= _MIN_REMEMBERED and not _PLAIN_WORD.fullmatch(value)


def remember(values: Iterable[str]) -> None:
    """Values the repository holds as secrets: ``redact`` hides them from now on."""
    for value in values:
        _hidden_in_slots.add(value)
        if _worth_hiding_everywhere(value):
            _hidden_everywhere.add(value)


def redact(text: str) -> str:
    """A message of the tool that may quote the repository, with the secret values the
    repository holds shown as ``***``: a remembered long value anywhere, a short or
    plain-word one where it stands in a slot, and anything shaped like a token. Nothing else
    changes: the tool's own words, names and paths stay as they are."""
    for pattern in _SLOTS:
        text = pattern.sub(_hide_known, text)
    text = _TOKEN_SHAPES.sub(REDACTED, text)
    return _everywhere_pattern().sub(REDACTED, text) if _hidden_everywhere else text


_compiled: list[tuple[int, re.Pattern[str]]] = []  # (how many values, their pattern)


def _everywhere_pattern() -> re.Pattern[str]:
    """The remembered values, each where it is not part of a longer name (the variable
    ``api_token`` in ``Client(api_token=api_token)`` is not hidden in ``_api_token_path``)."""
    if not _compiled or _compiled[0][0] != len(_hidden_everywhere):
        values = sorted(_hidden_everywhere, key=len, reverse=True)
        alternatives = "|".join(map(re.escape, values))
        _compiled[:] = [(len(values), re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)"))]
    return _compiled[0][1]


def redact_output(text: str) -> str:
    """Text from outside the tool (git's or a failing hook's output) with the value of every
    secret slot, every token-shaped string and every remembered value shown as ``***``."""
    for pattern in _SLOTS:
        text = pattern.sub(_hide_any, text)
    return redact(text)
