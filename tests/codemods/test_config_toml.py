"""config-toml beyond the golden cases: a configuration it cannot edit."""

from __future__ import annotations

from tests.codemods.tools import GoldenRun, golden_cases, run_codemod


@golden_cases("config-toml")
def test_golden(run: GoldenRun) -> None:
    run.check()


def test_a_config_the_codemod_cannot_edit_is_reported_and_left_alone() -> None:
    result = run_codemod("config-toml", b'cloud = { auth_token = "placeholder" }\n', "config.toml")
    assert not result.steps
    assert [problem.codemod_id for problem in result.problems] == ["config-toml"]
    assert "cloud.auth_token" in result.problems[0].reason
