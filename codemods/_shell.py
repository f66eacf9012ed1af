"""Shell-aware command lines: every ``prefect`` invocation in a file, and its rewrite.

A codemod that changes ``prefect`` command lines hands :func:`rewrite_commands` a function
from an :class:`Invocation` (the words after the program) to a :class:`Rewrite` (edits of
those words plus review messages). Only what an edit touches is re-emitted: every other byte
of the file, the quoting of untouched words, variables and line continuations stay as they
were. New words are quoted for the place they land in (shell quoting, ``$$`` in Makefiles,
YAML/JSON/Python string escapes).

Where command lines are found (:func:`segments_of`):

- shell scripts: the whole file; Procfile: after ``name:``; Makefile: recipe lines (with make's
  ``$$``/``$(VAR)`` syntax) and variable values; Dockerfile: ``RUN``/``CMD``/``ENTRYPOINT`` in
  shell form and JSON exec form; INI (supervisord, systemd, tox): ``command=``, ``commands =``,
  ``Exec*=``;
- YAML (CI, compose, Kubernetes/Helm): values of command keys (``run``, ``script``,
  ``command``, ``args``, ``entrypoint``...) as plain, quoted and block scalars and as flow or
  block sequences; a sequence that starts with the program is one argv, otherwise each item is
  a command line; ``{{ ... }}`` template expressions count as run-time values;
- Markdown and reStructuredText: code blocks by language (``$ `` prompts stripped) and inline
  code;
- Python (:func:`python_segments`): string literals and list/tuple displays such as
  ``subprocess.run(["prefect", ...])``;
- comments: read like command lines, so a commented-out command is rewritten like a live one;
  prose stays prose because a word only counts in command position.

Within a command line, quotes, escapes, ``$VAR``/``${VAR}``/``$(...)``/backticks (commands in
substitutions are found too), ``&&``/``||``/``;``/``|``, redirections, here-documents and
backslash-newline continuations follow shell rules, as do ``sh -c '...'`` strings. A program
word is ``prefect`` when its last path component is ``prefect``, when it is
``python -m prefect``, or when it is a variable the same file assigns such a command
(``PREFECT := poetry run prefect``). ``VAR=1`` prefixes, ``env``, ``exec``, ``nohup``,
``time``, ``command``, ``poetry run``, ``pipenv run`` and ``pdm run`` are looked through.

:func:`parse_options` splits argv words with click's rules, so codemods can find options in
every spelling (``-f X``, ``--file X``, ``--file=X``, ``-fX``). :func:`prefect_command_lines`
is the extraction API for tests that check command lines against real Prefect.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import pairwise
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Protocol

from codemods._text import insert_todo_above
from prefect1_migrate.codemod import SourceFile
from prefect1_migrate.filekinds import FileKind
from prefect1_migrate.markers import MARKER

if TYPE_CHECKING:
    from fissix.pytree import Leaf, Node

#: Stands for one run-time part of a word (``$VAR``, ``$(cmd)``, ``{{ x }}``, an f-string field).
PLACEHOLDER = "\ue000"
#: What :func:`prefect_command_lines` puts in an argv where a run-time value stands.
RUNTIME_VALUE = "RUNTIME_VALUE"


class Unencodable(Exception):
    """New text cannot be written at that place (e.g. ``: `` inside a plain YAML scalar)."""


# --- words and segments ------------------------------------------------------------------


@dataclass(frozen=True)
class Word:
    """One shell word: its value (quotes removed) and where each value character came from.

    Offsets are in the coordinates of the segment value the word was read from.
    """

    value: str
    start: int
    end: int
    spans: tuple[tuple[int, int], ...]
    broken: bool = False  # an unterminated quote
    subs: tuple[tuple[int, int], ...] = ()  # command substitutions inside the word
    quote: str = ""  # the quote character the word starts with, if any
    splits: bool = False  # an unquoted expansion alone (``$ARGS``): any number of words

    @property
    def is_static(self) -> bool:
        return PLACEHOLDER not in self.value

    def value_span(self, begin: int, end: int) -> tuple[int, int]:
        """Segment offsets of the value characters ``[begin, end)``."""
        if begin == end:
            at = self.spans[begin][0] if begin < len(self.spans) else self.end
            return at, at
        return self.spans[begin][0], self.spans[end - 1][1]


class Codec(Protocol):
    """Maps offsets of a segment's value to offsets of the file text, and encodes new text."""

    def raw(self, offset: int) -> int: ...

    def encode(self, text: str) -> str: ...


@dataclass(frozen=True)
class Identity:
    """A segment whose value is the file text from ``base`` on (masking keeps lengths)."""

    base: int
    forbidden: re.Pattern[str] | None = None

    def raw(self, offset: int) -> int:
        return self.base + offset

    def encode(self, text: str) -> str:
        if self.forbidden is not None and self.forbidden.search(text):
            raise Unencodable(text)
        return text


@dataclass(frozen=True)
class Mapped:
    """A decoded string: ``offsets[i]`` is where value character ``i`` starts in the file
    (``offsets[len(value)]`` is where the value ends)."""

    offsets: tuple[int, ...]
    encoder: Callable[[str], str]

    def raw(self, offset: int) -> int:
        return self.offsets[offset]

    def encode(self, text: str) -> str:
        return self.encoder(text)


@dataclass(frozen=True)
class Opaque:
    """A run-time list item (a Python expression): it can be moved, never edited inside."""

    start: int
    end: int

    def raw(self, offset: int) -> int:
        return self.start if offset == 0 else self.end

    def encode(self, text: str) -> str:
        raise Unencodable(text)


@dataclass(frozen=True)
class ShellSegment:
    """Text holding shell command lines."""

    value: str
    codec: Codec
    make: bool = False  # Makefile syntax: ``$$`` is a shell ``$``, ``$(X)`` a make variable
    prose: bool = False  # quotes never span lines (comments, docstrings)
    code_block: bool = False  # inside a Markdown/reST code block
    anchor: int | None = None  # markers go above this file offset's line, not the command's


@dataclass(frozen=True)
class Element:
    """One item of an argv list (JSON array, YAML sequence, Python list)."""

    word: Word  # offsets relative to the element's value
    codec: Codec
    raw_start: int
    raw_end: int


@dataclass(frozen=True)
class ArgvSegment:
    """A list whose items are the argv of one command, program first."""

    elements: tuple[Element, ...]
    encode_element: Callable[[str], str]
    separator: str
    anchor: int  # file offset on the line a review marker goes above
    code_block: bool = False


Segment = ShellSegment | ArgvSegment


# --- lexing ------------------------------------------------------------------------------

_BLANK = " \t\r"
_NEWLINE = re.compile("\n")
_META = " \t\r\n;&|()<>"
_OPERATORS = (
    "&>>", "<<<", "<<-", "&&", "||", ";;", "|&", "&>", "<<", ">>", ">&", "<&", ">|", "<>",
    ">", "<", ";", "&", "|", "(", ")",
)  # fmt: skip
_SPECIAL_PARAMETERS = "@*#?$!-0123456789"


@dataclass(frozen=True)
class _Op:
    text: str
    start: int
    end: int

    @property
    def is_redirect(self) -> bool:
        return "<" in self.text or ">" in self.text


@dataclass(frozen=True)
class _Comment:
    start: int
    end: int


