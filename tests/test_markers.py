"""Review markers: their messages survive redaction intact, so every report reads as written;
a long one is folded over several comment lines and read back as one marker (issue 16 item 3).
"""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest

from prefect1_migrate.markers import (
    MAX_CONTINUATION_LINES,
    fold_marker,
    in_marker,
    marker_lines,
    marker_start,
    unfolded_lines,
)
from prefect1_migrate.pipeline import new_markers
from prefect1_migrate.redaction import redact, remember, secret_values

GOLDEN = Path(__file__).resolve().parent.parent / "fixtures" / "codemods"


def _marker_messages() -> list[str]:
    messages: set[str] = set()
    for path in GOLDEN.glob("*/*/after/**/*"):
        if path.is_file():
            messages.update(message for _, message in marker_lines(path.read_bytes()) if message)
    return sorted(messages)


def test_golden_cases_carry_markers() -> None:
    assert len(_marker_messages()) > 50


def _golden_secrets() -> set[str]:
    """The secret values the golden cases' inputs hold (what a run over them remembers)."""
    found: set[str] = set()
    for path in GOLDEN.glob("*/*/before/**/*"):
        if path.is_file():
            found |= secret_values(path.read_text(encoding="utf-8", errors="replace"))
    return found


@pytest.mark.parametrize("message", _marker_messages())
def test_marker_message_is_not_mangled_by_redaction(message: str) -> None:
    # Messages are the tool's sentences: redaction hides the repository's secret values in
    # them and nothing else (`token= -> api_key=` must not print as `token= ***`).
    remember(_golden_secrets())
    assert redact(message) == message


LONG = (
    "    # TODO(prefect-1.0): `prefect register flow` does not work on Prefect 1.x; use "
    "prefect register --path F --project P (-f is --force, -p is --path in 1.x)"
)


@pytest.mark.parametrize("limit", [40, 60, 79, 88])
def test_a_long_marker_is_folded_at_spaces_within_the_limit(limit: int) -> None:
    folded = fold_marker(LONG, limit)
    assert len(folded) > 1
    assert all(len(line) <= limit for line in folded), folded
    assert folded[0].startswith("    # TODO(prefect-1.0): `prefect")
    assert all(line.startswith("    #   ") and line[8] != " " for line in folded[1:])
    assert unfolded_lines([*folded, "    prefect register flow"]) == [
        LONG,
        "    prefect register flow",
    ]
    # Greedy: no line could have taken the next line's first word.
    for line, following in pairwise(folded):
        assert len(line) + 1 + len(following[8:].split(" ")[0]) > limit


def test_a_marker_within_the_limit_or_not_a_whole_comment_line_is_not_folded() -> None:
    assert fold_marker(LONG, len(LONG)) == [LONG]
    inline = "x = 1  # TODO(prefect-1.0): " + "word " * 30
    assert fold_marker(inline, 40) == [inline]
    prose = "<!-- TODO(prefect-1.0): " + "word " * 30 + "-->"
    assert fold_marker(prose, 40) == [prose]


def test_a_word_longer_than_the_limit_stays_whole_on_a_line_of_its_own() -> None:
    url = "https://docs.prefect.io/orchestration/" + "a" * 80
    line = f"# TODO(prefect-1.0): see {url} and `prefect register --path F --project P`"
    folded = fold_marker(line, 60)
    assert f"#   {url}" in folded
    assert [item for item in folded if len(item) > 60] == [f"#   {url}"]
    assert unfolded_lines(folded) == [line]
    # Double spaces (inside a quoted command) are never a break, so nothing is lost.
    spaced = "# TODO(prefect-1.0): keep `a  b` as it is " + "word " * 20 + "end"
    assert unfolded_lines(fold_marker(spaced, 30)) == [spaced]


def test_continuation_lines_belong_to_the_marker_above_and_orphans_to_none() -> None:
    lines = [
        "#   an orphan: the first line of its marker was deleted",
        "prefect run flow --name a",
        "  # TODO(prefect-1.0): one",
        "  #   two",
        "  #   three",
        "  #   not folded by us: different indentation is no continuation",
        "#   nor this",
        "  #    four spaces: a user's comment",
    ]
    assert [marker_start(lines, index) for index in range(len(lines))] == [
        None, None, 2, 2, 2, 2, None, None
    ]  # fmt: skip
    text = "\n".join(lines)
    assert [in_marker(text, text.index(line)) for line in lines] == [
        False, False, True, True, True, True, False, False
    ]  # fmt: skip
    assert list(marker_lines(text.encode())) == [
        (3, "one two three not folded by us: different indentation is no continuation")
    ]


def test_a_marker_is_never_folded_past_the_lines_a_reader_walks_back() -> None:
    line = "# TODO(prefect-1.0): " + "word " * (MAX_CONTINUATION_LINES + 5) + "end"
    assert fold_marker(line, 10) == [line]  # one word a line: too many lines
    folded = fold_marker(line, 60)
    last = len(folded) - 1
    assert 1 < len(folded) <= 1 + MAX_CONTINUATION_LINES
    assert marker_start(folded, last) == 0


def test_new_markers_counts_a_folded_marker_once_and_knows_an_existing_one() -> None:
    old = "set -e\nprefect auth login --token $T\n"
    unfolded = old.replace("prefect auth", LONG.strip() + "\nprefect auth")
    folded = old.replace(
        "prefect auth", "\n".join(fold_marker(LONG.strip(), 50)) + "\nprefect auth"
    )
    lines = folded.count("\n") - old.count("\n")
    assert lines > 2
    message = LONG.split(": ", 1)[1]
    assert new_markers(old, folded) == [(2, message, 2 + lines)]
    assert new_markers(unfolded, folded) == []  # the same marker, folded: not a new one
    assert new_markers(folded, unfolded) == []
    assert new_markers(folded, folded + "# TODO(prefect-1.0): another\n") == [
        (3 + lines, "another", 4 + lines)
    ]
