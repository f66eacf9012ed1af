"""The message of one codemod's commit, as a reviewer reads it in ``git log``.

Title ``prefect-1.0: <codemod title>`` (at most 72 characters: the codemods' titles are
kept short enough, a test checks it), then a body wrapped at 72 columns (a code span, URL or
path longer than a line stays whole):

1. what the commit changed in this repository: files and lines, counted from the snapshots
   before and after the codemod, and the forms it rewrote (the text that differs between
   each rewritten line and its new version, ``prefect.engine.executors`` ->
   ``prefect.executors``), most frequent first;
2. briefly, where real Prefect differs from the upgrade guide: the sentences of the
   codemod's description, after the first, that compare the two;
3. the places to review, grouped by file and message (``12, 14: <message>``; at most
   ``REVIEW_SHOWN`` places, then "and N more: see the report"), and what to check even
   where nothing was flagged;
4. the trailers ``Upgrade guide:`` and ``Codemod:``.

What the repository supplied (paths, rewritten forms, review messages that quote it) is
escaped and its secret values hidden (``redact``); the tool's own sentences are left whole.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from prefect1_migrate.codemod import Codemod
from prefect1_migrate.escaping import code_span, escaped
from prefect1_migrate.linemap import matching_blocks
from prefect1_migrate.markers import MARKER, unfolded_markers
from prefect1_migrate.pipeline import Finding
from prefect1_migrate.redaction import redact

TITLE_PREFIX = "prefect-1.0: "
TITLE_LIMIT = 72
WIDTH = 72
REVIEW_SHOWN = 50
FORMS_SHOWN = 8
_FORM_LIMIT = 60  # characters of a rewritten fragment quoted
_TOKENS_MATCHED = 200  # a longer rewritten middle of a line is one form (bounded work)

# Sentences of a description that compare real Prefect with the upgrade guide.
_COMPARES_WITH_GUIDE = re.compile(
    r"\bguide\b|\breal Prefect\b|\bcatalog\b|\bchangelog\b|\bupgrade doc", re.IGNORECASE
)
_SENTENCE_END = re.compile(r"(?<=\.)\s+(?=[A-Z`])")
_TOKEN = re.compile(r"[\w.\-/]+|\s+|.")
# Units the wrapper never splits: a code span (backticks to the same run of backticks) with
# what is glued to it, or a run of non-blank characters (a word, URL or path).
UNBREAKABLE = re.compile(r"[^\s`]*(`+)(?:(?!\1).)+?\1\S*|\S+")


@dataclass(frozen=True)
class FileChange:
    """One file as the codemod found it and as it left it."""

    path: str
    before: bytes
    after: bytes


@dataclass
class ChangeSummary:
    """What a codemod changed across the files of its commit."""

    files: int = 0
    rewritten: int = 0  # lines replaced by another line
    added: int = 0  # lines added, markers excepted
    removed: int = 0
    markers: int = 0  # TODO(prefect-1.0) markers added (a folded one counts once)
    forms: Counter[tuple[str, str]] = field(default_factory=Counter)  # (old, new) -> lines
    # a form's old text is "" for an added line, its new text "" for a removed part


def summarise(changes: Iterable[FileChange]) -> ChangeSummary:
    """Counts and forms of ``changes``, in time linear in the files' size."""
    summary = ChangeSummary()
    for change in changes:
        summary.files += 1
        old = change.before.decode("utf-8", "replace").split("\n")
        new = change.after.decode("utf-8", "replace").split("\n")
        for old_lines, new_lines in _replaced_regions(old, new):
            markers = list(unfolded_markers(new_lines))  # a folded marker is one marker
            in_markers = {index for start, end, _ in markers for index in range(start, end)}
            new_lines = [line for index, line in enumerate(new_lines) if index not in in_markers]
            summary.markers += len(markers)
            paired = min(len(old_lines), len(new_lines))
            for old_line, new_line in zip(old_lines, new_lines, strict=False):
                summary.forms.update(_rewritten_forms(old_line, new_line))
            for line in new_lines[paired:]:
                summary.forms[("", _fragment(line.strip()))] += 1
            summary.rewritten += paired
            summary.added += len(new_lines) - paired
            summary.removed += len(old_lines) - paired
    return summary


def _replaced_regions(old: list[str], new: list[str]) -> Iterator[tuple[list[str], list[str]]]:
    """The runs of lines between the lines both versions share: (old lines, new lines)."""
    old_at = new_at = 0
    for old_start, new_start, size in [*matching_blocks(old, new), (len(old), len(new), 0)]:
        if old_start > old_at or new_start > new_at:
            yield old[old_at:old_start], new[new_at:new_start]
        old_at, new_at = old_start + size, new_start + size


def _rewritten_forms(old_line: str, new_line: str) -> list[tuple[str, str]]:
    """The parts of ``old_line`` that became other text in ``new_line``: the differing
    tokens between their common start and end, matched token by token when that middle is
    short (``flow -f`` -> ``--path`` and ``-p`` -> ``--project``), else as one part."""
    old, new = _TOKEN.findall(old_line.strip()), _TOKEN.findall(new_line.strip())
    start = 0
    while start < min(len(old), len(new)) and old[start] == new[start]:
        start += 1
    end = 0
    while end < min(len(old), len(new)) - start and old[-1 - end] == new[-1 - end]:
        end += 1
    old, new = old[start : len(old) - end], new[start : len(new) - end]
    if len(old) + len(new) > _TOKENS_MATCHED:
        return [(_fragment("".join(old).strip()), _fragment("".join(new).strip()))]
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    forms = {  # each form once per line, in the line's order
        (_fragment("".join(old[i1:i2]).strip()), _fragment("".join(new[j1:j2]).strip())): None
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal" and "".join(old[i1:i2] + new[j1:j2]).strip()
    }
    return list(forms)


