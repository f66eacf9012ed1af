"""``prefect1-migrate verify`` end to end: the real command line on the example project,
migrated by ``migrate`` in a temporary git repository, judged by the cached Prefect envs.

One ``verify`` run (one probe subprocess per environment) serves each scenario: the migrated
project holds and builds the same flows as before its migration; a copy with a removed import
left in, a 0.x command line, a 0.x config key, a flow file whose module code blocks and one
that needs a library nobody installed is reported item by item.
"""

from __future__ import annotations

import json
import os
import pty
import select
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLE_PROJECT, commit_all, git, init_repo, run_cli
from realprefect.envs import ensure_envs

from prefect1_migrate.verify.environment import cache_folder, environment_key

pytestmark = pytest.mark.real_prefect

OPENING = (
    "imports the flow files of {root}, which runs their module-level code; it never runs a "
    "flow and never registers one."
)
EXAMPLE_FLOWS = {"flows/etl.py", "flows/k8s_flow.py", "flows/reports.py"}


@pytest.fixture(scope="module")
def pythons() -> dict[str, Path]:
    return ensure_envs()


def migrated_copy(project: Path, folder: Path) -> tuple[Path, str]:
    """``project`` migrated in a git repository, and its commit before migration."""
    repo = init_repo(folder / "repo")
    shutil.copytree(project, repo, dirs_exist_ok=True)
    before = commit_all(repo, "Flows on Prefect 0.15")
    completed = run_cli("migrate", str(repo), "--quiet")
    assert completed.returncode == 0, completed.stderr.decode(errors="replace")[-2000:]
    return repo, before


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    return migrated_copy(EXAMPLE_PROJECT, tmp_path_factory.mktemp("verify"))


def verify(*args: str, env: dict[str, str] | None = None) -> tuple[int, list[str], str]:
    completed = run_cli("verify", *args, env=env)
    return (
        completed.returncode,
        completed.stdout.decode().splitlines(),
        completed.stderr.decode(errors="replace"),
    )


def verify_against(
    repo: Path, before: str, pythons: dict[str, Path], report: Path, *options: str
) -> tuple[int, list[str], str]:
    """``verify`` with Prefect 1.4.1, compared with the commit ``before`` on 0.15.13."""
    return verify(
        str(repo),
        "--python",
        str(pythons["1.4.1"]),
        "--against",
        before,
        "--old-python",
        str(pythons["0.15.13"]),
        "--report",
        str(report),
        *options,
    )


def results(report: Path) -> dict[tuple[str, str], dict[str, Any]]:
    data = json.loads(report.read_text(encoding="utf-8"))
    return {
        (r["path"] if r["line"] is None else f"{r['path']}:{r['line']}", r["subject"]): r
        for r in data["results"]
    }


def test_migrated_example_holds_and_builds_the_same_flows_as_before(
    migrated: tuple[Path, str], pythons: dict[str, Path], tmp_path: Path
) -> None:
    repo, before = migrated
    report = tmp_path / "verify.json"
    code, out, err = verify_against(repo, before, pythons, report)
    assert code == 0, "\n".join(out) + err
    assert out[0].endswith(OPENING.format(root=repo))
    assert out[-1].startswith("verify: ") and out[-1].endswith("holds on Prefect 1.x.")
    found = results(report)
    assert {r["result"] for r in found.values()} == {"ok"}
    flows = {r["path"]: r for r in found.values() if r["kind"] == "flow"}
    assert set(flows) == EXAMPLE_FLOWS
    for flow in flows.values():
        assert flow["reason"].startswith("validates, serializes"), flow
        assert flow["reason"].endswith(f"same flow as at {before[:12]}"), flow
    assert "next run" in flows["flows/etl.py"]["reason"]  # its IntervalSchedule
    etl = flows["flows/etl.py"]["flow"]
    assert etl["tasks"] == ["extract", "load", "source", "table", "transform"]
    assert {"upstream": "extract", "downstream": "transform", "key": "rows", "mapped": False} in (
        etl["edges"]
    )
    assert etl["run_config"]["type"] == "UniversalRun"
    assert etl["executor"]["type"] == "LocalDaskExecutor"
    commands = [r for r in found.values() if r["kind"] == "command"]
    assert len(commands) > 20
    # "$PREFECT_TOKEN", below its marker folded over three lines
    assert ("deploy.sh:17", "prefect auth login --key RUNTIME_VALUE") in found
    assert [r["path"] for r in found.values() if r["kind"] == "config"] == ["config.toml"]
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["environment"]["prefect"] == "1.4.1"
    assert data["against"]["prefect"] == "0.15.13"
    assert data["against"]["commit"] == before


