"""Options of an argv by click's parsing rules, so codemods find an option in every spelling
(``-f X``, ``--file X``, ``--file=X``, ``-fX``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from prefect1_migrate.codemods._commands.words import PLACEHOLDER, Word


@dataclass(frozen=True)
class Option:
    """An option of a Prefect 0.15 command: its names and whether it takes a value."""

    names: tuple[str, ...]
    takes_value: bool = True


@dataclass(frozen=True)
class Occurrence:
    """One option (or positional/run-time word) as written in an argv."""

    option: Option | None  # None: a positional or run-time word
    name: str  # the option name as written ("" for positionals)
    index: int  # argv index of its first word
    stop: int  # argv index after its last word
    value: str | None = None
    value_at: int | None = None  # offset of the value inside the option word (``--x=v``/``-xv``)

    @property
    def is_static(self) -> bool:
        return self.value is None or PLACEHOLDER not in self.value


_HELP = Option(("--help", "-h"), takes_value=False)


def parse_options(
    args: Sequence[Word], options: Sequence[Option], start: int = 0, extra_args: bool = False
) -> list[Occurrence] | None:
    """The options of ``args[start:]`` by click's rules; None when click would not accept
    them (unknown option without ``extra_args``, missing value, combined short flags).

    A word that starts with a run-time value (``$ARGS``) is returned with ``option=None``.
    """
    names = {name: option for option in (*options, _HELP) for name in option.names}
    found: list[Occurrence] = []
    index = start
    while index < len(args):
        value = args[index].value
        if value == "--":
            found.extend(
                Occurrence(None, "", i, i + 1, args[i].value) for i in range(index + 1, len(args))
            )
            break
        if not value.startswith("-") or value == "-" or value.startswith(PLACEHOLDER):
            found.append(Occurrence(None, "", index, index + 1, value))
            index += 1
            continue
        name, equals, explicit = value.partition("=")
        option = names.get(name) if (name.startswith("--") or len(name) > 2) else None
        if option is not None:
            if not option.takes_value:
                if equals:
                    return None
                found.append(Occurrence(option, name, index, index + 1))
            elif equals:
                found.append(Occurrence(option, name, index, index + 1, explicit, len(name) + 1))
            elif index + 1 < len(args):
                found.append(Occurrence(option, name, index, index + 2, args[index + 1].value))
                index += 1
            else:
                return None
            index += 1
            continue
        short = names.get(value[:2]) if not value.startswith("--") else None
        if short is not None and len(value[:2]) == 2 and value[:2] in short.names:
            if not short.takes_value:
                if len(value) > 2:
                    return None
                found.append(Occurrence(short, value[:2], index, index + 1))
            elif len(value) > 2:
                found.append(Occurrence(short, value[:2], index, index + 1, value[2:], 2))
            elif index + 1 < len(args):
                found.append(Occurrence(short, value[:2], index, index + 2, args[index + 1].value))
                index += 1
            else:
                return None
            index += 1
            continue
        if not extra_args:
            return None
        found.append(Occurrence(None, "", index, index + 1, value))
        index += 1
    return found
