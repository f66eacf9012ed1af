"""Python: command lines in string literals (f-string fields, the ``{}`` fields of a
``"...".format(...)`` template and the ``%s`` conversions of a ``"..." % ...`` template are
run-time values; a docstring is read like reStructuredText), comments, and argv list/tuple
displays such as ``subprocess.run(["prefect", ...])``."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import pairwise

from fissix import pygram
from fissix.pgen2 import token
from fissix.pytree import Leaf, Node
from prefect1_migrate.codemods._commands.docs import rst_scan
from prefect1_migrate.codemods._commands.launchers import program_end
from prefect1_migrate.codemods._commands.lexer import balanced_end
from prefect1_migrate.codemods._commands.quoted import decode_body
from prefect1_migrate.codemods._commands.segments import (
    ArgvSegment,
    Element,
    Segment,
    ShellSegment,
    blank_outside,
    list_element,
)
from prefect1_migrate.codemods._commands.words import (
    PLACEHOLDER,
    Identity,
    Mapped,
    Opaque,
    Unencodable,
    Word,
)
from prefect1_migrate.codemods._python.scopes import scope_of
from prefect1_migrate.codemods._python.tree import leaves_of, walk

from prefect1_migrate.markers import in_marker


@dataclass(frozen=True)
class PythonSpot:
    """A place in a fissix tree holding command lines: a STRING leaf's literal (``value``;
    a docstring is read like reStructuredText), a leaf's prefix (``prefix``: comments) or a
    list/tuple display (``node``)."""

    node: Leaf | Node
    part: str
    segment: Segment
    template: str = ""  # how a literal gets run-time values (template_of)
    borrowed: int = 0  # leading argv elements read from the list this display extends

    @property
    def text(self) -> str:
        """The text the segment's offsets refer to."""
        if self.part == "value":
            return self.node.value  # type: ignore[union-attr]
        if self.part == "prefix":
            return self.node.prefix
        return str(self.node)[len(self.node.prefix) :]


def python_spots(root: Node) -> Iterator[PythonSpot]:
    nodes = walk(root)
    in_lists: set[int] = set()
    argv_names: dict[tuple[int, str], ArgvSegment] = {}
    for node in nodes:
        if node.type == pygram.python_symbols.trailer:  # session.run("prefect", ...)
            call = _display_argv(node)
            words = [] if call is None else [element.word for element in call.elements]
            if call is not None and program_end(words, "", frozenset()) is not None:
                in_lists.update(id(leaf) for leaf in leaves_of(node))
                yield PythonSpot(node, "node", call)
            continue
        if node.type != pygram.python_symbols.atom:
            continue
        segment: Segment | None = _python_argv(node)
        borrowed = 0
        if segment is None:
            segment = _concatenation(node)
        elif segment is not None:
            name = _assigned_name(node)
            if name is not None:
                argv_names[(id(scope_of(node)), name)] = segment
        if segment is None:
            name = _extended_name(node)
            base = None if name is None else argv_names.get((id(scope_of(node)), name))
            segment = None if base is None else _extension_argv(node, base)
            borrowed = 0 if base is None else len(base.elements)
        if segment is not None:
            in_lists.update(id(leaf) for leaf in leaves_of(node))
            template = template_of(node.children[0]) if isinstance(segment, ShellSegment) else ""
            yield PythonSpot(node, "node", segment, template, borrowed)
    for leaf in nodes:
        if not isinstance(leaf, Leaf):
            continue
        if "prefect" in leaf.prefix and "#" in leaf.prefix and id(leaf) not in in_lists:
            comments = [
                (match.start(), match.end())
                for match in re.finditer(r"#[^\n]*", leaf.prefix)
                if not in_marker(leaf.prefix, match.start())
            ]
            segment = ShellSegment(blank_outside(leaf.prefix, comments), Identity(0), prose=True)
            yield PythonSpot(leaf, "prefix", segment)
        if leaf.type == token.STRING and "prefect" in leaf.value and id(leaf) not in in_lists:
            template = template_of(leaf)
            decoded = decode_python_string(leaf.value, template)
            if decoded is None:
                continue
            value, offsets, encoder = decoded
            codec = Mapped(offsets, encoder)
            if leaf.parent is not None and leaf.parent.type == pygram.python_symbols.simple_stmt:
                for segment in rst_scan(value, 0, False):  # a docstring: documentation
                    if isinstance(segment, ShellSegment) and segment.codec == Identity(0):
                        yield PythonSpot(
                            leaf, "value", ShellSegment(segment.value, codec, prose=True)
                        )
                continue
            prose = leaf.value.lstrip("rRbBuUfF")[:3] in ('"""', "'''")
            yield PythonSpot(leaf, "value", ShellSegment(value, codec, prose=prose), template)