def _fragment(text: str) -> str:
    """``text`` with its secret values hidden, cut to ``_FORM_LIMIT`` characters."""
    text = redact(text)
    return text if len(text) <= _FORM_LIMIT else text[: _FORM_LIMIT - 1] + "…"


def wrap(text: str, indent: str = "", first_indent: str | None = None) -> list[str]:
    """``text`` filled to ``WIDTH`` columns; a unit longer than a line (code span, URL,
    path) stands alone on its line instead of being split."""
    lines: list[str] = []
    current = indent if first_indent is None else first_indent
    start_length = len(current)
    for unit in (match.group() for match in UNBREAKABLE.finditer(text)):
        if len(current) > start_length and len(current) + 1 + len(unit) > WIDTH:
            lines.append(current)
            current = indent + unit
            start_length = len(indent)
        else:
            current += (" " if len(current) > start_length else "") + unit
    lines.append(current)
    return lines


def guide_differences(codemod: Codemod) -> str:
    """The sentences of the codemod's description that compare real Prefect with the guide
    (the first sentence says what the codemod rewrites, and is left out)."""
    sentences = _SENTENCE_END.split(codemod.description.strip())[1:]
    return " ".join(sentence for sentence in sentences if _COMPARES_WITH_GUIDE.search(sentence))


def title(codemod: Codemod) -> str:
    return f"{TITLE_PREFIX}{codemod.title}"


def commit_message(
    codemod: Codemod, changes: Sequence[FileChange], findings: Sequence[Finding]
) -> str:
    """The whole message of the commit of ``codemod``, which made ``changes`` and marked
    ``findings`` (their ``commit_line`` is the line in this commit's version of the file)."""
    lines = [title(codemod), ""]
    lines += _what_changed(summarise(changes))
    differences = guide_differences(codemod)
    if differences:
        lines += ["", *wrap(f"Real Prefect and the upgrade guide: {differences}")]
    lines += ["", *_review(codemod, findings)]
    lines += ["", f"Upgrade guide: {codemod.guide_section}", f"Codemod: {codemod.id}", ""]
    return "\n".join(lines)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _what_changed(summary: ChangeSummary) -> list[str]:
    counts = [
        (count, what)
        for count, what in (
            (summary.rewritten, "rewritten"),
            (summary.added, "added"),
            (summary.removed, "removed"),
        )
        if count
    ]
    sentence = f"Changed {_plural(summary.files, 'file')}"
    if counts:
        (first, what), *rest = counts
        sentence += f": {_plural(first, 'line')} {what}"
        sentence += "".join(f", {count} {what}" for count, what in rest)
    if summary.markers:
        sentence += f"; {_plural(summary.markers, 'TODO(prefect-1.0) marker')} added"
    lines = wrap(sentence + ".")
    forms = summary.forms.most_common()
    for (old, new), count in forms[:FORMS_SHOWN]:
        lines += wrap(f"{_form(old, new)} ({_plural(count, 'line')})", "  ", "- ")
    if len(forms) > FORMS_SHOWN:
        lines.append(f"- and {_plural(len(forms) - FORMS_SHOWN, 'other form')}")
    return lines


def _form(old: str, new: str) -> str:
    old_span, new_span = code_span(old), code_span(new)
    if not old:
        return f"added {new_span}"
    if not new:
        return f"removed {old_span}"
    return f"{old_span} -> {new_span}"


def _review(codemod: Codemod, findings: Sequence[Finding]) -> list[str]:
    files = len({finding.path for finding in findings})
    if findings:
        heading = (
            f"Needs review: {_plural(len(findings), 'place')} in {_plural(files, 'file')}, "
            f"each marked {MARKER}:"
        )
    else:
        heading = "Needs review: nothing flagged."
    lines = wrap(heading)
    shown = sorted(findings, key=lambda f: (f.path, f.cell or 0, f.commit_line))
    # Per file, one entry per message: the lines that carry it, then the message.
    # In a notebook, per cell: ``cell N:line M, ...: message``.
    grouped: dict[str, dict[tuple[int | None, str], list[int]]] = {}
    for finding in shown[:REVIEW_SHOWN]:
        message = escaped(redact(finding.message))
        by_message = grouped.setdefault(finding.path, {})
        by_message.setdefault((finding.cell, message), []).append(finding.commit_line)
    for path, by_message in grouped.items():
        lines.append(escaped(path))
        for (cell, message), numbers in by_message.items():
            where = "" if cell is None else f"cell {cell}:line "
            lines += wrap(f"{where}{', '.join(map(str, numbers))}: {message}", "      ", "  ")
    if len(shown) > REVIEW_SHOWN:
        lines.append(f"and {len(shown) - REVIEW_SHOWN} more: see the report")
    if codemod.review_note:
        lines += ["", *wrap(f"Also check: {codemod.review_note.strip()}")]
    return lines
