"""Keep dependency bots on Prefect 1.x. No guide section asks for it (it keeps the upgrade in
place): "Additional changes", next to the pins it protects.

Once a repository is on Prefect 1.x, Dependabot or Renovate would propose Prefect 2 or later
(a different product: none of the 1.x API exists there). This adds an ignore rule for
``prefect`` 2 and later, written into the file's own layout:

- ``.github/dependabot.yml``: every ``updates`` entry for the ``pip`` or ``uv`` ecosystem gets
  ``- dependency-name: "prefect"`` / ``versions: [">=2"]`` in its ``ignore`` list (created
  after the entry's last line when missing), indented and quoted like the file;
- Renovate (``renovate.json``, ``.renovaterc``, ``.renovaterc.json``, the ``renovate`` key of
  ``package.json``): a package rule ``{"matchPackageNames": ["prefect"], "allowedVersions":
  "<2"}`` joins ``packageRules`` (created when missing), indented like its neighbours.

- ``renovate.json5``, ``.renovaterc.json5``: the same rule, read with the comments blanked and
  written in the file's style (bare or quoted keys, its quote, a trailing comma), with the
  reason as a ``//`` comment above it when the rules are one a line.

Entries or configurations that already hold a rule for ``prefect`` are left alone. A
repository without either file gets nothing; the commit message's review note says a bot
would then propose 2.x.
"""

from __future__ import annotations

import json
import re
from typing import Any

from prefect1_migrate.codemods._commands.quoted import bracket_end
from prefect1_migrate.codemods._text import insert_todo_above, leading_whitespace

from prefect1_migrate.codemod import SourceFile, TextCodemod
from prefect1_migrate.filekinds import FileKind
from prefect1_migrate.guide import ADDITIONAL

CODEMOD = TextCodemod(
    __name__,
    title="Dependency bots ignore Prefect 2 and later",
    guide_section=ADDITIONAL,
    order=92,
    summary="dependabot.yml pip/uv entries and Renovate configs get an ignore rule for prefect>=2.",
    description=(
        "Added an ignore rule for prefect 2 and later to the dependency bots' configuration "
        "(Dependabot pip/uv updates: ignore dependency-name prefect, versions >=2; Renovate: a "
        "packageRules entry allowing prefect <2 only), so that no bot proposes a Prefect 2.x "
        "upgrade, which none of this repository's 1.x code would survive."
    ),
    flags=("Renovate JSON5 configurations that cannot be read",),
    review_note=(
        "A repository whose bot configuration is elsewhere (an organisation "
        "preset, the GitHub app's settings) or that has none is not protected: Dependabot "
        "security updates and Renovate would propose prefect 2.x there."
    ),
    triggers=("package-ecosystem", "renovate", "extends", "packageRules"),
    file_kinds=frozenset({FileKind.YAML, FileKind.JSON, FileKind.JSON5}),
    file_names=frozenset(
        {
            "dependabot.yml",
            "dependabot.yaml",
            "renovate.json",
            ".renovaterc",
            ".renovaterc.json",
            "renovate.json5",
            ".renovaterc.json5",
            "package.json",
        }
    ),
)

_ECOSYSTEM = re.compile(r"package-ecosystem\s*:\s*(?P<quote>[\"']?)(?P<name>[\w-]+)")
_UPDATES = re.compile(r"(?P<indent>\s*)updates\s*:\s*(?:#.*)?$")
_ITEM = re.compile(r"(?P<indent>\s*)-\s+")
_KEY = re.compile(r"(?P<key>[\w-]+)\s*:")
_PREFECT_NAME = re.compile(r"dependency-name\s*:\s*[\"']?prefect[\"']?\s*(?:#.*)?$")
_DEPENDABOT_PATHS = (".github/dependabot.yml", ".github/dependabot.yaml")
_PIP_ECOSYSTEMS = frozenset({"pip", "uv"})
_REASON = "  # Prefect 2 and later are another API: this repository runs on 1.x"
_JSON_SCALAR = re.compile(r"[^,\]}\s]*")
_RENOVATE_RULE = '{"matchPackageNames": ["prefect"], "allowedVersions": "<2"}'
_JSON5_BARE_KEY = re.compile(r"[A-Za-z_$][\w$]*")
_STRING_BODY = {
    '"': re.compile(r'(?:[^"\\]|\\.)*', re.S),
    "'": re.compile(r"(?:[^'\\]|\\.)*", re.S),
}
_JSON5_STRING = re.compile(r"(?P<quote>[\"'])(?:(?!(?P=quote))[^\\]|\\.)*(?P=quote)", re.S)
_JSON5_PREFECT_RULE = re.compile(
    r"(?:matchPackageNames|packageNames|matchDepNames)[\"']?\s*:\s*\[[^\]]*[\"']prefect[\"']"
)
_JSON5_TODO = (
    "this Renovate configuration could not be read: add a packageRules entry "
    + _RENOVATE_RULE
    + " so that Renovate proposes no Prefect 2.x"
)


