"""What a run prints: plain when piped, colour and progress only on a terminal."""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

from conftest import EXAMPLE_PROJECT, run_cli

OLD = "from prefect.engine.executors import LocalExecutor\n"
ANSI = b"\x1b["


def run_in_terminal(*args: str, env: dict[str, str] | None = None) -> bytes:
    """Run the CLI with stdout and stderr on a pseudo-terminal; everything it printed."""
    leader, follower = pty.openpty()
    environment = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    environment.update({"TERM": "xterm-256color", "COLUMNS": "120", **(env or {})})
    process = subprocess.Popen(
        [sys.executable, "-m", "prefect1_migrate", *args],
        stdout=follower,
        stderr=follower,
        stdin=subprocess.DEVNULL,
        env=environment,
    )
    os.close(follower)
    output = bytearray()
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
    process.wait()
    os.close(leader)
    return bytes(output)


def test_piped_output_is_plain_and_the_diff_is_a_patch(make_repo) -> None:
    repo = make_repo(files={"flow.py": OLD})
    result = run_cli("migrate", "--dry-run", str(repo))
    assert ANSI not in result.stdout and ANSI not in result.stderr
    assert result.stdout.startswith(b"# prefect1-migrate: imports-moved: Imports have moved\n")
    assert b"-from prefect.engine.executors import LocalExecutor\n" in result.stdout
    assert b"Scanning 1 files..." in result.stderr  # progress as plain lines, off stdout
    assert b"Dry run: 1 codemod(s) would change files; nothing was written." in result.stderr


def test_terminal_gets_a_coloured_diff_unless_no_color(make_repo) -> None:
    repo = make_repo(files={"flow.py": OLD})
    coloured = run_in_terminal("migrate", "--dry-run", str(repo))
    assert b"\x1b[31m-from prefect.engine.executors import LocalExecutor" in coloured
    assert b"\x1b[32m+from prefect.executors import LocalExecutor" in coloured
    plain = run_in_terminal("migrate", "--dry-run", str(repo), env={"NO_COLOR": "1"})
    assert b"-from prefect.engine.executors import LocalExecutor" in plain
    assert b"\x1b[31m" not in plain and b"\x1b[32m" not in plain


def test_quiet_prints_only_the_closing_line(make_repo) -> None:
    repo = make_repo(files={"flow.py": OLD})
    result = run_cli("migrate", "--quiet", str(repo))
    assert result.returncode == 0
    lines = result.stdout.decode().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Done: 1 commit(s).")


def test_summary_lists_review_places_skipped_files_then_the_table_and_next_steps(make_repo) -> None:
    repo = make_repo(
        files={
            "flow.py": OLD + "from prefect.utilities.exceptions import TaskTimeoutError\n",
            "broken.py": OLD + "def f(a, /):\n    pass\n",
        }
    )
    result = run_cli("migrate", str(repo))
    out = result.stdout.decode()
    assert result.returncode == 3
    review = out.index("  flow.py:2: ")
    skipped = out.index("broken.py:2: fissix cannot parse this syntax")
    table = out.index("codemod        files changed  flagged  commit")
    row = out.index("imports-moved  1              1")
    closing = out.index("Done: 1 commit(s).")
    assert review < skipped < table < row < closing
    assert "could not be migrated (exit 3)" in out


def test_errors_say_what_to_do(tmp_path: Path) -> None:
    result = run_cli("migrate", str(tmp_path))
    assert result.returncode == 2
    assert b"is not inside a git work tree" in result.stderr
    assert b"use --dry-run or --check on a plain folder" in result.stderr


def test_escape_sequences_a_file_holds_are_shown_escaped_on_a_terminal(make_repo) -> None:
    title = b'TITLE = "\x1b]0;pwned\x07\x1b[2J"\n'
    repo = make_repo(files={"flow.py": OLD.encode() + title})
    shown = run_in_terminal("migrate", "--dry-run", str(repo), env={"NO_COLOR": "1"})
    assert b"-from prefect.engine.executors import LocalExecutor" in shown
    assert b'TITLE = "\\x1b]0;pwned\\x07\\x1b[2J"' in shown
    assert b"\x1b]0;pwned" not in shown and b"\x1b[2J" not in shown
    piped = run_cli("migrate", "--dry-run", str(repo))
    assert b" " + title in piped.stdout  # the patch itself is exact


def _generated_repository(make_repo, scripts: int, commands: int) -> Path:
    """``scripts`` shell scripts of ``commands`` `prefect register flow` lines each: every
    rewritten line gets a review marker."""
    files = {
        f"deploy/team{n:04}.sh": "".join(
            f"prefect register flow -f flows/f{m}.py -p team{n}\n" for m in range(commands)
        )
        for n in range(scripts)
    }
    return make_repo(files=files)