class _Lexer:
    """Shell tokens of ``text[start:end]``: words, operators and comments."""

    def __init__(self, text: str, start: int, end: int, make: bool, prose: bool) -> None:
        self.text, self.pos, self.end = text, start, end
        self.make, self.prose = make, prose

    def tokens(self) -> list[Word | _Op | _Comment]:
        text, found = self.text, []
        heredocs: list[tuple[str, bool]] = []
        while self.pos < self.end:
            char = text[self.pos]
            if char in _BLANK:
                self.pos += 1
            elif char == "\\" and self._at("\\\n"):
                self.pos += 2
            elif char == "\n":
                found.append(_Op("\n", self.pos, self.pos + 1))
                self.pos += 1
                for delimiter, strip_tabs in heredocs:
                    self._skip_heredoc(delimiter, strip_tabs)
                heredocs = []
            elif char == "#":
                line_end = text.find("\n", self.pos, self.end)
                line_end = self.end if line_end < 0 else line_end
                found.append(_Comment(self.pos + 1, line_end))
                self.pos = line_end
            else:
                operator = None
                if char in "&|;<>()":
                    operator = next(op for op in _OPERATORS if self._at(op))
                if operator is None:
                    found.append(self._word())
                    continue
                found.append(_Op(operator, self.pos, self.pos + len(operator)))
                self.pos += len(operator)
                if operator in ("<<", "<<-"):
                    while self.pos < self.end and text[self.pos] in _BLANK:
                        self.pos += 1
                    heredocs.append((self._word().value, operator == "<<-"))
        return found

    def _at(self, literal: str) -> bool:
        return self.text.startswith(literal, self.pos) and self.pos + len(literal) <= self.end

    def _skip_heredoc(self, delimiter: str, strip_tabs: bool) -> None:
        while self.pos < self.end:
            line_end = self.text.find("\n", self.pos, self.end)
            line_end = self.end if line_end < 0 else line_end
            line = self.text[self.pos : line_end]
            self.pos = min(line_end + 1, self.end)
            if (line.lstrip("\t") if strip_tabs else line) == delimiter:
                return

    def _word(self) -> Word:
        text, start = self.text, self.pos
        chars: list[str] = []
        spans: list[tuple[int, int]] = []
        subs: list[tuple[int, int]] = []
        broken = False
        quote = text[start] if text[start] in "'\"" else ""
        while self.pos < self.end:
            char = text[self.pos]
            if char in _META:
                break
            if char == "\\" and self.pos + 1 < self.end:
                if text[self.pos + 1] != "\n":
                    chars.append(text[self.pos + 1])
                    spans.append((self.pos, self.pos + 2))
                self.pos += 2
            elif char == "'":
                broken |= self._single_quoted(chars, spans)
            elif char == '"':
                broken |= self._double_quoted(chars, spans, subs)
            elif char in "$`":
                broken |= self._expansion(chars, spans, subs, unquoted=True)
            else:
                chars.append(char)
                spans.append((self.pos, self.pos + 1))
                self.pos += 1
        splits = chars == [PLACEHOLDER] and text[start] in "$`"
        return Word(
            "".join(chars), start, self.pos, tuple(spans), broken, tuple(subs), quote, splits
        )

    def _single_quoted(self, chars: list[str], spans: list[tuple[int, int]]) -> bool:
        self.pos += 1
        while self.pos < self.end:
            char = self.text[self.pos]
            if char == "'":
                self.pos += 1
                return False
            if char == "\n" and self.prose:
                return True
            if char == "$" and self.make and self._make_variable(chars, spans):
                continue
            width = 2 if self.make and self.text.startswith("$$", self.pos) else 1
            chars.append(char)
            spans.append((self.pos, self.pos + width))
            self.pos += width
        return True

    def _make_variable(self, chars: list[str], spans: list[tuple[int, int]]) -> bool:
        """Read a make variable (``$(X)``, ``${X}``, ``$X``) at ``pos`` as a run-time value;
        False when it is ``$$`` (a ``$`` for the shell) or a lone ``$``."""
        start = self.pos
        following = self.text[start + 1] if start + 1 < self.end else ""
        if not following or following == "$" or following.isspace():
            return False
        if following in "({":
            self.pos = _balanced_end(self.text, start + 1, self.end)
        else:
            self.pos = start + 2
        self._placeholder(chars, spans, start)
        return True

    def _double_quoted(
        self, chars: list[str], spans: list[tuple[int, int]], subs: list[tuple[int, int]]
    ) -> bool:
        text = self.text
        self.pos += 1
        while self.pos < self.end:
            char = text[self.pos]
            if char == '"':
                self.pos += 1
                return False
            if char == "\n" and self.prose:
                return True
            if char == "\\" and self.pos + 1 < self.end and text[self.pos + 1] in '$`"\\\n':
                if text[self.pos + 1] != "\n":
                    chars.append(text[self.pos + 1])
                    spans.append((self.pos, self.pos + 2))
                self.pos += 2
            elif char in "$`":
                if self._expansion(chars, spans, subs, unquoted=False):
                    return True
            else:
                chars.append(char)
                spans.append((self.pos, self.pos + 1))
                self.pos += 1
        return True

    def _expansion(
        self,
        chars: list[str],
        spans: list[tuple[int, int]],
        subs: list[tuple[int, int]],
        unquoted: bool,
    ) -> bool:
        """Read one ``$...`` or backtick expansion; returns whether a quote was left open."""
        text, start, end = self.text, self.pos, self.end
        dollar = start
        if text[start] == "`":
            close = _backtick_end(text, start + 1, end)
            subs.append((start + 1, close))
            self.pos = min(close + 1, end)
            return self._placeholder(chars, spans, start)
        if self.make:
            if self._make_variable(chars, spans):
                return False
            if text.startswith("$$", start):
                dollar = start + 1
        following = text[dollar + 1] if dollar + 1 < end else ""
        if following == "(":
            self.pos = _balanced_end(text, dollar + 1, end)
            if not text.startswith("((", dollar + 1):
                subs.append((dollar + 2, max(dollar + 2, self.pos - 1)))
            return self._placeholder(chars, spans, start)
        if following == "{":
            self.pos = _balanced_end(text, dollar + 1, end)
            return self._placeholder(chars, spans, start)
        if following == "'" and unquoted:
            return self._ansi_c_quoted(chars, spans, dollar + 1)
        if following == '"' and unquoted:
            self.pos = dollar + 1
            return self._double_quoted(chars, spans, subs)
        if following and (following.isalpha() or following == "_"):
            self.pos = dollar + 1
            while self.pos < end and (text[self.pos].isalnum() or text[self.pos] == "_"):
                self.pos += 1
            return self._placeholder(chars, spans, start)
        if following and following in _SPECIAL_PARAMETERS:
            self.pos = dollar + 2
            return self._placeholder(chars, spans, start)
        chars.append("$")
        spans.append((start, dollar + 1))
        self.pos = dollar + 1
        return False

    def _placeholder(self, chars: list[str], spans: list[tuple[int, int]], start: int) -> bool:
        chars.append(PLACEHOLDER)
        spans.append((start, self.pos))
        return False

    def _ansi_c_quoted(self, chars: list[str], spans: list[tuple[int, int]], quote: int) -> bool:
        text = self.text
        self.pos = quote + 1
        escapes = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", "'": "'", '"': '"', "0": "\0"}
        while self.pos < self.end:
            char = text[self.pos]
            if char == "'":
                self.pos += 1
                return False
            if char == "\\" and self.pos + 1 < self.end:
                escaped = text[self.pos + 1]
                chars.append(escapes.get(escaped, "\\" + escaped)[-1])
                spans.append((self.pos, self.pos + 2))
                self.pos += 2
                continue
            chars.append(char)
            spans.append((self.pos, self.pos + 1))
            self.pos += 1
        return True


def _balanced_end(text: str, open_at: int, end: int) -> int:
    """The offset after the bracket closing the one at ``open_at`` (quotes respected)."""
    opening = text[open_at]
    closing = ")" if opening == "(" else "}"
    depth, pos = 0, open_at
    while pos < end:
        char = text[pos]
        if char == "\\":
            pos += 2
            continue
        if char in "'\"":
            close = text.find(char, pos + 1, end)
            pos = end if close < 0 else close + 1
            continue
        if char == opening:
            depth += 1
        elif char == closing:
            depth -= 1
            if depth == 0:
                return pos + 1
        pos += 1
    return end


def _backtick_end(text: str, pos: int, end: int) -> int:
    while pos < end:
        if text[pos] == "\\":
            pos += 2
            continue
        if text[pos] == "`":
            return pos
        pos += 1
    return end


# --- commands and invocations ------------------------------------------------------------


@dataclass(frozen=True)
class _Command:
    words: tuple[Word, ...]
    line_start: int  # segment offset of the line the command's logical line starts on
    captured: bool  # its output is read by something (``$(...)``, backticks, a pipe)


def _commands(
    text: str,
    start: int,
    end: int,
    make: bool,
    prose: bool,
    line_start: int,
    captured: bool = False,
    skip_marked: bool = False,
) -> Iterator[_Command]:
    """The commands of ``text[start:end]``, those in comments and substitutions included;
    with ``skip_marked``, not those in a comment holding a review marker."""
    words: list[Word] = []
    redirect_target = False

    def finish(piped: bool) -> Iterator[_Command]:
        if words:
            yield _Command(tuple(words), line_start, captured or piped)
        for word in words:
            for sub_start, sub_end in word.subs:
                yield from _commands(
                    text, sub_start, sub_end, make, prose, line_start, True, skip_marked
                )

    for token in _Lexer(text, start, end, make, prose).tokens():
        if isinstance(token, Word):
            if redirect_target:
                redirect_target = False
            else:
                words.append(token)
        elif isinstance(token, _Comment):
            comment = text[token.start : token.end]
            if _may_name_program(comment) and not (skip_marked and MARKER in comment):
                yield from _commands(
                    text, token.start, token.end, make, True, line_start, False, skip_marked
                )
        elif token.is_redirect:
            if words and words[-1].end == token.start and words[-1].value.isdigit():
                words.pop()
            redirect_target = token.text not in ("<<", "<<-")
        else:
            yield from finish(token.text in ("|", "|&"))
            words = []
            if token.text == "\n":
                line_start = token.end
    yield from finish(False)


def _segment_commands(
    text: str, make: bool, prose: bool, skip_marked: bool
) -> tuple[_Command, ...]:
    """The commands of a whole segment's text. A short segment's are kept for the next
    codemods: most segments of a file (a YAML ``run:`` block, a Dockerfile ``RUN``) are still
    the same text after one codemod rewrote another, and their commands (frozen, offsets in
    ``text``) still hold. A long segment is a whole file, which the codemods rewrite anyway."""
    if len(text) > _KEPT_SEGMENT_LENGTH:
        return _read_segment_commands(text, make, prose, skip_marked)
    return _kept_segment_commands(text, make, prose, skip_marked)


def _read_segment_commands(
    text: str, make: bool, prose: bool, skip_marked: bool
) -> tuple[_Command, ...]:
    return tuple(_commands(text, 0, len(text), make, prose, 0, skip_marked=skip_marked))


_KEPT_SEGMENT_LENGTH = 4096  # bounds the cache to about 1,024 x 4 KB of text
_kept_segment_commands = lru_cache(maxsize=1024)(_read_segment_commands)