def test_prefect_1_0_0_accepts_the_migrated_example_too(
    migrated: tuple[Path, str], pythons: dict[str, Path], tmp_path: Path
) -> None:
    repo, _ = migrated
    report = tmp_path / "verify.md"
    code, out, err = verify(str(repo), "--python", str(pythons["1.0.0"]), "--report", str(report))
    assert code == 0, "\n".join(out) + err
    assert err == ""  # no progress when stderr is not a terminal
    assert "Prefect 1.x environment: Prefect 1.0.0" in out[1]
    markdown = report.read_text(encoding="utf-8")
    assert "| file | flow | result | reason |" in markdown
    assert "| flows/etl.py | nightly-etl | ok | validates, serializes" in markdown
    assert "FAILED" not in markdown


def test_the_example_with_a_helper_package_holds_and_builds_the_same_flows(
    pythons: dict[str, Path], tmp_path: Path
) -> None:
    """Its flows import Flow from the repository's own datateam.compat, never from prefect."""
    repo, before = migrated_copy(EXAMPLE_PROJECT.parent / "example-project-helpers", tmp_path)
    code, out, err = verify_against(repo, before, pythons, tmp_path / "verify.json")
    assert code == 0, "\n".join(out) + err
    found = results(tmp_path / "verify.json")
    flows = sorted(key for key, r in found.items() if r["kind"] == "flow")
    assert flows == [
        ("datateam/flows/ingest.py", "ingest"),
        ("datateam/flows/marts.py", "mart-customers"),
        ("datateam/flows/nightly.py", "nightly-load"),
        ("datateam/flows/nightly.py", "nightly-report"),
    ]
    assert all(found[key]["reason"].endswith(f"same flow as at {before[:12]}") for key in flows)


BLOCKING_FLOW = """\
import time

from prefect import Flow

time.sleep(600)  # waits for a service that is not there

with Flow("never-built") as flow:
    pass
"""

UNINSTALLED_LIBRARY_FLOW = """\
from prefect import Flow

import our_internal_warehouse_client  # installed on the agents only

flow = Flow("needs-the-client")
"""


