"""Source text for a :class:`~prefect1_migrate.codemods._environments.plan.Value`, laid out like the call it
replaces (one line, or one argument per line with the comments kept)."""

from __future__ import annotations

from dataclasses import dataclass

from fissix.pgen2 import token
from prefect1_migrate.codemods._environments.plan import (
    SPLAT,
    DictValue,
    NewArgument,
    Source,
    Value,
)
from prefect1_migrate.codemods._python.tree import (
    LN,
    first_leaf,
    leaves_of,
    root_of,
    source_of,
    syms,
)


@dataclass(frozen=True)
class Layout:
    """How to lay out generated code: one line, or one argument per line below ``indent``."""

    multiline: bool = False
    indent: str | None = None  # of the line the text starts on; None: keep moved text as is
    unit: str = "    "


def render(value: Value, layout: Layout) -> str:
    """Source text for ``value``. Moved sources are re-indented to ``layout.indent``."""
    if isinstance(value, str):
        return value
    if isinstance(value, Source):
        return _moved(value, layout.indent)
    if isinstance(value, DictValue):
        inline = "{" + ", ".join(f'"{k}": {render(v, layout)}' for k, v in value.entries) + "}"
        if not layout.multiline or layout.indent is None or _fits(inline):
            return inline
        nested = Layout(True, layout.indent + layout.unit, layout.unit)
        entries = "".join(f'\n{nested.indent}"{k}": {render(v, nested)},' for k, v in value.entries)
        return f"{{{entries}\n{layout.indent}}}"
    if not value.arguments:
        return f"{value.name}()"
    if not layout.multiline or layout.indent is None:
        inner = ", ".join(_argument(a, layout) for a in value.arguments)
        return f"{value.name}({inner})"
    nested = Layout(True, layout.indent + layout.unit, layout.unit)
    lines = []
    for argument in value.arguments:
        above, trailing = comments_of(argument.origin)
        lines.extend(f"\n{nested.indent}{comment}" for comment in above)
        lines.append(f"\n{nested.indent}{_argument(argument, nested)},")
        if trailing:
            lines.append(f"  {trailing}")
    return f"{value.name}({''.join(lines)}\n{layout.indent})"


def _fits(text: str) -> bool:
    return "\n" not in text and len(text) <= _INLINE_WIDTH


_INLINE_WIDTH = 60


def render_inline(value: Value) -> str:
    return render(value, Layout())


def _argument(argument: NewArgument, layout: Layout) -> str:
    text = render(argument.value, layout)
    return f"**{text}" if argument.keyword == SPLAT else f"{argument.keyword}={text}"


def comments_of(argument: LN | None) -> tuple[list[str], str | None]:
    """The comment lines above a call argument, and the comment at the end of its line."""
    if argument is None:
        return [], None
    above = argument.prefix.split("\n")[1:]
    following = argument.next_sibling
    if following is not None and following.type == token.COMMA:
        following = following.next_sibling
    if following is None and argument.parent is not None and argument.parent.type == syms.arglist:
        following = argument.parent.next_sibling  # the closing parenthesis
    trailing = following.prefix.split("\n")[0].strip() if following is not None else ""
    return [line.strip() for line in above if line.strip()], trailing or None


def _moved(source: Source, indent: str | None) -> str:
    node = source.node
    text = source.text if source.text is not None else source_of(node)
    if indent is None or "\n" not in text or _has_multiline_string(node):
        return text
    old = line_indent(node)
    lines = text.split("\n")
    return "\n".join(
        [lines[0]]
        + [indent + line[len(old) :] if line.startswith(old) else line for line in lines[1:]]
    )


def _has_multiline_string(node: LN) -> bool:
    return any(leaf.type == token.STRING and "\n" in leaf.value for leaf in leaves_of(node))


def line_indent(node: LN) -> str:
    """The indentation of the line on which ``node`` starts."""
    target = first_leaf(node)
    line = ""
    for leaf in leaves_of(root_of(node)):
        text = leaf.prefix if leaf is target else leaf.prefix + leaf.value
        line = text.rpartition("\n")[2] if "\n" in text else line + text
        if leaf is target:
            break
    return line[: len(line) - len(line.lstrip(" \t"))]