def _python_argv(atom: Node) -> ArgvSegment | None:
    """A ``[...]``/``(...)`` display whose items start with the ``prefect`` program."""
    inner = atom.children[1] if len(atom.children) == 3 else None
    head = [] if inner is None else [c for c in inner.children[:6] if c.type == token.STRING]
    if not any("prefect" in child.value for child in head):  # type: ignore[union-attr]
        return None
    segment = _display_argv(atom)
    if segment is None:
        return None
    if program_end([element.word for element in segment.elements], "", frozenset()) is None:
        return None
    return segment


def _concatenation(atom: Node) -> ShellSegment | None:
    """Implicitly concatenated literals (``"prefect run flow " "--name x"``) of one prefix
    and quote style, read as the one string they make; offsets are those of the atom's text."""
    literals = atom.children
    if len(literals) < 2 or any(child.type != token.STRING for child in literals):
        return None
    if not any("prefect" in child.value for child in literals):  # type: ignore[union-attr]
        return None
    styles = {_literal_style(child.value) for child in literals}  # type: ignore[union-attr]
    if len(styles) != 1:
        return None
    template = template_of(literals[0])  # type: ignore[arg-type]
    value: list[str] = []
    offsets: list[int] = []
    position = 0
    encoder = None
    for child in literals:
        position += len(child.prefix) if child is not literals[0] else 0
        decoded = decode_python_string(child.value, template)  # type: ignore[union-attr]
        if decoded is None:
            return None
        part, part_offsets, encoder = decoded
        value.append(part)
        offsets.extend(position + offset for offset in part_offsets[:-1])
        position += len(child.value)  # type: ignore[union-attr]
    offsets.append(position - len(_literal_style(literals[-1].value)[1]))  # type: ignore[union-attr]
    assert encoder is not None
    return ShellSegment("".join(value), Mapped(tuple(offsets), encoder))


def junctions(spot: PythonSpot) -> list[tuple[int, int]]:
    """Where the literals of a concatenation spot meet (closing quote, what stands between,
    prefix and opening quote), in :attr:`PythonSpot.text` offsets: an edit must not touch
    them. None for other spots."""
    if spot.part != "node" or not isinstance(spot.segment, ShellSegment):
        return []
    found, position = [], 0
    literals = spot.node.children
    for before, after in pairwise(literals):
        end = position + len(before.value)  # type: ignore[union-attr]
        close = len(_literal_style(before.value)[1])  # type: ignore[union-attr]
        prefix, quote = _literal_style(after.value)  # type: ignore[union-attr]
        position = end + len(after.prefix)
        found.append((end - close, position + len(prefix) + len(quote)))
    return found


def _literal_style(literal: str) -> tuple[str, str]:
    """A literal's lower-cased prefix and quote."""
    prefix = _PYTHON_PREFIX.match(literal).group()  # type: ignore[union-attr]
    rest = literal[len(prefix) :]
    return prefix.lower(), rest[:3] if rest[:3] in ('"""', "'''") else rest[:1]


def _extension_argv(atom: Node, base: ArgvSegment) -> ArgvSegment | None:
    """The argv of ``NAME += [...]`` / ``NAME.extend([...])``: the words of the list NAME was
    bound to (``base``, read but never edited: see :attr:`PythonSpot.borrowed`), then the
    display's own items."""
    own = _display_argv(atom)
    if own is None or atom.children[0].value != "[":  # type: ignore[union-attr]
        return None
    return ArgvSegment(base.elements + own.elements, own.encode_element, own.separator, anchor=0)


