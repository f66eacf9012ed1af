"""Text the repository holds (file names, quoted file content, a hook's output), made safe to
print or record: it can never move the cursor, recolour or retitle a terminal, start a new
line of a commit message, or fail to encode.

``escaped`` writes control characters (C0, DEL, C1), Unicode bidirectional overrides and
the lone surrogates that stand for a file name's non-UTF-8 bytes as ``\\n``, ``\\t``, ``\\r``,
``\\xNN`` or ``\\uNNNN``, as ``git`` does for paths; ``decodable`` escapes only the bytes
that are not UTF-8 (for JSON). ``git_quoted`` is git's own quoting of a path in a patch
header (``"a\\tb.py"``), which ``git apply`` reads back exactly.
"""

from __future__ import annotations

import re

# Control characters but tab, line feed and carriage return; C1 controls; bidirectional
# overrides; the lone surrogates that stand for bytes that are not UTF-8.
_ALWAYS_UNSAFE = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff"
_UNSAFE = re.compile(f"[{_ALWAYS_UNSAFE}\t\n\r]")
_UNSAFE_IN_LINES = re.compile(f"[{_ALWAYS_UNSAFE}]|\r(?!\n)")
_UNDECODABLE = re.compile("[\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}
_SURROGATE_ESCAPES = range(0xDC80, 0xDD00)  # what surrogateescape decodes a byte >= 0x80 to

_GIT_NEEDS_QUOTES = re.compile(rb'[\x00-\x1f"\\\x7f]')
_GIT_NAMED = {
    0x07: b"\\a",
    0x08: b"\\b",
    0x09: b"\\t",
    0x0A: b"\\n",
    0x0B: b"\\v",
    0x0C: b"\\f",
    0x0D: b"\\r",
    0x22: b'\\"',
    0x5C: b"\\\\",
}


def _escape(match: re.Match[str]) -> str:
    character = match.group()
    code = ord(character)
    if character in _NAMED:
        return _NAMED[character]
    if code in _SURROGATE_ESCAPES:
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escaped(text: str, multiline: bool = False) -> str:
    """``text`` with every character that is not plain printable text escaped; with
    ``multiline``, line breaks and tabs stay (a hook's output, a file's lines)."""
    return (_UNSAFE_IN_LINES if multiline else _UNSAFE).sub(_escape, text)


def decodable(text: str) -> str:
    """``text`` with only the bytes a file name holds that are not UTF-8 escaped (``\\xNN``),
    for JSON: every other character is exact there, JSON escapes it itself."""
    return _UNDECODABLE.sub(_escape, text)


def escaped_lines(data: bytes) -> bytes:
    """``data`` (a patch, say) as a terminal can show it: ``escaped(..., multiline=True)``."""
    return escaped(data.decode("utf-8", "surrogateescape"), multiline=True).encode()


def git_quoted(path: bytes) -> bytes:
    """``path`` as git writes it in a patch header: unchanged, or in double quotes with C
    escapes when it holds a control character, a double quote or a backslash."""
    if not _GIT_NEEDS_QUOTES.search(path):
        return path
    quoted = bytearray(b'"')
    for byte in path:
        if byte in _GIT_NAMED:
            quoted += _GIT_NAMED[byte]
        elif byte < 0x20 or byte == 0x7F:
            quoted += b"\\%03o" % byte
        else:
            quoted.append(byte)
    return bytes(quoted + b'"')


def code_span(text: str) -> str:
    """``text`` (escaped) as a Markdown code span, whatever backticks it holds."""
    text = escaped(text)
    fence = "`" * (max(map(len, re.findall("`+", text)), default=0) + 1)
    padding = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{padding}{text}{padding}{fence}"
