"""YAML (CI, compose, Kubernetes/Helm): values of command keys (``run``, ``script``,
``command``, ``args``, ``entrypoint``...) as plain, quoted and block scalars and as flow or
block sequences; a sequence that starts with the program is one argv, and so are the
``command:`` + ``args:`` (Kubernetes) or ``entrypoint:`` + ``command:`` (compose) sequences of
one mapping when the first starts it (``command: ["prefect"]``); a scalar arguments key after
a program key that names just the program (compose's ``entrypoint: prefect`` +
``command: agent local start``) is read as one command line; otherwise each item is a
command line; ``{{ ... }}`` template expressions count as run-time values."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from prefect1_migrate.codemods._commands.json import (
    DOUBLE_QUOTED_ESCAPES,
    decode_escaped,
    escape_double_quoted,
    json_element,
    split_flow,
)
from prefect1_migrate.codemods._commands.launchers import program_end
from prefect1_migrate.codemods._commands.lexer import Lexer
from prefect1_migrate.codemods._commands.quoted import bracket_end
from prefect1_migrate.codemods._commands.segments import (
    ArgvSegment,
    Segment,
    ShellSegment,
    blank_outside,
    line_spans,
    list_element,
)
from prefect1_migrate.codemods._commands.words import PLACEHOLDER, Codec, Identity, Mapped, Word

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
        "cmds",  # Taskfile
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
#: (program key, arguments key) of one mapping whose sequences make one argv together.
_SPLIT_ARGV_KEYS = (("command", "args"), ("entrypoint", "command"))


@dataclass(frozen=True)
class _Sequence:
    """The scalar items of a command key's sequence, kept until its mapping is read whole."""

    key_index: int  # the line of its key
    items: list[tuple[int, int]]  # text offsets of each item
    scalars: list[tuple[str, Codec]]
    argv: bool  # no block scalar items: it may be an argv


@dataclass(frozen=True)
class _Scalar:
    """A command key's single-line scalar, kept until its mapping is read whole."""

    key_index: int
    value: str
    codec: Codec
    span: tuple[int, int]  # its text offsets

    def as_sequence(self) -> _Sequence:
        """A one-word scalar as the one-item sequence it stands for (``entrypoint: prefect``
        before a ``command:`` sequence)."""
        return _Sequence(self.key_index, [self.span], [(self.value, self.codec)], argv=True)


_PROGRAM_ITEM = re.compile(r"[\w./:-]+")


def yaml_scan(text: str, base: int, code_block: bool, shell_blocks: bool = False) -> list[Segment]:
    masked = _YAML_TEMPLATE.sub(lambda match: PLACEHOLDER * len(match.group()), text)
    return _YamlScanner(masked, base, code_block, shell_blocks).segments()


def ci_scan(text: str, base: int, code_block: bool) -> list[Segment]:
    """CI files run their literal block scalars as shell scripts: markers may go inside."""
    return yaml_scan(text, base, code_block, shell_blocks=True)


