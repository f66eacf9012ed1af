"""Parsing Python with fissix and applying a codemod's Bowler queries to a parsed tree.

Bowler's own runner re-reads, re-parses and re-writes every file once per query (and damages
files on the way, see the engineering notes). Here a file is parsed once; each codemod's
compiled fixers run over the same tree with fissix's ``refactor_tree``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from fissix import pygram, pytree
from fissix.fixer_base import BaseFix
from fissix.pgen2 import driver as pgen_driver
from fissix.pgen2.parse import ParseError
from fissix.pgen2.tokenize import TokenError
from fissix.refactor import RefactoringTool

if TYPE_CHECKING:
    from bowler import Query

_GRAMMAR = pygram.python_grammar_no_print_and_exec_statement
_DRIVER = pgen_driver.Driver(_GRAMMAR, convert=pytree.convert)
_FILE_INPUT = pygram.python_symbols.file_input


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


class _CompiledFixersTool(RefactoringTool):
    """A fissix refactoring tool over fixer classes compiled from Bowler queries."""

    def __init__(self, fixer_classes: Sequence[type[BaseFix]]) -> None:
        self._fixer_classes = list(fixer_classes)
        super().__init__([], options={"print_function": True, "exec_function": True})

    def get_fixers(self) -> tuple[list[BaseFix], list[BaseFix]]:
        fixers = [cls(self.options, self.fixer_log) for cls in self._fixer_classes]
        return (
            [fixer for fixer in fixers if fixer.order == "pre"],
            [fixer for fixer in fixers if fixer.order == "post"],
        )


class QueryRunner:
    """A codemod's queries, compiled once, applied to many trees."""

    def __init__(self, queries: Sequence[Query]) -> None:
        fixer_classes: list[type[BaseFix]] = []
        for query in queries:
            fixer_classes.extend(query.compile())
        self._tool = _CompiledFixersTool(fixer_classes)
        tool = self._tool
        # fissix's tool walks the whole tree once pre-order and once post-order, then the
        # leaves for its bottom-up matcher, whether or not any fixer wants that walk, with
        # recursive generators (a cost per node that grows with depth). Bowler's fixers all
        # use the node-by-node walks; only the walks some fixer needs are made, iteratively.
        # A fixer whose pattern can only match ``file_input`` (a whole-file query) can only
        # match the root: the walk is skipped.
        self._bottom_up = bool(tool.BM.fixers)
        self._pre_order_heads = tool.bmi_pre_order_heads if tool.bmi_pre_order else None
        self._post_order_heads = tool.bmi_post_order_heads if tool.bmi_post_order else None
        self._root_only = all(
            _only_file_input(heads)
            for heads in (self._pre_order_heads, self._post_order_heads)
            if heads is not None
        )

    def apply(self, tree: pytree.Node, filename: str) -> None:
        """Run every fixer over ``tree`` in place (what ``refactor_tree`` does, faster)."""
        tool = self._tool
        if self._bottom_up:
            tool.refactor_tree(tree, filename)
            return
        fixers = [*tool.pre_order, *tool.post_order]
        for fixer in fixers:
            fixer.start_tree(tree, filename)
        if self._pre_order_heads is not None:
            tool.traverse_by(self._pre_order_heads, [tree] if self._root_only else _pre_order(tree))
        if self._post_order_heads is not None:
            tool.traverse_by(
                self._post_order_heads, [tree] if self._root_only else _post_order(tree)
            )
        for fixer in fixers:
            fixer.finish_tree(tree, filename)


def _only_file_input(heads: dict[int, list[BaseFix]]) -> bool:
    return all(not fixers for node_type, fixers in heads.items() if node_type != _FILE_INPUT)


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


def _pre_order(root: pytree.Base) -> Iterator[pytree.Base]:
    """``root.pre_order()`` without recursion: the same nodes in the same order, also when the
    caller replaces the node it was just given (its old children are still walked, as there)."""
    yield root
    if isinstance(root, pytree.Leaf):
        return
    stack = [iter(root.children)]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
            continue
        yield child
        if not isinstance(child, pytree.Leaf):
            stack.append(iter(child.children))


def _post_order(root: pytree.Base) -> Iterator[pytree.Base]:
    """``root.post_order()`` without recursion, with the same order under the same edits."""
    if isinstance(root, pytree.Leaf):
        yield root
        return
    stack = [(root, iter(root.children))]
    while stack:
        node, children = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            yield node
        elif isinstance(child, pytree.Leaf):
            yield child
        else:
            stack.append((child, iter(child.children)))
