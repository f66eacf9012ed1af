"""Parsing Python with fissix, and the adapter that makes a Python codemod a Bowler query.

A :class:`~prefect1_migrate.codemod.PythonCodemod` is written as ``rewrite(root, file)``; here
it becomes the Bowler query ``Query().select("file_input").modify(...)`` (compiled once per
run) whose fixer is applied to each file's tree. Bowler's own runner re-reads, re-parses and
re-writes every file once per query (and damages files on the way, see the engineering
notes); here a file is parsed once and every codemod's fixer runs over the same tree.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bowler import Query
from fissix import pygram, pytree
from fissix.pgen2 import driver as pgen_driver
from fissix.pgen2.parse import ParseError
from fissix.pgen2.tokenize import TokenError

from prefect1_migrate.codemod import MigrationOptions, PythonCodemod, SourceFile
from prefect1_migrate.filekinds import FileKind

if TYPE_CHECKING:
    from fissix.fixer_base import BaseFix

_GRAMMAR = pygram.python_grammar_no_print_and_exec_statement
_DRIVER = pgen_driver.Driver(_GRAMMAR, convert=pytree.convert)


class PythonParseFailure(Exception):
    def __init__(self, line: int | None, reason: str) -> None:
        super().__init__(reason)
        self.line = line
        self.reason = reason


def parse(text: str) -> pytree.Node:
    """The lossless fissix tree of ``text`` (Python 3 grammar: print and exec are functions)."""
    try:
        return _DRIVER.parse_string(text)
    except ParseError as error:
        line = error.context[1][0] if error.context else None
        what = repr(error.value) if error.value else "end of file"
        raise PythonParseFailure(line, f"fissix cannot parse this syntax (at {what})") from error
    except (TokenError, IndentationError) as error:
        line = error.args[1][0] if len(error.args) > 1 else None
        raise PythonParseFailure(line, f"cannot tokenize: {error.args[0]}") from error
    except RecursionError as error:
        raise PythonParseFailure(None, "nested too deeply for fissix") from error


def codemod_query(codemod: PythonCodemod, options: MigrationOptions) -> Query:
    """The Bowler query that applies ``codemod.rewrite`` to each file's whole tree once.

    It selects the bare node type ``file_input``, which only the root can be: Bowler's
    ``select_root()`` pattern, ``file_input< any* >``, takes time quadratic in the number of
    top-level statements to match."""
    rewrite = codemod.rewrite
    assert rewrite is not None, f"{codemod.id} has no rewrite"

    def rewrite_file(root: pytree.Node, capture: dict, filename: str) -> None:
        rewrite(root, SourceFile(filename, FileKind.PYTHON, options))

    return Query().select("file_input").modify(rewrite_file)


class CompiledCodemod:
    """A Python codemod's query, compiled once into its fissix fixer, applied to many trees."""

    def __init__(self, codemod: PythonCodemod, options: MigrationOptions) -> None:
        (fixer_class,) = codemod_query(codemod, options).compile()
        self._fixer: BaseFix = fixer_class({"print_function": True, "exec_function": True}, [])

    def apply(self, tree: pytree.Node, path: str) -> None:
        """Runs the fixer over ``tree`` in place. Its pattern can only match the root, so
        the root is the one node tried: no walk over the tree (fissix's ``refactor_tree``
        would walk it twice and then its leaves)."""
        fixer = self._fixer
        fixer.start_tree(tree, path)
        results = fixer.match(tree)
        if results:
            fixer.transform(tree, results)
        fixer.finish_tree(tree, path)


def source_text(tree: pytree.Base) -> str:
    """``str(tree)`` without recursion: the prefix and value of every leaf, in order."""
    parts: list[str] = []
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, pytree.Leaf):
            parts.append(node.prefix)
            parts.append(node.value)
        else:
            stack.extend(reversed(node.children))
    return "".join(parts)
