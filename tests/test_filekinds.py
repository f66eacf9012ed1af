"""The README's list of file kinds is exact: one row per kind, every name and pattern that
gives a kind in its row only, and the path rules classify as the table says."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from prefect1_migrate.filekinds import NAME_PATTERNS, NAMES, FileKind, classify

README = Path(__file__).resolve().parent.parent / "README.md"


def _rows() -> dict[str, str]:
    text = README.read_text(encoding="utf-8")
    table = text.split("<!-- filekinds:start -->")[1].split("<!-- filekinds:end -->")[0]
    rows: dict[str, str] = {}
    for line in table.strip().splitlines()[2:]:
        kind, files, _ = (cell.strip() for cell in line.strip("|").split("|"))
        assert kind not in rows, f"{kind} has two rows"
        rows[kind.strip("`")] = files
    return rows


def _names(files: str) -> set[str]:
    return set(re.findall(r"`([^`]+)`", files))


def test_every_kind_has_one_row() -> None:
    assert set(_rows()) == {kind.value for kind in FileKind}


@pytest.mark.parametrize(
    ("name", "kind"), [*NAMES.items(), *NAME_PATTERNS], ids=lambda value: str(value)
)
def test_a_name_or_pattern_is_listed_in_the_row_of_its_kind_only(name: str, kind: FileKind) -> None:
    listed_in = [row for row, files in _rows().items() if name in _names(files)]
    assert listed_in == [kind.value]


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        (".github/workflows/ci.yml", FileKind.CI),
        (".circleci/config.yml", FileKind.CI),
        (".buildkite/pipeline.yml", FileKind.CI),
        ("deploy/etc/crontab", FileKind.SYSTEM_CRONTAB),
        ("deploy/cron.d/flows", FileKind.SYSTEM_CRONTAB),
        ("infra/main.tf.json", FileKind.JSON),
        (".devcontainer/devcontainer.json", FileKind.JSON),
        ("chart/values.yaml", FileKind.YAML),
        ("Taskfile.yml", FileKind.YAML),
        (".gitlab/ci/deploy.gitlab-ci.yml", FileKind.CI),
        ("ci/Jenkinsfile.deploy", FileKind.JENKINSFILE),
        ("vars/registerFlows.groovy", FileKind.JENKINSFILE),
        ("infra/prod.tfvars", FileKind.TERRAFORM),
        ("docs/Jenkinsfile.md", FileKind.MARKDOWN),
        ("Procfile.dev", FileKind.PROCFILE),
        ("Procfile.md", FileKind.MARKDOWN),
        ("Containerfile.agent", FileKind.DOCKERFILE),
    ],
)
def test_the_path_rules_of_the_table(path: str, kind: FileKind) -> None:
    assert classify(path) is kind


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"#!/bin/bash\n", FileKind.SHELL),
        (b"#! /bin/sh -e\n", FileKind.SHELL),
        (b"#!/usr/bin/env zsh\n", FileKind.SHELL),
        (b"#!/usr/bin/python3\n", FileKind.PYTHON),
        (b"#!/usr/bin/env -S python3 -u\n", FileKind.PYTHON),
        (b"#!/usr/bin/perl\n", None),
        (b"#!/opt/bash/bin/node\n", None),
        (b"echo #!/bin/bash\n", None),
    ],
)
def test_a_file_without_a_known_name_gets_its_shebang_program_s_kind(
    head: bytes, kind: FileKind | None
) -> None:
    """The program is the shebang's last path part (after ``env`` and its options)."""
    assert classify("bin/deploy", head) is kind
