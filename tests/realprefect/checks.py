"""The real-Prefect checks of a migration (before tree → after tree).

:class:`Batch` runs every checker once per Prefect version and check kind over all the
migrations it is given (one subprocess each, side by side); each check function then reads
its migration's share of the results and returns the failures as text (empty: passed).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from prefect1_migrate.codemods._environments.following import EXECUTOR_NOT_MOVED

from prefect1_migrate.command_lines import CommandLine
from prefect1_migrate.markers import MARKER, unfolded_lines
from prefect1_migrate.verify.compare import run_setup_differences, structure_differences
from realprefect import runner
from realprefect.sources import Migration, Tree

OLD, FIRST, LATEST = "0.15.13", "1.0.0", "1.4.1"
OLDEST = "0.14.22"  # before files of the 0.14 shapes (Migration.old_release)
OLD_VERSIONS = (OLDEST, OLD)
NEW_VERSIONS = (FIRST, LATEST)


def _argvs(tree: Tree) -> set[tuple[str, ...]]:
    return {tuple(command.argv) for lines in tree.command_lines().values() for command in lines}


def checked_python(migration: Migration) -> list[str]:
    after = migration.after
    return [n for n in after.python_files() if n in migration.checked] if after else []


def checked_flows(migration: Migration) -> list[str]:
    after = migration.after
    return [n for n in after.flow_files() if n in migration.checked] if after else []


def checked_commands(migration: Migration) -> dict[str, list[CommandLine]]:
    """The after command lines to check: in a golden case only those the codemod wrote (a
    line left as it was belongs to another codemod); in a complete migration all of them."""
    after = migration.after
    if after is None:
        return {}
    before = migration.before.command_lines()
    found = {}
    for name, lines in after.command_lines().items():
        if name not in migration.checked:
            continue
        old = {tuple(c.argv) for c in before.get(name, [])}
        lines = [c for c in lines if migration.complete or tuple(c.argv) not in old]
        if lines:
            found[name] = lines
    return found


def checked_configs(migration: Migration) -> list[str]:
    after = migration.after
    if after is None:
        return []
    return [
        n for n in after.config_files() if n in migration.checked or n in migration.expected_config
    ]


@dataclass
class Batch:
    migrations: list[Migration]

    @cached_property
    def results(self) -> dict[str, Any]:
        before_flows: dict[str, list[tuple[Path, Path]]] = {v: [] for v in OLD_VERSIONS}
        before_py: dict[str, list[Path]] = {v: [] for v in OLD_VERSIONS}
        after_flows = []
        after_py: list[Path] = []
        before_argvs: dict[str, set[tuple[str, ...]]] = {v: set() for v in OLD_VERSIONS}
        after_argvs: set[tuple[str, ...]] = set()
        before_configs: list[tuple[Path, list[str]]] = []
        after_configs: list[tuple[Path, list[str]]] = []
        for m in self.migrations:
            before = m.before
            for release in {m.old_release, OLD}:  # 0.14 shapes: 0.15.13 must refuse them
                before_flows[release] += [
                    (before.root / n, before.root) for n in before.flow_files()
                ]
                before_py[release] += [before.root / n for n in before.python_files()]
            for release in {m.old_release, OLD}:  # 0.14 command lines: 0.15.13 refuses them
                before_argvs[release] |= _argvs(before)
            before_configs += [(before.root / n, []) for n in before.config_files()]
            if m.after is None:
                continue
            after = m.after
            after_flows += [(after.root / n, after.root) for n in checked_flows(m)]
            after_py += [after.root / n for n in checked_python(m)]
            after_argvs |= {tuple(c.argv) for lines in checked_commands(m).values() for c in lines}
            after_configs += [
                (after.root / n, sorted(m.expected_config.get(n, {}))) for n in checked_configs(m)
            ]
        new_argvs = sorted(after_argvs)
        jobs: dict[str, Callable[[], Any]] = {
            "flows-new": lambda: runner.describe_flows(LATEST, after_flows),
            f"flows-new-{FIRST}": lambda: runner.describe_flows(FIRST, after_flows),
            "config-old": lambda: runner.load_config(OLD, before_configs),
            "config-new": lambda: runner.load_config(LATEST, after_configs),
        }
        for version in OLD_VERSIONS:
            if before_py[version]:
                jobs[f"flows-{version}"] = lambda v=version: runner.describe_flows(
                    v, before_flows[v]
                )
                jobs[f"api-{version}"] = lambda v=version: runner.check_api(v, before_py[v])
            if before_argvs[version]:
                old_argvs = sorted(before_argvs[version])
                jobs[f"cli-{version}"] = lambda v=version, a=old_argvs: dict(
                    zip(a, runner.parse_cli(v, a), strict=True)
                )
        for version in NEW_VERSIONS:
            jobs[f"api-{version}"] = lambda v=version: runner.check_api(v, after_py)
            jobs[f"cli-{version}"] = lambda v=version: dict(
                zip(new_argvs, runner.parse_cli(v, new_argvs), strict=True)
            )
        return runner.run_all(jobs)


Check = Callable[[Batch, Migration], list[str]]


def before_is_valid_0_15_13(batch: Batch, m: Migration) -> list[str]:
    """Before files: Prefect imports resolve and calls bind on 0.15.13 (on 0.14.22 for a
    migration from 0.14, see Migration.old_release), flows build."""
    release = m.old_release
    flows, api = batch.results[f"flows-{release}"], batch.results[f"api-{release}"]
    failures = []
    for name in m.before.python_files():
        path = str(m.before.root / name)
        checked = api[path]
        problems = [[0, checked["error"]]] if "error" in checked else checked["problems"]
        built = flows.get(path)
        if built is not None and "error" in built:
            problems = [*problems, [0, f"does not build: {built['error']}"]]
        elif built is not None and not built["flows"]:
            problems = [*problems, [0, "defines no Flow object at module level"]]
        failures += [f"before/{name}:{line}: {text}" for line, text in problems]
    return failures


def after_api(version: str) -> Check:
    def check(batch: Batch, m: Migration) -> list[str]:
        """After files: Prefect imports resolve and calls bind (TODO-marked statements aside)."""
        results = batch.results[f"api-{version}"]
        failures = []
        for name in checked_python(m):
            assert m.after is not None
            result = results[str(m.after.root / name)]
            if "error" in result:
                failures.append(f"after/{name}: {result['error']}")
                continue
            failures += [f"after/{name}:{line}: {text}" for line, text in result["problems"]]
        return failures

    check.__name__ = f"after_api_{version}"
    return check


def marked_executors(tree: Tree) -> set[str]:
    """The executor classes a marker of the tree says were left out of a run config (an
    environment made away from its flows, whose executor could not be moved to them)."""
    return {
        found
        for name in tree.python_files()
        for line in unfolded_lines(tree.text(name).split("\n"))  # a folded marker: one line
        for found in EXECUTOR_LEFT_OUT.findall(line)
    }


EXECUTOR_LEFT_OUT = re.compile(
    re.escape(MARKER) + r": " + re.escape(EXECUTOR_NOT_MOVED.split("{", 1)[0]) + r"(\w+)\("
)


def after_builds_same_flows(batch: Batch, m: Migration) -> list[str]:
    """After flows build on 1.4.1 and on 1.0.0 into the same flows, run where the environment
    mapping says, and serialize (a failure 1.0.0 shares with 1.4.1 is reported once)."""
    assert m.after is not None
    latest = _after_flow_failures(batch, m, LATEST, "flows-new")
    first = _after_flow_failures(batch, m, FIRST, f"flows-new-{FIRST}")
    return latest + [f"{failure} (on {FIRST})" for failure in first if failure not in latest]


def _after_flow_failures(batch: Batch, m: Migration, version: str, key: str) -> list[str]:
    assert m.after is not None
    old, new = batch.results[f"flows-{m.old_release}"], batch.results[key]
    api = batch.results[f"api-{version}"]
    failures = []
    for name in checked_flows(m):
        built = new[str(m.after.root / name)]
        if "error" in built:
            exempted = api[str(m.after.root / name)].get("exempted")
            if not exempted:  # a file a codemod marked as not migratable may not build
                failures.append(f"after/{name}: does not build: {built['error']}")
            continue
        if m.complete and version == LATEST:
            failures += [f"after/{name}: Prefect {LATEST} warns: {w}" for w in built["warnings"]]
        failures += [
            f"after/{name}: flow {flow['name']!r} does not serialize: {flow['serialization_error']}"
            for flow in built["flows"]
            if flow["serialization_error"] is not None
        ]
        before = old.get(str(m.before.root / name))
        if before is None or "error" in before:
            continue  # nothing to compare with (the before check reports why)
        failures += [
            f"after/{name}: {difference}"
            for difference in _flow_differences(before["flows"], built["flows"], m.after)
        ]
    return failures


def _flow_differences(
    before: list[dict[str, Any]], after: list[dict[str, Any]], tree: Tree
) -> list[str]:
    after_flows = {flow["name"]: flow for flow in after}
    differences = []
    for flow in before:
        migrated = after_flows.get(flow["name"])
        if migrated is None:
            differences.append(f"flow {flow['name']!r} is gone")
            continue
        found = structure_differences(flow, migrated)
        found += run_setup_differences(flow, migrated, marked_executors(tree))
        differences += [f"flow {flow['name']!r}: {d}" for d in found]
    return differences


def command_lines_before(batch: Batch, m: Migration) -> list[str]:
    """Before command lines parse with 0.15.13's CLI (0.14.22's for a migration from 0.14)."""
    parsed = batch.results[f"cli-{m.old_release}"]
    return [
        f"before/{name}:{c.line}: prefect {' '.join(c.argv)}: {parsed[tuple(c.argv)]['error']}"
        for name, lines in m.before.command_lines().items()
        for c in lines
        if not parsed[tuple(c.argv)]["accepted"]
    ]


def command_lines_after(version: str) -> Check:
    def check(batch: Batch, m: Migration) -> list[str]:
        """After command lines parse with the new CLI, unless a TODO marker stands above."""
        assert m.after is not None
        parsed = batch.results[f"cli-{version}"]
        failures = []
        for name, lines in checked_commands(m).items():
            for command in lines:
                result = parsed[tuple(command.argv)]
                if not result["accepted"] and not command.marked:
                    failures.append(
                        f"after/{name}:{command.line}: prefect {' '.join(command.argv)}: "
                        f"{result['error']}"
                    )
        return failures

    check.__name__ = f"command_lines_after_{version}"
    return check


def config_loads(batch: Batch, m: Migration) -> list[str]:
    """TOML settings load (before on 0.15.13, after on 1.4.1 with the expected values)."""
    failures = []
    for name in m.before.config_files():
        result = batch.results["config-old"][str(m.before.root / name)]
        if "error" in result:
            failures.append(f"before/{name} does not load on {OLD}: {result['error']}")
    if m.after is None:
        return failures
    for name in checked_configs(m):
        result = batch.results["config-new"][str(m.after.root / name)]
        if "error" in result:
            failures.append(f"after/{name} does not load on {LATEST}: {result['error']}")
            continue
        for key, value in m.expected_config.get(name, {}).items():
            unset = key in result["missing"]
            if (value is None) != unset or (not unset and result["values"][key] != value):
                shown = "unset" if unset else repr(result["values"][key])
                wanted = "unset" if value is None else repr(value)
                failures.append(f"after/{name}: {key} is {shown}; expected {wanted}")
    for name in m.expected_config:
        if name not in m.after.config_files():
            failures.append(f"expect.json names {name}, not a TOML file of after/")
    return failures


# (name, applies to the migration?, check)
CHECKS: list[tuple[str, Callable[[Migration], bool], Check]] = [
    (
        f"before-{OLD}",
        lambda m: bool(m.before.python_files()) and m.unbuildable is None and m.old_release == OLD,
        before_is_valid_0_15_13,
    ),
    (
        f"before-{OLDEST}",
        lambda m: bool(m.before.python_files()) and m.old_release == OLDEST,
        before_is_valid_0_15_13,
    ),
    *[(f"after-api-{v}", lambda m: bool(checked_python(m)), after_api(v)) for v in NEW_VERSIONS],
    (f"after-flows-{LATEST}", lambda m: bool(checked_flows(m)), after_builds_same_flows),
    (
        f"cli-before-{OLD}",
        lambda m: (
            bool(m.before.command_lines()) and m.invalid_commands is None and m.old_release == OLD
        ),
        command_lines_before,
    ),
    (
        f"cli-before-{OLDEST}",
        lambda m: bool(m.before.command_lines()) and m.old_release == OLDEST,
        command_lines_before,
    ),
    *[
        (f"cli-after-{v}", lambda m: bool(checked_commands(m)), command_lines_after(v))
        for v in NEW_VERSIONS
    ],
    (
        "config",
        lambda m: bool(m.before.config_files() or checked_configs(m) or m.expected_config),
        config_loads,
    ),
]