@pytest.fixture(scope="module")
def broken(migrated: tuple[Path, str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the migrated project with six problems, committed."""
    repo, _ = migrated
    copy = tmp_path_factory.mktemp("broken") / "repo"
    git(repo.parent, "clone", "-q", str(repo), str(copy))
    etl = copy / "flows" / "etl.py"
    etl.write_text(
        etl.read_text(encoding="utf-8").replace(
            "from prefect import Flow, task\n",
            "from prefect import Flow, task\nfrom prefect.environments import LocalEnvironment\n",
        ),
        encoding="utf-8",
    )
    with open(copy / "deploy.sh", "a", encoding="utf-8") as script:
        script.write("prefect register flow -f flows/reports.py -p data-platform\n")
    with open(copy / "config.toml", "a", encoding="utf-8") as config:
        config.write("\n[logging]\nlog_to_cloud = false\n")
    k8s = copy / "flows" / "k8s_flow.py"
    k8s.write_text(
        k8s.read_text(encoding="utf-8").replace('"epochs", default=10', '"epochs", default=20'),
        encoding="utf-8",
    )
    (copy / "flows" / "blocking.py").write_text(BLOCKING_FLOW, encoding="utf-8")
    (copy / "flows" / "warehouse.py").write_text(UNINSTALLED_LIBRARY_FLOW, encoding="utf-8")
    git(copy, "config", "user.name", "Test User")
    git(copy, "config", "user.email", "test@example.com")
    commit_all(copy, "break it")
    return copy


def test_each_problem_of_a_broken_copy_is_reported(
    broken: Path, migrated: tuple[Path, str], pythons: dict[str, Path], tmp_path: Path
) -> None:
    _, before = migrated
    report = tmp_path / "verify.json"
    code, out, err = verify_against(broken, before, pythons, report, "--timeout", "5")
    assert code == 1, "\n".join(out) + err
    found = results(report)
    failed = {key: r["reason"] for key, r in found.items() if r["result"] == "FAILED"}
    left_command = (
        f"deploy.sh:{len((broken / 'deploy.sh').read_text(encoding='utf-8').splitlines())}",
        "prefect register flow -f flows/reports.py -p data-platform",
    )
    assert failed.keys() == {
        ("flows/etl.py", "-"),
        ("flows/k8s_flow.py", "train-model"),
        left_command,
        ("config.toml", "config"),
        ("flows/blocking.py", "-"),
    }, failed
    assert failed["flows/k8s_flow.py", "train-model"] == (
        f"differs from {before[:12]}: parameters "
        "[{'default': 10, 'name': 'epochs', 'required': False}] became "
        "[{'default': 20, 'name': 'epochs', 'required': False}]"
    )
    assert "prefect.environments" in failed["flows/etl.py", "-"]
    assert "No such command 'flow'" in failed[left_command]
    assert failed["config.toml", "config"] == "Prefect 1.4.1 has no setting logging.log_to_cloud"
    assert failed["flows/blocking.py", "-"].startswith("timed out after 5s")
    unchecked = {key: r["reason"] for key, r in found.items() if r["result"] == "not checked"}
    assert list(unchecked) == [("flows/warehouse.py", "-")]
    assert unchecked["flows/warehouse.py", "-"].startswith(
        "dependency not installed in the environment: our_internal_warehouse_client"
    )
    # the other flows still build and compare: one broken file does not hide the rest
    assert found["flows/reports.py", "weekly-report"]["reason"].endswith(
        f"same flow as at {before[:12]}"
    )
    # the table shows failures first, the summary last
    rows = out[out.index("") + 2 : -1]
    assert [" FAILED " in row for row in rows] == [True] * 5 + [False] * (len(rows) - 5)
    ok = sum(r["result"] == "ok" for r in found.values())
    commands = sum(r["kind"] == "command" for r in found.values())
    assert out[-1] == (
        f"verify: {ok} ok, 5 failed, 1 not checked (5 flow results, {commands} command lines, "
        "1 config files); something fails on Prefect 1.x (exit 1)."
    )


def test_without_python_or_a_way_to_build_an_environment_it_exits_2(
    migrated: tuple[Path, str], tmp_path: Path
) -> None:
    repo, _ = migrated
    offline = {"XDG_CACHE_HOME": str(tmp_path / "cache"), "PIP_NO_INDEX": "1"}
    code, out, err = verify(str(repo), env=offline)
    assert code == 2
    assert "building an environment from requirements.txt failed" in err
    assert "pass --python" in err
    assert len(out) == 1  # only the opening line: nothing was checked
    envs = tmp_path / "cache" / "prefect1-migrate" / "verify-envs"
    assert [p.name for p in envs.iterdir() if p.is_dir()] == []  # no half-built env is kept


def test_a_python_without_prefect_1_or_an_unknown_ref_is_refused_with_exit_2(
    migrated: tuple[Path, str], pythons: dict[str, Path]
) -> None:
    repo, _ = migrated
    code, _, err = verify(str(repo), "--python", str(pythons["0.15.13"]))
    assert (code, "has Prefect 0.15.13; expected Prefect 1.x" in err) == (2, True)
    code, _, err = verify(str(repo), "--python", sys.executable)
    assert (code, "has no Prefect installed" in err) == (2, True)
    code, _, err = verify(str(repo), "--python", "/nonexistent/python")
    assert (code, "does not exist" in err) == (2, True)
    code, _, err = verify(str(repo), "--python", str(pythons["1.4.1"]), "--against", "no-such-ref")
    assert (code, "--against no-such-ref: not a commit of this repository" in err) == (2, True)


def test_the_default_environment_is_found_in_the_cache_by_the_requirements_content(
    migrated: tuple[Path, str], pythons: dict[str, Path], tmp_path: Path
) -> None:
    """A cached environment (here: a venv that sees the 1.4.1 env's packages) named by the
    digest of the repository's requirements is used without building anything."""
    repo, _ = migrated
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache"), "PIP_NO_INDEX": "1"}
    os.environ.update(env)  # cache_folder() reads it as the command line will
    try:
        folder = cache_folder() / environment_key(repo, ["requirements.txt"])
    finally:
        for name in env:
            del os.environ[name]
    assert folder.is_relative_to(tmp_path / "cache")
    subprocess.run([str(pythons["1.4.1"]), "-m", "venv", "--without-pip", str(folder)], check=True)
    site = next((pythons["1.4.1"].parent.parent / "lib").glob("python3.*/site-packages"))
    (next((folder / "lib").glob("python3.*")) / "site-packages" / "prefect-env.pth").write_text(
        f"{site}\n", encoding="utf-8"
    )
    (folder / ".complete").write_text("built\n", encoding="utf-8")
    code, out, err = verify(str(repo), env=env)
    assert code == 0, "\n".join(out) + err
    assert out[1] == f"Prefect 1.x environment: Prefect 1.4.1, {folder}/bin/python ({folder})"


def test_progress_is_shown_on_a_terminal(
    migrated: tuple[Path, str], pythons: dict[str, Path]
) -> None:
    repo, _ = migrated
    terminal, stderr = pty.openpty()
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "prefect1_migrate",
            "verify",
            str(repo / "flows"),
            "--python",
            str(pythons["1.4.1"]),
        ],
        stdout=subprocess.PIPE,
        stderr=stderr,
        check=False,
    )
    os.close(stderr)
    shown = b""
    while select.select([terminal], [], [], 0)[0]:
        try:
            chunk = os.read(terminal, 65536)
        except OSError:  # the terminal's other end is closed
            break
        if not chunk:
            break
        shown += chunk
    os.close(terminal)
    assert completed.returncode == 0
    assert f"\r\x1b[K[3] {repo}/flows/reports.py".encode() in shown
    assert shown.endswith(b"\r\x1b[K")  # the progress line is cleared before the table
    assert b"[" not in completed.stdout.split(b"\n")[0]


def test_the_help_says_what_verify_runs_and_what_it_never_does() -> None:
    completed = run_cli("verify", "--help", env={"COLUMNS": "200"})
    text = " ".join(completed.stdout.decode().split())
    assert "It imports the flow files, which runs their module-level code" in text
    assert "it never runs a flow and never registers one" in text


def _notebook(*cells: str) -> str:
    return json.dumps(
        {
            "cells": [
                {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
                 "source": source}
                for source in cells
            ],
            "metadata": {"kernelspec": {"language": "python", "name": "python3"}},
            "nbformat": 4,
            "nbformat_minor": 5,
        }
    )  # fmt: skip


def test_a_notebooks_flows_are_built_not_run_and_one_it_cannot_read_is_listed(
    pythons: dict[str, Path], tmp_path: Path
) -> None:
    project = tmp_path / "project"
    (project / "notebooks").mkdir(parents=True)
    (project / "notebooks" / "helpers.py").write_text(
        "from prefect import task\n\n\n@task\ndef numbers():\n    return [1, 2]\n"
    )
    (project / "notebooks" / "explore.ipynb").write_text(
        _notebook(
            "%matplotlib inline\nfrom prefect import Flow, task\n"
            "from prefect.engine.executors import LocalExecutor\nfrom helpers import numbers",
            "@task\ndef total(xs):\n    open('ran.txt', 'w').write('ran')\n    return sum(xs)\n\n"
            "with Flow('notebook-etl', executor=LocalExecutor()) as flow:\n    total(numbers())",
            "files = !ls\n!echo hello",
            "state = flow.run()\nstate.result",
        )
    )
    (project / "notebooks" / "broken.ipynb").write_text('{"cells": [], "Flow"')
    repo, before = migrated_copy(project, tmp_path)
    report = tmp_path / "verify.json"
    code, out, err = verify_against(repo, before, pythons, report)
    assert code == 0, "\n".join(out) + err
    found = results(report)
    built = found[("notebooks/explore.ipynb", "notebook-etl")]
    assert built["result"] == "ok", built
    assert built["reason"].endswith(f"same flow as at {before[:12]}")
    assert built["flow"]["executor"]["type"] == "LocalExecutor"
    unread = found[("notebooks/broken.ipynb", "-")]
    assert unread["result"] == "not checked"
    assert unread["reason"].startswith("a notebook not built: ")
    assert not (repo / "ran.txt").exists()
    assert git(repo, "status", "--porcelain", "--untracked-files=all") == ""
