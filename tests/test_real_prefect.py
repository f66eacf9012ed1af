"""Golden cases against the real Prefect releases (see tests/realprefect/README.md).

Before files must be valid Prefect 0.15.13 (flows build, Prefect imports resolve and calls
bind, command lines parse); after files must be valid 1.0.0 and 1.4.1 and build into the same
flows, running where the guide's environment mapping says; TOML settings must load in 1.4.1
with the values of the case's ``expect.json``. Cases are discovered at collection time; each
check kind runs as one batch per Prefect version over all cases (one subprocess each).
"""

from __future__ import annotations

import pytest
from realprefect.checks import CHECKS, Batch, Check
from realprefect.sources import Migration, golden_cases

pytestmark = pytest.mark.real_prefect

# Codemods whose before files use Prefect APIs removed *before* 0.15.13, so that they cannot
# be valid there. For these the before check asserts the opposite (that they really fail on
# 0.15.13, so a stale entry is noticed); their after files are checked as usual, without a
# 0.15.13 flow to compare with.
UNBUILDABLE_ON_0_15_13: dict[str, str] = {
    # "codemod-id": "the old API it migrates was removed in 0.15.0",
}


def _migrations() -> list[Migration]:
    return [case.migration(UNBUILDABLE_ON_0_15_13.get(case.codemod)) for case in golden_cases()]


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


def test_unbuildable_list_names_existing_codemods() -> None:
    codemods = {case.codemod for case in golden_cases()}
    assert set(UNBUILDABLE_ON_0_15_13) <= codemods, "allow-list entries without golden cases"
