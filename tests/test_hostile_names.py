"""File names and paths a repository (or a user) may hold that must stay plain names: tabs,
newlines, terminal escape sequences, bytes that are not UTF-8, pathspec magic."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from conftest import git, run_cli

from prefect1_migrate.registry import all_codemods

OLD = "from prefect.engine.executors import LocalExecutor\n"
NEW = "from prefect.executors import LocalExecutor\n"
FLAGGED = (
    "from prefect.utilities.storage import get_flow_image\n\n\n"
    "def image_of(flow):\n    return get_flow_image(flow)\n"
)
BROKEN = "from prefect.engine.executors import X\nprint 'x'\n"
FORGED_NAME = "evil\n\nCodemod: forged\x1b]0;pwned\x07\x1b[2J.py"


def test_dry_run_patch_applies_to_names_with_tabs_newlines_and_quotes(make_repo) -> None:
    names = ["tab\there.py", "new\nline.py", 'quote"d.py', "back\\slash.py", "plain name.py"]
    repo = make_repo(files=dict.fromkeys(names, OLD))
    dry = run_cli("migrate", "--dry-run", str(repo))
    assert dry.returncode == 0, dry.stderr
    assert b'diff --git "a/tab\\there.py" "b/tab\\there.py"\n' in dry.stdout
    assert b'--- "a/new\\nline.py"\n+++ "b/new\\nline.py"\n' in dry.stdout
    applied = subprocess.run(["git", "apply", "-"], cwd=repo, input=dry.stdout)
    assert applied.returncode == 0
    for name in names:
        assert (repo / name).read_text() == NEW, name


def test_a_path_argument_is_a_literal_path_never_pathspec_magic(make_repo) -> None:
    repo = make_repo(files={"flow.py": OLD, ":(exclude)flows/flow.py": OLD})
    check = run_cli("migrate", "--check", "--quiet", ":(exclude)flows", cwd=repo)
    assert check.returncode == 1, check.stderr
    assert check.stdout.decode().splitlines()[0] == (
        ":(exclude)flows/flow.py:1: would be rewritten: Imports have moved (imports-moved)"
    )
    assert b"\nflow.py:" not in check.stdout and not check.stdout.startswith(b"flow.py")
    assert git(repo, "status", "--porcelain") == ""


def test_control_characters_in_file_names_never_reach_console_commits_or_reports(
    make_repo, tmp_path: Path
) -> None:
    """A name with a newline cannot add a line (a forged ``Codemod:`` trailer) to a commit
    message, the console or the report, and its escape sequences are shown, not sent."""
    repo = make_repo(files={FORGED_NAME: FLAGGED, "bad\x1b[31m\n.py": BROKEN})
    start = git(repo, "rev-parse", "HEAD").strip()
    report = tmp_path / "report.md"
    check = run_cli("migrate", "--check", str(repo))
    result = run_cli("migrate", "--report", str(report), str(repo))
    assert result.returncode == 3, result.stderr
    for output in (check.stdout, check.stderr, result.stdout, result.stderr):
        assert b"\x1b" not in output and b"\nCodemod: forged" not in output
    assert b"evil\\n\\nCodemod: forged\\x1b]0;pwned\\x07\\x1b[2J.py" in check.stdout
    assert b"bad\\x1b[31m\\n.py" in result.stdout
    ids = {codemod.id for codemod in all_codemods()}
    for sha in git(repo, "rev-list", f"{start}..HEAD").split():
        message = git(repo, "log", "-1", "--format=%B", sha)
        assert "\x1b" not in message
        trailers = [line for line in message.splitlines() if line.startswith("Codemod:")]
        assert len(trailers) == 1 and trailers[0].removeprefix("Codemod: ") in ids, message
    text = report.read_text()
    assert "\x1b" not in text and "\nCodemod: forged" not in text
    assert "evil\\n\\nCodemod: forged\\x1b]0;pwned\\x07\\x1b[2J.py" in text
    (repo / FORGED_NAME).write_text(FLAGGED + "# edited\n")
    refused = run_cli("migrate", str(repo))
    assert refused.returncode == 2
    assert b"M evil\\n\\nCodemod: forged\\x1b]0;pwned\\x07\\x1b[2J.py\n" in refused.stderr


def test_reports_name_a_file_whose_name_is_not_utf8(make_repo, tmp_path: Path) -> None:
    repo = make_repo(files={os.fsdecode(b"caf\xe9.py"): OLD, os.fsdecode(b"bad\xe9.py"): BROKEN})
    start = git(repo, "rev-parse", "HEAD").strip()
    json_report, markdown = tmp_path / "report.json", tmp_path / "report.md"
    result = run_cli("migrate", "--report", str(json_report), str(repo))
    assert result.returncode == 3, result.stderr
    assert b"Traceback" not in result.stderr
    assert (repo / os.fsdecode(b"caf\xe9.py")).read_text() == NEW
    data = json.loads(json_report.read_text(encoding="utf-8"))
    changed = {item["id"]: item["files_changed"] for item in data["codemods"]}
    assert changed["imports-moved"] == ["caf\\xe9.py"]
    assert [skipped["path"] for skipped in data["skipped_files"]] == ["bad\\xe9.py"]
    git(repo, "reset", "-q", "--hard", start)
    result = run_cli("migrate", "--report", str(markdown), str(repo))
    assert result.returncode == 3, result.stderr
    assert "  - `caf\\xe9.py`\n" in markdown.read_text(encoding="utf-8")
