"""Rewritten Python lines kept within the file's line length, split the way black splits them,
and long review markers folded, so that a black or ruff-format commit hook (and a line-length
check) accepts every migration commit.

Only the lines a codemod wrote are looked at (those the original file does not hold), and
only those longer than the limit. A line whose last bracket pair closes at its end (``x = f(a, b)``, ``return g(...)``)
is split as black's right-hand split does: the text up to the opening bracket, the body
one level deeper, the closing bracket and what follows on a line of their own. A body that
still does not fit, that ends with a comma, or that holds the elements of a collection
literal (black explodes those), becomes one element per line with a trailing comma; an element still too long is split the same way. Lines with comments, strings that
span lines, f-strings or lambdas are left as they are (black would leave them too, or they
are rare in rewritten code).

A review marker longer than the limit (Python's, and the ``#``/``//`` comment markers of other
files but Markdown and reStructuredText) is folded over several comment lines
(:mod:`prefect1_migrate.markers`): black and ruff format leave long comments alone, and a
line-length check (ruff's or flake8's E501) would fail on it.

The limit is the repository's: ``line-length`` of ``[tool.black]`` or ``[tool.ruff]`` in
the ``pyproject.toml`` nearest to the file, or of a ``ruff.toml``/``.ruff.toml``, else 88
(black's default).
"""

from __future__ import annotations

import io
import keyword
import tokenize
from pathlib import Path

from prefect1_migrate import tomlread
from prefect1_migrate.markers import fold_marker

DEFAULT_LINE_LENGTH = 88
_INDENT = "    "
_OPENING = {"(": ")", "[": "]", "{": "}"}
_CLOSING = set(_OPENING.values())


def fit_changed_lines(original: str, text: str, limit: int, code: bool = True) -> str:
    """``text`` with each line longer than ``limit`` that ``original`` does not hold folded
    when it is a review marker (:func:`prefect1_migrate.markers.fold_marker`), else, in
    Python (``code``), split as black would split it (where it can be). A long line the
    original already held, wherever it now stands, is the user's and stays as it is."""
    new = text.split("\n")
    long_lines = [number for number, line in enumerate(new) if len(line) > limit]
    if not long_lines:
        return text
    held = set(original.split("\n"))
    fitted_lines = {
        number: fitted
        for number in long_lines
        if new[number] not in held
        and (fitted := _fitted_line(new[number], limit, code)) != [new[number]]
    }
    if not fitted_lines:
        return text
    result: list[str] = []
    for number, line in enumerate(new):
        result.extend(fitted_lines.get(number, [line]))
    return "\n".join(result)


def _fitted_line(line: str, limit: int, code: bool) -> list[str]:
    """A line longer than ``limit``: folded when it is a review marker, else, in Python
    (``code``), split as black would split it; ``[line]`` when neither applies."""
    folded = fold_marker(line, limit)
    return split_line(line, limit) if len(folded) == 1 and code else folded


def split_line(line: str, limit: int) -> list[str]:
    """``line`` as black's right-hand split leaves it, or ``[line]`` when it fits within
    ``limit`` or cannot be split."""
    tokens = _tokens(line) if len(line) > limit else None
    if tokens is None:
        return [line]
    indent = line[: len(line) - len(line.lstrip())]
    opening = _last_bracket_pair(tokens)
    if opening is None:
        return [line]
    start, end = opening
    head = line[: tokens[start][1] + 1].rstrip()
    body = line[tokens[start][1] + 1 : tokens[end][1]].strip()
    tail = line[tokens[end][1] :].strip()
    if not body:
        return [line]
    inner = indent + _INDENT
    elements = _top_level_elements(body)
    exploded = len(elements) > 1 and _is_literal(line[: tokens[start][1]])
    if len(inner) + len(body) <= limit and not body.endswith(",") and not exploded:
        return [head, inner + body, indent + tail]
    if len(elements) == 1 and not body.endswith(","):
        return [head, *split_line(inner + body, limit), indent + tail]
    lines = [head]
    for element in elements:
        element_line = f"{inner}{element},"
        too_long = len(element_line) > limit
        lines.extend(split_line(element_line, limit) if too_long else [element_line])
    lines.append(indent + tail)
    return lines