@CODEMOD.rewriter
def rewrite(text: str, file: SourceFile) -> str:
    if file.kind is FileKind.YAML:
        return _dependabot(text) if file.path.endswith(_DEPENDABOT_PATHS) else text
    if file.kind is FileKind.JSON5:
        return _renovate_json5(text, file)
    return _renovate(text, file.path.rsplit("/", 1)[-1] == "package.json")


# --- Dependabot ------------------------------------------------------------------------------


def _dependabot(text: str) -> str:
    lines = text.split("\n")
    insertions: dict[int, list[str]] = {}
    for first, end in _update_entries(lines):
        entry = lines[first:end]
        ecosystem = next(filter(None, map(_ECOSYSTEM.search, entry)), None)
        if ecosystem is None or ecosystem["name"] not in _PIP_ECOSYSTEMS:
            continue
        if any(_PREFECT_NAME.search(line) for line in entry):
            continue
        item = _ITEM.match(lines[first])
        assert item is not None
        key_indent = " " * item.end()
        quote = ecosystem["quote"] or '"'
        rule = [
            f"- dependency-name: {quote}prefect{quote}{_REASON}",
            f"  versions: [{quote}>=2{quote}]",
        ]
        ignore = next(
            (
                index
                for index in range(first, end)
                if lines[index].startswith(key_indent + "ignore")
                and _KEY.match(lines[index], len(key_indent))
            ),
            None,
        )
        if ignore is None:
            last = _last_content_line(lines, first, end)
            insertions[last + 1] = [f"{key_indent}ignore:"] + [f"{key_indent}  {r}" for r in rule]
            continue
        rules_end = ignore + 1
        while rules_end < end and (
            not lines[rules_end].strip()
            or len(leading_whitespace(lines[rules_end])) > len(key_indent)
            or lines[rules_end].startswith(key_indent + "-")
        ):
            rules_end += 1
        rules_end = _last_content_line(lines, ignore, rules_end) + 1
        listed = next(
            (lines[i] for i in range(ignore + 1, rules_end) if _ITEM.match(lines[i])), None
        )
        indent = _ITEM.match(listed)["indent"] if listed else key_indent + "  "  # type: ignore[index]
        insertions[rules_end] = [f"{indent}{r}" for r in rule]
    for index in sorted(insertions, reverse=True):
        lines[index:index] = insertions[index]
    return "\n".join(lines)


def _update_entries(lines: list[str]) -> list[tuple[int, int]]:
    """[first, end) line ranges of the items of the top-level ``updates`` list."""
    updates = next((i for i, line in enumerate(lines) if _UPDATES.fullmatch(line)), None)
    if updates is None:
        return []
    entries: list[tuple[int, int]] = []
    item_indent: int | None = None
    for index in range(updates + 1, len(lines)):
        line = lines[index]
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        indent = len(leading_whitespace(line))
        item = _ITEM.match(line)
        if item_indent is None and item:
            item_indent = indent
        if item_indent is None or indent < item_indent or (indent == item_indent and not item):
            break
        if indent == item_indent:
            entries.append((index, index + 1))
        else:
            entries[-1] = (entries[-1][0], index + 1)
    return entries


def _last_content_line(lines: list[str], first: int, end: int) -> int:
    last = end - 1
    while last > first and (not lines[last].strip() or lines[last].lstrip().startswith("#")):
        last -= 1
    return last


# --- Renovate --------------------------------------------------------------------------------


def _renovate(text: str, in_package_json: bool) -> str:
    try:
        document = json.loads(text)
    except ValueError:
        return text
    if not isinstance(document, dict):
        return text
    open_at = text.index("{")
    config: Any = document
    if in_package_json:
        config = document.get("renovate")
        if not isinstance(config, dict):
            return text
        open_at = _members(text, open_at)["renovate"][0]
    rules = config.get("packageRules")
    if rules is not None and not isinstance(rules, list):
        return text
    if any(_limits_prefect(rule) for rule in rules or []):
        return text
    members = _members(text, open_at)
    if "packageRules" in members:
        start, end = members["packageRules"]
        return _append(text, start, end - 1, _RENOVATE_RULE)
    return _append(
        text, open_at, _value_end(text, open_at) - 1, f'"packageRules": [{_RENOVATE_RULE}]'
    )


def _renovate_json5(text: str, file: SourceFile) -> str:
    """A ``renovate.json5``: the rule joins ``packageRules`` as in ``renovate.json``, written
    in the file's style (quoted or bare keys, its string quote, a trailing comma), with the
    reason as a comment above it when the list holds one element a line. The structure is
    read with the comments blanked out; a file it cannot read gets a marker."""
    bare = _blank_comments(text)
    try:
        open_at = _skip_space(bare, 0)
        if bare[open_at] != "{":
            raise ValueError("not an object")
        members = _members(bare, open_at)
    except (ValueError, IndexError):
        lines = text.split("\n")
        insert_todo_above(lines, 0, file, _JSON5_TODO)
        return "\n".join(lines)
    rules = members.get("packageRules")
    if rules is not None and (bare[rules[0]] != "[" or _JSON5_PREFECT_RULE.search(bare, *rules)):
        return text
    first_key = _skip_space(bare, open_at + 1)
    key_quote = bare[first_key] if bare[first_key] in "\"'" else ""
    strings = _JSON5_STRING.search(bare)
    quote = strings["quote"] if strings else '"'
    rule = (
        f"{{{key_quote}matchPackageNames{key_quote}: [{quote}prefect{quote}], "
        f"{key_quote}allowedVersions{key_quote}: {quote}<2{quote}}}"
    )
    comment = f"//{_REASON.split('#', 1)[1]}"
    if rules is not None:
        return _append(text, rules[0], rules[1] - 1, rule, bare, comment)
    member = f"{key_quote}packageRules{key_quote}: [{rule}]"
    return _append(text, open_at, _value_end(bare, open_at) - 1, member, bare, comment)


