"""codemods/_commands: what starts ``prefect`` (launchers, variables standing for one, shells
and here-documents), ``command:`` + ``args:`` sequences read as one argv, and re-runs over
files that already carry review markers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from prefect1_migrate.codemods._commands.driver import rewrite_commands
from prefect1_migrate.codemods._commands.edits import Edit, Replace, Rewrite
from prefect1_migrate.codemods._commands.invocations import Invocation
from realprefect.sources import golden_cases

from prefect1_migrate.codemod import MigrationOptions, SourceFile
from prefect1_migrate.command_lines import RUNTIME_VALUE
from prefect1_migrate.filekinds import FileKind
from prefect1_migrate.registry import prefect_command_lines
from tests.codemods.tools import GOLDEN, run_codemod


def argvs(text: str, kind: FileKind) -> list[tuple[int, list[str]]]:
    return [(command.line, command.argv) for command in prefect_command_lines(text, kind)]


def rewrite(text: str, kind: FileKind, rewriter, path: str = "file") -> str:
    return rewrite_commands(text, SourceFile(path, kind, MigrationOptions()), rewriter)


RUN = ["run", "flow", "--id", "1"]


@pytest.mark.parametrize(
    "command",
    [
        "uv run --with prefect --python 3.9 prefect",
        "uv tool run --from 'prefect==0.15.13' prefect",
        "uvx --from prefect==0.15.13 prefect",
        "pipx run --spec prefect==0.15.13 prefect",
        "hatch -e flows run prefect",
        "hatch run flows:prefect",
        "conda run --no-capture-output -n flows prefect",
        "micromamba run -p /opt/env prefect",
        "poetry -C services/etl run python3 -m prefect",
        "sudo -E -u prefect prefect",
        "sudo -Eu prefect PREFECT__BACKEND=cloud prefect",
        "sudo --preserve-env=PATH /usr/local/bin/prefect",
        "time -p prefect",
        "nice -n 5 timeout -s INT 2h prefect",
        "gosu prefect tini -- prefect",
        "docker run --rm -it -e A=b -v $PWD:/app --entrypoint '' img:1 prefect",
        "docker run --rm --entrypoint prefect img:1",
        "docker compose run --entrypoint=/opt/venv/bin/prefect agent",
        "docker -H ssh://ops@host container run --rm img prefect",
        "docker compose -f a.yml --project-name x run --rm -e A=b agent prefect",
        "docker-compose exec -T -u root agent prefect",
        "podman exec -it agent prefect",
        "kubectl --context prod -n prefect exec -it deploy/agent -c agent -- prefect",
        "oc exec agent-0 -- env A=b prefect",
        "ssh -p 2222 -i key ops@host sudo -E prefect",
        "$(RUN) prefect",
        "${RUNNER} exec prefect",
    ],
)
def test_launchers(command: str) -> None:
    assert argvs(f"{command} run flow --id 1\n", FileKind.SHELL) == [(1, RUN)]


@pytest.mark.parametrize(
    "command",
    [
        "docker run prefect run flow --id 1",  # an image named prefect
        "docker compose run --rm prefect run flow --id 1",  # a service named prefect
        "docker exec -e X=prefect agent ls run flow --id 1",
        "sudo -u prefect whoami run flow --id 1",
        "kubectl exec prefect-agent run flow --id 1",  # no ``--``: no command to run
        "xargs -I prefect echo prefect run flow --id 1",
        "uv run --with prefect pytest run flow --id 1",
        "poetry show prefect run flow --id 1",
        "hatch env create prefect run flow --id 1",
        "su - prefect -c 'echo prefect run flow --id 1'",
        "timeout prefect run flow --id 1",  # the duration, not a program
    ],
)
def test_launcher_lookalikes(command: str) -> None:
    assert argvs(command + "\n", FileKind.SHELL) == []


def test_an_entrypoint_option_naming_prefect_takes_the_words_after_the_image() -> None:
    text = "docker run --entrypoint prefect img run flow --id 1\n"
    assert rewrite(text, FileKind.SHELL, rename_id) == (
        "# TODO(prefect-1.0): check this run\ndocker run --entrypoint prefect img run --id 1\n"
    )

    def drop_first(invocation: Invocation) -> Rewrite:
        return Rewrite((Replace(0, 1),))

    assert rewrite(text, FileKind.SHELL, drop_first) == (
        "docker run --entrypoint prefect img flow --id 1\n"
    )


def test_xargs_appends_its_input_unless_it_places_it() -> None:
    text = (
        "ls ids | xargs -n1 prefect run flow --id\n"
        "ls ids | xargs -0 -P 4 prefect run flow --name\n"
        "ls ids | xargs -I{} prefect run flow --id {} --watch\n"
    )
    assert argvs(text, FileKind.SHELL) == [
        (1, ["run", "flow", "--id", RUNTIME_VALUE]),
        (2, ["run", "flow", "--name", RUNTIME_VALUE]),
        (3, ["run", "flow", "--id", "{}", "--watch"]),
    ]


def test_commands_of_here_documents_fed_to_a_shell() -> None:
    text = (
        "bash <<'EOF'\n"
        "prefect run flow --id 1\n"
        "EOF\n"
        "docker exec -i agent sh -s -- a b <<-EOF\n"
        "\tprefect run flow --id 2\n"
        "\tEOF\n"
        "cat <<EOF | bash\n"  # the shell reads the pipe, not the here-document: not followed
        "prefect run flow --id 3\n"
        "EOF\n"
        "bash -c 'prefect run flow --id 4' <<EOF\n"
        "prefect run flow --id 5\n"
        "EOF\n"
        "prefect run flow --id 6\n"
    )
    assert argvs(text, FileKind.SHELL) == [
        (2, ["run", "flow", "--id", "1"]),
        (5, ["run", "flow", "--id", "2"]),
        (10, ["run", "flow", "--id", "4"]),
        (13, ["run", "flow", "--id", "6"]),
    ]


def rename_id(invocation: Invocation) -> Rewrite | None:
    """``run flow --id X`` -> ``run --id X`` and a review message."""
    if invocation.values[:2] != ["run", "flow"]:
        return None
    return Rewrite((Replace(1, 2),), ("check this run",))


def add_dollar_word(invocation: Invocation) -> Rewrite | None:
    if invocation.values[:2] != ["run", "flow"]:
        return None
    return Rewrite((Replace(1, 2, ("--param", "home=$HOME")),))


def test_markers_for_here_documents_go_where_the_shell_leaves_them_alone() -> None:
    quoted = "bash <<'EOF'\n  prefect run flow --id 1\nEOF\n"
    assert rewrite(quoted, FileKind.SHELL, rename_id) == (
        "bash <<'EOF'\n  # TODO(prefect-1.0): check this run\n  prefect run --id 1\nEOF\n"
    )
    # the shell expands an unquoted body: a comment there could run `...`
    expanded = "bash <<EOF\n  prefect run flow --id 1\nEOF\nprefect run flow \\\n  --id 2\n"
    assert rewrite(expanded, FileKind.SHELL, rename_id) == (
        "# TODO(prefect-1.0): check this run\n"
        "bash <<EOF\n  prefect run --id 1\nEOF\n"
        "# TODO(prefect-1.0): check this run\n"
        "prefect run \\\n  --id 2\n"
    )


def test_new_text_the_shell_would_expand_in_a_here_document_is_flagged_instead() -> None:
    text = "bash <<EOF\nprefect run flow --id 1\nEOF\n"
    assert rewrite(text, FileKind.SHELL, add_dollar_word) == (
        "# TODO(prefect-1.0): this command needs a Prefect 1.0 rewrite that cannot be written "
        "here automatically; rewrite it by hand\n" + text
    )
    quoted = "bash <<'EOF'\nprefect run flow --id 1\nEOF\n"
    assert rewrite(quoted, FileKind.SHELL, add_dollar_word) == (
        "bash <<'EOF'\nprefect run --param 'home=$HOME' --id 1\nEOF\n"
    )


# --- command: + args: sequences -----------------------------------------------------------

CONTAINERS = """\
spec:
  containers:
    - name: a
      command: ["prefect"]
      args:
        # the agent
        - run
        - flow
        - --id
        - "1"
    - args: ["--id", "2"]
      image: x
      command:
        - prefect
        - run
        - flow
    - name: c
      command: ["/bin/sh", "-c"]
      args: ["prefect run flow --id 3"]
