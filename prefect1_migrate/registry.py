"""Discovers the codemods: every public module of the ``prefect1_migrate.codemods`` package
(the repository's ``codemods/`` folder, installed under the project's name) declares one
``CODEMOD`` with its own ``__name__``, so the module name is the codemod id (``imports_moved``
is ``imports-moved``)."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable, Iterator
from functools import cache
from typing import TYPE_CHECKING

from prefect1_migrate import codemods
from prefect1_migrate.codemod import Codemod, PythonAndTextCodemod, PythonCodemod, TextCodemod
from prefect1_migrate.command_lines import CommandLine
from prefect1_migrate.filekinds import FileKind

if TYPE_CHECKING:
    from prefect1_migrate.code_blocks import CodeBlock


class UnknownCodemod(Exception):
    def __init__(self, unknown: list[str], known: list[str]) -> None:
        super().__init__(f"unknown codemod id(s): {', '.join(unknown)}")
        self.unknown = unknown
        self.known = known


@cache
def all_codemods() -> tuple[Codemod, ...]:
    """Every registered codemod, in pipeline order."""
    found: list[Codemod] = []
    for module_info in pkgutil.iter_modules(codemods.__path__):
        if module_info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{codemods.__name__}.{module_info.name}")
        codemod = getattr(module, "CODEMOD", None)
        if not isinstance(codemod, Codemod):
            raise TypeError(f"{module.__name__} defines no CODEMOD")
        if codemod.module != module.__name__:
            raise ValueError(
                f"{module.__name__}: declare CODEMOD with __name__, not {codemod.module!r}"
            )
        if isinstance(codemod, (PythonCodemod, TextCodemod)) and codemod.rewrite is None:
            raise TypeError(f"{module.__name__}: no function is marked @CODEMOD.rewriter")
        if isinstance(codemod, PythonAndTextCodemod) and codemod.text_rewrite is None:
            raise TypeError(f"{module.__name__}: no function is marked @CODEMOD.text_rewriter")
        found.append(codemod)
    ids = [codemod.id for codemod in found]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ValueError(f"duplicate codemod ids: {duplicates}")
    return tuple(sorted(found, key=lambda codemod: codemod.pipeline_position))


def codemod_by_id(codemod_id: str) -> Codemod:
    for codemod in all_codemods():
        if codemod.id == codemod_id:
            return codemod
    raise UnknownCodemod([codemod_id], [c.id for c in all_codemods()])


def select_codemods(only: Iterable[str] = (), skip: Iterable[str] = ()) -> tuple[Codemod, ...]:
    """The pipeline restricted by ``--only`` and ``--skip`` (unknown ids raise)."""
    everything = all_codemods()
    known = [codemod.id for codemod in everything]
    only, skip = list(only), list(skip)
    unknown = [i for i in [*only, *skip] if i not in known]
    if unknown:
        raise UnknownCodemod(unknown, known)
    return tuple(
        codemod
        for codemod in everything
        if (not only or codemod.id in only) and codemod.id not in skip
    )


def prefect_command_lines(text: str, kind: FileKind) -> Iterator[CommandLine]:
    """Every ``prefect`` invocation of a file of ``kind``, found by the scanners the text
    codemods use (the ``prefect1_migrate.codemods`` package's plug-in hook), in file order."""
    return codemods.prefect_command_lines(text, kind)


def python_code_blocks(text: str, kind: FileKind) -> list[CodeBlock]:
    """The Python code blocks of a document of ``kind`` (Markdown, reST), found by the
    scanners the text codemods use (the codemods package's plug-in hook), in file order."""
    return codemods.python_code_blocks(text, kind)