class _YamlScanner:
    """Command values of a YAML document, line by line (no YAML library keeps the bytes)."""

    def __init__(self, text: str, base: int, code_block: bool, shell_blocks: bool) -> None:
        self.text, self.base = text, base
        self.code_block, self.shell_blocks = code_block, shell_blocks
        self.lines = line_spans(text)
        self.found: list[Segment] = []
        self.comments: list[tuple[int, int]] = []
        self.open_mappings: dict[int, int] = {}  # key column -> serial of its open mapping
        self.mappings_read = 0
        self.sequences: dict[int, dict[str, _Sequence]] = {}  # mapping serial -> key -> items
        self.scalars: dict[int, dict[str, _Scalar]] = {}  # mapping serial -> key -> scalar

    def segments(self) -> list[Segment]:
        index = 0
        while index < len(self.lines):
            index = self._entry(index)
        for mapping in sorted(self.sequences.keys() | self.scalars.keys()):
            sequences, scalars = self.sequences.get(mapping, {}), self.scalars.get(mapping, {})
            self._mapping_scalars(sequences, scalars)
            self._mapping_sequences(sequences)
        if self.comments:
            comments = blank_outside(self.text, self.comments)
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
        name = key.strip("\"'") if key is not None else ""
        is_command = name in _YAML_COMMAND_KEYS
        mapping = self._mapping(match.end("indent"), column, bool(match.group("dashes")))
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
            return self._block_sequence(index, column, (mapping, name))
        if value.startswith("["):
            return self._flow_sequence(index, start + rest_at, (mapping, name))
        scalar = self._scalar(start + rest_at, start + rest_at + len(value), flow=False)
        if scalar is not None and any(name in pair for pair in _SPLIT_ARGV_KEYS):
            span = (start + rest_at, start + rest_at + len(value))
            self.scalars.setdefault(mapping, {})[name] = _Scalar(index, *scalar, span)
        elif scalar is not None:
            self.found.append(ShellSegment(scalar[0], scalar[1], code_block=self.code_block))
        return index + 1

    def _mapping(self, first: int, column: int, dashed: bool) -> int:
        """The serial of the mapping a key at ``column`` belongs to, on a line whose first
        character (key or ``-``) is at ``first``: deeper mappings end there, and an item
        ``- key:`` starts a new one."""
        for deeper in [open_column for open_column in self.open_mappings if open_column > first]:
            del self.open_mappings[deeper]
        if dashed or column not in self.open_mappings:
            self.mappings_read += 1
            self.open_mappings[column] = self.mappings_read
        return self.open_mappings[column]

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
            decoded = decode_escaped(self.text, start + 1, end - 1, DOUBLE_QUOTED_ESCAPES)
            if len(raw) < 2 or not raw.endswith('"') or decoded is None:
                return None
            value, offsets = decoded
            return value, Mapped(
                tuple(self.base + offset for offset in offsets), escape_double_quoted
            )
        if raw[:1] == "'":
            if len(raw) < 2 or not raw.endswith("'"):
                return None
            value, offsets = _decode_yaml_single(self.text, start + 1, end - 1)
            return value, Mapped(tuple(self.base + offset for offset in offsets), _yaml_single)
        if raw[:1] in ("[", "{", "&", "*", "!", "|", ">"):
            return None
        forbidden = _YAML_FLOW_FORBIDDEN if flow else _YAML_PLAIN_FORBIDDEN
        return raw, Identity(self.base + start, forbidden)

    def _flow_sequence(self, index: int, open_at: int, key: tuple[int, str]) -> int:
        close = bracket_end(self.text, open_at)
        if close is None:
            return index + 1
        last = index
        while last + 1 < len(self.lines) and self.lines[last][1] < close:
            last += 1
        items = split_flow(self.text, open_at + 1, close)
        scalars = [self._scalar(start, end, flow=True) for start, end in items]
        if items and all(scalars):
            self._sequence(key, _Sequence(index, items, scalars, argv=True))  # type: ignore[arg-type]
        return last + 1

    def _block_sequence(self, index: int, column: int, key: tuple[int, str]) -> int:
        """The items of a block sequence under the command key on line ``index``."""
        following = index + 1
        while following < len(self.lines) and _is_blank_or_comment(self._line(following)):
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
        position = index + 1
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
            self._sequence(key, _Sequence(index, items, scalars, argv=not blocks))  # type: ignore[arg-type]
        for block_index, last, folded in blocks:
            self._block_scalar(block_index, last, folded)
        return position

    def _sequence(self, key: tuple[int, str], sequence: _Sequence) -> None:
        """A command key's sequence: read with the other sequences of its mapping when it
        may pair with one (``command:`` + ``args:``), else now."""
        mapping, name = key
        if any(name in pair for pair in _SPLIT_ARGV_KEYS):
            self.sequences.setdefault(mapping, {})[name] = sequence
        else:
            self._items([sequence])

    def _mapping_scalars(
        self, sequences: dict[str, _Sequence], scalars: dict[str, _Scalar]
    ) -> None:
        """The command scalars of one mapping: an arguments scalar after a program key that
        names just the ``prefect`` program as one command line, a one-word program scalar
        before an arguments sequence as a sequence, the others each by itself."""
        for program_key, arguments_key in _SPLIT_ARGV_KEYS:
            program_scalar = scalars.get(program_key)
            if (
                arguments_key in sequences
                and program_scalar is not None
                and _PROGRAM_ITEM.fullmatch(program_scalar.value)
            ):
                sequences[program_key] = scalars.pop(program_key).as_sequence()
                continue
            arguments = scalars.get(arguments_key)
            program = _program_text(scalars.get(program_key) or sequences.get(program_key))
            if arguments is None or program is None:
                continue
            program_text, key_index = program
            self.found.append(self._launched_scalar(program_text, key_index, arguments))
            scalars.pop(program_key, None)
            sequences.pop(program_key, None)
            del scalars[arguments_key]
            break
        for scalar in scalars.values():
            self.found.append(ShellSegment(scalar.value, scalar.codec, code_block=self.code_block))

    def _launched_scalar(self, program: str, key_index: int, arguments: _Scalar) -> ShellSegment:
        """``arguments`` read after ``program`` (which new text never edits: its characters
        all map to where the arguments start); markers go above the first of the two keys."""
        prefix = program + " "
        codec = arguments.codec
        offsets = [codec.raw(0)] * len(prefix)
        offsets.extend(codec.raw(at) for at in range(len(arguments.value) + 1))
        anchor = self.base + self.lines[min(key_index, arguments.key_index)][0]
        return ShellSegment(
            prefix + arguments.value,
            Mapped(tuple(offsets), codec.encode),
            code_block=self.code_block,
            anchor=anchor,
        )

    def _mapping_sequences(self, sequences: dict[str, _Sequence]) -> None:
        """The command sequences of one mapping: a program key's and an arguments key's
        together when that makes a ``prefect`` argv, else each by itself."""
        for program_key, arguments_key in _SPLIT_ARGV_KEYS:
            program, arguments = sequences.get(program_key), sequences.get(arguments_key)
            if program is None or arguments is None or not (program.argv and arguments.argv):
                continue
            if self._items([program, arguments]):
                del sequences[program_key], sequences[arguments_key]
                break
        for sequence in sequences.values():
            self._items([sequence])

    def _items(self, sequences: list[_Sequence]) -> bool:
        """One argv of the items of ``sequences`` when they start with the program (True), or
        with a single sequence, one command line per item (False)."""
        elements = [
            list_element(value, codec, self.base + start, self.base + end)
            for sequence in sequences
            for (value, codec), (start, end) in zip(sequence.scalars, sequence.items, strict=True)
        ]
        last = sequences[-1]
        if (
            all(s.argv for s in sequences)
            and program_end([e.word for e in elements], "", frozenset()) is not None
        ):
            separator = ", "
            if len(last.items) > 1:
                separator = self.text[last.items[0][1] : last.items[1][0]]
            encoder = _yaml_element_encoder(self.text[last.items[0][0]])
            key_line = min(sequence.key_index for sequence in sequences)
            anchor = self.base + self.lines[key_line][0]
            split = len(elements) - len(last.items)
            self.found.append(
                ArgvSegment(tuple(elements), encoder, separator, anchor, self.code_block, split)
            )
            return True
        if len(sequences) == 1:
            for value, codec in last.scalars:
                self.found.append(ShellSegment(value, codec, code_block=self.code_block))
        return False


