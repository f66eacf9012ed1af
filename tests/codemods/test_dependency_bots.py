"""dependency-bots: its golden cases, fixtures/codemods/dependency-bots/; the rules it writes
are read back as the bots read them."""

from __future__ import annotations

import json

import json5
import pytest
import yaml

from tests.codemods.tools import GOLDEN, GoldenRun, golden_cases, run_codemod

CASES = GOLDEN / "dependency-bots"
JSON5_CONFIGS = ("renovate.json5", ".renovaterc.json5")


@golden_cases("dependency-bots")
def test_golden(run: GoldenRun) -> None:
    run.check()


def test_every_pip_update_of_dependabot_ignores_prefect_2() -> None:
    checked = 0
    for path in sorted(CASES.glob("*/after/.github/dependabot.y*ml")):
        for update in yaml.safe_load(path.read_text(encoding="utf-8"))["updates"]:
            ignored = {
                rule["dependency-name"]: rule.get("versions") for rule in update.get("ignore", [])
            }
            if update["package-ecosystem"] == "pip":
                assert ignored["prefect"] == [">=2"], path
                checked += 1
            else:
                assert "prefect" not in ignored, path
    assert checked == 3


def test_every_renovate_config_allows_prefect_below_2_only() -> None:
    checked = 0
    for path in sorted(CASES.glob("*/after/**/*")):
        if path.name not in ("renovate.json", ".renovaterc", "package.json", *JSON5_CONFIGS):
            continue
        loads = json5.loads if path.name in JSON5_CONFIGS else json.loads
        config = loads(path.read_text(encoding="utf-8"))
        config = config.get("renovate", config)
        rules = [r for r in config["packageRules"] if "prefect" in r.get("matchPackageNames", [])]
        assert [rule["allowedVersions"] for rule in rules] == ["<2"], path
        checked += 1
    assert checked == 6


@pytest.mark.parametrize(
    "config",
    [
        "// half edited\n{\n  packageRules: [\n    {matchPackageNames: ['pandas']},\n}\n",
        "[\n  {extends: ['config:base']},\n]\n",
    ],
    ids=["unclosed", "not-an-object"],
)
def test_a_renovate_json5_it_cannot_read_gets_a_marker(config: str) -> None:
    result = run_codemod("dependency-bots", config, "renovate.json5")
    marker, rest = result.steps[-1][1].decode().split("\n", 1)
    assert marker.startswith("// TODO(prefect-1.0): this Renovate configuration could not be read")
    assert rest == config
