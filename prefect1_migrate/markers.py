"""The review marker every codemod leaves where a human must decide, and how a long one is
folded over several comment lines.

A marker is one line holding ``TODO(prefect-1.0)``. One that is a whole ``#`` or ``//``
comment line (``    # TODO(prefect-1.0): message``) and is longer than the file's line length
is folded at spaces (never inside a word: a URL, a path or a quoted command without spaces
stays whole) into its first line and continuation lines, each the first line's indentation
and comment opening followed by three spaces (``    #   rest of the message``)::

    # TODO(prefect-1.0): the first words of the message, as many as fit
    #   the next words
    #   the last words

The continuation lines directly below a marker's first line, with the same indentation and
opening, are part of that marker: it is one marker, at its first line, whose message is the
lines' text joined with single spaces (what it was before folding). A continuation line with
no marker line above it (a user deleted the first line of a resolved marker) is an ordinary
comment, not a marker.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

MARKER = "TODO(prefect-1.0)"

_MARKER_MESSAGE = re.compile(re.escape(MARKER) + r":?\s*(?P<message>.*?)\s*(?:-->|\*/)?\s*$")
# The first line of a marker that may be folded: a whole ``#`` or ``//`` comment line.
_FOLDABLE = re.compile(r"(?P<lead>[ \t]*(?:#|//)) " + re.escape(MARKER) + ":")
_CONTINUATION_GAP = "   "  # between the comment opening and the text of a continuation line
# Where a folded line may break: a single space between two other characters.
_BREAK = re.compile(r"(?<=\S) (?=\S)")
# A marker is never folded into more lines than this, so that finding the marker a line
# belongs to walks back a bounded number of lines (linear time in the file's size).
MAX_CONTINUATION_LINES = 64


def marker_message(line: str) -> str | None:
    """The message of a marker line (a folded marker's lines joined, see
    :func:`unfolded_markers`), or None when the line carries no marker."""
    if MARKER not in line:
        return None
    match = _MARKER_MESSAGE.search(line)
    return match.group("message") if match else ""


def fold_marker(line: str, limit: int) -> list[str]:
    """``line``, a marker's single line, as the lines of the folded marker when it is longer
    than ``limit`` and a foldable ``#``/``//`` comment line; else ``[line]``.

    Each line takes as many words as fit within ``limit`` and at least one; so a line is
    longer than ``limit`` only when it holds a single word (on the first line: the marker's
    ``TODO(prefect-1.0):`` and one word) that does not fit after its prefix."""
    found = _FOLDABLE.match(line)
    if len(line) <= limit or found is None:
        return [line]
    breaks = [match.start() for match in _BREAK.finditer(line, found.end() + 1)]
    continuation = found.group("lead") + _CONTINUATION_GAP
    folded: list[str] = []
    start, prefix = 0, ""  # the first line's prefix is part of ``line`` itself
    at = 0  # the first break after ``start``
    while len(prefix) + len(line) - start > limit and at < len(breaks):
        while at + 1 < len(breaks) and len(prefix) + breaks[at + 1] - start <= limit:
            at += 1
        folded.append(prefix + line[start : breaks[at]])
        start, prefix, at = breaks[at] + 1, continuation, at + 1
        if len(folded) > MAX_CONTINUATION_LINES:
            return [line]
    folded.append(prefix + line[start:])
    return folded


def _continuation_prefix(line: str) -> str | None:
    """What each continuation line of the marker whose first line is ``line`` starts with."""
    found = _FOLDABLE.match(line)
    return None if found is None else found.group("lead") + _CONTINUATION_GAP


def _continues(line: str, prefix: str) -> bool:
    return line.startswith(prefix) and line[len(prefix) : len(prefix) + 1] not in ("", " ", "\t")


def marker_end(lines: Sequence[str], index: int) -> int:
    """The index after the last line of the marker whose first line is ``lines[index]``."""
    prefix = _continuation_prefix(lines[index])
    end = index + 1
    if prefix is None:
        return end
    while (
        end < len(lines)
        and end - index <= MAX_CONTINUATION_LINES
        and _continues(lines[end], prefix)
    ):
        end += 1
    return end


def marker_start(lines: Sequence[str], index: int) -> int | None:
    """The index of the first line of the marker ``lines[index]`` belongs to (its own index
    for a line holding a marker), or None when it is no marker's line."""
    above = index
    while MARKER not in lines[above]:
        if "   " not in lines[above] or above == 0 or index - above >= MAX_CONTINUATION_LINES:
            return None
        above -= 1
    return above if marker_end(lines, above) > index else None


def unfolded_markers(lines: Sequence[str]) -> Iterator[tuple[int, int, str]]:
    """(first index, end index, the marker as one line) of every marker of ``lines``, in
    order: a folded marker's lines joined with single spaces, as it was before folding."""
    index = 0
    while index < len(lines):
        if MARKER not in lines[index]:
            index += 1
            continue
        end = marker_end(lines, index)
        yield index, end, _joined(lines, index, end)
        index = end


def unfolded_marker(lines: Sequence[str], index: int) -> str:
    """The marker whose first line is ``lines[index]`` as one line."""
    return _joined(lines, index, marker_end(lines, index))


def _joined(lines: Sequence[str], index: int, end: int) -> str:
    prefix_length = len(_continuation_prefix(lines[index]) or "")
    return " ".join([lines[index], *(line[prefix_length:] for line in lines[index + 1 : end])])


def unfolded_lines(lines: Sequence[str]) -> list[str]:
    """``lines`` with each folded marker as one line (its continuation lines joined to it)."""
    unfolded: list[str] = []
    index = 0
    for start, end, text in unfolded_markers(lines):
        unfolded.extend(lines[index:start])
        unfolded.append(text)
        index = end
    unfolded.extend(lines[index:])
    return unfolded


def in_marker(text: str, offset: int) -> bool:
    """Whether ``text[offset]`` is on a line of a marker (its first line or a continuation
    line), whose words quote commands and names that are not the file's own."""
    line_start = text.rfind("\n", 0, offset) + 1
    line_end = text.find("\n", offset)
    line_end = len(text) if line_end < 0 else line_end
    if MARKER in text[line_start:line_end]:
        return True
    start, end = line_start, line_end
    for _ in range(MAX_CONTINUATION_LINES):  # up to the line of the marker it may continue
        if start == 0 or "   " not in text[start:end]:
            return False
        previous = text.rfind("\n", 0, start - 1) + 1
        if MARKER in text[previous:start]:
            lines = text[previous:line_end].split("\n")
            return marker_start(lines, len(lines) - 1) is not None
        start, end = previous, start - 1
    return False


def marker_lines(data: bytes) -> Iterator[tuple[int, str]]:
    """(line number, message) of every marker in a file's bytes, at its first line."""
    needle = MARKER.encode()
    if needle not in data:
        return
    lines = data.decode("utf-8", "replace").split("\n")
    for index, _, text in unfolded_markers(lines):
        yield index + 1, marker_message(text) or ""