def _is_literal(before: str) -> bool:
    """Whether a bracket after the text ``before`` opens a collection literal (a list, set,
    dict or tuple display), not a call or a subscript: black always puts each element of a
    literal it splits on a line of its own."""
    before = before.rstrip()
    if not before or not (before[-1].isalnum() or before[-1] in "_)]}'\""):
        return True
    word = before.split()[-1] if before.split() else ""
    return keyword.iskeyword(word) and word not in ("True", "False", "None")


def _tokens(line: str) -> list[tuple[str, int]] | None:
    """(bracket, column) of ``line``'s brackets, or None when the line cannot be split
    safely: it does not tokenize on its own, has a comment, an f-string or a lambda (whose
    commas are not the call's)."""
    brackets: list[tuple[str, int]] = []
    fstring_start = getattr(tokenize, "FSTRING_START", None)
    try:
        for item in tokenize.generate_tokens(io.StringIO(line.strip() and line + "\n").readline):
            if item.type in (tokenize.COMMENT, fstring_start) or item.string == "lambda":
                return None
            if item.type == tokenize.OP and item.string in (*_OPENING, *_CLOSING):
                brackets.append((item.string, item.start[1]))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return None
    depth = 0
    for bracket, _ in brackets:
        depth += 1 if bracket in _OPENING else -1
        if depth < 0:
            return None
    return brackets if depth == 0 else None


def _last_bracket_pair(brackets: list[tuple[str, int]]) -> tuple[int, int] | None:
    """Indexes of the last closing bracket and its opening bracket, when the text after it
    holds no other bracket (black splits at the last opening bracket)."""
    if not brackets or brackets[-1][0] not in _CLOSING:
        return None
    end = len(brackets) - 1
    depth = 0
    for index in range(end, -1, -1):
        depth += -1 if brackets[index][0] in _OPENING else 1
        if depth == 0:
            return index, end
    return None


def _top_level_elements(body: str) -> list[str]:
    """``body`` split at its top-level commas (none inside brackets or strings)."""
    elements: list[str] = []
    depth = 0
    start = 0
    readline = io.StringIO(body + "\n").readline
    for item in tokenize.generate_tokens(readline):
        if item.type != tokenize.OP:
            continue
        if item.string in _OPENING:
            depth += 1
        elif item.string in _CLOSING:
            depth -= 1
        elif item.string == "," and depth == 0:
            elements.append(body[start : item.start[1]].strip())
            start = item.end[1]
    last = body[start:].strip()
    if last:
        elements.append(last)
    return elements


def line_length(root: Path, folder: Path) -> int:
    """The line length the repository's formatter configuration sets for files in
    ``folder`` (the nearest configuration between ``folder`` and ``root``), else 88."""
    return configured_line_length(root, folder) or DEFAULT_LINE_LENGTH


def configured_line_length(root: Path, folder: Path) -> int | None:
    """The line length the nearest formatter configuration between ``folder`` and ``root``
    sets, or None when none does."""
    current = folder
    while True:
        for name, keys in _CONFIGS:
            candidate = current / name
            if candidate.is_file() and not candidate.is_symlink():
                found = _configured(candidate, keys)
                if found is not None:
                    return found
        if current == root or root not in current.parents:
            return None
        current = current.parent


_CONFIGS = (
    ("pyproject.toml", (("tool", "black"), ("tool", "ruff"))),
    ("ruff.toml", ((),)),
    (".ruff.toml", ((),)),
)


def _configured(path: Path, tables: tuple[tuple[str, ...], ...]) -> int | None:
    try:
        document = tomlread.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomlread.TOMLDecodeError):
        return None
    for table_path in tables:
        table = document
        for key in table_path:
            table = table.get(key, {}) if isinstance(table, dict) else {}
        value = table.get("line-length") if isinstance(table, dict) else None
        if isinstance(value, int) and value > 0:
            return value
    return None
