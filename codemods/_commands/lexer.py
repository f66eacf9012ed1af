"""The shell lexer: words (quotes, escapes, expansions, make's ``$$``), operators, comments
and here-documents of a segment's text, following shell rules."""

from __future__ import annotations

from dataclasses import dataclass, replace

from prefect1_migrate.codemods._commands.words import PLACEHOLDER, Word

_BLANK = " \t\r"

_META = " \t\r\n;&|()<>"
_OPERATORS = (
    "&>>", "<<<", "<<-", "&&", "||", ";;", "|&", "&>", "<<", ">>", ">&", "<&", ">|", "<>",
    ">", "<", ";", "&", "|", "(", ")",
)  # fmt: skip
_SPECIAL_PARAMETERS = "@*#?$!-0123456789"


@dataclass(frozen=True)
class HereDoc:
    """The body of a here-document: ``text[start:end]``, its lines up to the delimiter line;
    ``expanded``: the delimiter was not quoted, so the shell expands ``$...`` in it."""

    start: int
    end: int
    expanded: bool


@dataclass(frozen=True)
class Operator:
    text: str
    start: int
    end: int
    here_doc: HereDoc | None = None  # the body a ``<<``/``<<-`` operator feeds

    @property
    def is_redirect(self) -> bool:
        return "<" in self.text or ">" in self.text


@dataclass(frozen=True)
class Comment:
    start: int
    end: int


class Lexer:
    """Shell tokens of ``text[start:end]``: words, operators and comments."""

    def __init__(self, text: str, start: int, end: int, make: bool, prose: bool) -> None:
        self.text, self.pos, self.end = text, start, end
        self.make, self.prose = make, prose

    def tokens(self) -> list[Word | Operator | Comment]:
        text, found = self.text, []
        heredocs: list[tuple[int, str, bool, bool]] = []  # at, delimiter, strip tabs, expanded
        while self.pos < self.end:
            char = text[self.pos]
            if char in _BLANK:
                self.pos += 1
            elif char == "\\" and self._at("\\\n"):
                self.pos += 2
            elif char == "\n":
                newline = self.pos
                self.pos += 1
                for at, delimiter, strip_tabs, expanded in heredocs:
                    body = self._skip_heredoc(delimiter, strip_tabs, expanded)
                    found[at] = replace(found[at], here_doc=body)
                heredocs = []
                # the next line of commands starts after the here-documents' bodies
                found.append(Operator("\n", newline, self.pos))
            elif char == "#":
                line_end = text.find("\n", self.pos, self.end)
                line_end = self.end if line_end < 0 else line_end
                found.append(Comment(self.pos + 1, line_end))
                self.pos = line_end
            else:
                operator = None
                if char in "&|;<>()":
                    operator = next(op for op in _OPERATORS if self._at(op))
                if operator is None:
                    found.append(self._word())
                    continue
                found.append(Operator(operator, self.pos, self.pos + len(operator)))
                self.pos += len(operator)
                if operator in ("<<", "<<-"):
                    while self.pos < self.end and text[self.pos] in _BLANK:
                        self.pos += 1
                    delimiter = self._word()
                    quoted = len(delimiter.spans) != delimiter.end - delimiter.start
                    heredocs.append(
                        (len(found) - 1, delimiter.value, operator == "<<-", not quoted)
                    )
        return found

    def _at(self, literal: str) -> bool:
        return self.text.startswith(literal, self.pos) and self.pos + len(literal) <= self.end

    def _skip_heredoc(self, delimiter: str, strip_tabs: bool, expanded: bool) -> HereDoc:
        start = self.pos
        while self.pos < self.end:
            line_end = self.text.find("\n", self.pos, self.end)
            line_end = self.end if line_end < 0 else line_end
            line = self.text[self.pos : line_end]
            line_start, self.pos = self.pos, min(line_end + 1, self.end)
            if (line.lstrip("\t") if strip_tabs else line) == delimiter:
                return HereDoc(start, line_start, expanded)
        return HereDoc(start, self.pos, expanded)

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
            self.pos = balanced_end(self.text, start + 1, self.end)
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
            self.pos = balanced_end(text, dollar + 1, end)
            if not text.startswith("((", dollar + 1):
                subs.append((dollar + 2, max(dollar + 2, self.pos - 1)))
            return self._placeholder(chars, spans, start)
        if following == "{":
            self.pos = balanced_end(text, dollar + 1, end)
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


def balanced_end(text: str, open_at: int, end: int) -> int:
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
