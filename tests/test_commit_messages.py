"""Commit messages a reviewer reads (issue 16 item 1): a title of at most 72 characters, a
body wrapped at 72 columns that says what the commit changed here, where real Prefect
differs from the guide, and the places to review grouped by file; secrets hidden by value,
never the tool's own words."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import EXAMPLE_PROJECT, FIXTURES, git, run_cli

from prefect1_migrate.commitmsg import (
    REVIEW_SHOWN,
    TITLE_LIMIT,
    UNBREAKABLE,
    WIDTH,
    guide_differences,
    title,
)
from prefect1_migrate.filekinds import COMMENTLESS_KINDS, classify
from prefect1_migrate.markers import MARKER
from prefect1_migrate.pipeline import new_markers
from prefect1_migrate.registry import all_codemods


def messages(repo: Path, start: str) -> dict[str, str]:
    """Codemod id -> the message of its commit, for the commits after ``start``."""
    shas = git(repo, "rev-list", "--reverse", f"{start}..HEAD").split()
    found = {}
    for sha in shas:
        message = git(repo, "log", "-1", "--format=%B", sha)
        codemod_id = re.search(r"^Codemod: (\S+)$", message, re.MULTILINE)
        assert codemod_id, message
        found[codemod_id.group(1)] = (sha, message)
    return found


def migrate(repo: Path) -> dict[str, tuple[str, str]]:
    start = git(repo, "rev-parse", "HEAD").strip()
    result = run_cli("migrate", "--jobs", "1", ".", cwd=repo)
    assert result.returncode in (0, 3), result.stderr.decode()
    return messages(repo, start)


def assert_wrapped(message: str) -> None:
    lines = message.splitlines()
    assert len(lines[0]) <= TITLE_LIMIT, lines[0]
    assert lines[1] == ""
    for line in lines[2:]:
        if len(line) > WIDTH:  # only a code span, URL or path longer than a line stays whole
            rest = re.sub(r"^\s*(?:- |\d+: )?", "", line)
            assert len(list(UNBREAKABLE.finditer(rest))) == 1, line


def review_entries(message: str) -> list[tuple[str, int, str]]:
    """(path, line, message) of each place of the review list."""
    section = message.split("\nNeeds review: ", 1)[1].split("\n\n", 1)[0].splitlines()[1:]
    groups: list[tuple[str, str]] = []  # (path, "12, 14: message")
    path = ""
    for line in section:
        if re.match(r"  \d", line):
            groups.append((path, line.strip()))
        elif line.startswith("      "):
            groups[-1] = (groups[-1][0], f"{groups[-1][1]} {line.strip()}")
        elif not line.startswith("and "):
            path = line
    entries = []
    for path, entry in groups:
        numbers, text = re.fullmatch(r"([\d, ]+): (.*)", entry).groups()
        entries += [(path, int(number), text) for number in numbers.split(", ")]
    return entries


def test_every_codemod_title_fits_a_commit_title() -> None:
    for codemod in all_codemods():
        assert len(title(codemod)) <= TITLE_LIMIT, codemod.id


@pytest.fixture(scope="module")
def golden_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """Every golden case's input, each in its own folder, in one repository, migrated."""
    from conftest import commit_all, init_repo

    repo = init_repo(tmp_path_factory.mktemp("golden") / "repo")
    for before in sorted((FIXTURES / "codemods").glob("*/*/before")):
        shutil.copytree(before, repo / before.parent.parent.name / before.parent.name)
    commit_all(repo)
    return repo, migrate(repo)


def test_each_codemods_message_on_the_golden_inputs_is_wrapped_and_says_what_changed(
    golden_repo: tuple[Path, dict],
) -> None:
    repo, found = golden_repo
    assert len(found) >= 25  # nearly every codemod changed something
    for codemod in all_codemods():
        if codemod.id not in found:
            continue
        sha, message = found[codemod.id]
        assert message.startswith(title(codemod) + "\n\n"), codemod.id
        assert_wrapped(message)
        files = git(repo, "show", "--name-only", "--format=", sha).split()
        plural = "file" if len(files) == 1 else "files"
        assert f"\nChanged {len(files)} {plural}" in "\n" + message, codemod.id
        added, deleted = 0, 0
        for row in git(repo, "show", "--numstat", "--format=", sha).splitlines():
            plus, minus, _ = row.split("\t", 2)
            added, deleted = added + int(plus), deleted + int(minus)
        counts = " ".join(message.split("\n\n", 2)[1].split("\n-")[0].split())
        rewritten = _count(counts, r"(\d+) lines? rewritten")
        assert rewritten + _count(counts, r"(\d+) removed") == deleted, (codemod.id, counts)
        markers = _markers_added(repo, sha)
        assert _count(counts, r"(\d+) TODO\(prefect-1\.0\) markers? added") == len(markers)
        marker_lines = sum(lines for _, _, lines in markers)  # a folded marker: several
        added_lines = _count(counts, r"(\d+) (?:lines? )?added,?") + marker_lines
        assert rewritten + added_lines == added, (codemod.id, counts)
        differences = guide_differences(codemod)
        if differences:
            assert differences in " ".join(message.split()), codemod.id
        if codemod.review_note:
            assert " ".join(codemod.review_note.split()) in " ".join(message.split())


