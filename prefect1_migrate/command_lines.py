"""What the codemods' command-line scanners hand the engine: the ``prefect`` invocations of a
file as argument lists (``verify`` parses them with the real Prefect CLI). The engine asks for
them through :func:`prefect1_migrate.registry.prefect_command_lines`; it knows no scanner."""

from __future__ import annotations

from dataclasses import dataclass

#: What an argv holds where a value is only known at run time (``$FLOW``, ``{name}``).
RUNTIME_VALUE = "RUNTIME_VALUE"


@dataclass(frozen=True)
class CommandLine:
    """A ``prefect`` invocation found in a file."""

    line: int  # 1-based line of the program word
    argv: list[str]  # the words after the program; run-time parts become RUNTIME_VALUE (an
    # unquoted ``$ARGS`` or ``*args`` alone stands for any number of words: left out, except
    # right after an option word, where it is taken for the option's value)
    marked: bool  # a TODO(prefect-1.0) marker stands right above its marker line
