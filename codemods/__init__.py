"""One module per documented change of the Prefect 1.0 upgrade guide.

Each public module is named after its codemod id and declares ``CODEMOD`` at its top (see
``prefect1_migrate.codemod``); modules whose names start with ``_`` hold matching helpers
shared by several codemods.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from prefect1_migrate.code_blocks import CodeBlock
    from prefect1_migrate.command_lines import CommandLine
    from prefect1_migrate.filekinds import FileKind


def prefect_command_lines(text: str, kind: FileKind) -> Iterator[CommandLine]:
    """The plug-in hook the registry exposes to the engine: every ``prefect`` invocation of a
    file as an argument list (``codemods/_commands/listing.py``; imported on first use)."""
    from prefect1_migrate.codemods._commands.listing import prefect_command_lines as scan

    return scan(text, kind)


def python_code_blocks(text: str, kind: FileKind) -> list[CodeBlock]:
    """The plug-in hook for a document's Python code blocks (Markdown fences, reST
    directives: ``codemods/_commands/docs.py``; imported on first use)."""
    from prefect1_migrate.codemods._commands.docs import python_code_blocks as scan

    return scan(text, kind)