def _display_argv(atom: Node) -> ArgvSegment | None:
    """The items of a ``[...]``/``(...)`` display as argv elements (expressions are run-time
    values), None for a comprehension or another atom; of a call trailer, its positional
    arguments (the keyword arguments after them are not part of the command)."""
    syms = pygram.python_symbols
    if len(atom.children) != 3 or atom.children[0].value not in ("[", "("):  # type: ignore[union-attr]
        return None
    inner = atom.children[1]
    kinds = (syms.arglist,) if atom.type == syms.trailer else (syms.listmaker, syms.testlist_gexp)
    items = _positional(inner.children) if inner.type in kinds else [inner]
    if any(child.type == syms.comp_for for child in items):
        return None
    elements: list[Element] = []
    quote = '"'
    position = 1
    for child in items:
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
                elements.append(list_element(value, codec, start, end, expand=False))
        position += len(child_text)
    separator = ", "
    if len(elements) > 1:
        text = str(atom)[len(atom.prefix) :]
        separator = text[elements[0].raw_end : elements[1].raw_start]
    return ArgvSegment(
        tuple(elements), lambda word: _python_literal(word, quote), separator, anchor=0
    )


def _positional(children: list[Leaf | Node]) -> list[Leaf | Node]:
    """A call's arguments up to its first keyword argument (all items of a display)."""
    for index, child in enumerate(children):
        if child.type == pygram.python_symbols.argument and (
            str(child).lstrip().startswith("**")
            or any(part.type == token.EQUAL for part in child.children[1:2])
        ):
            return children[: max(index - 1, 0)]  # without the comma before it
    return children


def _assigned_name(atom: Node) -> str | None:
    """``NAME`` of ``NAME = atom``."""
    parent = atom.parent
    if parent is None or parent.type != pygram.python_symbols.expr_stmt:
        return None
    children = parent.children
    if len(children) == 3 and children[2] is atom and children[1].type == token.EQUAL:
        target = children[0]
        return target.value if target.type == token.NAME else None  # type: ignore[union-attr]
    return None


def _extended_name(atom: Node) -> str | None:
    """``NAME`` of ``NAME += atom`` or ``NAME.extend(atom)``."""
    parent = atom.parent
    syms = pygram.python_symbols
    if parent is None:
        return None
    children = parent.children
    if parent.type == syms.expr_stmt and len(children) == 3 and children[2] is atom:
        target = children[0]
        if children[1].type == token.PLUSEQUAL and target.type == token.NAME:
            return target.value  # type: ignore[union-attr]
        return None
    call = parent.parent
    if parent.type != syms.trailer or call is None or call.type != syms.power:
        return None
    parts = call.children
    if (
        len(parts) == 3
        and parts[0].type == token.NAME
        and str(parts[1]).strip() == ".extend"
        and parts[2] is parent
        and len(parent.children) == 3
    ):
        return parts[0].value  # type: ignore[union-attr]
    return None


_PYTHON_PREFIX = re.compile(r"[rRbBuUfF]*")
_PYTHON_ESCAPES = {
    "\\": "\\", "'": "'", '"': '"', "n": "\n", "t": "\t", "r": "\r",
    "a": "\a", "b": "\b", "f": "\f", "v": "\v",
}  # fmt: skip


#: A ``%`` conversion specifier (``%s``, ``%(name)r``, ``%-5d``, ``%.2f``, ``%%``).
_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?[a-zA-Z%]")


def template_of(leaf: Leaf) -> str:
    """How the ``str`` literal ``leaf`` receives run-time values: "f" (an f-string's fields),
    "format" (receiver of ``.format(...)``), "percent" (left operand of ``%``, or the message
    of a logging call given arguments: ``log.info("... %s", x)``), or "". Implicitly
    concatenated and parenthesized literals count as the operand they form."""
    if "f" in _PYTHON_PREFIX.match(leaf.value).group().lower():  # type: ignore[union-attr]
        return "f"
    syms = pygram.python_symbols
    operand: Leaf | Node = leaf
    parent = leaf.parent
    while parent is not None and parent.type == syms.atom:
        children = parent.children
        concatenated = all(child.type == token.STRING for child in children)
        parenthesized = len(children) == 3 and children[0].type == token.LPAR
        if not (concatenated or parenthesized):
            break
        operand, parent = parent, parent.parent
    if parent is None or parent.children[0] is not operand or len(parent.children) < 2:
        return ""
    if _is_logging_message(parent):
        return "percent"
    second = parent.children[1]
    if parent.type == syms.term and second.type == token.PERCENT:
        return "percent"
    if (
        parent.type == syms.power
        and second.type == syms.trailer
        and str(second).strip() == ".format"
    ):
        return "format"
    return ""


