"""codemods/_commands: finding ``prefect`` invocations in every file kind, reading their options
with click's rules, and re-emitting only what an edit touches."""

from __future__ import annotations

import pytest
from fissix.pgen2 import token
from prefect1_migrate.codemods._commands.driver import file_invocations, rewrite_commands
from prefect1_migrate.codemods._commands.edits import Edit, Replace, Rewrite, rename, shell_quote
from prefect1_migrate.codemods._commands.invocations import Invocation
from prefect1_migrate.codemods._commands.json import split_flow
from prefect1_migrate.codemods._commands.options import Option, parse_options
from prefect1_migrate.codemods._commands.python_strings import (
    decode_python_string,
    fields_of,
    template_of,
)
from prefect1_migrate.codemods._commands.quoted import bracket_end, quoted_end
from prefect1_migrate.codemods._commands.words import PLACEHOLDER, Word
from prefect1_migrate.codemods._python.tree import leaves_of

from prefect1_migrate.codemod import MigrationOptions, SourceFile
from prefect1_migrate.command_lines import RUNTIME_VALUE
from prefect1_migrate.filekinds import FileKind, classify
from prefect1_migrate.python_tree import parse
from prefect1_migrate.registry import all_codemods, prefect_command_lines


def argvs(text: str, kind: FileKind) -> list[tuple[int, list[str]]]:
    return [(command.line, command.argv) for command in prefect_command_lines(text, kind)]


def rewrite(text: str, kind: FileKind, rewriter, path: str = "file") -> str:
    return rewrite_commands(text, SourceFile(path, kind, MigrationOptions()), rewriter)


def rename_register_file(invocation: Invocation) -> Rewrite | None:
    """A small rewriter for the tests: ``register flow -f X`` -> ``register --path X``."""
    if invocation.values[:2] != ["register", "flow"]:
        return None
    found = parse_options(
        invocation.args, [Option(("--file", "-f")), Option(("--skip",), False)], 2
    )
    assert found is not None
    ops = [Replace(1, 2)]
    for occurrence in found:
        if occurrence.name == "--skip":
            ops.append(Replace(occurrence.index, occurrence.stop))
        elif occurrence.option is not None:
            ops.append(rename(occurrence, "--path"))
    return Rewrite(tuple(ops))


def add_words(invocation: Invocation) -> Rewrite | None:
    """Replaces the last word by two new ones that need quoting."""
    if invocation.values[:1] != ["run"]:
        return None
    last = len(invocation.args) - 1
    return Rewrite((Replace(last, last + 1, ("--param", 'a={"b": "c d"}')),), ("check this",))


# --- shell syntax (lexer, launchers, invocations) -----------------------------------------


def test_quotes_escapes_and_variables() -> None:
    text = """prefect run flow --name 'my flow' -p "$PROJECT" --label a\\ b -ps "{\\"k\\": 1}" ${X}y\n"""
    [(line, argv)] = argvs(text, FileKind.SHELL)
    assert line == 1
    assert argv == ["run", "flow", "--name", "my flow", "-p", RUNTIME_VALUE, "--label", "a b",
                    "-ps", '{"k": 1}', f"{RUNTIME_VALUE}y"]  # fmt: skip


def test_lists_pipes_substitutions_and_continuations() -> None:
    text = (
        "set -e; prefect auth login -k K && prefect run flow --id 1 | tee out || exit 1\n"
        "ID=$(prefect run flow --id 2 --no-url)\n"
        "echo `prefect run flow --id 3`\n"
        "prefect run flow \\\n  --id 4 \\\n  --watch  # prefect run flow --id 5\n"
    )
    assert argvs(text, FileKind.SHELL) == [
        (1, ["auth", "login", "-k", "K"]),
        (1, ["run", "flow", "--id", "1"]),
        (2, ["run", "flow", "--id", "2", "--no-url"]),
        (3, ["run", "flow", "--id", "3"]),
        (4, ["run", "flow", "--id", "4", "--watch"]),
        (6, ["run", "flow", "--id", "5"]),
    ]