def _program_text(program: _Scalar | _Sequence | None) -> tuple[str, int] | None:
    """(the command line, the key's line) of a program key that names just the ``prefect``
    program (``entrypoint: prefect``, ``entrypoint: ["poetry", "run", "prefect"]``)."""
    if program is None:
        return None
    if isinstance(program, _Scalar):
        text = program.value
    else:
        values = [value for value, _ in program.scalars]
        if not program.argv or not all(_PROGRAM_ITEM.fullmatch(value) for value in values):
            return None
        text = " ".join(values)
    tokens = Lexer(text, 0, len(text), False, False).tokens()
    words = [token for token in tokens if isinstance(token, Word)]
    if not words or len(words) != len(tokens):
        return None  # an operator or a comment: not just a program
    names_program = program_end(words, text, frozenset()) == len(words)
    return (text, program.key_index) if names_program else None


def _is_blank_or_comment(line: str) -> bool:
    stripped = line.lstrip()
    return not stripped or stripped.startswith("#")


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


def _yaml_single(text: str) -> str:
    return text.replace("'", "''")


def _yaml_element_encoder(first_char: str) -> Callable[[str], str]:
    if first_char == '"':
        return json_element
    if first_char == "'":
        return lambda text: "'" + _yaml_single(text) + "'"
    return lambda text: text if re.fullmatch(r"[\w./=-]+", text) else json_element(text)