def _may_name_program(text: str) -> bool:
    """Whether a word of ``text`` may read ``prefect`` or stand for a variable: not when
    ``text`` has no escapes or expansions and no ``prefect`` once quotes are left out.
    (Most comments are prose: they need not be read word by word.)"""
    if "\\" in text or "$" in text or "`" in text:
        return True
    return "prefect" in text.replace("'", "").replace('"', "")


_RESERVED = frozenset({"if", "then", "else", "elif", "do", "while", "until", "!", "{", "time"})
_WRAPPERS = frozenset({"exec", "nohup", "command"})
_RUNNERS = frozenset({"poetry", "pipenv", "pdm"})
_ENV_OPTIONS_WITH_VALUE = frozenset({"-u", "--unset", "-C", "--chdir", "-S", "--split-string"})
_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\+?=")
_PYTHON = re.compile(r"python[0-9.]*")
_SHELLS = frozenset({"sh", "bash", "zsh", "dash", "ksh"})
_VARIABLE_WORD = re.compile(r'"?\$\$?[({]?([A-Za-z_]\w*)[)}]?"?')


def _basename(value: str) -> str:
    return value.rsplit("/", 1)[-1]


def _program_end(words: Sequence[Word], raw: str, aliases: frozenset[str]) -> int | None:
    """Index of the first argument after a ``prefect`` program in ``words``, if it is one."""
    index = _command_index(words)
    if index is None:
        return None
    value = words[index].value
    if _basename(value) == "prefect":
        return index + 1
    if value.count(PLACEHOLDER) == 1 and value == PLACEHOLDER:
        match = _VARIABLE_WORD.fullmatch(raw[words[index].start : words[index].end])
        if match and match.group(1) in aliases:
            return index + 1
    rest = [word.value for word in words[index + 1 : index + 3]]
    if (value == PLACEHOLDER or _PYTHON.fullmatch(_basename(value))) and rest == ["-m", "prefect"]:
        return index + 3
    return None


def _command_index(words: Sequence[Word]) -> int | None:
    """Index of the program word, past assignments, reserved words and wrappers."""
    index, count = 0, len(words)
    while index < count:
        value = words[index].value
        if _ASSIGNMENT.match(value) or value in _RESERVED:
            index += 1
        elif value in _WRAPPERS:
            index += 1
            while index < count and words[index].value.startswith("-"):
                index += 1
        elif value == "env":
            index += 1
            while index < count and (
                words[index].value.startswith("-") or _ASSIGNMENT.match(words[index].value)
            ):
                index += 2 if words[index].value in _ENV_OPTIONS_WITH_VALUE else 1
        elif value in _RUNNERS and index + 1 < count and words[index + 1].value == "run":
            index += 2
        else:
            return index
    return None


def _shell_string_index(words: Sequence[Word]) -> int | None:
    """Index of the command string of ``sh -c '...'`` (and ``bash -lc``, ...)."""
    index = _command_index(words)
    if index is None or _basename(words[index].value) not in _SHELLS:
        return None
    for position in range(index + 1, len(words) - 1):
        value = words[position].value
        if not value.startswith("-") or value.startswith("--"):
            return None
        if "c" in value[1:]:
            return position + 1
    return None


@dataclass(frozen=True)
class Invocation:
    """One ``prefect`` command: ``args`` are the words after the program."""

    words: tuple[Word, ...]  # program (with wrappers) and arguments
    first_arg: int
    captured: bool  # output read by ``$(...)``, backticks or a pipe
    segment: Segment
    line_start: int  # segment offset (shell) of the command's logical line

    @property
    def args(self) -> tuple[Word, ...]:
        return self.words[self.first_arg :]

    @property
    def values(self) -> list[str]:
        return [word.value for word in self.args]

    @property
    def code_block(self) -> bool:
        return self.segment.code_block


def invocations(segment: Segment, aliases: frozenset[str] = frozenset()) -> Iterator[Invocation]:
    """Every ``prefect`` invocation in ``segment``."""
    if isinstance(segment, ArgvSegment):
        words = tuple(element.word for element in segment.elements)
        end = _program_end(words, "", aliases)
        if end is not None:
            yield Invocation(words, end, False, segment, 0)
        return
    value = segment.value
    if not aliases and "prefect" not in value:
        return
    # A review marker quotes commands: file_invocations drops what is on its line, which in
    # file text (Identity) is the line of the marker's comment, so that comment is not read.
    skip_marked = isinstance(segment.codec, Identity)
    for command in _segment_commands(value, segment.make, segment.prose, skip_marked):
        if any(word.broken for word in command.words):
            continue
        end = _program_end(command.words, value, aliases)
        if end is not None:
            yield Invocation(command.words, end, command.captured, segment, command.line_start)
            continue
        inner = _shell_string_index(command.words)
        if inner is not None:
            nested = _nested_segment(segment, command.words[inner])
            for found in invocations(nested, aliases):
                if command.captured:
                    found = replace(found, captured=True)
                yield found


def _nested_segment(parent: ShellSegment, word: Word) -> ShellSegment:
    """The command string of ``sh -c WORD`` as a segment of its own."""
    offsets = [parent.codec.raw(span[0]) for span in word.spans]
    offsets.append(
        parent.codec.raw(word.spans[-1][1]) if word.spans else parent.codec.raw(word.end)
    )

    def encoder(text: str) -> str:
        if word.quote == "'":
            quoted = text.replace("'", "'\\''")
        elif word.quote == '"':
            quoted = re.sub(r'(["\\$`])', r"\\\1", text)
        else:
            quoted = re.sub(r"([^\w@%+=:,./-])", r"\\\1", text)
        if parent.make:
            quoted = quoted.replace("$", "$$")
        return parent.codec.encode(quoted)

    return ShellSegment(
        word.value, Mapped(tuple(offsets), encoder), False, parent.prose, parent.code_block
    )


# --- where command lines are, per file kind ----------------------------------------------

_ALIAS_DEFINITION = re.compile(
    r"^[ \t]*(?:export[ \t]+|override[ \t]+|ENV[ \t]+)?([A-Za-z_]\w*)[ \t]*(?:::=|:=|\?=|\+=|=)"
    r"[ \t]*[\"']?([^\"'\n#]*)",
    re.MULTILINE,
)


def command_aliases(text: str) -> frozenset[str]:
    """Variables the file assigns a ``prefect`` program (``PREFECT := poetry run prefect``)."""
    found = set()
    for match in _ALIAS_DEFINITION.finditer(text):
        parts = match.group(2).split()
        if parts and _basename(parts[-1]) == "prefect":
            found.add(match.group(1))
    return frozenset(found)


