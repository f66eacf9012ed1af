"""YAML (CI, compose, Kubernetes/Helm): values of command keys (``run``, ``script``,
``command``, ``args``, ``entrypoint``...) as plain, quoted and block scalars (one line or
several: folded as YAML folds them) and as flow or block sequences (items may span lines; a
Taskfile list may mix strings and ``- cmd:`` mappings); a sequence that starts with the program
is one argv, and so are the ``command:`` + ``args:`` (Kubernetes) or ``entrypoint:`` +
``command:`` (compose) sequences of one mapping when the first starts it (``command:
["prefect"]``); a scalar arguments key after a program key whose words start the program
(compose's ``entrypoint: prefect`` or ``entrypoint: ["prefect", "agent"]`` + ``command:``
as a string, block or multi-line scalar) is read as one command line; an arguments key
without its program key where the program is set elsewhere (a compose service's ``command:``
whose ``entrypoint:`` an override file, a merged anchor or the image sets; a container's
``args:`` under an image named for Prefect) is read after ``prefect`` when its words are a
Prefect command Prefect 1.0 changed, each rewrite with a review note; otherwise each item is
a command line; ``{{ ... }}`` template expressions count as run-time values."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from prefect1_migrate.codemods._commands.json import (
    DOUBLE_QUOTED_ESCAPES,
    decode_escaped,
    escape_double_quoted,
    json_element,
    split_flow,
)
from prefect1_migrate.codemods._commands.launchers import command_aliases, program_end
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
from prefect1_migrate.codemods._commands.words import (
    PLACEHOLDER,
    Codec,
    Identity,
    Mapped,
    Opaque,
    Unencodable,
    Word,
)

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
#: A template that is just a variable: ``{{.PREFECT}}`` (Task), ``{{ prefect }}`` (Jinja).
_TEMPLATE_VARIABLE = re.compile(r"\{\{-?[ \t]*\.?([A-Za-z_]\w*)[ \t]*-?\}\}")
_YAML_PLAIN_FORBIDDEN = re.compile(r": |:$| #|\n")
_NEWLINE = re.compile("\n")
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
    """A command key's scalar, kept until its mapping is read whole. A block scalar's value
    has its line breaks read as spaces (compose splits a command string into words)."""

    key_index: int
    value: str
    codec: Codec
    block: tuple[int, int, bool] | None = None  # a block scalar's (key line, last line, folded)

    def as_sequence(self) -> _Sequence | None:
        """A scalar of program-like words as the sequence it stands for (``entrypoint: prefect
        agent`` before a ``command:`` sequence), each word an item; None for other scalars."""
        if self.block is not None:
            return None
        words = list(re.finditer(r"\S+", self.value))
        if not words or not all(_PROGRAM_ITEM.fullmatch(word.group()) for word in words):
            return None
        raw = self.codec.raw
        items = [(raw(word.start()), raw(word.end())) for word in words]
        scalars: list[tuple[str, Codec]] = [
            (
                word.group(),
                Mapped(tuple(map(raw, range(word.start(), word.end() + 1))), self.codec.encode),
            )
            for word in words
        ]
        return _Sequence(self.key_index, items, scalars, argv=True)


_PROGRAM_ITEM = re.compile(r"[\w./:-]+")


@dataclass(frozen=True)
class _Continued:
    """A format's arguments key that continues a program set outside the mapping when the
    mapping has no program key."""

    program_key: str
    arguments_key: str
    elsewhere: str  # what may set the program
    parent: str | None  # the key above a mapping that may run ``prefect``, or None: a
    # mapping whose ``image:`` names a Prefect image

    def holds_program(self, place: _Place) -> bool:
        """Whether a mapping at ``place`` may run ``prefect``: a container of an image named
        for Prefect; a compose service (a key of the top-level ``services:``) too when its
        image is not in the mapping (another file or a merged anchor may set it) or is
        chosen at run time (``alpine`` never runs it)."""
        image = place.image.lower()
        if self.parent is None:
            return "prefect" in image
        unknown = not image or "$" in image or "prefect" in image
        return place.path[:-1] == (self.parent,) and unknown


@dataclass
class _Place:
    """Where a mapping is (the keys above it, outermost first), the keys it has and the
    text of its ``image:`` value."""

    path: tuple[str, ...]
    keys: set[str] = field(default_factory=set)
    image: str = ""


_COMPOSE_CONTINUED = _Continued(
    "entrypoint",
    "command",
    "an `entrypoint:` elsewhere (another compose file such as an override, a merged anchor) "
    "or the image",
    "services",
)
_MANIFEST_CONTINUED = _Continued(
    "command", "args", "the image (or a `command:` a template or patch adds)", None
)


def yaml_scan(
    text: str,
    base: int,
    code_block: bool,
    shell_blocks: bool = False,
    continued: _Continued | None = None,
) -> list[Segment]:
    aliases = command_aliases(text)

    def mask(match: re.Match[str]) -> str:
        """A template as run-time characters; one naming a variable that holds the
        ``prefect`` program (``{{.PREFECT}}``) as that variable (``${PREFECT}``), padded."""
        alias = _TEMPLATE_VARIABLE.fullmatch(match.group())
        if alias is not None and alias.group(1) in aliases:
            return f"${{{alias.group(1)}}}".ljust(len(match.group()))
        return PLACEHOLDER * len(match.group())

    masked = _YAML_TEMPLATE.sub(mask, text)
    return _YamlScanner(masked, base, code_block, shell_blocks, continued).segments()


def ci_scan(text: str, base: int, code_block: bool) -> list[Segment]:
    """CI files run their literal block scalars as shell scripts: markers may go inside."""
    return yaml_scan(text, base, code_block, shell_blocks=True)


def compose_scan(text: str, base: int, code_block: bool) -> list[Segment]:
    """Compose files: a service's ``command:`` without an ``entrypoint:`` continues one set
    elsewhere (another compose file, such as an override, or the image)."""
    return yaml_scan(text, base, code_block, continued=_COMPOSE_CONTINUED)


def manifest_scan(text: str, base: int, code_block: bool) -> list[Segment]:
    """Kubernetes manifests and Helm values: a container's ``args:`` without a ``command:``
    continues the image's entrypoint (or a ``command:`` set elsewhere)."""
    return yaml_scan(text, base, code_block, continued=_MANIFEST_CONTINUED)


