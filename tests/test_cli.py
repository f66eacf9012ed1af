"""The command line as a user runs it, on real temporary git repositories."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import EXAMPLE_PROJECT, ROOT, git, run_cli

from prefect1_migrate.registry import all_codemods

sys.path.insert(0, str(ROOT / "scripts"))
import update_readme

OLD_IMPORT = "from prefect.engine.executors import LocalExecutor\n\nexecutor = LocalExecutor()\n"


def test_readme_codemod_table_is_current() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert update_readme.with_table(readme, update_readme.codemod_table()) == readme, (
        "README codemod table is stale: run .venv/bin/python scripts/update_readme.py"
    )


def test_list_shows_every_codemod_in_pipeline_order() -> None:
    result = run_cli("list", "--json")
    assert result.returncode == 0
    listed = json.loads(result.stdout)
    assert [entry["id"] for entry in listed] == [c.id for c in all_codemods()]
    assert set(listed[0]) >= {"id", "title", "guide_section", "kind"}
    plain = run_cli("list").stdout.decode()
    positions = [plain.index(c.id) for c in all_codemods()]
    assert positions == sorted(positions)


def test_list_covers_every_guide_section() -> None:
    from prefect1_migrate.guide import SECTIONS

    sections = {entry["guide_section"] for entry in json.loads(run_cli("list", "--json").stdout)}
    assert sections == set(SECTIONS)


def test_explain_shows_description_example_and_section() -> None:
    result = run_cli("explain", "imports-moved")
    text = result.stdout.decode()
    assert result.returncode == 0
    assert "Upgrade guide section: Imports have moved" in text
    example = text[text.index("Example (") :]  # a before/after diff from a golden case
    assert "\n--- before/" in example and "\n+++ after/" in example
    assert any(line.startswith("-from prefect") for line in example.splitlines())
    assert "TaskTimeoutError" in text  # a flagged case


def test_unknown_codemod_id_exits_2_with_valid_ids(make_repo) -> None:
    repo = make_repo(files={"flow.py": OLD_IMPORT})
    for args in (["explain", "no-such-codemod"], ["migrate", "--only", "nope", str(repo)]):
        result = run_cli(*args)
        assert result.returncode == 2
        assert b"imports-moved" in result.stderr


def test_migrate_commits_each_codemod_with_the_documented_message(make_repo) -> None:
    repo = make_repo(files={"flows/flow.py": OLD_IMPORT, "README.md": "# flows\n"})
    start = git(repo, "rev-parse", "HEAD").strip()
    result = run_cli("migrate", str(repo))
    assert result.returncode == 0, result.stderr
    log = git(repo, "log", "--format=%H", f"{start}..HEAD").split()
    assert len(log) == 1
    message = git(repo, "log", "-1", "--format=%B")
    assert message.startswith("prefect-1.0: Imports have moved\n\n")
    assert (
        "Changed 1 file: 1 line rewritten.\n- `prefect.engine.executors` -> `prefect.executors` (1 line)\n"
        in message
    )
    assert "Upgrade guide: Imports have moved\nCodemod: imports-moved" in message
    assert git(repo, "show", "--name-only", "--format=", "HEAD").split() == ["flows/flow.py"]
    assert "from prefect.executors import LocalExecutor" in (repo / "flows/flow.py").read_text()
    again = run_cli("migrate", str(repo))
    assert again.returncode == 0
    assert git(repo, "rev-parse", "HEAD").strip() == log[0]


def test_check_exit_codes(make_repo) -> None:
    repo = make_repo(files={"flow.py": OLD_IMPORT})
    before = run_cli("migrate", "--check", str(repo))
    assert before.returncode == 1
    assert b"flow.py:1: would be rewritten: Imports have moved (imports-moved)\n" in before.stdout
    run_cli("migrate", str(repo))
    assert run_cli("migrate", "--check", str(repo)).returncode == 0


def test_check_fails_on_marked_places_unless_pending_only(make_repo) -> None:
    marked = "# TODO(prefect-1.0): use an API key\nclient = prefect.Client()\n"
    repo = make_repo(files={"flow.py": f"import prefect\n\n{marked}"})
    check = run_cli("migrate", "--check", str(repo))
    assert check.returncode == 1
    assert b"flow.py:3: marked: use an API key\n" in check.stdout
    assert run_cli("migrate", "--check", "--pending-only", str(repo)).returncode == 0
    misuse = run_cli("migrate", "--pending-only", str(repo))
    assert misuse.returncode == 2
    assert b"--pending-only needs --check" in misuse.stderr


def test_no_identity_exits_2_with_the_git_config_commands(make_repo, tmp_path: Path) -> None:
    repo = make_repo(files={"flow.py": OLD_IMPORT}, identity=False)
    home = tmp_path / "home"
    home.mkdir()
    env = {"HOME": str(home), "XDG_CONFIG_HOME": str(home), "GIT_CONFIG_NOSYSTEM": "1"}
    result = run_cli("migrate", str(repo), env=env)
    assert result.returncode == 2
    assert b'git config user.name "Your Name"' in result.stderr
    assert b"--author" in result.stderr
    assert git(repo, "status", "--porcelain") == ""
    with_author = run_cli("migrate", "--author", "Migrator <m@example.com>", str(repo), env=env)
    assert with_author.returncode == 0, with_author.stderr
    assert git(repo, "log", "-1", "--format=%an <%ae>").strip() == "Migrator <m@example.com>"


def test_dirty_tree_is_refused_and_allow_dirty_writes_without_committing(make_repo) -> None:
    repo = make_repo(files={"flow.py": OLD_IMPORT, "other.py": "x = 1\n"})
    (repo / "other.py").write_text("x = 2\n")
    refused = run_cli("migrate", str(repo))
    assert refused.returncode == 2
    assert b"other.py" in refused.stderr
    assert "prefect.engine.executors" in (repo / "flow.py").read_text()
    allowed = run_cli("migrate", "--allow-dirty", str(repo))
    assert allowed.returncode == 0
    assert git(repo, "rev-list", "--count", "HEAD").strip() == "1"
    assert "prefect.executors" in (repo / "flow.py").read_text()


def test_dry_run_on_a_plain_folder_and_git_apply_gives_the_migrated_tree(
    make_repo, tmp_path: Path
) -> None:
    folder = tmp_path / "plain"
    shutil.copytree(EXAMPLE_PROJECT, folder)
    dry = run_cli("migrate", "--dry-run", str(folder))
    assert dry.returncode in (0, 3), dry.stderr
    assert b"# prefect1-migrate: imports-moved: Imports have moved" in dry.stdout
    repo = make_repo(source=EXAMPLE_PROJECT)
    applied = make_repo(source=EXAMPLE_PROJECT)
    patch = tmp_path / "dry.patch"
    patch.write_bytes(run_cli("migrate", "--dry-run", str(applied)).stdout)
    subprocess.run(["git", "apply", str(patch)], cwd=applied, check=True)
    assert run_cli("migrate", str(repo)).returncode in (0, 3)
    for path in git(repo, "ls-files").split():
        assert (repo / path).read_bytes() == (applied / path).read_bytes(), path


def test_example_project_gets_one_commit_per_changing_codemod(make_repo, tmp_path: Path) -> None:
    repo = make_repo(source=EXAMPLE_PROJECT)
    report = tmp_path / "report.json"
    result = run_cli("migrate", "--report", str(report), str(repo))
    assert result.returncode in (0, 3), result.stderr
    data = json.loads(report.read_text())
    changed = [item for item in data["codemods"] if item["files_changed"]]
    subjects = git(repo, "log", "--format=%s", f"HEAD~{len(changed)}..HEAD").splitlines()
    assert subjects == [f"prefect-1.0: {item['title']}" for item in reversed(changed)]
    for item in changed:
        files = git(repo, "show", "--name-only", "--format=", item["commit"]).split()
        assert sorted(files) == sorted(item["files_changed"])
        for review in item["review"]:
            line = (repo / review["path"]).read_text().splitlines()[review["line"] - 1]
            assert "TODO(prefect-1.0)" in line
    check = run_cli("migrate", "--check", str(repo))
    assert check.returncode == 1  # the markers are work left
    listed = check.stdout.decode()
    for item in changed:
        for review in item["review"]:
            assert f"{review['path']}:{review['line']}: marked: " in listed
    assert run_cli("migrate", "--check", "--pending-only", str(repo)).returncode == 0


def test_markdown_report_groups_by_guide_section_with_links(make_repo, tmp_path: Path) -> None:
    repo = make_repo(
        files={"flow.py": OLD_IMPORT + "from prefect.utilities.exceptions import ContextError\n"}
    )
    report = tmp_path / "migration.md"
    run_cli("migrate", "--report", str(report), str(repo))
    text = report.read_text()
    assert (
        "## [Imports have moved](https://docs.prefect.io/orchestration/faq/upgrading_1.0.html#imports-have-moved)"
        in text
    )
    sha = git(repo, "rev-parse", "HEAD").strip()
    assert f"- **Imports have moved** ({sha[:10]}): 1 file(s) changed" in text
    assert "    - [ ] `flow.py:4`: ContextError has no Prefect 1.0 equivalent" in text


def test_a_report_path_that_cannot_be_written_is_refused_before_the_run(
    make_repo, tmp_path: Path
) -> None:
    repo = make_repo(files={"flow.py": OLD_IMPORT})
    start = git(repo, "rev-parse", "HEAD").strip()
    (tmp_path / "a-folder.md").mkdir()
    for report, complaint in (
        (tmp_path / "missing" / "report.md", b"does not exist"),
        (tmp_path / "report.txt", b".md"),
        (tmp_path / "a-folder.md", b"is a folder"),
    ):
        result = run_cli("migrate", "--report", str(report), str(repo))
        assert result.returncode == 2, result.stderr
        assert complaint in result.stderr and b"Traceback" not in result.stderr
        assert git(repo, "rev-parse", "HEAD").strip() == start
        assert git(repo, "status", "--porcelain") == ""


def test_help_shows_names_not_type_placeholders() -> None:
    for command in ([], ["migrate"], ["list"], ["explain"], ["verify"], ["fleet"]):
        result = run_cli(*command, "--help")
        assert result.returncode == 0, command
        shown = result.stdout.decode()
        assert not re.search(r"<(?:bool|str|int|path|list)", shown, re.IGNORECASE), shown
    migrate_help = " ".join(run_cli("migrate", "--help").stdout.decode().split())
    assert "-j, --jobs N Worker processes, at least 1. [default: (all cores); x>=1]" in (
        migrate_help
    )
    assert "--report FILE" in migrate_help and "[PATH]..." in migrate_help


def test_jobs_below_one_are_refused_before_anything_runs(make_repo) -> None:
    repo = make_repo(files={"flow.py": OLD_IMPORT})
    for jobs in ("0", "-2"):
        result = run_cli("migrate", "--jobs", jobs, str(repo))
        assert result.returncode == 2
        assert b"Invalid value for '--jobs'" in result.stderr
    assert git(repo, "rev-list", "--count", "HEAD").strip() == "1"


def _scripts(count: int) -> dict[str, str]:
    return {
        f"deploy/s{n:03}.sh": "".join(f"prefect register flow -f f{m}.py -p p\n" for m in range(5))
        for n in range(count)
    }


def _read_a_little_then_close(*args: str, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    """The CLI with its stdout read by a reader that stops early, as `| head -2` does."""
    process = subprocess.Popen(
        [sys.executable, "-m", "prefect1_migrate", *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.read(100)
    process.stdout.close()
    error = process.stderr.read()
    return subprocess.CompletedProcess(process.args, process.wait(), b"", error)


def test_a_reader_that_stops_early_is_not_work_found(make_repo) -> None:
    repo = make_repo(files=_scripts(200))  # a patch far larger than a pipe holds
    dry = _read_a_little_then_close("migrate", "--dry-run", ".", cwd=repo)
    assert dry.returncode == 0, dry.stderr
    assert b"Traceback" not in dry.stderr and b"BrokenPipe" not in dry.stderr
    assert b"Dry run: 1 codemod(s) would change files" in dry.stderr
    check = _read_a_little_then_close("migrate", "--check", ".", cwd=repo)
    assert check.returncode == 1 and check.stderr == b""  # work found, said by the exit code
    start = git(repo, "rev-parse", "HEAD").strip()
    written = _read_a_little_then_close("migrate", ".", cwd=repo)
    assert written.returncode == 0 and written.stderr == b""  # the run still finishes
    assert git(repo, "rev-list", "--count", f"{start}..HEAD").strip() == "1"
    assert git(repo, "status", "--porcelain") == ""
