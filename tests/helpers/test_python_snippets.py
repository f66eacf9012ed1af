"""Source text parsed into detached nodes, ready to go into another tree."""

from __future__ import annotations

from prefect1_migrate.codemods._python.snippets import (
    parse_argument,
    parse_expression,
    parse_statement,
)
from prefect1_migrate.codemods._python.tree import syms

from prefect1_migrate.python_tree import parse


def test_an_expression_may_span_lines_and_comes_out_as_written() -> None:
    text = 'KubernetesRun(\n    labels=["a"],  # kept\n    image="i",\n)'
    expression = parse_expression(text)
    assert expression.parent is None
    assert expression.type == syms.power
    assert str(expression) == text


def test_an_argument_is_a_keyword_or_a_value() -> None:
    keyword = parse_argument("run_config=UniversalRun()")
    assert (keyword.type, keyword.parent) == (syms.argument, None)
    assert str(keyword) == "run_config=UniversalRun()"
    assert str(parse_argument("x")) == "x"


def test_a_statement_can_be_put_into_another_tree() -> None:
    function = parse_statement("def f():\n    return 1\n")
    assert function.type == syms.funcdef and function.parent is None
    tree = parse("x = 1\n")
    tree.insert_child(1, function)
    assert str(tree) == "x = 1\ndef f():\n    return 1\n"
    assert str(parse_statement("import os")) == "import os\n"