def _count(text: str, pattern: str) -> int:
    match = re.search(r"(?:^|[:,;] )" + pattern, text)
    return int(match.group(1)) if match else 0


def test_review_list_matches_the_markers_each_commit_added(golden_repo) -> None:
    repo, found = golden_repo
    checked = 0
    for codemod_id, (sha, message) in found.items():
        added = [(path, message) for path, message, _ in _markers_added(repo, sha)]
        shown = review_entries(message)
        more = re.search(r"\nand (\d+) more: see the report\n", message)
        if len(added) > REVIEW_SHOWN or more:
            assert len(shown) == REVIEW_SHOWN and more, codemod_id
            assert REVIEW_SHOWN + int(more.group(1)) >= len(added), codemod_id
            continue
        # Files without comments (JSON) carry no marker: their places are listed only.
        entries = [entry for entry in shown if classify(entry[0]) not in COMMENTLESS_KINDS]
        # The message quotes the marker as the file has it (nothing hidden: no secrets here).
        assert sorted((path, text) for path, _, text in entries) == sorted(added), codemod_id
        for path, line, _ in entries:
            committed = git(repo, "show", f"{sha}:{path}").splitlines()[line - 1]
            assert MARKER in committed, (codemod_id, path, line)
        checked += len(entries)
    assert checked > 100


def _markers_added(repo: Path, sha: str) -> list[tuple[str, str, int]]:
    """(path, message, lines) of each marker the commit ``sha`` added (a folded marker is one
    marker of several lines, its message the whole text)."""
    added = []
    for path in git(repo, "show", "--name-only", "--format=", sha).split():
        old = git(repo, "show", f"{sha}^:{path}")
        new = git(repo, "show", f"{sha}:{path}")
        added += [(path, message, end - line) for line, message, end in new_markers(old, new)]
    return added


def test_a_long_review_list_stops_at_fifty_entries(make_repo) -> None:
    script = "".join(f"prefect register flow -f flows/f{n}.py -p proj\n" for n in range(70))
    repo = make_repo(files={"deploy.sh": script})
    found = migrate(repo)
    _, message = found["cli-register"]
    assert_wrapped(message)
    assert len(review_entries(message)) == REVIEW_SHOWN
    assert "\nand 20 more: see the report\n" in message
    assert "Changed 1 file: 70 lines rewritten; 70 TODO(prefect-1.0) markers added." in (
        " ".join(message.split("\n\n")[1].split("\n-")[0].split())
    )
    assert "- `flow -f` -> `--path` (70 lines)\n- `-p` -> `--project` (70 lines)\n" in message


def test_secrets_are_hidden_by_value_and_the_tools_words_stay_whole(make_repo) -> None:
    repo = make_repo(
        files={
            "deploy.sh": "docker build -t name .\n"
            "prefect auth login -t Sup3r-S3cret-T0ken\n"
            "prefect agent local start --token hunter2 -l prod\n",
            ".env": "PREFECT__CLOUD__AUTH_TOKEN=Sup3r-S3cret-T0ken\n",
        }
    )
    found = migrate(repo)
    text = "".join(message for _, message in found.values())
    assert "Sup3r-S3cret-T0ken" not in text and "hunter2" not in text
    flat = " ".join(text.split())
    assert "unless --key or PREFECT__CLOUD__API_KEY is set" in flat
    assert "`-t` -> `--key` (1 line)" in text and "`--token` -> `--key` (1 line)" in text
    assert " *** " not in flat.replace("=***", "")
    assert "docker build -t name ." in (repo / "deploy.sh").read_text()


def test_the_example_projects_messages_are_wrapped(make_repo) -> None:
    repo = make_repo(source=EXAMPLE_PROJECT)
    found = migrate(repo)
    assert len(found) > 10
    for _, message in found.values():
        assert_wrapped(message)
        assert "***" not in message  # the example holds no literal secret