def segments_of(text: str, kind: FileKind, path: str = "") -> list[Segment]:
    """The parts of a non-Python file that hold command lines."""
    if PurePosixPath(path).name == "Jenkinsfile":
        return _jenkinsfile_scan(text, 0, False)
    scanner = _SCANNERS.get(kind)
    return scanner(text, 0, False) if scanner is not None else []


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of every line of ``text``, without the newline."""
    result, start = [], 0
    while start < len(text):
        end = text.find("\n", start)
        if end < 0:
            result.append((start, len(text)))
            break
        result.append((start, end))
        start = end + 1
    return result


def _mask(text: str, keep: Sequence[tuple[int, int]]) -> str:
    """``text`` with everything outside ``keep`` blanked (newlines stay)."""
    pieces, position = [], 0
    for start, end in sorted(keep):
        start = max(start, position)
        if end <= start:
            continue
        pieces.append(_blank(text[position:start]))
        pieces.append(text[start:end])
        position = end
    pieces.append(_blank(text[position:]))
    return "".join(pieces)


def _blank(text: str) -> str:
    """``text`` with every character but newlines turned into a space."""
    return "\n".join(" " * len(line) for line in text.split("\n"))


def _is_comment_line(line: str) -> bool:
    return line.lstrip().startswith("#")


def _shell_scan(text: str, base: int, code_block: bool) -> list[Segment]:
    return [ShellSegment(text, Identity(base), code_block=code_block)]


_PROCFILE_LINE = re.compile(r"[ \t]*[\w.-]+[ \t]*:")


def _procfile_scan(text: str, base: int, code_block: bool) -> list[Segment]:
    keep = []
    for start, end in _lines(text):
        line = text[start:end]
        match = _PROCFILE_LINE.match(line)
        if match:
            keep.append((start + match.end(), end))
        elif _is_comment_line(line):
            keep.append((start, end))
    return [ShellSegment(_mask(text, keep), Identity(base), code_block=code_block)]


_MAKE_ASSIGNMENT = re.compile(
    r"(?:(?:export|override|private)[ \t]+)*[A-Za-z_][\w.-]*[ \t]*(?:::=|:=|\?=|\+=|!=|=)[ \t]*"
)
_MAKE_INLINE_RECIPE = re.compile(r"[^\t#=:]+:[^=;]*;")


def _makefile_scan(text: str, base: int, code_block: bool) -> list[Segment]:
    """Recipe lines (after the tab and ``@-+``), variable values and comments."""
    keep: list[tuple[int, int]] = []
    continued = False
    for start, end in _lines(text):
        line = text[start:end]
        kept_from: int | None = None
        if continued or _is_comment_line(line):
            kept_from = start
        elif line.startswith("\t"):
            kept_from = start + len(line) - len(line[1:].lstrip(" \t@+-"))
        elif match := (_MAKE_ASSIGNMENT.match(line) or _MAKE_INLINE_RECIPE.match(line)):
            kept_from = start + match.end()
        if kept_from is not None:
            keep.append((kept_from, end))
        continued = kept_from is not None and line.endswith("\\")
    return [ShellSegment(_mask(text, keep), Identity(base), make=True, code_block=code_block)]


_DOCKER_INSTRUCTION = re.compile(r"[ \t]*(?P<name>[A-Za-z]+)(?:[ \t]+|$)")
_DOCKER_RUN_FLAGS = re.compile(r"(?:--[\w-]+(?:=\S*)?[ \t]+)*")
_DOCKER_COMMANDS = frozenset({"RUN", "CMD", "ENTRYPOINT"})


def _dockerfile_scan(text: str, base: int, code_block: bool) -> list[Segment]:
    """``RUN``/``CMD``/``ENTRYPOINT`` bodies (shell or exec form) and comment lines."""
    lines = _lines(text)
    keep: list[tuple[int, int]] = []
    skipped: list[tuple[int, int]] = []  # comment lines inside an instruction: Docker drops them
    segments: list[Segment] = []
    index = 0
    while index < len(lines):
        start, end = lines[index]
        line = text[start:end]
        if _is_comment_line(line):
            keep.append((start, end))
            index += 1
            continue
        last, inner = index, []
        while text[lines[last][0] : lines[last][1]].rstrip().endswith("\\") and last + 1 < len(
            lines
        ):
            last += 1
            while last + 1 < len(lines) and _is_comment_line(text[lines[last][0] : lines[last][1]]):
                inner.append(lines[last])
                last += 1
        match = _DOCKER_INSTRUCTION.match(line)
        if match and match.group("name").upper() in _DOCKER_COMMANDS:
            body = start + match.end()
            if match.group("name").upper() == "RUN":
                body = _DOCKER_RUN_FLAGS.match(text, body).end()
            items = None if inner else _json_array(text, body, lines[last][1], base)
            if items is not None:
                segments.extend(_list_segments(items, json_element, base + start, code_block))
            else:
                keep.append((body, lines[last][1]))
                skipped.extend(inner)
        index = last + 1
    masked = list(_mask(text, keep))
    for start, end in skipped:
        masked[start : end + 1] = " " * (end + 1 - start)
    return [ShellSegment("".join(masked), Identity(base), code_block=code_block), *segments]


_INI_COMMAND = re.compile(
    r"(?P<lead>[ \t]*(?P<comment>[#;][ \t]*)?)(?:command|commands|exec\w*)[ \t]*=[ \t]*[-@:+!]*",
    re.IGNORECASE,
)


_SUPERVISOR_EXPANSION = re.compile(r"%\([^)\n]*\)[sd]")


def _ini_scan(text: str, base: int, code_block: bool) -> list[Segment]:
    """``command=``/``commands =``/``Exec*=`` values (and continuation lines), comments;
    supervisord's ``%(ENV_X)s`` expansions are run-time values."""
    keep: list[tuple[int, int]] = []
    comment_chars: list[int] = []
    in_value = False
    for start, end in _lines(text):
        line = text[start:end]
        stripped = line.lstrip()
        match = _INI_COMMAND.match(line)
        if match:
            keep.append((start + match.end(), end))
            if match.group("comment"):
                comment_chars.append(start + match.start("comment"))
            in_value = not match.group("comment")
        elif in_value and line[:1] in (" ", "\t") and stripped and stripped[0] not in "#;":
            keep.append((start, end))
        else:
            in_value = False
            if stripped[:1] in ("#", ";"):
                keep.append((end - len(stripped), end))
                comment_chars.append(end - len(stripped))
    masked = list(_mask(text, keep))
    for at in comment_chars:
        masked[at] = "#"  # a ``;`` comment reads like a shell comment
    for match in _SUPERVISOR_EXPANSION.finditer(text):
        masked[match.start() : match.end()] = PLACEHOLDER * (match.end() - match.start())
    return [ShellSegment("".join(masked), Identity(base), code_block=code_block)]


# Jenkinsfile ------------------------------------------------------------------------------

_GROOVY_SH = re.compile(r"\bsh\b[ \t]*\(?[ \t]*(?:script[ \t]*:[ \t]*)?(?='|\")")
_GROOVY_ESCAPES = {"\\": "\\", "'": "'", '"': '"', "$": "$", "n": "\n", "t": "\t", "r": "\r"}


def _jenkinsfile_scan(text: str, base: int, code_block: bool) -> list[Segment]:
    """The strings of ``sh '...'``/``sh "..."``/``sh(script: ...)`` steps; markers go above
    the step (a comment inside the string would be handed to the shell)."""
    segments: list[Segment] = []
    for match in _GROOVY_SH.finditer(text):
        at = match.end()
        quote = next(q for q in ("'''", '"""', "'", '"') if text.startswith(q, at))
        close = at + len(quote)
        while close < len(text) and not text.startswith(quote, close):
            close += 2 if text[close] == "\\" else 1
        decoded = _decode_groovy(text, at + len(quote), close, interpolating=quote[0] == '"')
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


def _decode_groovy(
    text: str, start: int, end: int, interpolating: bool
) -> tuple[str, list[int]] | None:
    chars: list[str] = []
    offsets: list[int] = []
    position = start
    while position < end:
        char = text[position]
        offsets.append(position)
        if char == "\\" and position + 1 < end:
            escaped = text[position + 1]
            if escaped == "\n":
                offsets.pop()
                position += 2
                continue
            chars.append(_GROOVY_ESCAPES.get(escaped, escaped))
            position += 2
        elif interpolating and char == "$" and text.startswith("{", position + 1):
            chars.append(PLACEHOLDER)
            position = _balanced_end(text, position + 1, end)
        elif interpolating and char == "$" and position + 1 < end and text[position + 1].isalpha():
            chars.append(PLACEHOLDER)
            position += 1
            while position < end and (text[position].isalnum() or text[position] in "_."):
                position += 1
        else:
            chars.append(char)
            position += 1
    offsets.append(end)
    return "".join(chars), offsets


# YAML -------------------------------------------------------------------------------------

_YAML_COMMAND_KEYS = frozenset(
    {
        "run",
        "script",
        "before_script",
        "after_script",
        "command",
        "commands",
        "args",
        "entrypoint",
        "cmd",
        "bash",
        "sh",
        "inlineScript",
        "test",
    }
)
_YAML_ENTRY = re.compile(
    r"(?P<indent>[ \t]*)(?P<dashes>(?:-(?:[ \t]+|$))*)"
    r"(?:(?P<key>[A-Za-z_][\w.-]*|\"[^\"\n]*\"|'[^'\n]*')[ \t]*:(?=[ \t]|$)[ \t]*)?"
    r"(?P<rest>.*)"
)
_YAML_BLOCK_INDICATOR = re.compile(r"[|>][-+0-9]*[ \t]*(?:#.*)?$")
_YAML_PROPERTIES = re.compile(r"(?:[&!][^ \t]*[ \t]+)*")
_YAML_TEMPLATE = re.compile(r"\$?\{\{.*?\}\}|\{%.*?%\}")
_YAML_PLAIN_FORBIDDEN = re.compile(r": |:$| #|\n")
_YAML_FLOW_FORBIDDEN = re.compile(r"[,\[\]{}]|: |:$| #|\n")
_EXPANSION = re.compile(r"\$(?:\{[^}]*\}|\([^)]*\)|[A-Za-z_]\w*)")


def _yaml_scan(text: str, base: int, code_block: bool, shell_blocks: bool = False) -> list[Segment]:
    masked = _YAML_TEMPLATE.sub(lambda match: PLACEHOLDER * len(match.group()), text)
    return _YamlScanner(masked, base, code_block, shell_blocks).segments()


def _ci_scan(text: str, base: int, code_block: bool) -> list[Segment]:
    """CI files run their literal block scalars as shell scripts: markers may go inside."""
    return _yaml_scan(text, base, code_block, shell_blocks=True)


