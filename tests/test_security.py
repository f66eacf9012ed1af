"""The tool never runs or imports the code it migrates, never opens a network connection,
never writes outside the repository, and never shows a secret it read (except in the
--dry-run diff, which is the file content itself)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EXAMPLE_PROJECT, git, run_cli
from typer.testing import CliRunner

from prefect1_migrate.redaction import REDACTED, redact, redact_output, remember, secret_values

SECRETS = [f"s3cr3t-Value-{n:04}" for n in range(10)]

SECRET_FILES: dict[str, str] = {
    "flows/flow.py": (
        "from prefect import Client, Flow\n"
        "from prefect.engine.executors import LocalExecutor\n\n"
        f'client = Client(api_token="{SECRETS[0]}")\n'
        f'client.login_to_tenant(tenant_slug="acme")\n'
        f'other = Client(api_server="https://x", api_token="{SECRETS[1]}")\n'
    ),
    ".env": f"PREFECT__CLOUD__AUTH_TOKEN={SECRETS[2]}\nPREFECT__LOGGING__LOG_TO_CLOUD=true\n",
    "config.toml": f'[cloud]\nauth_token = "{SECRETS[3]}"\n\n[logging]\nlog_to_cloud = true\n',
    "deploy.sh": (
        "#!/bin/sh\n"
        f"prefect auth login -t {SECRETS[4]}\n"
        f"prefect agent local start --token {SECRETS[5]} -l prod\n"
        f"export PREFECT__CLOUD__AGENT__AUTH_TOKEN='{SECRETS[6]}'\n"
    ),
    "Dockerfile": (
        "FROM prefecthq/prefect:0.15.13-python3.8\n"
        f"ENV PREFECT__CLOUD__AGENT__AUTH_TOKEN={SECRETS[7]}\n"
    ),
    "k8s/agent.yaml": (
        "env:\n"
        "  - name: PREFECT__CLOUD__AGENT__AUTH_TOKEN\n"
        f"    value: {SECRETS[8]}\n"
        "  - name: PREFECT__BACKEND\n    value: cloud\n"
    ),
    "requirements.txt": "prefect==0.15.13\n",
}


@pytest.mark.parametrize(
    "text",
    [
        'Client(api_token="{s}")',
        "Client(api_key='{s}', tenant_id='t')",
        "prefect agent local start --token {s} -l x",
        "prefect auth login -t {s}",
        "prefect auth login --key={s}",
        "prefect agent docker start -k {s}",
        "PREFECT__CLOUD__AUTH_TOKEN={s}",
        'export PREFECT__CLOUD__API_KEY="{s}"',
        '[cloud]\nauth_token = "{s}"',
        '[cloud]\napi_key = "{s}"',
        '{{"api_token": "{s}", "x": 1}}',
        "os.environ['PREFECT__CLOUD__API_KEY'] = '{s}'",
        "env:\n  - name: PREFECT__CLOUD__AGENT__AUTH_TOKEN\n    value: {s}\n",
        "Authorization: Bearer {s}",
        "https://user:{s}@example.com/repo.git",
        "password: {s}",
        "PREFECT__CONTEXT__SECRETS__DB_PASSWORD={s}",
    ],
)
def test_the_value_in_every_secret_slot_is_found_and_hidden(text: str) -> None:
    secret = "tok-Sh0uldN0tAppear"
    filled = text.format(s=secret)
    assert secret not in redact_output(filled)
    assert REDACTED in redact_output(filled)
    assert secret_values(filled) == {secret}


@pytest.mark.parametrize(
    "text",
    [
        "token = $PREFECT_TOKEN",
        'api_key = "${PREFECT_API_KEY}"',
        "Client(api_token=os.environ.get('TOKEN'))",
        "PREFECT__CLOUD__API_KEY=<your key>",
        "from prefect.engine.executors import LocalExecutor",
        "find . -type f -name flows  # then prefect",
        "prefect register --path flows\nfind . -type f -kind x",
        "docker build -t name .",
        "token = true",
    ],
)
def test_redact_leaves_references_and_ordinary_text_alone(text: str) -> None:
    assert redact_output(text) == text
    assert secret_values(text) == set()


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ('password = "correct horse, battery; staple"', "correct horse, battery; staple"),
        ("api_key: 'Two Words-99'", "Two Words-99"),
        ("prefect auth login -tGlu3d-T0ken-Value", "Glu3d-T0ken-Value"),
        ("prefect agent local start -kGlu3d-K3y-Value -l prod", "Glu3d-K3y-Value"),
        ("git clone https://:Url-Pa55word@example.com/repo.git", "Url-Pa55word"),
    ],
)
def test_redact_hides_quoted_glued_and_userless_secrets(text: str, secret: str) -> None:
    assert secret not in redact_output(text)
    assert REDACTED in redact_output(text)
    assert secret_values(text) == {secret}
    remember(secret_values(text))
    assert secret not in redact(f"this quotes {text}")


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("POSTGRES_PASSWORD: prefect", "prefect"),
        ("password = changeme", "changeme"),
        ("token: Postgres", "Postgres"),
        ("prefect auth login -t abc123", "abc123"),
    ],
)
def test_plain_words_and_short_values_are_hidden_only_in_their_slot(text: str, secret: str) -> None:
    """A word like "prefect" would otherwise turn into *** in every sentence of the tool."""
    assert secret_values(text) == {secret}
    remember({secret})
    assert redact(f"quoted: {text}") == f"quoted: {text.replace(secret, REDACTED)}"
    sentence = f"the {secret} word in a sentence of the tool"
    assert redact(sentence) == sentence


@pytest.mark.parametrize(
    "sentence",
    [
        "Client(api_token=...) -> Client(api_key=...), token= -> api_key= on Client.graphql",
        "Agents use the key of `prefect auth login` unless --key or PREFECT__CLOUD__API_KEY is set.",
        "build the image with `docker build -t name .` first",
        "the secret of token: name stays",
    ],
)
def test_the_tools_own_sentences_are_never_garbled(sentence: str) -> None:
    """The garbling issue 16 cites: slot patterns hid the tool's own words after ``token=``,
    ``--key`` and ``-t``. Messages are redacted by the repository's secret values only."""
    remember(secret_values("PREFECT__CLOUD__API_KEY=an-Api-Key-V4lue\ndocker build -t name ."))
    assert redact(sentence) == sentence