def test_thousands_of_review_places_keep_the_summary_on_screen(make_repo, tmp_path) -> None:
    repo = _generated_repository(make_repo, scripts=500, commands=5)
    report = tmp_path / "migration.json"
    result = run_cli("migrate", "--report", str(report), str(repo))
    assert result.returncode == 0, result.stderr.decode()
    lines = result.stdout.decode().splitlines()
    review = lines.index("To review (2500 place(s) marked TODO(prefect-1.0)):")
    table = next(i for i, line in enumerate(lines) if line.startswith("codemod  "))
    assert 30 <= table - review <= 42  # at most ~40 lines of places, then how many more
    more = lines[table - 1]
    shown = sum(
        len(line.split(": ", 1)[0].rsplit(":", 1)[1].split(","))
        for line in lines[review + 2 : table - 1]
    )
    assert more == f"... {2500 - shown} more place(s) in {report} (--verbose prints all)"
    assert lines[table + 1].split()[:3] == ["cli-register", "500", "2500"]
    assert lines[-1].startswith("Done: 1 commit(s).")  # the table and closing line come last
    assert len(lines) == table + 3
    assert all(len(line) <= 120 for line in lines[review : table - 1])
    places = json.loads(report.read_text())["codemods"]
    assert sum(len(item["review"]) for item in places) == 2500


def test_verbose_prints_every_review_place(make_repo) -> None:
    repo = _generated_repository(make_repo, scripts=60, commands=3)
    result = run_cli("migrate", "--dry-run", "--verbose", str(repo))
    assert result.returncode == 0
    lines = result.stderr.decode().splitlines()
    places = [line for line in lines if line.startswith("  deploy/team")]
    assert len(places) == 60
    # Each marker (folded over three lines at 88 columns) is listed once, at its first line.
    assert all(line.split(": ", 1)[0].endswith(":1,5,9") for line in places)
    default = run_cli("migrate", "--dry-run", str(repo)).stderr.decode().splitlines()
    shown = [line for line in default if line.startswith("  deploy/team")]
    assert len(shown) < 40
    more = f"... {180 - 3 * len(shown)} more place(s) in --report FILE (--verbose prints all)"
    assert default[default.index(more) + 1].startswith("codemod ")


def test_quiet_still_lists_the_files_that_could_not_be_migrated(make_repo) -> None:
    repo = make_repo(files={"flow.py": OLD, "broken.py": OLD + "def f(a, /):\n    pass\n"})
    result = run_cli("migrate", "-q", str(repo))
    assert result.returncode == 3
    assert result.stdout.decode().splitlines() == [
        "Files left as they were (1):",
        "  broken.py:2: fissix cannot parse this syntax (at '/')",
        "Done: 1 commit(s). Next: re-register your flows, and review `git log -p`. "
        "1 file(s) could not be migrated (exit 3).",
    ]


def test_check_exits_3_as_its_summary_says_when_a_file_could_not_be_read(
    make_repo, tmp_path: Path
) -> None:
    """Work found and a file left unread: the check is incomplete, and exit 3 (README "Exit
    codes") wins over exit 1; the summary, the report and the exit code agree."""
    repo = make_repo(files={"flow.py": OLD, "broken.py": OLD + "def f(a, /):\n    pass\n"})
    report = tmp_path / "report.json"
    result = run_cli("migrate", "--check", "--report", str(report), str(repo))
    out = result.stdout.decode()
    assert result.returncode == 3, out
    assert "  broken.py:2: fissix cannot parse this syntax (at '/')" in out.splitlines()
    assert out.rstrip().endswith("1 file(s) could not be migrated (exit 3).")
    assert "flow.py:1: would be rewritten" in out + result.stderr.decode()
    assert json.loads(report.read_text())["exit_code"] == 3
    clean = make_repo(files={"flow.py": OLD})
    assert run_cli("migrate", "--check", str(clean)).returncode == 1


def test_the_progress_bar_is_cleared_before_any_other_line(make_repo) -> None:
    repo = make_repo(source=EXAMPLE_PROJECT)
    shown = run_in_terminal("migrate", str(repo), env={"NO_COLOR": "1"})
    assert b"Migrating" in shown  # the bar was drawn
    written = [match.start() for match in re.finditer(rb" file\(s\) written as ", shown)]
    assert len(written) > 10
    for end in written:
        line = shown[shown.rfind(b"\n", 0, end) + 1 : end]
        visible = re.sub(rb"\x1b\[[0-9;?]*[A-Za-z]", b"", line).rsplit(b"\r", 1)[-1]
        assert re.fullmatch(rb"[a-z0-9-]+: \d+", visible), line