def test_program_spellings_and_wrappers() -> None:
    text = (
        "PREFECT__BACKEND=cloud prefect run flow --id 1\n"
        "env -i A=1 exec /opt/venv/bin/prefect run flow --id 2\n"
        "poetry run prefect run flow --id 3\n"
        "pipenv run python3.8 -m prefect run flow --id 4\n"
        "if true; then nohup prefect run flow --id 5; fi\n"
        "bash -lc 'prefect run flow --id 6'\n"
    )
    assert [argv[-1] for _, argv in argvs(text, FileKind.SHELL)] == list("123456")


@pytest.mark.parametrize(
    "text",
    [
        "mlflow run flow --id 1\n",
        "echo prefect run flow --id 1\n",
        "echo 'prefect run flow --id 1'\n",
        "cat <<EOF\nprefect run flow --id 1\nEOF\n",
        "# then run prefect run flow --id 1 by hand\n",
        "# don't prefect run flow --id 1\n",
    ],
)
def test_not_a_prefect_invocation(text: str) -> None:
    assert argvs(text, FileKind.SHELL) == []


def test_redirections_are_not_arguments() -> None:
    text = "prefect run flow --id 1 > out.log 2>&1 </dev/null\n"
    assert argvs(text, FileKind.SHELL) == [(1, ["run", "flow", "--id", "1"])]


def test_variable_holding_the_program() -> None:
    text = 'PREFECT="poetry run prefect"\n$PREFECT run flow --id 1\n"${PREFECT}" run flow --id 2\n'
    assert argvs(text, FileKind.SHELL) == [
        (2, ["run", "flow", "--id", "1"]),
        (3, ["run", "flow", "--id", "2"]),
    ]


def test_unquoted_expansion_alone_stands_for_any_number_of_words() -> None:
    text = 'prefect run flow -p $P $EXTRA "$ONE"\n'
    assert argvs(text, FileKind.SHELL) == [(1, ["run", "flow", "-p", RUNTIME_VALUE, RUNTIME_VALUE])]


# --- file kinds (one scanner per format) ---------------------------------------------------


def test_makefile_syntax() -> None:
    text = (
        "PREFECT := poetry run prefect\n"
        "deploy:\n"
        '\t@$(PREFECT) run flow --id $(ID) -ps \'{"home": "$$HOME"}\'\n'
        "\t-prefect run flow \\\n\t\t--id 2\n"
        "target: ; prefect run flow --id 3\n"
    )
    assert argvs(text, FileKind.MAKEFILE) == [
        (3, ["run", "flow", "--id", RUNTIME_VALUE, "-ps", '{"home": "$HOME"}']),
        (4, ["run", "flow", "--id", "2"]),
        (6, ["run", "flow", "--id", "3"]),
    ]


def test_dockerfile_shell_and_exec_forms() -> None:
    text = (
        "FROM prefecthq/prefect:0.15.13\n"
        "ENV PREFECT__X=prefect run flow\n"
        "RUN --mount=type=cache,target=/root pip install x && \\\n"
        "# a comment Docker drops\n"
        "    prefect run flow --id 1\n"
        'CMD ["prefect", "run", "flow", "--id", "2"]\n'
        'ENTRYPOINT ["sh", "-c", "prefect run flow --id 3"]\n'
    )
    assert argvs(text, FileKind.DOCKERFILE) == [
        (5, ["run", "flow", "--id", "1"]),
        (6, ["run", "flow", "--id", "2"]),
        (7, ["run", "flow", "--id", "3"]),
    ]


def test_yaml_command_values() -> None:
    text = (
        "services:\n"
        "  a:\n"
        "    command: prefect run flow --id 1  # note\n"
        '    entrypoint: ["prefect", "run", "flow", "--id", "${ID}"]\n'
        "  b:\n"
        "    command:\n"
        "      - prefect\n"
        "      - run\n"
        "      - flow\n"
        "      - --id=3\n"
        "    environment:\n"
        "      description: prefect run flow --id 0\n"
        "  c:\n"
        "    command: >\n"
        "      prefect run flow\n"
        "      --id 4\n"
        "    args: ['-c', 'prefect run flow --id {{ .Values.id }}']\n"
    )
    assert argvs(text, FileKind.COMPOSE) == [
        (3, ["run", "flow", "--id", "1"]),
        (4, ["run", "flow", "--id", RUNTIME_VALUE]),
        (7, ["run", "flow", "--id=3"]),
        (15, ["run", "flow", "--id", "4"]),
        (17, ["run", "flow", "--id", RUNTIME_VALUE]),
    ]