class _YamlScanner:
    """Command values of a YAML document, line by line (no YAML library keeps the bytes)."""

    def __init__(
        self,
        text: str,
        base: int,
        code_block: bool,
        shell_blocks: bool,
        continued: _Continued | None,
    ) -> None:
        self.text, self.base = text, base
        self.code_block, self.shell_blocks = code_block, shell_blocks
        self.continued = continued
        self.lines = line_spans(text)
        self.found: list[Segment] = []
        self.comments: list[tuple[int, int]] = []
        self.open_mappings: dict[int, int] = {}  # key column -> serial of its open mapping
        self.mappings_read = 0
        self.sequences: dict[int, dict[str, _Sequence]] = {}  # mapping serial -> key -> items
        self.scalars: dict[int, dict[str, _Scalar]] = {}  # mapping serial -> key -> scalar
        self.open_keys: dict[int, str] = {}  # column -> the last key there, while open
        self.places: dict[int, _Place] = {}  # mapping serial -> where it is, its keys

    def segments(self) -> list[Segment]:
        index = 0
        while index < len(self.lines):
            index = self._entry(index)
        for mapping in sorted(self.sequences.keys() | self.scalars.keys()):
            sequences, scalars = self.sequences.get(mapping, {}), self.scalars.get(mapping, {})
            self._continued_elsewhere(sequences, scalars, self.places[mapping])
            self._drop_first_half(sequences, scalars, self.places[mapping])
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
        mapping = self._mapping(match.end("indent"), column, bool(match.group("dashes")), name)
        pairs = any(name in pair for pair in _SPLIT_ARGV_KEYS)
        if _YAML_BLOCK_INDICATOR.match(rest):
            last = self._block_end(index, column)
            block = (index, last, rest.startswith(">"))
            if is_command and pairs and last > index:
                self.scalars.setdefault(mapping, {})[name] = self._block_as_words(block)
            elif is_command:
                self._block_scalar(*block)
            return last + 1
        self._trailing_comment(index, rest_at)
        value = _strip_yaml_comment(rest)
        if name == "image":
            self.places[mapping].image = value
        if not is_command:
            return index + 1
        if not value and not self._plain_follows(index, column):
            return self._block_sequence(index, column, (mapping, name))
        if value.startswith("["):
            return self._flow_sequence(index, start + rest_at, (mapping, name))
        scalar, last, _ = self._scalar_lines(start + rest_at, index, column, value)
        if scalar is not None and pairs:
            self.scalars.setdefault(mapping, {})[name] = _Scalar(index, *scalar)
        elif scalar is not None:
            self.found.append(ShellSegment(scalar[0], scalar[1], code_block=self.code_block))
        return last + 1

    def _scalar_lines(
        self, start: int, index: int, column: int, first: str
    ) -> tuple[tuple[str, Codec] | None, int, int]:
        """The scalar that starts at offset ``start`` on line ``index`` (``first``: the rest of
        that line, comment stripped), a value of a mapping or sequence at ``column``: (its
        value and codec, or None when it cannot be read; its last line; its end offset)."""
        if first[:1] in ("'", '"'):
            limit = self.lines[self._block_end(index, column)][1]  # the value's lines at most
            close = _quoted_close(self.text, start, limit)
            if close is None or close < self.lines[index][1]:
                return (
                    self._scalar(start, start + len(first), flow=False),
                    index,
                    start + len(first),
                )
            last = index
            while self.lines[last][1] < close:
                last += 1
            return self._multiline_quoted(start, close, index, last), last, close + 1
        last = self._plain_end(index, column, first)
        if last == index:
            return self._scalar(start, start + len(first), flow=False), index, start + len(first)
        return self._multiline_plain(start, index, last), last, self.lines[last][1]

    def _multiline_quoted(
        self, start: int, close: int, index: int, last: int
    ) -> tuple[str, Codec] | None:
        """The value of a quoted scalar from its quote at ``start`` (line ``index``) to its
        closing quote at ``close`` (line ``last``): lines folded as YAML does (a line break
        between two lines: a space; blank lines: line breaks; a double-quoted line ending in
        ``\\``: nothing), escapes decoded, each value character mapped to the text."""
        quote = self.text[start]
        chars: list[str] = []
        offsets: list[int] = []
        blanks, joined = 0, True
        for line_index in range(index, last + 1):
            line_start, line_end = self.lines[line_index]
            piece_start = start + 1 if line_index == index else line_start
            piece_end = close if line_index == last else line_end
            piece = self.text[piece_start:piece_end]
            if line_index > index:
                piece_start += len(piece) - len(piece.lstrip(" \t"))
                piece = piece.lstrip(" \t")
            if line_index < last:
                piece = piece.rstrip(" \t")
            if not piece and index < line_index < last:
                blanks += 1
                continue
            if line_index > index and not joined:
                chars.append("\n" * blanks if blanks else " ")
                offsets.extend([offsets[-1] + 1 if offsets else piece_start] * max(blanks, 1))
            escaped_break = (
                quote == '"'
                and line_index < last
                and (len(piece) - len(piece.rstrip("\\"))) % 2 == 1
            )
            if escaped_break:
                piece = piece[:-1]
            chars.extend(piece)
            offsets.extend(range(piece_start, piece_start + len(piece)))
            blanks, joined = 0, escaped_break
        decoded = _decode_quoted(chars, offsets, quote)
        if decoded is None:
            return None
        value, value_offsets = decoded
        mapped = tuple(self.base + offset for offset in [*value_offsets, close])
        encoder = escape_double_quoted if quote == '"' else _yaml_single
        return value, Mapped(mapped, encoder)

    def _plain_follows(self, index: int, column: int) -> bool:
        """Whether a multi-line plain scalar starts on the line after key line ``index``."""
        following = index + 1
        while following < len(self.lines) and not self._line(following).strip():
            following += 1
        if following >= len(self.lines) or self._indent(following) <= column:
            return False
        content = self._line(following).lstrip(" \t")
        entry = _YAML_ENTRY.match(content)
        return not (
            content.startswith(("-", "#", "[", "{", "'", '"', "&", "*", "!", "|", ">"))
            or (entry is not None and entry.group("key"))
        )

    def _plain_end(self, index: int, column: int, first: str) -> int:
        """The last line of a plain scalar whose first part, ``first``, is on line ``index``,
        in a mapping or sequence at ``column``: lines indented deeper continue it, up to a
        comment (a blank line within is a line break of the value)."""
        last = index
        if first and _strip_yaml_comment(self._line(index)) != self._line(index).rstrip():
            return last  # a comment ends it
        for following in range(index + 1, len(self.lines)):
            stripped = self._line(following).strip()
            if not stripped:
                continue
            if self._indent(following) <= column or stripped.startswith("#"):
                break
            last = following
            if _strip_yaml_comment(stripped) != stripped:
                break
        return last

    def _multiline_plain(self, start: int, index: int, last: int) -> tuple[str, Codec]:
        """The value of a plain scalar from offset ``start`` on line ``index`` to the end of
        line ``last``: its lines folded (one line break: a space; blank lines: line breaks),
        each value character mapped to the text."""
        chars: list[str] = []
        offsets: list[int] = []
        blanks = 0
        for line_index in range(index, last + 1):
            line_start, line_end = self.lines[line_index]
            content = self.text[max(line_start, start) : line_end]
            if not content.strip():
                blanks += 1
                continue
            stripped = _strip_yaml_comment(content.lstrip(" \t"))
            content_start = line_end - len(content.lstrip(" \t")) if line_index > index else start
            if chars:
                chars.append(" " if not blanks else "\n" * blanks)
                offsets.extend([offsets[-1] + 1] * (1 if not blanks else blanks))
            chars.extend(stripped)
            offsets.extend(range(content_start, content_start + len(stripped)))
            blanks = 0
        end = offsets[-1] + 1
        value = "".join(chars)
        mapped = tuple(self.base + offset for offset in [*offsets, end])
        return value, Mapped(mapped, _plain_encoder)

    def _block_as_words(self, block: tuple[int, int, bool]) -> _Scalar:
        """A block scalar of a key whose value may continue a program key's words: its line
        breaks as spaces."""
        index, last, _ = block
        content_start, content_end = self.lines[index + 1][0], self.lines[last][1]
        value = self.text[content_start:content_end].replace("\n", " ")
        codec = Identity(self.base + content_start, _NEWLINE)
        return _Scalar(index, value, codec, block)

    def _mapping(self, first: int, column: int, dashed: bool, key: str) -> int:
        """The serial of the mapping a key (``key``, or none) at ``column`` belongs to, on a
        line whose first character (key or ``-``) is at ``first``: deeper mappings end
        there, and an item ``- key:`` starts a new one (its place: the keys above it)."""
        for deeper in [open_column for open_column in self.open_mappings if open_column > first]:
            del self.open_mappings[deeper]
        for deeper in [open_column for open_column in self.open_keys if open_column >= column]:
            del self.open_keys[deeper]
        if dashed or column not in self.open_mappings:
            self.mappings_read += 1
            self.open_mappings[column] = self.mappings_read
            self.places[self.mappings_read] = _Place(
                tuple(self.open_keys[open_column] for open_column in sorted(self.open_keys))
            )
        serial = self.open_mappings[column]
        if key:
            self.open_keys[column] = key
            self.places[serial].keys.add(key)
        return serial

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
        scalars: list[tuple[str, Codec] | None] = []
        blocks: list[tuple[int, int, bool]] = []
        mappings = False  # some items are mappings (Taskfile ``- cmd: ...``): read by _entry
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
                mappings = True
                position = self._mapping_item(position, item_indent)
                continue
            self._trailing_comment(position, content_at)
            start = self.lines[position][0] + content_at
            end = start + len(_strip_yaml_comment(content))
            value = _strip_yaml_comment(content)
            scalar, last, end = self._scalar_lines(start, position, item_indent, value)
            items.append((start, end))
            scalars.append(scalar)
            position = last + 1
        readable = [scalar for scalar in scalars if scalar is not None]
        if items and len(readable) == len(items) and not mappings:
            self._sequence(key, _Sequence(index, items, readable, argv=not blocks))
        else:
            for value, codec in readable:
                self.found.append(ShellSegment(value, codec, code_block=self.code_block))
        for block_index, last, folded in blocks:
            self._block_scalar(block_index, last, folded)
        return position

    def _mapping_item(self, index: int, item_indent: int) -> int:
        """Read the mapping that is the sequence item on line ``index`` (``- cmd: ...``) as
        the main loop does; returns the line after it."""
        position = self._entry(index)
        while position < len(self.lines) and (
            not self._line(position).strip() or self._indent(position) > item_indent
        ):
            position = self._entry(position)
        return position

    def _sequence(self, key: tuple[int, str], sequence: _Sequence) -> None:
        """A command key's sequence: read with the other sequences of its mapping when it
        may pair with one (``command:`` + ``args:``), else now."""
        mapping, name = key
        if any(name in pair for pair in _SPLIT_ARGV_KEYS):
            self.sequences.setdefault(mapping, {})[name] = sequence
        else:
            self._items([sequence])

    def _continued_elsewhere(
        self, sequences: dict[str, _Sequence], scalars: dict[str, _Scalar], place: _Place
    ) -> None:
        """An arguments key without its program key that reads as the arguments of a
        ``prefect`` command (``command: agent docker start ...`` in a compose override whose
        ``entrypoint: prefect`` is in the base file, or the reverse): read after a
        ``prefect`` program, each rewrite with a review note to check that program."""
        if self.continued is None or not self.continued.holds_program(place):
            return
        program_key, arguments_key = self.continued.program_key, self.continued.arguments_key
        if program_key in place.keys:
            return

        def note(program: tuple[str, ...]) -> str:
            words = " ".join(program)
            return (
                f"this `{arguments_key}:` is read as arguments of `{words}`: make sure "
                f"{self.continued.elsewhere} runs that program"
            )

        anchor_key = sequences.get(arguments_key) or scalars.get(arguments_key)
        if anchor_key is None:
            return
        anchor = self.base + self.lines[anchor_key.key_index][0]
        scalar = scalars.get(arguments_key)
        program = _implied_program(scalar.value.split()) if scalar is not None else None
        if scalar is not None and program is not None:
            del scalars[arguments_key]
            prefix = " ".join(program)
            self.found.append(
                ShellSegment(
                    prefix + " " + scalar.value,
                    _AfterProgram(prefix, 0, scalar.codec),
                    code_block=self.code_block,
                    anchor=anchor,
                    note=note(program),
                )
            )
        sequence = sequences.get(arguments_key)
        if sequence is not None and sequence.argv:
            program = _implied_program([value for value, _ in sequence.scalars])
            if program is None:
                return
            del sequences[arguments_key]
            elements = [
                list_element(value, codec, self.base + start, self.base + end)
                for (value, codec), (start, end) in zip(
                    sequence.scalars, sequence.items, strict=True
                )
            ]
            at = elements[0].raw_start
            implied = [list_element(word, Opaque(at, at), at, at) for word in program]
            self.found.append(
                ArgvSegment(
                    (*implied, *elements),
                    _yaml_element_encoder(self.text[sequence.items[0][0]]),
                    self._separator(sequence),
                    anchor,
                    self.code_block,
                    split=len(implied),
                    note=note(program),
                )
            )

    def _drop_first_half(
        self, sequences: dict[str, _Sequence], scalars: dict[str, _Scalar], place: _Place
    ) -> None:
        """A program key without its arguments key whose words stop at the ``agent`` command
        group (``entrypoint: ["prefect", "agent"]``, ``prefect agent docker``): the first half
        of a command whose other half another file gives (read there), not a command line of
        its own."""
        if self.continued is None or self.continued.arguments_key in place.keys:
            return
        program_key = self.continued.program_key
        scalar, sequence = scalars.get(program_key), sequences.get(program_key)
        if scalar is not None and scalar.block is None:
            words = scalar.value.split()
        elif sequence is not None and sequence.argv:
            words = [value for value, _ in sequence.scalars]
        else:
            return
        group = words[1:]
        if (
            words
            and _is_prefect_word(words[0])
            and group[:1] == ["agent"]
            and (len(group) == 1 or (len(group) == 2 and group[1] in _AGENT_TYPES))
        ):
            scalars.pop(program_key, None)
            sequences.pop(program_key, None)

    def _separator(self, sequence: _Sequence) -> str:
        """What separates the items of ``sequence`` (for new items)."""
        if len(sequence.items) > 1:
            return self.text[sequence.items[0][1] : sequence.items[1][0]]
        return ", "

    def _mapping_scalars(
        self, sequences: dict[str, _Sequence], scalars: dict[str, _Scalar]
    ) -> None:
        """The command scalars of one mapping: an arguments scalar after a program key whose
        words start the ``prefect`` program as one command line (``entrypoint: prefect`` +
        ``command: agent local start``, ``entrypoint: ["prefect", "agent"]`` + ``command: >``
        block), a program scalar of plain words before an arguments sequence as a sequence,
        the others each by itself."""
        for program_key, arguments_key in _SPLIT_ARGV_KEYS:
            program_scalar = scalars.get(program_key)
            if arguments_key in sequences and program_scalar is not None:
                as_sequence = program_scalar.as_sequence()
                if as_sequence is not None:
                    del scalars[program_key]
                    sequences[program_key] = as_sequence
                    continue
            arguments = scalars.get(arguments_key)
            program = _program_words(scalars.get(program_key) or sequences.get(program_key))
            if arguments is None or program is None:
                continue
            self.found.append(self._launched_scalar(program, arguments))
            scalars.pop(program_key, None)
            sequences.pop(program_key, None)
            del scalars[arguments_key]
            break
        for scalar in scalars.values():
            if scalar.block is not None:
                self._block_scalar(*scalar.block)
            else:
                self.found.append(
                    ShellSegment(scalar.value, scalar.codec, code_block=self.code_block)
                )

    def _launched_scalar(self, program: _ProgramWords, arguments: _Scalar) -> ShellSegment:
        """``arguments`` read after the program key's words, which new text never edits (an
        edit there cannot be written: a review marker); markers go above the first of the two
        keys."""
        anchor = self.base + self.lines[min(program.key_index, arguments.key_index)][0]
        return ShellSegment(
            program.text + " " + arguments.value,
            _AfterProgram(program.text, program.program_start, arguments.codec),
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
            separator = self._separator(last)
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


@dataclass(frozen=True)
class _ProgramWords:
    """The words of a program key that start the ``prefect`` program, as one line."""

    text: str
    key_index: int
    program_start: int  # where the program word starts in ``text``


def _program_words(program: _Scalar | _Sequence | None) -> _ProgramWords | None:
    """The words of a program key that start the ``prefect`` program, maybe with arguments
    (``entrypoint: prefect``, ``entrypoint: ["poetry", "run", "prefect", "agent"]``)."""
    if program is None or (isinstance(program, _Scalar) and program.block is not None):
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
        return None  # an operator or a comment: not just a program and its arguments
    first_arg = program_end(words, text, frozenset())
    if first_arg is None:
        return None
    return _ProgramWords(text, program.key_index, words[first_arg - 1].start)


@dataclass(frozen=True)
class _AfterProgram:
    """The codec of a command line made of a program key's words, a space and an arguments
    scalar: the arguments map through their own codec; of the program key's words only the
    start of the program word (where a marker's line is looked up) and the end of the last
    word (where deleting the first argument starts) map, to where the arguments start: an
    edit of another of those words cannot be written."""

    prefix: str
    program_start: int
    arguments: Codec

    def raw(self, offset: int) -> int:
        if offset > len(self.prefix):
            return self.arguments.raw(offset - len(self.prefix) - 1)
        if offset in (self.program_start, len(self.prefix)):
            return self.arguments.raw(0)
        raise Unencodable(self.prefix)

    def encode(self, text: str) -> str:
        return self.arguments.encode(text)


#: The 0.x ``prefect`` commands a command Prefect 1.0 changes starts with.
_PREFECT_COMMANDS = frozenset({"agent", "register", "auth", "server"})
_AGENT_TYPES = frozenset({"local", "docker", "kubernetes", "ecs", "fargate", "vertex"})


def _is_prefect_word(word: str) -> bool:
    return word.rsplit("/", 1)[-1] == "prefect"


def _implied_program(words: list[str]) -> tuple[str, ...] | None:
    """The ``prefect`` words ``words`` read as the arguments of, when they are a Prefect
    command whose 0.x forms 1.0 changed: ``agent``, ``register``, ``auth``, ``server`` or
    ``run flow`` (after ``prefect``), an agent type and ``start``/``install`` (after
    ``prefect agent``, an ``entrypoint: ["prefect", "agent"]`` set elsewhere)."""
    if words[:1] and (words[0] in _PREFECT_COMMANDS or words[:2] == ["run", "flow"]):
        return ("prefect",)
    if words[:1] and words[0] in _AGENT_TYPES and words[1:2] in (["start"], ["install"]):
        return ("prefect", "agent")
    return None


def _quoted_close(text: str, start: int, limit: int) -> int | None:
    """The offset of the quote closing the YAML quoted scalar whose quote is at ``start``,
    if it is before ``limit``."""
    quote = text[start]
    position = start + 1
    while position < limit:
        char = text[position]
        if quote == '"' and char == "\\":
            position += 2
            continue
        if char == quote:
            if quote == "'" and text.startswith("''", position):
                position += 2
                continue
            return position
        position += 1
    return None


def _decode_quoted(
    chars: list[str], offsets: list[int], quote: str
) -> tuple[str, list[int]] | None:
    """The value of a folded quoted scalar's characters (``''`` in single quotes, backslash
    escapes in double quotes), with the offset of each value character; None for an escape
    YAML does not know."""
    value: list[str] = []
    value_offsets: list[int] = []
    position = 0
    while position < len(chars):
        char, at = chars[position], offsets[position]
        step = 1
        if quote == "'" and char == "'" and position + 1 < len(chars):
            step = 2
        elif quote == '"' and char == "\\":
            escaped = chars[position + 1] if position + 1 < len(chars) else ""
            if escaped not in DOUBLE_QUOTED_ESCAPES:
                return None  # \x, \u and the like: not worth reading across lines
            char, step = DOUBLE_QUOTED_ESCAPES[escaped], 2
        value.append(char)
        value_offsets.append(at)
        position += step
    return "".join(value), value_offsets


def _plain_encoder(text: str) -> str:
    if _YAML_PLAIN_FORBIDDEN.search(text):
        raise Unencodable(text)
    return text


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
