"""residual-0x-uses: its golden cases (fixtures/codemods/residual-0x-uses/), edge cases, and
the pass after every other codemod: it finds nothing unmarked in the example project and the
other codemods' golden cases, except the places listed here with the reason they are marked."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import EXAMPLE_PROJECT, FIXTURES

from prefect1_migrate.codemod import MigrationOptions
from prefect1_migrate.pipeline import FileProcessor
from prefect1_migrate.registry import all_codemods, codemod_by_id
from tests.codemods.tools import (
    GoldenRun,
    check_noop,
    check_transformed,
    golden_cases,
    review_entries,
)

RESIDUAL = "residual-0x-uses"

_ENVIRONMENTS = (
    "`prefect.environments` does not work on Prefect 1.x; use a run config "
    "(`flow.run_config`) and an executor (`flow.executor`)"
)


@golden_cases("residual-0x-uses")
def test_golden(run: GoldenRun) -> None:
    run.check()


def test_a_removed_import_gets_one_marker_saying_what_replaces_it() -> None:
    result = check_transformed(
        RESIDUAL,
        "from prefect.environments import LocalEnvironment\n\nenv = LocalEnvironment()\n",
        f"# TODO(prefect-1.0): {_ENVIRONMENTS}\n"
        "from prefect.environments import LocalEnvironment\n\nenv = LocalEnvironment()\n",
    )
    assert review_entries(result) == [(1, _ENVIRONMENTS)]


def test_a_statement_a_codemod_marked_already_gets_no_second_marker() -> None:
    check_noop(
        RESIDUAL,
        "# TODO(prefect-1.0): replace the environment\n"
        "from prefect.environments import LocalEnvironment\n",
    )


def test_a_removed_client_member_is_marked_where_it_is_called() -> None:
    message = (
        "`Client.login_to_tenant` does not work on Prefect 1.x; use client.switch_tenant "
        "(returns the tenant id, saves nothing to disk)"
    )
    result = check_transformed(
        RESIDUAL,
        "from prefect import Client\n\nclient = Client()\nclient.login_to_tenant(tenant_slug='a')\n",
        "from prefect import Client\n\nclient = Client()\n"
        f"# TODO(prefect-1.0): {message}\nclient.login_to_tenant(tenant_slug='a')\n",
    )
    assert review_entries(result) == [(4, message)]


def test_a_python36_image_in_a_dockerfile_is_marked_by_the_text_rewrite() -> None:
    message = (
        "`prefecthq/prefect:*-python3.6` does not work on Prefect 1.x; use a -python3.7 (or "
        "later) image of Prefect 1.x"
    )
    check_transformed(
        RESIDUAL,
        "FROM prefecthq/prefect:0.15.13-python3.6\n",
        f"# TODO(prefect-1.0): {message}\nFROM prefecthq/prefect:0.15.13-python3.6\n",
        path="Dockerfile",
    )


def test_an_agent_option_1x_still_accepts_is_not_marked() -> None:
    check_noop(RESIDUAL, "deploy:\n\tprefect agent start --token $TOKEN\n", path="Makefile")


#: (folder under fixtures/, file, line in the migrated file): why the residual pass marks it.
EXPECTED_MARKERS = {
    ("codemods/env-var-executor-class/noop-new-paths-and-other-values/before", ".env", 3): (
        "MY_EXECUTOR, a variable of the project's own, holds a 0.x executor path: it fails "
        "wherever it is used as an executor class; the codemod rewrites Prefect's setting only"
    ),
    ("codemods/env-var-executor-class/noop-new-paths-and-other-values/before", "notes.sh", 3): (
        'echo "prefect.engine.executors.DaskExecutor": a mention the pass cannot tell from a '
        "setting"
    ),
    ("codemods/cli-run/noop-launchers-shells/before", "nightly.sh", 9): (
        "a runbook a here-document writes (RUNBOOK.txt, no shell script: not rewritten) tells "
        "a human to run `prefect run flow`, which 1.x removed"
    ),
    ("codemods/executor-config-strings/noop-lookalikes/before", "flow_settings.py", 10): (
        '"prefect.engine.executors.ThreadExecutor": not a Prefect class, so the codemod leaves '
        "it, but the path fails on 1.x"
    ),
}


def _folders() -> list[Path]:
    golden = sorted(
        case / "before"
        for case in (FIXTURES / "codemods").glob("*/*")
        if case.parent.name != RESIDUAL and (case / "before").is_dir()
    )
    return [EXAMPLE_PROJECT, *golden]


def _files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def _residual_markers(folder: Path, migrated: Path) -> set[tuple[str, str, int]]:
    """(folder, file, line) of each marker the residual pass adds after the other codemods."""
    others = [c for c in all_codemods() if c.id != RESIDUAL]
    pipeline = FileProcessor(folder, others, MigrationOptions())
    for name in _files(folder):
        result = pipeline.process(name)
        target = migrated / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(result.steps[-1][1] if result.steps else (folder / name).read_bytes())
    residual = FileProcessor(migrated, [codemod_by_id(RESIDUAL)], MigrationOptions())
    where = folder.relative_to(FIXTURES).as_posix()
    return {
        (where, name, finding.line)
        for name in _files(folder)
        for finding in residual.process(name).findings
    }


@pytest.mark.parametrize("folder", _folders(), ids=lambda f: f.relative_to(FIXTURES).as_posix())
def test_after_the_other_codemods_the_pass_adds_only_the_expected_markers(
    folder: Path, tmp_path: Path
) -> None:
    expected = {
        key for key in EXPECTED_MARKERS if key[0] == folder.relative_to(FIXTURES).as_posix()
    }
    assert _residual_markers(folder, tmp_path) == expected