#: Logger methods whose first argument is a %-template when more arguments follow.
_LOGGING_METHODS = frozenset(
    {"debug", "info", "warning", "warn", "error", "exception", "critical", "fatal"}
)


def _is_logging_message(arguments: Node) -> bool:
    """Whether ``arguments`` (whose first child is the literal) is the arglist of
    ``<x>.info(literal, value, ...)`` or another logger method."""
    call = arguments.parent
    if arguments.type != pygram.python_symbols.arglist or call is None:
        return False
    method = call.prev_sibling
    return (
        call.type == pygram.python_symbols.trailer
        and method is not None
        and method.type == pygram.python_symbols.trailer
        and method.children[0].type == token.DOT
        and method.children[1].value in _LOGGING_METHODS  # type: ignore[union-attr]
    )


def fields_of(literal: str, template: str) -> list[str]:
    """The source text of each run-time field of a literal read as ``template``, in order."""
    decoded = decode_python_string(literal, template)
    if decoded is None:
        return []
    value, offsets, _ = decoded
    return [
        literal[offsets[index] : offsets[index + 1]]
        for index, char in enumerate(value)
        if char == PLACEHOLDER
    ]


def decode_python_string(
    literal: str, template: str = ""
) -> tuple[str, tuple[int, ...], Callable[[str], str]] | None:
    """A ``str`` literal's value, the offset of each character in ``literal`` (+ end), and an
    encoder for new text; the run-time fields of an f-string, or of a ``template`` (see
    :func:`template_of`), become :data:`PLACEHOLDER`. None for bytes."""
    prefix = _PYTHON_PREFIX.match(literal).group().lower()  # type: ignore[union-attr]
    if "b" in prefix:
        return None
    rest = literal[len(prefix) :]
    quote = rest[:3] if rest[:3] in ('"""', "'''") else rest[:1]
    start, end = len(prefix) + len(quote), len(literal) - len(quote)
    raw = "r" in prefix
    braces = "f" in prefix or template == "format"
    percent = template == "percent"

    def read(text: str, position: int, end: int) -> tuple[str, int]:
        char = text[position]
        if braces and char in "{}" and text.startswith(char * 2, position):
            return char, position + 2
        if braces and char == "{":
            return PLACEHOLDER, balanced_end(text, position, end)
        if percent and char == "%":
            spec = _PERCENT_SPEC.match(text, position, end)
            if spec is not None:
                return ("%" if spec.group() == "%%" else PLACEHOLDER), spec.end()
        if char == "\\" and not raw and position + 1 < end:
            escaped = text[position + 1]
            if escaped == "\n":
                return "", position + 2
            if escaped in _PYTHON_ESCAPES:
                return _PYTHON_ESCAPES[escaped], position + 2
            return char, position + 1  # kept as written (\x.., \u...., unknown escapes)
        return char, position + 1

    decoded = decode_body(literal, start, end, read)
    assert decoded is not None  # read() reads every piece
    value, offsets = decoded

    def encode(text: str) -> str:
        if braces:
            text = text.replace("{", "{{").replace("}", "}}")
        if percent:
            text = text.replace("%", "%%")
        if raw:
            if quote[0] in text or text.endswith("\\") or (len(quote) == 1 and "\n" in text):
                raise Unencodable(text)
            return text
        text = text.replace("\\", "\\\\").replace(quote[0], "\\" + quote[0])
        return text.replace("\n", "\\n") if len(quote) == 1 else text

    return value, tuple(offsets), encode


def _python_literal(text: str, quote: str = '"') -> str:
    escaped = text.replace("\\", "\\\\").replace(quote, "\\" + quote).replace("\n", "\\n")
    return quote + escaped + quote
