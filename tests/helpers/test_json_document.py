"""codemods/_json_document.py: the offsets of every value, JSONC leniency, and no answer for
what is not JSON."""

from __future__ import annotations

import pytest
from prefect1_migrate.codemods._json_document import parse_json, walk


def test_every_value_keeps_its_source_offsets() -> None:
    text = '{"a": [1, "x\\"y"], "b": {"c": null}}'
    document = parse_json(text)
    assert document is not None
    spans = [text[value.start : value.end] for value in walk(document)]
    assert spans == [text, '[1, "x\\"y"]', "1", '"x\\"y"', '{"c": null}', "null"]
    assert document.member(text, "a").items[1].string(text) == 'x"y'  # type: ignore[union-attr]


def test_comments_and_trailing_commas_are_read_like_editors_do() -> None:
    text = '// top\n{\n\t"a": "b", /* why */\n\t"c": ["d",],\n}\n'
    document = parse_json(text)
    assert document is not None
    assert [key.string(text) for key in document.keys] == ["a", "c"]


@pytest.mark.parametrize(
    "text",
    [
        '{"a": 1',
        '{"a": 1}}',
        '{"a" 1}',
        "[1 2]",
        "{,}",
        '["a"',
        '{"a": "b\nc"}',
        "",
        "{1: 2}",
        "[1] [2]",
    ],
)
def test_what_is_not_json_has_no_document(text: str) -> None:
    assert parse_json(text) is None


def test_deep_nesting_is_read_without_recursion() -> None:
    depth = 50_000
    document = parse_json("[" * depth + "]" * depth)
    assert document is not None
    assert sum(1 for _ in walk(document)) == depth
