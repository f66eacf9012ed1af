"""Byte-exact decoding and re-encoding of the files codemods rewrite.

Codemods see text with ``\\n`` line endings and a final newline. Everything else about the
file (encoding, byte-order mark, CRLF or mixed line endings, a missing final newline) is
recorded here and restored when the new text is turned back into bytes, so that only the
lines a codemod rewrote differ from the original.
"""

from __future__ import annotations

import codecs
import difflib
import io
import re
import tokenize
from dataclasses import dataclass

_LINE_END = re.compile(r"\r\n|\n")


class UndecodableFile(Exception):
    """The file's bytes are not text in the encoding it declares or implies."""


@dataclass(frozen=True)
class SourceText:
    """A decoded file: ``text`` plus what is needed to rebuild the original bytes."""

    text: str
    encoding: str
    line_endings: tuple[str, ...]
    had_final_newline: bool
    byte_order_mark: bytes = b""  # of UTF-16 and UTF-32 files (UTF-8's is in "utf-8-sig")

    def encode(self, new_text: str) -> bytes:
        """The bytes of ``new_text`` written the way the original file was written."""
        if new_text == self.text:
            endings = self.line_endings
        else:
            endings = _endings_for(self.text.split("\n"), self.line_endings, new_text.split("\n"))
        return self.byte_order_mark + _rebuild(
            new_text, endings, self.had_final_newline, self.encoding
        )


def is_binary(data: bytes) -> bool:
    return b"\0" in data[:8192]


def python_encoding(data: bytes) -> str:
    """The encoding a Python file declares (PEP 263), ``utf-8-sig`` when it has a BOM."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as error:
        raise UndecodableFile(str(error)) from error
    return encoding


def text_encoding(data: bytes) -> str:
    return "utf-8-sig" if data.startswith(codecs.BOM_UTF8) else "utf-8"


# Longest first: the UTF-32 little-endian mark begins with the UTF-16 one.
_BYTE_ORDER_MARKS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def declared_encoding(data: bytes, git_encoding: str | None = None) -> str | None:
    """The encoding of a text file whose bytes are not ASCII-compatible or not UTF-8, as its
    UTF-16/UTF-32 byte-order mark or else git's ``working-tree-encoding`` attribute
    (``git_encoding``) says; None for every other file (UTF-8 or binary)."""
    for mark, encoding in _BYTE_ORDER_MARKS:
        if data.startswith(mark):
            return encoding
    if git_encoding is None:
        return None
    name = git_encoding.lower()
    return name[: -len("-bom")] if name.endswith("-bom") else name


def decode(data: bytes, encoding: str) -> SourceText:
    mark = next(
        (mark for mark, name in _BYTE_ORDER_MARKS if name == encoding and data.startswith(mark)),
        b"",
    )
    try:
        raw = data[len(mark) :].decode(encoding)
    except (UnicodeDecodeError, LookupError) as error:
        raise UndecodableFile(f"not valid {encoding}: {error}") from error
    pieces = _LINE_END.split(raw)
    endings = tuple(_LINE_END.findall(raw))
    had_final_newline = raw == "" or raw.endswith("\n")
    text = "\n".join(pieces)
    if not had_final_newline:
        text += "\n"
    return SourceText(text, encoding, endings, had_final_newline, mark)


def _dominant(endings: tuple[str, ...]) -> str:
    if not endings:
        return "\n"
    crlf = sum(1 for ending in endings if ending == "\r\n")
    return "\r\n" if crlf * 2 > len(endings) else "\n"


def _endings_for(
    old_lines: list[str], old_endings: tuple[str, ...], new_lines: list[str]
) -> tuple[str, ...]:
    """Line endings for ``new_lines``: unchanged lines keep theirs, new ones follow neighbours."""
    # ``text`` always ends with "\n", so the last element of each split is the empty remainder.
    old_count = len(old_lines) - 1
    new_count = len(new_lines) - 1
    padded = list(old_endings) + ["\n"] * (old_count - len(old_endings))
    if len(set(padded)) <= 1:
        return (padded[0] if padded else "\n",) * new_count
    dominant = _dominant(old_endings)
    result: list[str] = []
    matcher = difflib.SequenceMatcher(None, old_lines[:-1], new_lines[:-1], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            result.extend(padded[i1:i2])
        elif tag == "replace":
            for offset in range(j2 - j1):
                result.append(padded[min(i1 + offset, i2 - 1)])
        elif tag == "insert":
            result.extend([padded[i1] if i1 < old_count else dominant] * (j2 - j1))
    return tuple(result)


def _rebuild(text: str, endings: tuple[str, ...], had_final_newline: bool, encoding: str) -> bytes:
    lines = text.split("\n")
    body = lines[:-1]
    out = io.StringIO()
    for index, line in enumerate(body):
        out.write(line)
        last = index == len(body) - 1
        if last and not had_final_newline:
            break
        out.write(endings[index] if index < len(endings) else "\n")
    return out.getvalue().encode(encoding)