class _YamlScanner:
    """Command values of a YAML document, line by line (no YAML library keeps the bytes)."""

    def __init__(self, text: str, base: int, code_block: bool, shell_blocks: bool) -> None:
        self.text, self.base = text, base
        self.code_block, self.shell_blocks = code_block, shell_blocks
        self.lines = _lines(text)
        self.found: list[Segment] = []
        self.comments: list[tuple[int, int]] = []

    def segments(self) -> list[Segment]:
        index = 0
        while index < len(self.lines):
            index = self._entry(index)
        if self.comments:
            comments = _mask(self.text, self.comments)
            self.found.append(
                ShellSegment(comments, Identity(self.base), prose=True, code_block=self.code_block)
            )
        return self.found

    def _line(self, index: int) -> str:
        start, end = self.lines[index]
        return self.text[start:end]

    def _indent(self, index: int) -> int:
        line = self._line(index)
        return len(line) - len(line.lstrip(" \t"))

    def _skippable(self, index: int) -> bool:
        stripped = self._line(index).strip()
        if stripped.startswith("#"):
            self.comments.append((self.lines[index][1] - len(stripped), self.lines[index][1]))
        return not stripped or stripped.startswith("#")

    def _entry(self, index: int) -> int:
        """Read the entry on line ``index``; returns the next line to read."""
        if self._skippable(index):
            return index + 1
        start = self.lines[index][0]
        line = self._line(index)
        match = _YAML_ENTRY.match(line)
        assert match is not None
        key = match.group("key")
        column = match.start("key") if key else match.end("indent")
        rest_at = _YAML_PROPERTIES.match(line, match.start("rest")).end()
        rest = line[rest_at:]
        is_command = key is not None and key.strip("\"'") in _YAML_COMMAND_KEYS
        if _YAML_BLOCK_INDICATOR.match(rest):
            last = self._block_end(index, column)
            if is_command:
                self._block_scalar(index, last, folded=rest.startswith(">"))
            return last + 1
        self._trailing_comment(index, rest_at)
        value = _strip_yaml_comment(rest)
        if not is_command:
            return index + 1
        if not value:
            return self._block_sequence(index, column)
        if value.startswith("["):
            return self._flow_sequence(index, start + rest_at)
        scalar = self._scalar(start + rest_at, start + rest_at + len(value), flow=False)
        if scalar is not None:
            self.found.append(ShellSegment(scalar[0], scalar[1], code_block=self.code_block))
        return index + 1

    def _trailing_comment(self, index: int, rest_at: int) -> None:
        start, end = self.lines[index]
        rest = self._line(index)[rest_at:]
        hash_at = rest.find("#", len(_strip_yaml_comment(rest)))
        if hash_at >= 0:
            self.comments.append((start + rest_at + hash_at, end))

    def _block_end(self, index: int, column: int) -> int:
        """The last line of the block scalar that starts on line ``index``."""
        last = index
        for following in range(index + 1, len(self.lines)):
            if not self._line(following).strip():
                continue
            if self._indent(following) <= column:
                break
            last = following
        return last

    def _block_scalar(self, index: int, last: int, folded: bool) -> None:
        if last == index:
            return
        content_start, content_end = self.lines[index + 1][0], self.lines[last][1]
        value = self.text[content_start:content_end]
        anchor = None
        if folded:
            value = value.replace("\n", " ")
        if folded or not self.shell_blocks:
            anchor = self.base + self.lines[index][0]
        codec = Identity(self.base + content_start)
        self.found.append(ShellSegment(value, codec, code_block=self.code_block, anchor=anchor))

    def _scalar(self, start: int, end: int, flow: bool) -> tuple[str, Codec] | None:
        """(value, codec) of a plain or single-line quoted scalar at ``text[start:end]``."""
        raw = self.text[start:end]
        if raw[:1] == '"':
            decoded = _decode_escaped(self.text, start + 1, end - 1, _YAML_DOUBLE_ESCAPES)
            if len(raw) < 2 or not raw.endswith('"') or decoded is None:
                return None
            value, offsets = decoded
            return value, Mapped(tuple(self.base + offset for offset in offsets), _yaml_double)
        if raw[:1] == "'":
            if len(raw) < 2 or not raw.endswith("'"):
                return None
            value, offsets = _decode_yaml_single(self.text, start + 1, end - 1)
            return value, Mapped(tuple(self.base + offset for offset in offsets), _yaml_single)
        if raw[:1] in ("[", "{", "&", "*", "!", "|", ">"):
            return None
        forbidden = _YAML_FLOW_FORBIDDEN if flow else _YAML_PLAIN_FORBIDDEN
        return raw, Identity(self.base + start, forbidden)

    def _flow_sequence(self, index: int, open_at: int) -> int:
        close = _flow_end(self.text, open_at)
        if close is None:
            return index + 1
        last = index
        while last + 1 < len(self.lines) and self.lines[last][1] < close:
            last += 1
        items = _split_flow(self.text, open_at + 1, close)
        scalars = [self._scalar(start, end, flow=True) for start, end in items]
        if items and all(scalars):
            self._items(items, scalars, index)  # type: ignore[arg-type]
        return last + 1

    def _block_sequence(self, index: int, column: int) -> int:
        """The items of a block sequence under the command key on line ``index``."""
        following = index + 1
        while following < len(self.lines) and not self._line(following).strip():
            following += 1
        if (
            following >= len(self.lines)
            or self._indent(following) < column
            or not self._line(following).lstrip().startswith("-")
        ):
            return index + 1
        item_indent = self._indent(following)
        items: list[tuple[int, int]] = []
        blocks: list[tuple[int, int, bool]] = []
        position = following
        while position < len(self.lines):
            if self._skippable(position):
                position += 1
                continue
            line = self._line(position)
            if self._indent(position) != item_indent or not line.lstrip().startswith("-"):
                break
            content_at = len(line) - len(line[item_indent + 1 :].lstrip(" \t"))
            content = line[content_at:]
            if _YAML_BLOCK_INDICATOR.match(content):
                last = self._block_end(position, item_indent)
                blocks.append((position, last, content.startswith(">")))
                position = last + 1
                continue
            entry = _YAML_ENTRY.match(content)
            if not content or (entry is not None and entry.group("key")):
                return index + 1  # a sequence of mappings: the main loop reads them
            self._trailing_comment(position, content_at)
            start = self.lines[position][0] + content_at
            items.append((start, start + len(_strip_yaml_comment(content))))
            position += 1
        scalars = [self._scalar(start, end, flow=False) for start, end in items]
        if all(scalars):
            self._items(items, scalars, index, argv=not blocks)  # type: ignore[arg-type]
        for block_index, last, folded in blocks:
            self._block_scalar(block_index, last, folded)
        return position

    def _items(
        self,
        items: list[tuple[int, int]],
        scalars: list[tuple[str, Codec]],
        key_index: int,
        argv: bool = True,
    ) -> None:
        """An argv when the items start with the program, else one command line per item."""
        elements = [
            _element(value, codec, self.base + start, self.base + end)
            for (value, codec), (start, end) in zip(scalars, items, strict=True)
        ]
        if argv and _program_end([e.word for e in elements], "", frozenset()) is not None:
            separator = ", "
            if len(items) > 1:
                separator = self.text[items[0][1] : items[1][0]]
            encoder = _yaml_element_encoder(self.text[items[0][0]])
            anchor = self.base + self.lines[key_index][0]
            self.found.append(
                ArgvSegment(tuple(elements), encoder, separator, anchor, self.code_block)
            )
            return
        for value, codec in scalars:
            self.found.append(ShellSegment(value, codec, code_block=self.code_block))


def _strip_yaml_comment(rest: str) -> str:
    """``rest`` without a trailing `` # comment`` (quotes respected)."""
    quote = ""
    for position, char in enumerate(rest):
        if quote:
            if char == quote:
                quote = ""
        elif char in "'\"" and (position == 0 or rest[position - 1] in " \t[,"):
            quote = char
        elif char == "#" and (position == 0 or rest[position - 1] in " \t"):
            return rest[:position].rstrip()
    return rest.rstrip()


def _flow_end(text: str, open_at: int) -> int | None:
    depth, quote, position = 0, "", open_at
    while position < len(text):
        char = text[position]
        if quote:
            if char == "\\" and quote == '"':
                position += 1
            elif char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
            if depth == 0:
                return position
        position += 1
    return None


