"""Marks every remaining Prefect 0.x use (upgrade guide: "Additional changes"; runs last).

The codemods rewrite the forms they recognise; this pass, run after all of them in every
mode, is a deliberately simple and broad detector driven by the catalog of what 1.x removed
(``codemods/_removed_in_1x.py``), not by the codemods' matching code. It rewrites nothing:
it puts a ``TODO(prefect-1.0)`` marker, saying what was removed and what replaces it, above
each place that would still break on Prefect 1.x and carries no marker yet.

- Python (the tree the pipeline already parsed; see ``codemods/_residual_python.py``):
  imports and dotted chains of removed modules and names, removed ``Client``/agent members,
  ``.environment`` on flows, removed config keys, and strings holding a removed dotted path,
  environment variable, Python 3.6 image or ``prefect`` command;
- every other file (``codemods/_residual_text.py``): ``prefect`` command lines whose command
  or options 1.x removed, whatever launches them; removed environment variables, config
  keys and dotted paths; Python 3.6 Prefect images.

Flags: every place it finds (it only marks).
"""

from __future__ import annotations

from fissix.pytree import Node
from prefect1_migrate.codemods._removed_in_1x import (
    COMMANDS,
    CONFIG_KEYS,
    ENV_VARS,
    MEMBERS,
    MODULES,
    NAMES,
)
from prefect1_migrate.codemods._residual_python import mark_residual_uses
from prefect1_migrate.codemods._residual_text import text_findings
from prefect1_migrate.codemods._text import insert_todo_above

from prefect1_migrate.codemod import PythonAndTextCodemod, SourceFile
from prefect1_migrate.guide import ADDITIONAL

#: Words too common to trigger on alone; the two-word forms (``run flow``) stand for them.
_TOO_COMMON = frozenset({"Parameter", "flow", "prefect", "storage"})

#: Text every finding needs: the catalog's last path segments and dotted prefixes, member
#: names, setting names, command words (``run flow``, ``"flow"`` of an argv list, ...).
_TRIGGERS = tuple(
    sorted(
        {
            *(removed.old.rpartition(".")[2] for removed in (*MODULES, *NAMES)),
            *(removed.old.rpartition(".")[0] for removed in NAMES),
            *(removed.old.rpartition(".")[2] for removed in MEMBERS),
            *(removed.old.rpartition(".")[2] for removed in CONFIG_KEYS),
            *(removed.old.rpartition("__")[2] for removed in ENV_VARS),
            *(option for command in COMMANDS for option in command.options if option[:2] == "--"),
            *(
                command.path[0] if "*" in command.path else " ".join(command.path[:2])
                for command in COMMANDS
            ),
            "core import task",
            "api_token",
            "environment",
            "python3.6",
        }
        - _TOO_COMMON
    )
)

CODEMOD = PythonAndTextCodemod(
    __name__,
    title="Mark the remaining Prefect 0.x uses",
    guide_section=ADDITIONAL,
    order=1000,
    summary="After every other codemod: a TODO(prefect-1.0) marker on each place that still "
    "uses something Prefect 1.0 removed (Python, commands, env vars, config keys, images).",
    description=(
        "Marked each remaining place that uses something Prefect 1.0 removed or renamed and "
        "that no codemod rewrote: imports, attributes, config keys, environment variables, "
        "`prefect` commands and options, Python 3.6 images. Each marker says what was removed "
        "and what replaces it; nothing was rewritten."
    ),
    flags=("every remaining use of a Prefect API, command, option, setting or image 1.x removed",),
    review_note=(
        "`migrate --check` fails while these markers remain: rewrite each place, then delete "
        "its marker."
    ),
    triggers=_TRIGGERS,
)


@CODEMOD.rewriter
def rewrite(root: Node, file: SourceFile) -> None:
    mark_residual_uses(root, file)


@CODEMOD.text_rewriter
def rewrite_text(text: str, file: SourceFile) -> str:
    findings = text_findings(text, file)
    if not findings:
        return text
    lines = text.split("\n")
    for finding in reversed(findings):
        insert_todo_above(
            lines, finding.index, file, finding.message, in_code_block=finding.in_code_block
        )
    return "\n".join(lines)
