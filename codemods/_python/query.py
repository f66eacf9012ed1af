"""The Bowler query that hands a Python codemod each file's tree."""

from __future__ import annotations

from collections.abc import Callable

from bowler import Query

from codemods._python.tree import LN


def whole_file_query(callback: Callable[[LN, dict, str], None]) -> Query:
    """A Bowler query whose ``callback(root, capture, filename)`` sees each file's tree once.

    Bowler's ``select_root()`` pattern, ``file_input< any* >``, takes time quadratic in the
    number of top-level statements to match; a bare node-type pattern matches at once.
    """
    return Query().select("file_input").modify(callback)