def _blank_comments(text: str) -> str:
    """``text`` with each ``//`` and ``/* */`` comment outside strings turned into spaces
    (line breaks kept): the same positions, JSON's grammar."""
    chars = list(text)
    position = 0
    while position < len(text):
        char = text[position]
        if char in "\"'":
            position = _value_end(text, position)
            continue
        if text.startswith("//", position):
            end = text.find("\n", position)
            end = len(text) if end < 0 else end
        elif text.startswith("/*", position):
            end = text.find("*/", position + 2)
            end = len(text) if end < 0 else end + 2
        else:
            position += 1
            continue
        chars[position:end] = [c if c == "\n" else " " for c in text[position:end]]
        position = end
    return "".join(chars)


def _limits_prefect(rule: Any) -> bool:
    if not isinstance(rule, dict):
        return False
    names = [rule.get(key) or [] for key in ("matchPackageNames", "packageNames", "matchDepNames")]
    return any("prefect" in listed for listed in names if isinstance(listed, list))


def _append(
    text: str, open_at: int, close_at: int, item: str, bare: str = "", comment: str = ""
) -> str:
    """``text`` with ``item`` as the last element of the array or object between ``open_at``
    and ``close_at``, laid out like its elements (one a line, or on one line). ``bare`` is
    ``text`` with its comments blanked (JSON5): a trailing comma is kept after ``item``, a
    comment after the last element stays on its line, and ``comment`` goes on a line above
    ``item`` when the elements are one a line."""
    bare = bare or text
    inner = bare[open_at + 1 : close_at]
    if not inner.strip():
        return f"{text[: open_at + 1]}{item}{text[close_at:]}"
    content_end = open_at + 1 + len(inner.rstrip())
    if "\n" not in inner:
        if bare[content_end - 1] == ",":
            return f"{text[:content_end]} {item},{text[content_end:]}"
        return f"{text[:content_end]}, {item}{text[content_end:]}"
    first = open_at + 1 + len(inner) - len(inner.lstrip())
    indent = leading_whitespace(text[text.rfind("\n", 0, first) + 1 : first])
    line_end = text.find("\n", content_end, close_at)
    line_end = close_at if line_end < 0 else line_end
    above = f"\n{indent}{comment}" if comment else ""
    if bare[content_end - 1] == ",":  # a trailing comma: the new last element gets one too
        return f"{text[:line_end]}{above}\n{indent}{item},{text[line_end:]}"
    rest = text[content_end:line_end] if text[content_end:line_end].strip() else ""
    return f"{text[:content_end]},{rest}{above}\n{indent}{item}{text[content_end + len(rest) :]}"


def _members(text: str, open_at: int) -> dict[str, tuple[int, int]]:
    """{key: (start, end) of its value} of the JSON object opening at ``open_at`` (valid JSON,
    or JSON5 with its comments blanked: bare keys, either quote)."""
    members: dict[str, tuple[int, int]] = {}
    position = open_at + 1
    while True:
        position = _skip_space(text, position)
        if text[position] == "}":
            return members
        bare_key = _JSON5_BARE_KEY.match(text, position)
        key_end = bare_key.end() if bare_key else _value_end(text, position)
        key = bare_key.group() if bare_key else text[position + 1 : key_end - 1]
        colon = _skip_space(text, key_end)
        if text[colon] != ":":
            raise ValueError(f"no colon after {key!r}")
        start = _skip_space(text, colon + 1)
        end = _value_end(text, start)
        members[key] = (start, end)
        position = _skip_space(text, end)
        if text[position] == ",":
            position += 1


def _skip_space(text: str, position: int) -> int:
    while text[position] in " \t\r\n":
        position += 1
    return position


def _value_end(text: str, start: int) -> int:
    """The position after the JSON value starting at ``start`` (valid JSON; ValueError on an
    unclosed bracket of JSON5)."""
    if text[start] in "\"'":
        body = _STRING_BODY[text[start]].match(text, start + 1)
        assert body is not None  # the pattern matches the empty string
        return body.end() + 1
    if text[start] in "[{":
        close = bracket_end(text, start)
        if close is None:
            raise ValueError(f"unclosed {text[start]}")
        return close + 1
    return _JSON_SCALAR.match(text, start).end()  # type: ignore[union-attr]