def _split_flow(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """(start, end) of each item of a flow sequence body, whitespace trimmed."""
    items: list[tuple[int, int]] = []
    quote, item_start, position = "", start, start
    while position <= end:
        char = text[position] if position < end else ","
        if quote:
            if char == "\\" and quote == '"':
                position += 1
            elif char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char == ",":
            raw = text[item_start:position]
            left = item_start + len(raw) - len(raw.lstrip())
            right = item_start + len(raw.rstrip())
            if right > left:
                items.append((left, right))
            item_start = position + 1
        position += 1
    return items


def _element(
    value: str, codec: Codec, raw_start: int, raw_end: int, expand: bool = True
) -> Element:
    """A list item as a word; with ``expand``, ``$VAR``/``${VAR}``/``$(VAR)`` are run-time."""
    chars: list[str] = []
    spans: list[tuple[int, int]] = []
    position = 0
    for match in _EXPANSION.finditer(value) if expand else ():
        chars.extend(value[position : match.start()])
        spans.extend((i, i + 1) for i in range(position, match.start()))
        chars.append(PLACEHOLDER)
        spans.append((match.start(), match.end()))
        position = match.end()
    chars.extend(value[position:])
    spans.extend((i, i + 1) for i in range(position, len(value)))
    word = Word("".join(chars), 0, len(value), tuple(spans))
    return Element(word, codec, raw_start, raw_end)


_YAML_DOUBLE_ESCAPES = {
    "\\": "\\", '"': '"', "/": "/", "n": "\n", "t": "\t", "r": "\r", "0": "\0", " ": " ",
    "a": "\a", "b": "\b", "e": "\x1b", "f": "\f", "v": "\v", "N": "\x85", "_": "\xa0",
}  # fmt: skip


def _decode_escaped(
    text: str, start: int, end: int, escapes: dict[str, str]
) -> tuple[str, list[int]] | None:
    """A backslash-escaped string body: its value and the offset of each character (+ end)."""
    chars: list[str] = []
    offsets: list[int] = []
    position = start
    while position < end:
        char = text[position]
        offsets.append(position)
        if char != "\\" or position + 1 >= end:
            chars.append(char)
            position += 1
            continue
        escaped = text[position + 1]
        width = {"x": 2, "u": 4, "U": 8}.get(escaped)
        if width is not None:
            digits = text[position + 2 : position + 2 + width]
            if len(digits) != width or any(c not in "0123456789abcdefABCDEF" for c in digits):
                return None
            chars.append(chr(int(digits, 16)))
            position += 2 + width
        elif escaped in escapes:
            chars.append(escapes[escaped])
            position += 2
        else:
            return None
    offsets.append(end)
    return "".join(chars), offsets


def _decode_yaml_single(text: str, start: int, end: int) -> tuple[str, list[int]]:
    chars: list[str] = []
    offsets: list[int] = []
    position = start
    while position < end:
        offsets.append(position)
        chars.append(text[position])
        position += 2 if text.startswith("''", position) else 1
    offsets.append(end)
    return "".join(chars), offsets


def _yaml_double(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)[1:-1]


def _yaml_single(text: str) -> str:
    return text.replace("'", "''")


def json_element(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _yaml_element_encoder(first_char: str) -> Callable[[str], str]:
    if first_char == '"':
        return json_element
    if first_char == "'":
        return lambda text: "'" + _yaml_single(text) + "'"
    return lambda text: text if re.fullmatch(r"[\w./=-]+", text) else json_element(text)


def _json_array(
    text: str, start: int, end: int, base: int
) -> list[tuple[str, Codec, int, int]] | None:
    """The items of a JSON array of strings at ``text[start:end]`` (Dockerfile exec form)."""
    body = text[start:end].rstrip()
    if not body.startswith("[") or not body.endswith("]"):
        return None
    items: list[tuple[str, Codec, int, int]] = []
    for item_start, item_end in _split_flow(text, start + 1, start + len(body) - 1):
        if item_end - item_start < 2 or text[item_start] != '"' or text[item_end - 1] != '"':
            return None
        decoded = _decode_escaped(text, item_start + 1, item_end - 1, _YAML_DOUBLE_ESCAPES)
        if decoded is None:
            return None
        value, offsets = decoded
        codec = Mapped(tuple(base + offset for offset in offsets), _yaml_double)
        items.append((value, codec, base + item_start, base + item_end))
    return items or None


def _list_segments(
    items: list[tuple[str, Codec, int, int]],
    encode: Callable[[str], str],
    anchor: int,
    code_block: bool,
) -> list[Segment]:
    """An exec-form list: one argv when it starts with the program, else command lines."""
    elements = [_element(value, codec, start, end) for value, codec, start, end in items]
    if _program_end([element.word for element in elements], "", frozenset()) is not None:
        return [ArgvSegment(tuple(elements), encode, ", ", anchor, code_block)]
    return [
        ShellSegment(element.word.value, element.codec, code_block=code_block, anchor=anchor)
        for element in elements
    ]


# Markdown and reStructuredText ------------------------------------------------------------

_FENCE = re.compile(r"(?P<indent>[ \t]{0,3})(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^`\n]*)$")
_INLINE_CODE = re.compile(r"(?<!`)(?P<ticks>`+)(?!`)(?P<code>.+?)(?<!`)(?P=ticks)(?!`)")
_PROMPT = re.compile(r"[ \t]*(?:\(\S+\)[ \t]*)?[$%][ \t]+")
_SHELL_LANGUAGES = frozenset(
    {"", "sh", "bash", "shell", "zsh", "console", "shell-session", "shellsession", "terminal"}
)


def _code_scanner(info: str) -> Callable[[str, int, bool], list[Segment]] | None:
    words = info.strip("{}. \t").split()
    language = words[0].lower() if words else ""
    if language in _SHELL_LANGUAGES:
        return _prompted_shell_scan
    return {
        "yaml": _yaml_scan,
        "yml": _yaml_scan,
        "dockerfile": _dockerfile_scan,
        "docker": _dockerfile_scan,
        "makefile": _makefile_scan,
        "make": _makefile_scan,
        "ini": _ini_scan,
        "cfg": _ini_scan,
        "systemd": _ini_scan,
        "procfile": _procfile_scan,
    }.get(language)


def _prompted_shell_scan(text: str, base: int, code_block: bool) -> list[Segment]:
    """Shell code; when some lines start with a ``$ `` prompt, only those are commands."""
    lines = _lines(text)
    if not any(_PROMPT.match(text[start:end]) for start, end in lines):
        return _shell_scan(text, base, code_block)
    keep: list[tuple[int, int]] = []
    continued = False
    for start, end in lines:
        line = text[start:end]
        prompt = _PROMPT.match(line)
        if prompt:
            keep.append((start + prompt.end(), end))
        elif continued:
            keep.append((start, end))
        continued = (prompt is not None or continued) and line.rstrip().endswith("\\")
    return [ShellSegment(_mask(text, keep), Identity(base), code_block=code_block)]


def _markdown_scan(text: str, base: int, code_block: bool) -> list[Segment]:
    """Fenced code blocks (by language) and inline code spans."""
    segments: list[Segment] = []
    inline: list[tuple[int, int]] = []
    lines = _lines(text)
    index = 0
    while index < len(lines):
        start, end = lines[index]
        fence = _FENCE.match(text[start:end])
        if fence is None:
            for match in _INLINE_CODE.finditer(text, start, end):
                inline.append((match.start("code"), match.end("code")))
            index += 1
            continue
        marker = fence.group("fence")
        closing = index + 1
        while closing < len(lines):
            candidate = text[lines[closing][0] : lines[closing][1]].strip()
            if candidate.startswith(marker) and not candidate.strip(marker[0]):
                break
            closing += 1
        scanner = _code_scanner(fence.group("info"))
        if scanner is not None and closing > index + 1:
            body_start, body_end = lines[index + 1][0], lines[closing - 1][1]
            segments.extend(scanner(text[body_start:body_end], base + body_start, True))
        index = closing + 1
    segments.append(
        ShellSegment(_inline_code(text, inline), Identity(base), prose=True, code_block=code_block)
    )
    return segments


def _inline_code(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """Prose blanked except inline code spans, each its own command line (the opening
    backtick, blanked anyway, becomes a ``;``)."""
    masked = list(_mask(text, spans))
    for start, _ in spans:
        masked[start - 1] = ";"
    return "".join(masked)


_RST_DIRECTIVE = re.compile(
    r"[ \t]*\.\.[ \t]+(?:code-block|code|sourcecode|prompt)::[ \t]*(?P<language>\S*)"
)
_RST_INLINE = re.compile(r"``(?P<code>[^`]+?)``")


def _rst_scan(text: str, base: int, code_block: bool) -> list[Segment]:
    """Code-block directives, ``::`` literal blocks (read as shell) and inline literals."""
    segments: list[Segment] = []
    inline: list[tuple[int, int]] = []
    lines = _lines(text)
    index = 0
    while index < len(lines):
        start, end = lines[index]
        line = text[start:end]
        directive = _RST_DIRECTIVE.match(line)
        if directive is None and not (
            line.rstrip().endswith("::") and not line.lstrip().startswith("..")
        ):
            for match in _RST_INLINE.finditer(text, start, end):
                inline.append((match.start("code"), match.end("code")))
            index += 1
            continue
        indent = len(line) - len(line.lstrip())
        last, body = index, None
        for following in range(index + 1, len(lines)):
            content = text[lines[following][0] : lines[following][1]]
            if not content.strip():
                continue
            if len(content) - len(content.lstrip()) <= indent:
                break
            if body is None and not (directive and content.lstrip().startswith(":")):
                body = following
            last = following
        scanner = _code_scanner(directive.group("language") if directive else "")
        if scanner is not None and body is not None:
            body_start, body_end = lines[body][0], lines[last][1]
            segments.extend(scanner(text[body_start:body_end], base + body_start, True))
        index = last + 1
    segments.append(
        ShellSegment(_inline_code(text, inline), Identity(base), prose=True, code_block=code_block)
    )
    return segments


_SCANNERS: dict[FileKind, Callable[[str, int, bool], list[Segment]]] = {
    FileKind.SHELL: _shell_scan,
    FileKind.PROCFILE: _procfile_scan,
    FileKind.MAKEFILE: _makefile_scan,
    FileKind.DOCKERFILE: _dockerfile_scan,
    FileKind.INI: _ini_scan,
    FileKind.COMPOSE: _yaml_scan,
    FileKind.CI: _ci_scan,
    FileKind.YAML: _yaml_scan,
    FileKind.MARKDOWN: _markdown_scan,
    FileKind.RST: _rst_scan,
}


# --- Python: string literals, list displays, comments -------------------------------------


@dataclass(frozen=True)
class PythonSpot:
    """A place in a fissix tree holding command lines: a STRING leaf's literal (``value``;
    a docstring is read like reStructuredText), a leaf's prefix (``prefix``: comments) or a
    list/tuple display (``node``)."""

    node: Leaf | Node
    part: str
    segment: Segment

    @property
    def text(self) -> str:
        """The text the segment's offsets refer to."""
        if self.part == "value":
            return self.node.value  # type: ignore[union-attr]
        if self.part == "prefix":
            return self.node.prefix
        return str(self.node)[len(self.node.prefix) :]

    @property
    def line(self) -> int:
        """The line :attr:`text` starts on."""
        line = self.node.get_lineno() or 1
        return line - self.node.prefix.count("\n") if self.part == "prefix" else line


def python_spots(root: Node) -> Iterator[PythonSpot]:
    from fissix import pygram
    from fissix.pgen2 import token
    from fissix.pytree import Leaf

    from codemods._python.tree import leaves_of, walk

    nodes = walk(root)
    in_lists: set[int] = set()
    for node in nodes:
        if node.type == pygram.python_symbols.atom:
            segment = _python_argv(node)
            if segment is not None:
                in_lists.update(id(leaf) for leaf in leaves_of(node))
                yield PythonSpot(node, "node", segment)
    for leaf in nodes:
        if not isinstance(leaf, Leaf):
            continue
        if "prefect" in leaf.prefix and "#" in leaf.prefix and id(leaf) not in in_lists:
            comments = [
                (match.start(), match.end())
                for match in re.finditer(r"#[^\n]*", leaf.prefix)
                if MARKER not in match.group()
            ]
            segment = ShellSegment(_mask(leaf.prefix, comments), Identity(0), prose=True)
            yield PythonSpot(leaf, "prefix", segment)
        if leaf.type == token.STRING and "prefect" in leaf.value and id(leaf) not in in_lists:
            decoded = decode_python_string(leaf.value)
            if decoded is None:
                continue
            value, offsets, encoder = decoded
            codec = Mapped(offsets, encoder)
            if leaf.parent is not None and leaf.parent.type == pygram.python_symbols.simple_stmt:
                for segment in _rst_scan(value, 0, False):  # a docstring: documentation
                    if isinstance(segment, ShellSegment) and segment.codec == Identity(0):
                        yield PythonSpot(
                            leaf, "value", ShellSegment(segment.value, codec, prose=True)
                        )
                continue
            prose = leaf.value.lstrip("rRbBuUfF")[:3] in ('"""', "'''")
            yield PythonSpot(leaf, "value", ShellSegment(value, codec, prose=prose))


def _python_argv(atom: Node) -> ArgvSegment | None:
    """A ``[...]``/``(...)`` display whose items start with the ``prefect`` program."""
    from fissix import pygram
    from fissix.pgen2 import token

    syms = pygram.python_symbols
    if len(atom.children) != 3 or atom.children[0].value not in ("[", "("):  # type: ignore[union-attr]
        return None
    inner = atom.children[1]
    head = [child for child in inner.children[:6] if child.type == token.STRING]
    if not any("prefect" in child.value for child in head):  # type: ignore[union-attr]
        return None
    if inner.type not in (syms.listmaker, syms.testlist_gexp) or any(
        child.type == syms.comp_for for child in inner.children
    ):
        return None
    elements: list[Element] = []
    quote = '"'
    position = 1
    for child in inner.children:
        child_text = str(child)
        if child.type != token.COMMA:
            start, end = position + len(child.prefix), position + len(child_text)
            decoded = decode_python_string(child.value) if child.type == token.STRING else None
            if decoded is None:
                starred = child.type == syms.star_expr or str(child).lstrip().startswith("*")
                word = Word(PLACEHOLDER, 0, 1, ((0, 1),), splits=starred)
                elements.append(Element(word, Opaque(start, end), start, end))
            else:
                value, offsets, encoder = decoded
                if not any(e.word.is_static for e in elements):
                    quote = child.value.lstrip("rRuUfF")[0]
                codec = Mapped(tuple(start + offset for offset in offsets), encoder)
                elements.append(_element(value, codec, start, end, expand=False))
        position += len(child_text)
    if _program_end([element.word for element in elements], "", frozenset()) is None:
        return None
    separator = ", "
    if len(elements) > 1:
        text = str(atom)[len(atom.prefix) :]
        separator = text[elements[0].raw_end : elements[1].raw_start]
    return ArgvSegment(
        tuple(elements), lambda word: python_literal(word, quote), separator, anchor=0
    )


_PYTHON_PREFIX = re.compile(r"[rRbBuUfF]*")
_PYTHON_ESCAPES = {
    "\\": "\\", "'": "'", '"': '"', "n": "\n", "t": "\t", "r": "\r",
    "a": "\a", "b": "\b", "f": "\f", "v": "\v",
}  # fmt: skip


def decode_python_string(literal: str) -> tuple[str, tuple[int, ...], Callable[[str], str]] | None:
    """A ``str`` literal's value, the offset of each character in ``literal`` (+ end), and an
    encoder for new text; f-string fields are run-time values. None for bytes."""
    prefix = _PYTHON_PREFIX.match(literal).group().lower()  # type: ignore[union-attr]
    if "b" in prefix:
        return None
    rest = literal[len(prefix) :]
    quote = rest[:3] if rest[:3] in ('"""', "'''") else rest[:1]
    start, end = len(prefix) + len(quote), len(literal) - len(quote)
    raw, formatted = "r" in prefix, "f" in prefix
    chars: list[str] = []
    offsets: list[int] = []
    position = start
    while position < end:
        char = literal[position]
        offsets.append(position)
        if formatted and char in "{}" and literal.startswith(char * 2, position):
            chars.append(char)
            position += 2
        elif formatted and char == "{":
            chars.append(PLACEHOLDER)
            position = _balanced_end(literal, position, end)
        elif char == "\\" and not raw and position + 1 < end:
            escaped = literal[position + 1]
            if escaped == "\n":
                offsets.pop()
                position += 2
            elif escaped in _PYTHON_ESCAPES:
                chars.append(_PYTHON_ESCAPES[escaped])
                position += 2
            else:
                chars.append(char)  # kept as written (\x.., \u...., unknown escapes)
                position += 1
        else:
            chars.append(char)
            position += 1
    offsets.append(end)

    def encode(text: str) -> str:
        if formatted:
            text = text.replace("{", "{{").replace("}", "}}")
        if raw:
            if quote[0] in text or text.endswith("\\") or (len(quote) == 1 and "\n" in text):
                raise Unencodable(text)
            return text
        text = text.replace("\\", "\\\\").replace(quote[0], "\\" + quote[0])
        return text.replace("\n", "\\n") if len(quote) == 1 else text

    return "".join(chars), tuple(offsets), encode


def python_literal(text: str, quote: str = '"') -> str:
    escaped = text.replace("\\", "\\\\").replace(quote, "\\" + quote).replace("\n", "\\n")
    return quote + escaped + quote


def python_invocations(text: str) -> Iterator[tuple[PythonSpot, Invocation]]:
    """Every ``prefect`` invocation of a Python source text, with the spot it is in."""
    from prefect1_migrate.python_tree import parse

    for spot in list(python_spots(parse(text))):
        for invocation in invocations(spot.segment):
            yield spot, invocation


# --- options (click's parsing rules) -----------------------------------------------------


@dataclass(frozen=True)
class Option:
    """An option of a Prefect 0.15 command: its names and whether it takes a value."""

    names: tuple[str, ...]
    takes_value: bool = True


@dataclass(frozen=True)
class Occurrence:
    """One option (or positional/run-time word) as written in an argv."""

    option: Option | None  # None: a positional or run-time word
    name: str  # the option name as written ("" for positionals)
    index: int  # argv index of its first word
    stop: int  # argv index after its last word
    value: str | None = None
    value_at: int | None = None  # offset of the value inside the option word (``--x=v``/``-xv``)

    @property
    def is_static(self) -> bool:
        return self.value is None or PLACEHOLDER not in self.value


_HELP = Option(("--help", "-h"), takes_value=False)


def parse_options(
    args: Sequence[Word], options: Sequence[Option], start: int = 0, extra_args: bool = False
) -> list[Occurrence] | None:
    """The options of ``args[start:]`` by click's rules; None when click would not accept
    them (unknown option without ``extra_args``, missing value, combined short flags).

    A word that starts with a run-time value (``$ARGS``) is returned with ``option=None``.
    """
    names = {name: option for option in (*options, _HELP) for name in option.names}
    found: list[Occurrence] = []
    index = start
    while index < len(args):
        value = args[index].value
        if value == "--":
            found.extend(
                Occurrence(None, "", i, i + 1, args[i].value) for i in range(index + 1, len(args))
            )
            break
        if not value.startswith("-") or value == "-" or value.startswith(PLACEHOLDER):
            found.append(Occurrence(None, "", index, index + 1, value))
            index += 1
            continue
        name, equals, explicit = value.partition("=")
        option = names.get(name) if (name.startswith("--") or len(name) > 2) else None
        if option is not None:
            if not option.takes_value:
                if equals:
                    return None
                found.append(Occurrence(option, name, index, index + 1))
            elif equals:
                found.append(Occurrence(option, name, index, index + 1, explicit, len(name) + 1))
            elif index + 1 < len(args):
                found.append(Occurrence(option, name, index, index + 2, args[index + 1].value))
                index += 1
            else:
                return None
            index += 1
            continue
        short = names.get(value[:2]) if not value.startswith("--") else None
        if short is not None and len(value[:2]) == 2 and value[:2] in short.names:
            if not short.takes_value:
                if len(value) > 2:
                    return None
                found.append(Occurrence(short, value[:2], index, index + 1))
            elif len(value) > 2:
                found.append(Occurrence(short, value[:2], index, index + 1, value[2:], 2))
            elif index + 1 < len(args):
                found.append(Occurrence(short, value[:2], index, index + 2, args[index + 1].value))
                index += 1
            else:
                return None
            index += 1
            continue
        if not extra_args:
            return None
        found.append(Occurrence(None, "", index, index + 1, value))
        index += 1
    return found


# --- edits of an argv --------------------------------------------------------------------

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


# --- Prefect 0.15.13 agent commands (read by the token and the agent codemods) -------------

AGENT_TOKEN = Option(("--token", "-t"))
AGENT_KEY = Option(("--key", "-k"))
NO_DOCKER_INTERFACE = Option(("--no-docker-interface",), takes_value=False)
_AGENT_START = (
    AGENT_KEY,
    Option(("--tenant-id",)),
    Option(("--api", "-a")),
    Option(("--agent-config-id",)),
    Option(("--name", "-n")),
    Option(("--label", "-l")),
    Option(("--env", "-e")),
    Option(("--max-polls",)),
    Option(("--agent-address",)),
    Option(("--no-cloud-logs",), takes_value=False),
    Option(("--log-level",)),
    AGENT_TOKEN,
)
_SHOW_FLOW_LOGS = Option(("--show-flow-logs", "-f"), takes_value=False)
_INSTALL = (AGENT_KEY, Option(("--tenant-id",)), Option(("--label", "-l")), Option(("--env", "-e")))
AGENT_COMMANDS: dict[tuple[str, str], tuple[Option, ...]] = {
    ("local", "start"): (
        *_AGENT_START,
        Option(("--import-path", "-p")),
        _SHOW_FLOW_LOGS,
        Option(("--hostname-label",), takes_value=False),
        Option(("--no-hostname-label",), takes_value=False),
    ),
    ("docker", "start"): (
        *_AGENT_START,
        Option(("--base-url", "-b")),
        Option(("--no-pull",), takes_value=False),
        _SHOW_FLOW_LOGS,
        Option(("--volume",)),
        Option(("--network",)),
        NO_DOCKER_INTERFACE,
        Option(("--docker-client-timeout",)),
    ),
    ("kubernetes", "start"): (
        *_AGENT_START,
        Option(("--namespace",)),
        Option(("--job-template",)),
        Option(("--service-account-name",)),
        Option(("--image-pull-secrets",)),
        Option(("--disable-job-deletion",), takes_value=False),
    ),
    ("fargate", "start"): _AGENT_START,  # plus free KEY=VALUE arguments
    ("ecs", "start"): (
        *_AGENT_START,
        Option(("--cluster",)),
        Option(("--launch-type",)),
        Option(("--task-role-arn",)),
        Option(("--execution-role-arn",)),
        Option(("--task-definition",)),
        Option(("--run-task-kwargs",)),
    ),
    ("vertex", "start"): (
        *_AGENT_START,
        Option(("--project",)),
        Option(("--region-name",)),
        Option(("--service-account",)),
    ),
    ("local", "install"): (
        *_INSTALL,
        AGENT_TOKEN,
        Option(("--agent-config-id",)),
        Option(("--import-path", "-p")),
        _SHOW_FLOW_LOGS,
    ),
    ("kubernetes", "install"): (
        *_INSTALL,
        AGENT_TOKEN,
        Option(("--agent-config-id",)),
        Option(("--api", "-a")),
        Option(("--namespace", "-n")),
        Option(("--image-pull-secrets", "-i")),
        Option(("--rbac",), takes_value=False),
        Option(("--latest",), takes_value=False),
        Option(("--mem-request",)),
        Option(("--mem-limit",)),
        Option(("--cpu-request",)),
        Option(("--cpu-limit",)),
        Option(("--image-pull-policy",)),
        Option(("--service-account-name",)),
        Option(("--backend", "-b")),
    ),
}


@dataclass(frozen=True)
class AgentCommand:
    """``prefect agent <type> <action>`` with its options (None: click would reject them)."""

    agent_type: str
    action: str
    occurrences: list[Occurrence] | None


def agent_command(invocation: Invocation) -> AgentCommand | None:
    values = invocation.values
    if len(values) < 3 or values[0] != "agent" or (values[1], values[2]) not in AGENT_COMMANDS:
        return None
    options = AGENT_COMMANDS[(values[1], values[2])]
    occurrences = parse_options(
        invocation.args, options, start=3, extra_args=values[1] == "fargate"
    )
    return AgentCommand(values[1], values[2], occurrences)


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
    first, last = elements[first_arg + op.start], elements[first_arg + op.stop - 1]
    if op.words:
        new = segment.separator.join(segment.encode_element(word) for word in op.words)
        return TextEdit(first.raw_start, last.raw_end, new)
    previous = elements[first_arg + op.start - 1]
    return TextEdit(previous.raw_end, last.raw_end, "")


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


def _line_mapper(text: str, edits: Sequence[TextEdit]) -> Callable[[int], int]:
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


# --- the driver for text codemods ---------------------------------------------------------

CANNOT_WRITE = (
    "this command needs a Prefect 1.0 rewrite that cannot be written here automatically; "
    "rewrite it by hand"
)


def anchor_of(invocation: Invocation, text: str) -> int:
    """File offset of the start of the line a review marker for ``invocation`` goes above."""
    segment = invocation.segment
    if isinstance(segment, ArgvSegment):
        at = segment.anchor
    elif segment.anchor is not None:
        at = segment.anchor
    else:
        at = segment.codec.raw(invocation.line_start)
    return text.rfind("\n", 0, at) + 1


@lru_cache(maxsize=8)
def file_invocations(text: str, kind: FileKind, path: str = "") -> tuple[Invocation, ...]:
    """Every ``prefect`` invocation of a non-Python file, except in review markers (whose
    messages quote commands).

    Several codemods read the same file text one after the other: the last few answers are
    kept (invocations are immutable), so a text is parsed once.
    """
    aliases = command_aliases(text)
    found: list[Invocation] = []
    for segment in segments_of(text, kind, path):
        for invocation in invocations(segment, aliases):
            at = _program_offset(invocation)
            line_start = text.rfind("\n", 0, at) + 1
            line_end = text.find("\n", at)
            if MARKER not in text[line_start : line_end if line_end >= 0 else len(text)]:
                found.append(invocation)
    return tuple(found)


def rewrite_commands(text: str, file: SourceFile, rewriter: Rewriter) -> str:
    """``text`` with ``rewriter`` applied to every ``prefect`` invocation of the file."""
    edits: list[TextEdit] = []
    markers: list[tuple[int, int, str, bool]] = []
    for invocation in file_invocations(text, file.kind, file.path):
        rewrite = rewriter(invocation)
        if rewrite is None:
            continue
        messages = list(rewrite.todos)
        try:
            edits.extend(text_edits(invocation, rewrite.ops, text))
        except Unencodable:
            messages.append(CANNOT_WRITE)
        anchor = anchor_of(invocation, text)
        for message in messages:
            markers.append((anchor, len(markers), message, invocation.code_block))
    if not edits and not markers:
        return text
    lines = apply_text_edits(text, edits).split("\n")
    line_of = _line_mapper(text, edits)
    for anchor, _, message, code_block in sorted(markers, reverse=True):
        insert_todo_above(lines, line_of(anchor), file, message, in_code_block=code_block)
    return "\n".join(lines)


# --- extraction API for checks against real Prefect --------------------------------------


@dataclass(frozen=True)
class CommandLine:
    """A ``prefect`` invocation found in a file."""

    line: int  # 1-based line of the program word
    argv: list[str]  # the words after the program; run-time parts become RUNTIME_VALUE (an
    # unquoted ``$ARGS`` or ``*args`` alone stands for any number of words: left out, except
    # right after an option word, where it is taken for the option's value)
    marked: bool  # a TODO(prefect-1.0) marker stands right above its marker line


def prefect_command_lines(text: str, kind: FileKind, path: str = "") -> Iterator[CommandLine]:
    """Every ``prefect`` invocation of a file of ``kind`` (Python included), in file order."""
    found: list[tuple[int, list[str], int]] = []
    if kind is FileKind.PYTHON:
        for spot, invocation in python_invocations(text):
            argv = _static_argv(invocation)
            line = spot.line + spot.text.count("\n", 0, _program_offset(invocation))
            found.append((line, argv, _statement_line(spot.node)))
    else:
        for invocation in file_invocations(text, kind, path):
            argv = _static_argv(invocation)
            if not argv:
                continue  # ``PREFECT := poetry run prefect`` names the program, runs nothing
            line = text.count("\n", 0, _program_offset(invocation)) + 1
            found.append((line, argv, text.count("\n", 0, anchor_of(invocation, text)) + 1))
    lines = text.split("\n")
    for line, argv, anchor_line in sorted(found, key=lambda item: item[0]):
        above = anchor_line - 2
        yield CommandLine(line, argv, above >= 0 and MARKER in lines[above])


def iter_prefect_argvs(
    text: str, kind: FileKind, path: str = ""
) -> Iterator[tuple[int, list[str]]]:
    """(line number, argv after the program) of every ``prefect`` invocation of a file."""
    for command in prefect_command_lines(text, kind, path):
        yield command.line, command.argv


def _statement_line(node: Leaf | Node) -> int:
    from codemods._python.tree import first_leaf, statement_of

    return first_leaf(statement_of(node)).lineno


def _static_argv(invocation: Invocation) -> list[str]:
    argv: list[str] = []
    for word in invocation.args:
        if not word.splits or (argv and argv[-1].startswith("-")):
            argv.append(re.sub(f"{PLACEHOLDER}+", RUNTIME_VALUE, word.value))
    return argv


def _program_offset(invocation: Invocation) -> int:
    segment = invocation.segment
    program = invocation.words[invocation.first_arg - 1]
    if isinstance(segment, ArgvSegment):
        return segment.elements[invocation.first_arg - 1].raw_start
    return segment.codec.raw(program.start)