def test_a_secret_value_is_hidden_only_where_the_repository_supplied_the_text(
    make_repo, tmp_path: Path
) -> None:
    """Titles, descriptions and paths are the tool's; a secret equal to a word of them
    leaves them alone. Review messages (which quote the repository) are redacted."""
    repo = make_repo(
        files={
            "docker-compose.yml": "services:\n  db:\n    environment:\n"
            "      POSTGRES_PASSWORD: prefect\n",
            ".env": "DB_PASSWORD=prefect-1.0\nPREFECT__CLOUD__AUTH_TOKEN=prefect-1.0\n",
            "flow.py": "from prefect.engine.executors import LocalExecutor\n",
        }
    )
    start = git(repo, "rev-parse", "HEAD").strip()
    report = tmp_path / "report.md"
    result = run_cli("migrate", "--report", str(report), str(repo))
    assert result.returncode == 0, result.stderr
    subjects = git(repo, "log", "--format=%s", f"{start}..HEAD").splitlines()
    assert len(subjects) >= 2
    assert all(subject.startswith("prefect-1.0: ") for subject in subjects), subjects
    assert "**Imports have moved**" in report.read_text()
    assert REDACTED not in report.read_text() + result.stdout.decode()
    assert (repo / ".env").read_text().startswith("DB_PASSWORD=prefect-1.0\n")


