"""What a run prints: plain when piped, colour and progress only on a terminal."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

from conftest import run_cli

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


def test_summary_lists_codemods_then_skipped_files_then_next_steps(make_repo) -> None:
    repo = make_repo(
        files={
            "flow.py": OLD + "from prefect.utilities.exceptions import TaskTimeoutError\n",
            "broken.py": OLD + "def f(a, /):\n    pass\n",
        }
    )
    result = run_cli("migrate", str(repo))
    out = result.stdout.decode()
    assert result.returncode == 3
    table = out.index("codemod        files changed  flagged  commit")
    row = out.index("imports-moved  1              1")
    review = out.index("review flow.py:")
    skipped = out.index("broken.py:2: fissix cannot parse this syntax")
    closing = out.index("Done: 1 commit(s).")
    assert table < row < review < skipped < closing
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
