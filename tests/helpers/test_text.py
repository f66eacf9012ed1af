"""codemods/_text.py: the one "mentions Prefect" rule and which lines of a document are code."""

from __future__ import annotations

import pytest
from prefect1_migrate.codemods._text import code_block_mask, mentions_prefect

from prefect1_migrate.filekinds import FileKind


@pytest.mark.parametrize(
    "text",
    [
        "prefect==0.15.13",
        "pip install 'Prefect[aws]'",
        "from prefect.executors import LocalExecutor",
        "image: prefecthq/prefect:0.15.13",
        "PREFECT__CLOUD__API_KEY=x prefect agent local start",
    ],
)
def test_a_text_naming_prefect_mentions_it(text: str) -> None:
    assert mentions_prefect(text)


@pytest.mark.parametrize(
    "text",
    ["prefect-aws==0.2", "prefect_dbt", "image: prefecthq/server", "PREFECT__CLOUD__API_KEY=x"],
)
def test_other_distributions_and_names_do_not_mention_prefect(text: str) -> None:
    assert not mentions_prefect(text)


def test_markdown_code_is_the_inside_of_its_fences() -> None:
    lines = ["Prose", "```yaml", "a: 1", "~~~", "b: 2", "```", "after"]
    assert code_block_mask(lines, FileKind.MARKDOWN) == [
        False, False, True, True, True, False, False,
    ]  # fmt: skip


def test_rst_code_is_the_indented_block_after_a_directive_or_double_colon() -> None:
    lines = [".. code-block:: bash", "", "   prefect run", "Text::", "", "   x = 1", "", "end"]
    assert code_block_mask(lines, FileKind.RST) == [
        False, False, True, False, False, True, False, False,
    ]  # fmt: skip


def test_every_line_of_other_files_is_code() -> None:
    assert code_block_mask(["# comment", "A=1"], FileKind.SHELL) == [True, True]