_LEAKY_HOOK = """#!/bin/sh
echo 'deploying with: prefect auth login -tGlu3d-T0ken-Value'
echo 'password="correct horse, battery; staple"'
echo 'pulling https://:Url-Pa55word@example.com/repo.git'
printf 'title \\033]0;pwned\\007 done\\n' >&2
exit 1
"""


def test_a_failing_hooks_output_is_relayed_without_secrets_or_escape_sequences(make_repo) -> None:
    repo = make_repo(files={"flow.py": "from prefect.engine.executors import LocalExecutor\n"})
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.write_text(_LEAKY_HOOK)
    hook.chmod(0o755)
    result = run_cli("migrate", str(repo))
    assert result.returncode == 2
    assert b"deploying with: prefect auth login -t***" in result.stderr
    assert b"title \\x1b]0;pwned\\x07 done" in result.stderr
    for leaked in (b"Glu3d-T0ken-Value", b"battery", b"Url-Pa55word", b"\x1b"):
        assert leaked not in result.stderr


def test_remembered_values_are_hidden_even_without_a_key_next_to_them() -> None:
    remember({"tok-Rem3mbered-Value"})
    assert redact("TODO: replace tok-Rem3mbered-Value by an API key") == (
        "TODO: replace *** by an API key"
    )


def assert_no_secret(text: str | bytes, where: str) -> None:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    for secret in SECRETS:
        assert secret not in text, f"{secret} appears in {where}"


def test_secrets_never_reach_console_commits_or_reports(make_repo, tmp_path: Path) -> None:
    repo = make_repo(files=SECRET_FILES)
    start = git(repo, "rev-parse", "HEAD").strip()
    check = run_cli("migrate", "--check", str(repo))
    assert_no_secret(check.stdout + check.stderr, "--check output")
    dry = run_cli("migrate", "--dry-run", str(repo))
    assert_no_secret(dry.stderr, "--dry-run messages")
    assert dry.stdout  # the diff itself is the file content, the documented exception
    json_report, md_report = tmp_path / "report.json", tmp_path / "report.md"
    result = run_cli("migrate", "--report", str(json_report), str(repo))
    assert result.returncode in (0, 3), result.stderr
    assert git(repo, "rev-list", "--count", f"{start}..HEAD").strip() != "0"
    assert_no_secret(result.stdout + result.stderr, "migrate output")
    assert_no_secret(git(repo, "log", "--format=%B", f"{start}..HEAD"), "commit messages")
    assert_no_secret(json_report.read_text(), "the JSON report")
    again = make_repo(files=SECRET_FILES)
    run_cli("migrate", "--report", str(md_report), str(again))
    assert_no_secret(md_report.read_text(), "the Markdown report")


def test_a_codemod_that_quotes_a_secret_is_redacted_everywhere(
    make_repo, monkeypatch, capsys
) -> None:
    """The engine's safety net: a (buggy) codemod whose TODO message and exception quote a
    secret value it read; console, commit message and reports show *** instead."""
    from prefect1_migrate.codemod import TextCodemod
    from prefect1_migrate.console import Console
    from prefect1_migrate.filekinds import FileKind
    from prefect1_migrate.guide import SECTIONS
    from prefect1_migrate.migrate import Migration, MigrationRequest
    from prefect1_migrate.report import markdown_report, report_data

    def leaky(text: str, file) -> str:
        value = text.split("=", 1)[1].strip()
        if file.path == "b.env":
            raise ValueError(f"cannot handle {value}")
        return f"# TODO(prefect-1.0): move {value} to an API key\n{text}"

    codemod = TextCodemod(
        "test_leaky",
        title="Test: leaks",
        guide_section=SECTIONS[-1],
        summary="test",
        description="test",
        triggers=("PREFECT__",),
        file_kinds=frozenset({FileKind.DOTENV}),
        rewrite=leaky,
    )
    repo = make_repo(
        files={
            "a.env": f"PREFECT__CLOUD__AUTH_TOKEN={SECRETS[0]}\n",
            "b.env": f"PREFECT__CLOUD__AUTH_TOKEN={SECRETS[1]}\n",
        }
    )
    monkeypatch.chdir(repo)
    migration = Migration(MigrationRequest(paths=[repo], codemods=[codemod], jobs=1))
    outcome = migration.run()
    Console(quiet=False, colour=False, diff_to_stdout=False).show_summary(outcome)
    printed = capsys.readouterr()
    assert "a.env" in printed.out and "b.env" in printed.out
    assert_no_secret(printed.out + printed.err, "console")
    assert_no_secret(git(repo, "log", "-1", "--format=%B"), "commit message")
    data = report_data(outcome, outcome.exit_code)
    assert_no_secret(json.dumps(data), "JSON report")
    assert_no_secret(markdown_report(data), "Markdown report")
    assert SECRETS[0] in (repo / "a.env").read_text()  # the file itself keeps its content


