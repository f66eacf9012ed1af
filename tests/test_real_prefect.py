"""Golden cases against the real Prefect releases (see tests/realprefect/README.md).

Before files must be valid Prefect 0.15.13 (flows build, Prefect imports resolve and calls
bind, command lines parse); after files must be valid 1.0.0 and 1.4.1 and build into the same
flows, running where the guide's environment mapping says; TOML settings must load in 1.4.1
with the values of the case's ``expect.json``. Cases are discovered at collection time; each
check kind runs as one batch per Prefect version over all cases (one subprocess each).
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from realprefect.checks import (
    CHECKS,
    OLD,
    OLDEST,
    Batch,
    Check,
    before_is_valid_0_15_13,
    command_lines_before,
)
from realprefect.sources import Migration, golden_cases

pytestmark = pytest.mark.real_prefect

# Codemods whose before files use Prefect APIs removed *before* 0.15.13, so that they cannot
# be valid there: their before files are not required to build (the after files are checked
# as usual, without a 0.15.13 flow to compare with). Each entry must stay true: at least one
# of the codemod's cases has to fail on 0.15.13.
UNBUILDABLE_ON_0_15_13: dict[str, str] = {
    "legacy-storage-path": "prefect.environments.storage was removed in 0.15.0",
    "subflow-legacy-task-names": "FlowRunTask, RenameFlowRunTask and CancelFlowRunTask were "
    "removed in 0.15.0",
    "from-0-14": "what 0.15.0 removed from 0.14 (docs/catalog.md, Coming from Prefect 0.14)",
}

# Codemods migrating what a Prefect 0.14 repository has: their before files are checked on
# 0.14.22 (imports resolve, calls bind, flows build) and their after flows compared with the
# flows 0.14.22 built. Each must also be in UNBUILDABLE_ON_0_15_13 (what 0.15.0 removed).
BUILT_ON_0_14_22: dict[str, str] = {
    "from-0-14": "Secret, prefect.tasks.google, utilities.tasks.unmapped, OneTimeSchedule, "
    "UnionSchedule, DockerAgent(network=...) exist on 0.14.22, not on 0.15.13",
    "legacy-storage-path": "prefect.environments.storage exists on 0.14.22",
    "subflow-legacy-task-names": "FlowRunTask, RenameFlowRunTask, CancelFlowRunTask exist on "
    "0.14.22",
}

# Cases whose before command lines are Prefect 0.14's: they are parsed by 0.14.22's CLI (and
# must be refused by 0.15.13's, INVALID_COMMANDS_ON_0_15_13).
COMMANDS_OF_0_14_22: dict[str, str] = {
    "cli-agent/from-0-14": "prefect agent start|install <type>, --storage-labels",
    "cli-auth/agents-from-0-14": "prefect agent start|install <type> with a token",
    "cli-auth/noop-agents-from-0-14": "prefect agent start|install <type> without a token",
}

# Cases whose before command lines are known not to parse on 0.15.13 (same rule: must stay true).
INVALID_COMMANDS_ON_0_15_13: dict[str, str] = {
    "cli-register/guide-example": "the guide's `prefect register flows --project testing "
    "--path flows` never parsed on any release (catalog cli-register-guide-example)",
    "cli-agent/from-0-14": "Prefect 0.14's `prefect agent start|install <type>` and "
    "`--storage-labels` were removed in 0.15.0 (these lines parse on 0.14.22)",
    "cli-auth/agents-from-0-14": "Prefect 0.14's `prefect agent start|install <type>` was "
    "removed in 0.15.0 (these lines parse on 0.14.22)",
    "cli-auth/noop-agents-from-0-14": "the same 0.14 commands without a token",
}


def _migrations() -> list[Migration]:
    return [
        case.migration(
            UNBUILDABLE_ON_0_15_13.get(case.codemod),
            INVALID_COMMANDS_ON_0_15_13.get(case.id),
            OLDEST if case.codemod in BUILT_ON_0_14_22 or case.id in COMMANDS_OF_0_14_22 else OLD,
        )
        for case in golden_cases()
    ]


@pytest.fixture(scope="session")
def golden_batch() -> Batch:
    return Batch(_migrations())


def _parameters() -> list[object]:
    return [
        pytest.param(check, migration.id, id=f"{name}:{migration.id}")
        for migration in _migrations()
        for name, applies, check in CHECKS
        if applies(migration)
    ]


@pytest.mark.parametrize(("check", "case_id"), _parameters())
def test_golden_case_on_real_prefect(golden_batch: Batch, check: Check, case_id: str) -> None:
    migration = next(m for m in golden_batch.migrations if m.id == case_id)
    failures = check(golden_batch, migration)
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("codemod", sorted(UNBUILDABLE_ON_0_15_13))
def test_unbuildable_codemod_really_fails_on_0_15_13(golden_batch: Batch, codemod: str) -> None:
    cases = [m for m in golden_batch.migrations if m.id.split("/")[0] == codemod]
    assert cases, f"{codemod} has no golden cases"
    on_0_15_13 = [replace(m, old_release=OLD) for m in cases]
    assert any(before_is_valid_0_15_13(golden_batch, m) for m in on_0_15_13), "remove the entry"


@pytest.mark.parametrize("case_id", sorted(INVALID_COMMANDS_ON_0_15_13))
def test_invalid_commands_really_fail_on_0_15_13(golden_batch: Batch, case_id: str) -> None:
    cases = [replace(m, old_release=OLD) for m in golden_batch.migrations if m.id == case_id]
    assert cases, f"no golden case {case_id}"
    assert command_lines_before(golden_batch, cases[0]), "remove the entry"


def test_0_14_codemods_are_unbuildable_on_0_15_13() -> None:
    assert set(BUILT_ON_0_14_22) <= set(UNBUILDABLE_ON_0_15_13)


def test_0_14_command_lines_are_refused_by_0_15_13() -> None:
    assert set(COMMANDS_OF_0_14_22) <= set(INVALID_COMMANDS_ON_0_15_13)
