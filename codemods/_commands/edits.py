"""Edits of an argv (what a codemod asks for) and the file text edits that carry them out:
only what an edit touches is re-emitted, new words quoted for the place they land in."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from prefect1_migrate.codemods._commands.invocations import Invocation
from prefect1_migrate.codemods._commands.options import Occurrence
from prefect1_migrate.codemods._commands.segments import ArgvSegment, ShellSegment
from prefect1_migrate.codemods._commands.words import Unencodable

_NEWLINE = re.compile("\n")
_SAFE_EDIT = re.compile(r"[A-Za-z0-9_.=-]*")
_SHELL_BARE = re.compile(r"[A-Za-z0-9_@%+=:,./-]+")


@dataclass(frozen=True)
class Replace:
    """Replace argv words ``[start, stop)`` by new words (none: delete them)."""

    start: int
    stop: int
    words: tuple[str, ...] = ()


@dataclass(frozen=True)
class Edit:
    """Replace value characters ``[begin, end)`` of argv word ``index`` by ``text`` (an option
    name: letters, digits, ``-``, ``_``, ``.``, ``=``), keeping the word's quoting."""

    index: int
    begin: int
    end: int
    text: str

    def __post_init__(self) -> None:
        if not _SAFE_EDIT.fullmatch(self.text):
            raise ValueError(f"an in-word edit must be an option name, not {self.text!r}")


Op = Replace | Edit


@dataclass(frozen=True)
class Rewrite:
    """What a codemod does to one invocation: argv edits and review messages."""

    ops: tuple[Op, ...] = ()
    todos: tuple[str, ...] = ()


Rewriter = Callable[[Invocation], Rewrite | None]


def rename(occurrence: Occurrence, new_name: str) -> Edit | None:
    """Rename an option in whatever form it was written (``-f X``, ``--file=X``, ``-fX``)."""
    if occurrence.name == new_name:
        return None
    attached_short = occurrence.value_at == len(occurrence.name)
    return Edit(
        occurrence.index, 0, len(occurrence.name), new_name + ("=" if attached_short else "")
    )


def delete(occurrence: Occurrence) -> Replace:
    return Replace(occurrence.index, occurrence.stop)


def shell_quote(word: str) -> str:
    if _SHELL_BARE.fullmatch(word):
        return word
    return "'" + word.replace("'", "'\\''") + "'"


def cannot_read(command: str) -> Rewrite:
    """The review message for a command whose options click would not accept."""
    return Rewrite(
        todos=(
            f"could not read the options of this `{command}`; rewrite it for Prefect 1.0 by hand",
        )
    )


def runtime_arguments(command: str) -> str:
    return (
        f"arguments known only at run time may hold `{command}` options that Prefect 1.0 "
        "renamed or removed; check them"
    )


@dataclass(frozen=True)
class TextEdit:
    start: int
    end: int
    text: str


def text_edits(invocation: Invocation, ops: Sequence[Op], text: str) -> list[TextEdit]:
    """The edits of the file ``text`` that carry out ``ops`` on ``invocation``'s argv."""
    segment = invocation.segment
    if isinstance(segment, ArgvSegment):
        return [_list_edit(segment, invocation.first_arg, op) for op in ops]
    return [_shell_edit(segment, invocation, op, text) for op in ops]


def _shell_edit(segment: ShellSegment, invocation: Invocation, op: Op, text: str) -> TextEdit:
    codec, args = segment.codec, invocation.args
    if isinstance(op, Edit):
        start, end = args[op.index].value_span(op.begin, op.end)
        return TextEdit(codec.raw(start), codec.raw(end), codec.encode(op.text))
    first, last = args[op.start], args[op.stop - 1]
    if op.words:
        new = " ".join(shell_quote(word) for word in op.words)
        if segment.make:
            new = new.replace("$", "$$")
        return TextEdit(codec.raw(first.start), codec.raw(last.end), codec.encode(new))
    previous = invocation.words[invocation.first_arg + op.start - 1]
    start, end = codec.raw(previous.end), codec.raw(last.end)
    if "\n" in text[start:end]:
        word_start = codec.raw(first.start)
        line_start = text.rfind("\n", 0, word_start) + 1
        line_end = text.find("\n", end)
        line_end = len(text) if line_end < 0 else line_end
        if not text[line_start:word_start].strip() and text[end:line_end].strip() == "\\":
            return TextEdit(line_start, min(line_end + 1, len(text)), "")
    return TextEdit(start, end, "")


def _list_edit(segment: ArgvSegment, first_arg: int, op: Op) -> TextEdit:
    elements = segment.elements
    if isinstance(op, Edit):
        element = elements[first_arg + op.index]
        start, end = element.word.value_span(op.begin, op.end)
        return TextEdit(
            element.codec.raw(start), element.codec.raw(end), element.codec.encode(op.text)
        )
    start, stop = first_arg + op.start, first_arg + op.stop
    first, last = elements[start], elements[stop - 1]
    if start < segment.split < stop or (op.words and start < segment.split):
        raise Unencodable(" ".join(op.words))  # across two lists, or in the other list
    if op.words:
        new = segment.separator.join(segment.encode_element(word) for word in op.words)
        return TextEdit(first.raw_start, last.raw_end, new)
    if start != segment.split:
        return TextEdit(elements[start - 1].raw_end, last.raw_end, "")
    if stop == len(elements):
        raise Unencodable("")  # the whole list would go: its key needs an empty value
    return TextEdit(first.raw_start, elements[stop].raw_start, "")  # the list's first items


def apply_text_edits(text: str, edits: Sequence[TextEdit]) -> str:
    ordered = sorted(edits, key=lambda edit: (edit.start, edit.end))
    for before, after in pairwise(ordered):
        if after.start < before.end:
            raise ValueError(f"overlapping edits at offset {after.start}")
    pieces, position = [], 0
    for edit in ordered:
        pieces.append(text[position : edit.start])
        pieces.append(edit.text)
        position = edit.end
    pieces.append(text[position:])
    return "".join(pieces)


def line_mapper(text: str, edits: Sequence[TextEdit]) -> Callable[[int], int]:
    """Maps an offset of ``text`` outside every edit to its 0-based line after the edits."""
    line_starts = [0] + [match.end() for match in _NEWLINE.finditer(text)]
    ordered = sorted(edits, key=lambda edit: edit.start)
    ends = [edit.end for edit in ordered]
    added = [0]
    for edit in ordered:
        added.append(added[-1] + edit.text.count("\n") - text.count("\n", edit.start, edit.end))

    def line_of(offset: int) -> int:
        return bisect_right(line_starts, offset) - 1 + added[bisect_right(ends, offset)]

    return line_of