def test_paths_in_reports_are_repository_relative(make_repo, tmp_path: Path) -> None:
    repo = make_repo(
        files={
            "src/pkg/flow.py": "from prefect.engine.executors import LocalExecutor\n",
            "src/pkg/broken.py": "from prefect.engine.executors import X\nprint 'x'\n",
        }
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    report = tmp_path / "report.json"
    result = run_cli("migrate", "--report", str(report), str(repo / "src"), cwd=elsewhere)
    assert result.returncode == 3, result.stderr
    data = json.loads(report.read_text())
    paths = [path for item in data["codemods"] for path in item["files_changed"]]
    paths += [entry["path"] for entry in data["skipped_files"]]
    assert sorted(paths) == ["src/pkg/broken.py", "src/pkg/flow.py"]
    assert str(tmp_path) not in report.read_text()
    assert data["repository"] == repo.name


def test_nothing_outside_the_repository_is_written(tmp_path: Path, make_repo) -> None:
    outside = tmp_path / "outside"
    (outside / "pkg").mkdir(parents=True)
    (outside / "pkg" / "flow.py").write_text("from prefect.engine.executors import X\n")
    (outside / "config.toml").write_text('[cloud]\nauth_token = "x"\n')
    repo = make_repo(source=EXAMPLE_PROJECT)
    (repo / "linked_pkg").symlink_to(outside / "pkg")
    (repo / "linked.toml").symlink_to(outside / "config.toml")
    git(repo, "add", "linked_pkg", "linked.toml")
    git(repo, "commit", "-q", "-m", "links")

    def tree(folder: Path) -> dict[str, bytes]:
        return {str(p): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}

    before = tree(outside)
    start = git(repo, "rev-parse", "HEAD").strip()
    result = run_cli("migrate", str(repo))
    assert result.returncode in (0, 3), result.stderr
    assert git(repo, "rev-list", "--count", f"{start}..HEAD").strip() != "0"  # it migrated
    assert tree(outside) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["outside", repo.name])


def test_no_network_connection_is_ever_opened(make_repo, monkeypatch) -> None:
    """In process, with every way to reach the network monkeypatched to fail the test."""
    attempts: list[str] = []

    def blocked(name: str):
        def refuse(*args, **kwargs):
            attempts.append(name)
            raise OSError(f"network blocked by the test ({name})")

        return refuse

    for name in ("connect", "connect_ex", "bind", "sendto"):
        monkeypatch.setattr(socket.socket, name, blocked(f"socket.{name}"))
    for name in ("create_connection", "getaddrinfo", "gethostbyname"):
        monkeypatch.setattr(socket, name, blocked(name))
    repo = make_repo(source=EXAMPLE_PROJECT)
    start = git(repo, "rev-parse", "HEAD").strip()
    from prefect1_migrate.cli import app

    for options in (["--check"], ["--dry-run"], ["--jobs", "2"], ["--jobs", "1"]):
        result = CliRunner().invoke(app, ["migrate", *options, str(repo)])
        assert result.exit_code in (0, 1, 3), result.output
    assert git(repo, "rev-list", "--count", f"{start}..HEAD").strip() != "0"
    assert attempts == []