def test_ci_scripts() -> None:
    text = (
        "steps:\n"
        "  - run: |\n"
        "      prefect run flow --id ${{ secrets.ID }}\n"
        "      prefect run flow --id 2\n"
        "script:\n"
        "  - prefect run flow --id 3\n"
        '  - "prefect run flow --name \\"a b\\""\n'
        "  - |\n"
        "    prefect run flow --id 5\n"
    )
    assert argvs(text, FileKind.CI) == [
        (3, ["run", "flow", "--id", RUNTIME_VALUE]),
        (4, ["run", "flow", "--id", "2"]),
        (6, ["run", "flow", "--id", "3"]),
        (7, ["run", "flow", "--name", "a b"]),
        (9, ["run", "flow", "--id", "5"]),
    ]


def test_jenkinsfile_steps() -> None:
    text = (
        "node {\n  sh 'prefect run flow --id 1'\n  sh(script: \"prefect run flow --id ${ID}\")\n}\n"
    )
    assert argvs(text, FileKind.JENKINSFILE) == [
        (2, ["run", "flow", "--id", "1"]),
        (3, ["run", "flow", "--id", RUNTIME_VALUE]),
    ]


def test_a_jenkinsfile_is_its_own_kind_read_by_the_codemods_of_ci_files() -> None:
    assert classify("ci/Jenkinsfile") is FileKind.JENKINSFILE
    assert classify(".gitlab-ci.yml") is FileKind.CI
    for codemod in all_codemods():
        assert codemod.looks_at(FileKind.JENKINSFILE, "Jenkinsfile") == codemod.looks_at(
            FileKind.CI, ".gitlab-ci.yml"
        ), codemod.id


def test_ini_procfile() -> None:
    ini = (
        "[program:agent]\n"
        "command=prefect agent local start -t %(ENV_TOKEN)s\n"
        "; command=prefect agent local start -t abc\n"
        "[testenv]\n"
        "commands =\n"
        "    prefect run flow --id 1\n"
        "[Service]\n"
        "ExecStart=-/usr/bin/prefect agent local start\n"
    )
    assert argvs(ini, FileKind.INI) == [
        (2, ["agent", "local", "start", "-t", RUNTIME_VALUE]),
        (3, ["agent", "local", "start", "-t", "abc"]),
        (6, ["run", "flow", "--id", "1"]),
        (8, ["agent", "local", "start"]),
    ]
    procfile = "worker: prefect agent local start -l a\nweb: gunicorn app\n"
    assert argvs(procfile, FileKind.PROCFILE) == [(1, ["agent", "local", "start", "-l", "a"])]


def test_markdown_and_rst() -> None:
    markdown = (
        "Run `prefect run flow --id 1`; prefect run flow in prose is no command (`x.py`).\n"
        "See `flows/etl.py` and `prefect run flow --id 9`.\n"
        "```console\n"
        "$ prefect run flow --id 2 \\\n"
        "  --watch\n"
        "Flow Run: https://...\n"
        "```\n"
        "```yaml\n"
        "run: prefect run flow --id 3\n"
        "```\n"
        "```python\n"
        "prefect run flow --id 0\n"
        "```\n"
    )
    assert argvs(markdown, FileKind.MARKDOWN) == [
        (1, ["run", "flow", "--id", "1"]),
        (2, ["run", "flow", "--id", "9"]),
        (4, ["run", "flow", "--id", "2", "--watch"]),
        (9, ["run", "flow", "--id", "3"]),
    ]
    rst = (
        "Use ``prefect run flow --id 1``.\n\n"
        ".. code-block:: bash\n\n"
        "   prefect run flow --id 2\n\n"
        "Literal::\n\n"
        "   prefect run flow --id 3\n"
    )
    assert argvs(rst, FileKind.RST) == [
        (1, ["run", "flow", "--id", "1"]),
        (5, ["run", "flow", "--id", "2"]),
        (9, ["run", "flow", "--id", "3"]),
    ]