"""


def test_command_and_args_sequences_of_one_mapping_are_one_argv() -> None:
    assert argvs(CONTAINERS, FileKind.YAML) == [
        (4, ["run", "flow", "--id", "1"]),
        (14, ["run", "flow", "--id", "2"]),
        (19, ["run", "flow", "--id", "3"]),
    ]
    compose = 'services:\n  a:\n    entrypoint: ["prefect"]\n    command: ["run", "flow"]\n'
    assert argvs(compose, FileKind.COMPOSE) == [(3, ["run", "flow"])]
    apart = 'a:\n  command: ["prefect"]\nb:\n  args: ["run", "flow"]\n'
    assert argvs(apart, FileKind.YAML) == []


def test_edits_of_a_split_argv_stay_in_their_lists() -> None:
    rewritten = rewrite(CONTAINERS, FileKind.YAML, rename_id)
    loaded = yaml.safe_load(rewritten)["spec"]["containers"]
    assert [c["command"] + c["args"] for c in loaded[:2]] == [
        ["prefect", "run", "--id", "1"],
        ["prefect", "run", "--id", "2"],
    ]
    assert "        # the agent\n        - run\n        - --id\n" in rewritten


def drop_first_args(count: int):
    def rewriter(invocation: Invocation) -> Rewrite | None:
        return Rewrite((Replace(1, 1 + count),))

    return rewriter


def test_deleting_the_first_items_of_an_args_list() -> None:
    text = 'c:\n  command: ["prefect", "run"]\n  args: ["--a", "--b", "--c"]\n'
    assert rewrite(text, FileKind.YAML, drop_first_args(1)) == (
        'c:\n  command: ["prefect", "run"]\n  args: ["--b", "--c"]\n'
    )
    block = "c:\n  command: [prefect, run]\n  args:\n    - --a\n    - --b\n"
    assert rewrite(block, FileKind.YAML, drop_first_args(1)) == (
        "c:\n  command: [prefect, run]\n  args:\n    - --b\n"
    )


def test_edits_a_split_argv_cannot_hold_are_flagged() -> None:
    text = 'c:\n  command: ["prefect", "run"]\n  args: ["--a", "--b"]\n'
    flagged = (
        "c:\n  # TODO(prefect-1.0): this command needs a Prefect 1.0 rewrite that cannot be "
        "written here automatically; rewrite it by hand\n" + text[3:]
    )
    assert rewrite(text, FileKind.YAML, drop_first_args(2)) == flagged  # args: would be empty

    def across(invocation: Invocation) -> Rewrite:
        return Rewrite((Replace(0, 2, ("flow", "--x")),))

    assert rewrite(text, FileKind.YAML, across) == flagged

    def rename_in_command(invocation: Invocation) -> Rewrite:
        return Rewrite((Edit(0, 0, 3, "walk"),))

    assert rewrite(text, FileKind.YAML, rename_in_command) == text.replace('"run"', '"walk"')


# --- a marker never hides a command from the next run ---------------------------------------

NOTE = "# TODO(prefect-1.0): an earlier review note"
MARKED = [  # ``>`` lines: where the earlier marker stands, at the indentation after the ``>``
    (".gitlab-ci.yml", "job:\n  script:\n>    \n    - prefect run flow --id 1\n"
     "    - prefect run flow --id 2\n"),
    (".github/workflows/ci.yml", "jobs:\n  a:\n    steps:\n>      \n      - run: |\n"
     "          prefect run flow --id 1\n          prefect run flow --id 2\n"),
    ("k8s.yaml", "c:\n>  \n  command: [prefect]\n  args:\n>    \n    - run\n"
     "    - flow\n    - --id=1\n"),
    ("Makefile", "RUN = poetry run\nall:\n>\n\t$(RUN) prefect run flow --id 1\n"
     "\t$(RUN) prefect run flow --id 2\n"),
    ("run.sh", "bash <<'EOF'\n>\nprefect run flow --id 1\nprefect run flow --id 2\nEOF\n"),
]  # fmt: skip


def with_markers(template: str, marked: bool) -> str:
    lines = template.split("\n")
    return "\n".join(
        (line[1:] + NOTE if line.startswith(">") else line)
        for line in lines
        if marked or not line.startswith(">")
    )


@pytest.mark.parametrize(("path", "template"), MARKED, ids=[path for path, _ in MARKED])
def test_a_rerun_after_a_marker_rewrites_what_the_first_run_would_have(
    path: str, template: str
) -> None:
    first = run_codemod("cli-run", with_markers(template, False), path)
    rerun = run_codemod("cli-run", with_markers(template, True), path)
    assert first.steps and rerun.steps
    rewritten = rerun.steps[-1][1].decode().split("\n")
    assert [line for line in rewritten if NOTE not in line] == (
        first.steps[-1][1].decode().split("\n")
    )


#: An argv extension a rewrite emptied: ``argv += []`` / ``argv.extend([])``.
EMPTIED_EXTENSION = re.compile(r"(?:\+= *\[\]|\.extend\(\[\]\))")


def test_every_golden_case_keeps_its_command_lines_for_the_next_run() -> None:
    """A codemod's rewrite, review markers included, never hides a command line from the
    next run (and from --check): each after file holds as many as its before file, but for
    an argv extension whose only words 1.x removed (``argv.extend([])`` holds no command)."""
    for case in golden_cases():
        migration = case.migration()
        if migration.after is None:
            continue
        before = {name: len(lines) for name, lines in migration.before.command_lines().items()}
        after = {
            name: len(lines) + len(EMPTIED_EXTENSION.findall(migration.after.text(name)))
            for name, lines in migration.after.command_lines().items()
        }
        assert after == before, case.id


def test_every_golden_yaml_file_loads() -> None:
    files = [p for p in GOLDEN.rglob("*") if p.suffix in (".yml", ".yaml") and p.is_file()]
    assert any("launchers-yaml" in p.parts and "after" in p.parts for p in files)
    for path in files:
        list(yaml.safe_load_all(Path(path).read_bytes()))