_AUDIT_HOOK = """
import atexit, os, sys
_root = os.environ["AUDIT_ROOT"]
_log = os.open(os.environ["AUDIT_LOG"], os.O_WRONLY | os.O_APPEND | os.O_CREAT)

def _report(what):
    os.write(_log, (what + "\\n").encode())

def _hook(event, args):
    if event.startswith("socket."):
        _report(f"network: {event}")
        raise RuntimeError("network blocked")
    if event == "subprocess.Popen":
        argv = args[1] if isinstance(args[1], (list, tuple)) else [args[0]]
        if os.path.basename(str(argv[0])) != "git":
            _report(f"ran: {argv}")
    elif event in ("os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.startfile"):
        _report(f"ran: {event} {args}")
    elif event == "exec" and getattr(args[0], "co_filename", "").startswith(_root):
        _report(f"executed: {args[0].co_filename}")
    elif event == "import" and str(args[1] or "").startswith(_root):
        _report(f"imported: {args[1]}")

sys.addaudithook(_hook)

@atexit.register
def _imported_from_the_repository():
    for name, module in list(sys.modules.items()):
        if str(getattr(module, "__file__", None) or "").startswith(_root):
            _report(f"imported: {name}")
"""


@pytest.mark.parametrize("form", ["console script", "python -m"])
def test_the_code_being_migrated_is_never_imported_or_run(
    make_repo, tmp_path: Path, form: str
) -> None:
    """Every file below would leave a trace if Python imported or ran it: the real command
    in both documented forms (the installed entry point, ``python -m prefect1_migrate``),
    from inside the repository, under an audit hook. ``python -m`` puts the current folder
    first on ``sys.path``, where the repository's ``typer.py``, ``logging.py``, ``secrets.py``
    or ``codemods/`` would shadow the modules the tool imports."""
    traces = tmp_path / "traces"
    traces.mkdir()

    def trap(name: str) -> str:
        return f"open({str(traces / name)!r}, 'w').close()\n"

    files = {
        "flow.py": "from prefect.engine.executors import LocalExecutor\n" + trap("flow"),
        "prefect/__init__.py": trap("prefect"),
        "prefect/engine/executors.py": trap("executors"),
        "setup.py": "from setuptools import setup\n" + trap("setup"),
        "conftest.py": trap("conftest"),
        "typer.py": trap("typer"),
        "logging.py": trap("logging"),
        "secrets.py": trap("secrets"),
        "rich.py": trap("rich"),
        "git.py": trap("git"),
        "codemods/__init__.py": trap("codemods"),
        "sitecustomize.py": trap("sitecustomize"),
        "requirements.txt": "prefect==0.15.13\n",
    }
    if form == "console script":  # `python -m` imports the package it names from here (Python)
        files["prefect1_migrate/__init__.py"] = trap("prefect1_migrate")
    repo = make_repo(files=files)
    hook_dir = tmp_path / "hook"
    hook_dir.mkdir()
    (hook_dir / "sitecustomize.py").write_text(_AUDIT_HOOK)
    log = tmp_path / "audit.log"
    command = (
        [str(Path(sys.executable).parent / "prefect1-migrate")]
        if form == "console script"
        else [sys.executable, "-m", "prefect1_migrate"]
    )
    env = {
        **os.environ,
        "NO_COLOR": "1",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(hook_dir), os.environ.get("PYTHONPATH")])),
        "AUDIT_ROOT": str(repo),
        "AUDIT_LOG": str(log),
    }
    for options in (["--check"], ["--jobs", "2"]):
        result = subprocess.run(
            [*command, "migrate", *options, "."], cwd=repo, env=env, capture_output=True
        )
        assert result.returncode in (0, 1, 3), result.stderr
    assert "prefect.executors" in (repo / "flow.py").read_text()  # it did read and migrate
    assert log.exists()  # the hook was installed (it opened its log)
    assert log.read_text() == ""
    assert list(traces.iterdir()) == []