def test_python_lists_strings_and_comments() -> None:
    text = (
        '"""Docs: ``prefect run flow --id 1``; don\'t worry."""\n'
        "import subprocess, sys\n"
        'subprocess.run(["prefect", "run", "flow", "--id", run_id])\n'
        "subprocess.run((sys.executable, '-m', 'prefect', 'run', 'flow', *extra))\n"
        "os.system(f\"prefect run flow --id {run_id} -ps '{{}}'\")  # prefect run flow --id 5\n"
        "['mlflow', 'run', 'flow']\n"
    )
    assert argvs(text, FileKind.PYTHON) == [
        (1, ["run", "flow", "--id", "1"]),
        (3, ["run", "flow", "--id", RUNTIME_VALUE]),
        (4, ["run", "flow"]),
        (5, ["run", "flow", "--id", RUNTIME_VALUE, "-ps", "{}"]),
        (5, ["run", "flow", "--id", "5"]),
    ]


def test_python_string_decoding() -> None:
    value, offsets, encode = decode_python_string("f'a\\'{x!r}\\n'")  # type: ignore[misc]
    assert value == f"a'{PLACEHOLDER}\n"
    assert offsets == (2, 3, 5, 10, 12)
    assert encode("{'}") == "{{\\'}}"
    assert decode_python_string("b'x'") is None


def test_format_and_percent_templates_have_run_time_fields() -> None:
    value, _, encode = decode_python_string("'-n {} {{x}} %s'", "format")  # type: ignore[misc]
    assert value == f"-n {PLACEHOLDER} {{x}} %s"
    assert encode("{a}") == "{{a}}"
    value, _, encode = decode_python_string("'-n %(n)s %-5d %%s {}'", "percent")  # type: ignore[misc]
    assert value == f"-n {PLACEHOLDER} {PLACEHOLDER} %s {{}}"
    assert encode("100%") == "100%%"
    assert fields_of("'-p {1} -n {name!r:>3} {{}}'", "format") == ["{1}", "{name!r:>3}"]
    assert fields_of("'-p {1}'", "") == []


def test_template_of_reads_the_operand_the_literal_is_part_of() -> None:
    text = (
        "a = 'x {}'.format(1)\n"
        "b = ('x {}'\n     'y').format(1)\n"
        "c = 'x %s' % 1\n"
        "d = 'x {}'.upper()\n"
        "e = 1 % 'x %s'\n"
        "g = f'x {a}'\n"
        "log.info('x %s', 1)\n"
        "log.info('x %s')\n"
        "print('x %s', 1)\n"
    )
    leaves = [leaf for leaf in leaves_of(parse(text)) if leaf.type == token.STRING]
    assert [template_of(leaf) for leaf in leaves] == [
        "format", "format", "format", "percent", "", "", "f", "percent", "", ""
    ]  # fmt: skip


def test_argv_extensions_read_the_words_of_the_list_they_extend() -> None:
    text = (
        "argv = ['prefect', 'register', 'flow']\n"
        "argv += ['-f', path]\n"
        "argv.extend(['-p', 'x'])\n"
        "other += ['-f', path]\n"
        "def f():\n"
        "    argv += ['-f', path]\n"
    )
    assert argvs(text, FileKind.PYTHON) == [
        (1, ["register", "flow"]),
        (2, ["register", "flow", "-f", RUNTIME_VALUE]),
        (3, ["register", "flow", "-p", "x"]),
    ]


def test_python_string_line_continuation_has_no_offset() -> None:
    value, offsets, _ = decode_python_string("'a\\\nb'")  # type: ignore[misc]
    assert value == "ab"
    assert offsets == (1, 4, 5)


def test_quoted_end_skips_escaped_quotes_only_in_double_quotes() -> None:
    assert quoted_end('"a\\"b" x', 0, 8) == 6
    assert quoted_end("'a\\'b", 0, 6) == 4
    assert quoted_end('"open', 0, 5) == 6


