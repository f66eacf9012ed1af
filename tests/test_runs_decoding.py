"""Files decoded the way git says they are encoded, and files a sparse checkout leaves out.

A UTF-16 or UTF-32 file (byte-order mark) or one under git's ``working-tree-encoding``
attribute is migrated exactly as its UTF-8 twin would be, and written back in its own
encoding; a repository whose only Prefect file is one of those is not "Nothing to migrate".
Files outside a sparse checkout are skipped and counted once, never reported as unreadable.
"""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from conftest import git, run_cli

COMPOSE = (
    "services:\r\n"
    "  agent:\r\n"
    "    image: prefecthq/prefect:0.15.13-python3.8\r\n"
    "    command: prefect agent local start --token ${PREFECT_AGENT_TOKEN} -l compose\r\n"
)
OLD = b"from prefect.engine.executors import LocalExecutor\n"
NEW = b"from prefect.executors import LocalExecutor\n"


def migrate(repo: Path, *options: str):
    return run_cli("migrate", "--only", "cli-auth,imports-moved", *options, str(repo))


def migrated_as_utf8(make_repo) -> str:
    """What the tool makes of the compose file in UTF-8: the reference."""
    repo = make_repo(files={"docker-compose.yml": COMPOSE.encode()})
    result = migrate(repo)
    assert result.returncode == 0, result.stderr
    text = (repo / "docker-compose.yml").read_bytes().decode()
    assert text != COMPOSE and "--key" in text
    return text


@pytest.mark.parametrize(
    ("mark", "encoding"),
    [
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
    ],
    ids=["utf-16-le", "utf-16-be", "utf-32-le"],
)
def test_a_utf16_yaml_file_is_migrated_in_its_own_encoding(
    make_repo, mark: bytes, encoding: str
) -> None:
    expected = migrated_as_utf8(make_repo)
    repo = make_repo(files={"docker-compose.yml": mark + COMPOSE.encode(encoding)})
    result = migrate(repo)
    assert result.returncode == 0, result.stderr
    assert b"no tracked file mentions Prefect" not in result.stderr
    assert (repo / "docker-compose.yml").read_bytes() == mark + expected.encode(encoding)
    assert git(repo, "status", "--porcelain") == ""
    assert git(repo, "log", "-1", "--format=%s").startswith("prefect-1.0: ")


def test_a_file_under_working_tree_encoding_is_decoded_as_git_says(make_repo) -> None:
    expected = migrated_as_utf8(make_repo)
    repo = make_repo(
        files={
            ".gitattributes": "*.yml working-tree-encoding=UTF-16BE eol=crlf\n",
            "docker-compose.yml": COMPOSE.encode("utf-16-be"),  # git writes no mark for it
        }
    )
    assert git(repo, "show", "HEAD:docker-compose.yml") == COMPOSE.replace("\r\n", "\n")
    result = migrate(repo)
    assert result.returncode == 0, result.stderr
    assert (repo / "docker-compose.yml").read_bytes() == expected.encode("utf-16-be")
    # git stores the commit in UTF-8, as it does for every file under the attribute
    assert git(repo, "show", "HEAD:docker-compose.yml") == expected.replace("\r\n", "\n")
    assert git(repo, "status", "--porcelain") == ""


def test_files_outside_a_sparse_checkout_are_skipped_and_said_once(make_repo) -> None:
    repo = make_repo(
        files={"here/flow.py": OLD, "away/flow.py": OLD, "away/tasks.py": OLD, "top.py": OLD}
    )
    git(repo, "sparse-checkout", "set", "here")
    assert not (repo / "away").exists()
    result = migrate(repo)
    assert result.returncode == 0, result.stderr
    output = (result.stdout + result.stderr).decode()
    assert "unreadable" not in output and "cannot read" not in output
    said = "Skipped 2 tracked file(s) that the sparse checkout leaves out of the work tree."
    assert output.count(said) == 1
    assert (repo / "here/flow.py").read_bytes() == NEW
    assert (repo / "top.py").read_bytes() == NEW
    assert git(repo, "show", "HEAD:away/flow.py").encode() == OLD
    assert git(repo, "status", "--porcelain") == ""


def test_check_on_a_plain_folder_finds_the_work_in_a_utf16_file(tmp_path: Path) -> None:
    folder = tmp_path / "plain"
    folder.mkdir()
    data = codecs.BOM_UTF16_LE + COMPOSE.encode("utf-16-le")
    (folder / "docker-compose.yml").write_bytes(data)
    result = run_cli("migrate", "--check", "--only", "cli-auth", str(folder))
    assert result.returncode == 1, result.stderr
    assert "docker-compose.yml:4: would be rewritten" in result.stdout.decode()
    assert (folder / "docker-compose.yml").read_bytes() == data
