"""Jenkinsfiles (Groovy): the strings of ``sh`` steps."""

from __future__ import annotations

import re

from prefect1_migrate.codemods._commands.lexer import balanced_end
from prefect1_migrate.codemods._commands.quoted import decode_body
from prefect1_migrate.codemods._commands.segments import Segment, ShellSegment
from prefect1_migrate.codemods._commands.words import PLACEHOLDER, Mapped

# ``sh 'x'``, ``sh(script: 'x')``, ``sh label: 'Register', script: 'x'``, ``sh(returnStdout: true,
# script: "x")``: named arguments before ``script:`` are skipped.
_GROOVY_SH = re.compile(
    r"\bsh\b[ \t]*\(?[ \t]*"
    r"(?:(?!script\b)\w+[ \t]*:[ \t]*(?:'[^'\n]*'|\"[^\"\n]*\"|\w+)[ \t]*,[ \t]*)*"
    r"(?:script[ \t]*:[ \t]*)?(?='|\")"
)
_GROOVY_ESCAPES = {"\\": "\\", "'": "'", '"': '"', "$": "$", "n": "\n", "t": "\t", "r": "\r"}


def jenkinsfile_scan(text: str, base: int, code_block: bool) -> list[Segment]:
    """The strings of ``sh '...'``/``sh "..."``/``sh(script: ...)`` steps; markers go above
    the step (a comment inside the string would be handed to the shell)."""
    segments: list[Segment] = []
    for match in _GROOVY_SH.finditer(text):
        at = match.end()
        quote = next(q for q in ("'''", '"""', "'", '"') if text.startswith(q, at))
        close = at + len(quote)
        while close < len(text) and not text.startswith(quote, close):
            close += 2 if text[close] == "\\" else 1
        read = _read_interpolating_groovy if quote[0] == '"' else _read_groovy
        decoded = decode_body(text, at + len(quote), close, read)
        if decoded is None:
            continue
        value, offsets = decoded

        def encoder(new: str, quote: str = quote) -> str:
            escaped = new.replace("\\", "\\\\").replace(quote[0], "\\" + quote[0])
            return escaped.replace("$", "\\$") if quote[0] == '"' else escaped

        anchor = base + text.rfind("\n", 0, match.start()) + 1
        codec = Mapped(tuple(base + offset for offset in offsets), encoder)
        segments.append(ShellSegment(value, codec, code_block=code_block, anchor=anchor))
    return segments


def _read_groovy(text: str, position: int, end: int) -> tuple[str, int]:
    """One piece of a single-quoted Groovy string body."""
    if text[position] == "\\" and position + 1 < end:
        escaped = text[position + 1]
        if escaped == "\n":
            return "", position + 2
        return _GROOVY_ESCAPES.get(escaped, escaped), position + 2
    return text[position], position + 1


def _read_interpolating_groovy(text: str, position: int, end: int) -> tuple[str, int]:
    """One piece of a double-quoted Groovy string body: ``${...}`` and ``$name`` are run-time
    values."""
    if text[position] == "$" and text.startswith("{", position + 1):
        return PLACEHOLDER, balanced_end(text, position + 1, end)
    if text[position] == "$" and position + 1 < end and text[position + 1].isalpha():
        position += 1
        while position < end and (text[position].isalnum() or text[position] in "_."):
            position += 1
        return PLACEHOLDER, position
    return _read_groovy(text, position, end)