def test_bracket_end_skips_brackets_in_strings_and_nested_flows() -> None:
    assert bracket_end('["a]", {"b": [1]}] tail', 0) == 17
    assert bracket_end("{'x': '}'}", 0) == 9
    assert bracket_end("[1, [2]", 0) is None


def test_flow_items_stop_at_an_unclosed_quote() -> None:
    text = '"a, b", c'
    assert split_flow(text, 0, len(text)) == [(0, 6), (8, 9)]
    text = '"a", "b'
    assert split_flow(text, 0, len(text)) == [(0, 3)]


def test_marked_commands() -> None:
    text = "# TODO(prefect-1.0): check\nprefect run flow --id 1\nprefect run flow --id 2\n"
    assert [c.marked for c in prefect_command_lines(text, FileKind.SHELL)] == [True, False]


# --- options ------------------------------------------------------------------------------


def words(*values: str) -> list:
    return [Word(v, 0, len(v), tuple((i, i + 1) for i in range(len(v)))) for v in values]


def test_parse_options_every_spelling() -> None:
    options = [
        Option(("--file", "-f")),
        Option(("--parameters-file", "-pf")),
        Option(("--watch", "-w"), False),
    ]
    found = parse_options(
        words("-f", "a", "--file=b", "-fc", "-pf", "d", "-w", "--", "-x"), options
    )
    assert found is not None
    assert [(o.name, o.index, o.stop, o.value, o.value_at) for o in found] == [
        ("-f", 0, 2, "a", None),
        ("--file", 2, 3, "b", 7),
        ("-f", 3, 4, "c", 2),
        ("-pf", 4, 6, "d", None),
        ("-w", 6, 7, None, None),
        ("", 8, 9, "-x", None),
    ]


@pytest.mark.parametrize(
    "argv",
    [("--unknown",), ("-f",), ("--watch=1",), ("-wf", "x")],
)
def test_parse_options_rejects_what_click_rejects(argv: tuple[str, ...]) -> None:
    options = [Option(("--file", "-f")), Option(("--watch", "-w"), False)]
    assert parse_options(words(*argv), options) is None


def test_extra_arguments_and_run_time_words() -> None:
    found = parse_options(
        words("cluster=x", PLACEHOLDER), [Option(("--key", "-k"))], extra_args=True
    )
    assert found is not None
    assert [(o.option, o.value, o.is_static) for o in found] == [
        (None, "cluster=x", True),
        (None, PLACEHOLDER, False),
    ]


# --- re-emission (edits, driver) ----------------------------------------------------------


def test_untouched_bytes_stay_and_continuation_lines_are_removed_whole() -> None:
    text = (
        "#!/bin/sh\n"
        'prefect register flow -f "my flow.py"   --skip # keep\n'
        "prefect register flow \\\n"
        "    --file=x.py \\\n"
        "    --skip \\\n"
        "    -fy.py\n"
        "prefect register flow -f z.py \\\n"
        "    --skip\n"
    )
    assert rewrite(text, FileKind.SHELL, rename_register_file) == (
        "#!/bin/sh\n"
        'prefect register --path "my flow.py" # keep\n'
        "prefect register \\\n"
        "    --path=x.py \\\n"
        "    --path=y.py\n"
        "prefect register --path z.py\n"
    )


