"""CI annotations (issue 16 item 4): GitHub workflow commands with --output-format github,
and SARIF 2.1.0 reports validated against the SARIF 2.1.0 JSON schema."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
from conftest import EXAMPLE_PROJECT, git, run_cli

from prefect1_migrate.guide import GUIDE_URL
from prefect1_migrate.markers import MARKER

COMMAND = re.compile(
    r"::(?P<level>error|warning) file=(?P<file>[^,]*),line=(?P<line>\d+),title=(?P<title>[^:]*)::(?P<message>.*)"
)


def commands(output: bytes) -> list[dict[str, str]]:
    lines = [line for line in output.decode().splitlines() if line.startswith("::")]
    parsed = [COMMAND.fullmatch(line) for line in lines]
    assert all(parsed), lines
    return [match.groupdict() for match in parsed if match]


#: The OASIS SARIF 2.1.0 JSON schema (errata01), as published at the address in its ``id``.
SARIF_SCHEMA = Path(__file__).parent / "schemas" / "sarif-schema-2.1.0.json"


def validate_sarif(path: Path) -> dict:
    """The report, after checking it against the OASIS SARIF 2.1.0 schema."""
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    log = json.loads(path.read_text())
    jsonschema.Draft4Validator(schema).validate(log)
    return log


def test_check_annotates_pending_rewrites_as_errors_and_markers_as_warnings(make_repo) -> None:
    repo = make_repo(source=EXAMPLE_PROJECT)
    check = run_cli("migrate", "--check", "--output-format", "github", str(repo))
    assert check.returncode == 1
    found = commands(check.stdout)
    assert len(found) > 30 and {command["level"] for command in found} == {"error"}
    first = next(c for c in found if c["file"] == "flows/etl.py")
    assert first["title"] == "prefect1-migrate imports-moved"
    assert "would be rewritten: Imports have moved" in first["message"]
    plain = run_cli("migrate", "--check", str(repo)).stdout.decode().splitlines()
    places = [line for line in plain if re.match(r"\S+:\d+: ", line)]
    assert len(places) == len(found)  # one annotation per place --check lists
    assert run_cli("migrate", str(repo)).returncode == 0
    after = run_cli("migrate", "--check", "--output-format", "github", str(repo))
    assert after.returncode == 1  # the markers still need a human
    markers = commands(after.stdout)
    assert markers and {command["level"] for command in markers} == {"warning"}
    for command in markers:
        line = (repo / command["file"]).read_text().splitlines()[int(command["line"]) - 1]
        assert MARKER in line and command["title"] == "prefect1-migrate todo-prefect-1.0"


def test_a_writing_run_annotates_each_place_to_review(make_repo) -> None:
    repo = make_repo(source=EXAMPLE_PROJECT)
    result = run_cli("migrate", "--output-format", "github", str(repo))
    assert result.returncode == 0
    found = commands(result.stdout)
    flagged = re.search(r"resolve the (\d+) TODO", result.stdout.decode())
    assert flagged and len(found) == int(flagged.group(1))
    for command in found:
        assert command["level"] == "warning"
        line = (repo / command["file"]).read_text().splitlines()[int(command["line"]) - 1]
        assert MARKER in line


def test_workflow_command_properties_and_messages_are_escaped(make_repo) -> None:
    name = "odd,name:100%.sh"
    repo = make_repo(files={name: "prefect register flow -f a.py\n"})
    result = run_cli("migrate", "--check", "--output-format", "github", str(repo))
    line = next(line for line in result.stdout.decode().splitlines() if line.startswith("::"))
    assert line.startswith("::error file=odd%2Cname%3A100%25.sh,line=1,title=")


def test_sarif_reports_validate_against_the_schema(make_repo, tmp_path: Path) -> None:
    repo = make_repo(source=EXAMPLE_PROJECT)
    check_report = tmp_path / "check.sarif"
    assert run_cli("migrate", "--check", "--report", str(check_report), str(repo)).returncode == 1
    log = validate_sarif(check_report)
    run = log["runs"][0]
    rules = {rule["id"]: rule for rule in run["tool"]["driver"]["rules"]}
    assert rules["imports-moved"]["helpUri"] == f"{GUIDE_URL}#imports-have-moved"
    assert rules["imports-moved"]["shortDescription"]["text"] == "Imports have moved"
    levels = {result["level"] for result in run["results"]}
    assert levels == {"error"} and len(run["results"]) > 30
    for result in run["results"]:
        assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        location = result["locations"][0]["physicalLocation"]
        assert (repo / location["artifactLocation"]["uri"]).is_file()

    written_report = tmp_path / "migration.sarif"
    result = run_cli("migrate", "--report", str(written_report), str(repo))
    assert result.returncode == 0
    run = validate_sarif(written_report)["runs"][0]
    assert run["results"] and {result["level"] for result in run["results"]} == {"warning"}
    for result in run["results"]:
        location = result["locations"][0]["physicalLocation"]
        path = repo / location["artifactLocation"]["uri"]
        line = path.read_text().splitlines()[location["region"]["startLine"] - 1]
        assert MARKER in line, (path, line)


def test_a_file_left_as_it_was_is_an_error_result(make_repo, tmp_path: Path) -> None:
    repo = make_repo(
        files={"broken.py": "from prefect.engine.executors import X\ndef f(a, /):\n    pass\n"}
    )
    report = tmp_path / "run.sarif"
    result = run_cli("migrate", "--report", str(report), "--output-format", "github", str(repo))
    assert result.returncode == 3
    (command,) = commands(result.stdout)
    assert command["level"] == "error" and command["file"] == "broken.py"
    assert command["line"] == "2" and command["title"] == "prefect1-migrate file-left-as-it-was"
    (sarif_result,) = validate_sarif(report)["runs"][0]["results"]
    assert sarif_result["ruleId"] == "file-left-as-it-was" and sarif_result["level"] == "error"


def test_an_unknown_report_extension_is_refused_before_anything_runs(make_repo, tmp_path) -> None:
    repo = make_repo(source=EXAMPLE_PROJECT)
    start = git(repo, "rev-parse", "HEAD")
    result = run_cli("migrate", "--report", str(tmp_path / "report.xml"), str(repo))
    assert result.returncode == 2
    assert b"name a .md (Markdown), .json (JSON) or .sarif (SARIF) file" in result.stderr
    assert result.stdout == b"" and git(repo, "rev-parse", "HEAD") == start
    assert not (tmp_path / "report.xml").exists()