@pytest.mark.parametrize(
    ("kind", "path", "before", "after"),
    [
        (
            FileKind.SHELL,
            "a.sh",
            "prefect run x\n",
            '# TODO(prefect-1.0): check this\nprefect run --param \'a={"b": "c d"}\'\n',
        ),
        (
            FileKind.MAKEFILE,
            "Makefile",
            "t:\n\tprefect run $$x\n",
            't:\n# TODO(prefect-1.0): check this\n\tprefect run --param \'a={"b": "c d"}\'\n',
        ),
        (
            FileKind.CI,
            ".gitlab-ci.yml",
            'script:\n  - "prefect run x"\n',
            'script:\n  # TODO(prefect-1.0): check this\n  - "prefect run --param \'a={\\"b\\": \\"c d\\"}\'"\n',
        ),
        (
            FileKind.DOCKERFILE,
            "Dockerfile",
            'CMD ["prefect", "run", "x"]\n',
            '# TODO(prefect-1.0): check this\nCMD ["prefect", "run", "--param", "a={\\"b\\": \\"c d\\"}"]\n',
        ),
        (
            FileKind.JENKINSFILE,
            "Jenkinsfile",
            "sh 'prefect run x'\n",
            "// TODO(prefect-1.0): check this\nsh 'prefect run --param \\'a={\"b\": \"c d\"}\\''\n",
        ),
        (
            FileKind.SHELL,
            "a.sh",
            'bash -c "prefect run x"\n',
            "# TODO(prefect-1.0): check this\n"
            'bash -c "prefect run --param \'a={\\"b\\": \\"c d\\"}\'"\n',
        ),
        (
            FileKind.MARKDOWN,
            "a.md",
            "Use `prefect run x`.\n",
            '<!-- TODO(prefect-1.0): check this -->\nUse `prefect run --param \'a={"b": "c d"}\'`.\n',
        ),
    ],
)
def test_new_words_are_quoted_for_where_they_land(
    kind: FileKind, path: str, before: str, after: str
) -> None:
    assert rewrite(before, kind, add_words, path) == after


def test_text_a_plain_yaml_scalar_cannot_hold_is_flagged_instead() -> None:
    def colon(invocation: Invocation) -> Rewrite:
        return Rewrite((Replace(0, 1, ("a: b",)),))

    text = "command: prefect run\n"
    assert rewrite(text, FileKind.COMPOSE, colon) == (
        "# TODO(prefect-1.0): this command needs a Prefect 1.0 rewrite that cannot be written "
        "here automatically; rewrite it by hand\ncommand: prefect run\n"
    )


def test_in_word_edits_keep_the_quoting() -> None:
    def prefix(invocation: Invocation) -> Rewrite:
        return Rewrite((Edit(1, 0, 0, "--"),))

    text = "prefect agent \"cluster=a b\" 'x'\n"
    assert rewrite(text, FileKind.SHELL, prefix) == "prefect agent \"--cluster=a b\" 'x'\n"
    with pytest.raises(ValueError):
        Edit(0, 0, 0, "a b")


def test_markers_of_a_second_run_are_not_repeated() -> None:
    once = rewrite("prefect run x\n", FileKind.SHELL, add_words)
    flag_only = rewrite(once, FileKind.SHELL, lambda inv: Rewrite(todos=("check this",)))
    assert flag_only == once


def test_shell_quote() -> None:
    assert shell_quote("a=b/c.d") == "a=b/c.d"
    assert shell_quote("it's") == "'it'\\''s'"


def test_commands_in_marker_and_prose_comments() -> None:
    """Comments are read like command lines, except review markers (which quote commands);
    a comment that can only spell the program through quotes is still read."""
    text = (
        "# TODO(prefect-1.0): `prefect register flow -f a.py` is gone\n"
        "# pre'fect' register flow -f b.py\n"
        "# nothing to see here\n"
    )
    assert argvs(text, FileKind.SHELL) == [(2, ["register", "flow", "-f", "b.py"])]


def test_a_script_of_thousands_of_command_lines_is_rewritten_whole() -> None:
    """Edits and the line mapping of markers stay linear in the file's size (issue 17)."""
    before = "".join(f"prefect register flow -f f{i}.py\nprefect run x{i}\n" for i in range(3000))
    after = rewrite(
        before, FileKind.SHELL, lambda inv: rename_register_file(inv) or add_words(inv), "run.sh"
    )
    assert after == "".join(
        f"prefect register --path f{i}.py\n# TODO(prefect-1.0): check this\n"
        f'prefect run --param \'a={{"b": "c d"}}\'\n'
        for i in range(3000)
    )


def test_file_invocations_of_the_same_text_are_read_once() -> None:
    text = "prefect run flow --id 1\n"
    first = file_invocations(text, FileKind.SHELL)
    assert isinstance(first, tuple) and len(first) == 1
    assert file_invocations(text, FileKind.SHELL) is first
