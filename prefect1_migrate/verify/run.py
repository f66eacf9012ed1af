"""``verify``: the real Prefect 1.x judges a migrated repository.

1. The files: what git tracks under the path (a plain folder: its files), and from them the
   flow files, the ``prefect`` command lines and the Prefect config files (``sources.py``).
2. The environment: ``--python``, or a virtualenv built from the repository's requirements
   (``environment.py``); none: :class:`NoEnvironment` (exit 2).
3. One probe batch under that environment (``probe.py``): every flow file imported in its own
   forked child with a timeout (flows collected, validated, serialized, their schedule's next
   run computed), every command line parsed by the real CLI, every config file loaded.
4. With ``--against REF``: REF's tree (``git archive``) and a batch under Prefect 0.x that
   describes its flows; each flow is compared with today's (``compare.py``).
5. One :class:`Finding` per flow, command line and config file.
"""

from __future__ import annotations

import dataclasses
import subprocess
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

from prefect1_migrate.command_lines import RUNTIME_VALUE, CommandLine
from prefect1_migrate.gitops import NotARepository, Repository
from prefect1_migrate.verify.compare import run_setup_differences, structure_differences
from prefect1_migrate.verify.environment import (
    PrefectEnvironment,
    built_environment,
    given_environment,
)
from prefect1_migrate.verify.probe import run_probe
from prefect1_migrate.verify.sources import (
    command_lines,
    config_files,
    flow_files,
    notebook_flows,
)
from prefect1_migrate.workspace import folder_files, walk_folder

DEFAULT_TIMEOUT = 60.0


class Result(str, Enum):
    OK = "ok"
    FAILED = "FAILED"
    NOT_CHECKED = "not checked"


@dataclass(frozen=True)
class Finding:
    path: str  # repository-relative
    line: int | None  # for a command line
    kind: str  # "flow", "command" or "config"
    subject: str  # the flow's name, the command line, or "config"
    result: Result
    reason: str
    record: dict[str, Any] | None = None  # a built flow: what it is made of (see _record)


@dataclass(frozen=True)
class VerifyRequest:
    path: Path
    python: Path | None = None
    against: str | None = None
    old_python: Path | None = None
    timeout: float = DEFAULT_TIMEOUT


@dataclass
class Against:
    ref: str
    commit: str
    environment: PrefectEnvironment


@dataclass
class VerifyOutcome:
    root: Path
    environment: PrefectEnvironment
    against: Against | None = None
    findings: list[Finding] = field(default_factory=list)

    def count(self, result: Result) -> int:
        return sum(1 for finding in self.findings if finding.result is result)

    @property
    def exit_code(self) -> int:
        return 1 if self.count(Result.FAILED) else 0


class VerifyUsageProblem(Exception):
    """The request cannot be carried out (exit 2)."""


Progress = Callable[[str], None]


@dataclass
class Workspace:
    """The repository (or plain folder) and its files."""

    root: Path
    files: list[str]
    repository: Repository | None
    scope: str = ""  # the folder or file named, relative to the root ("" for all of it)

    def in_scope(self, name: str) -> bool:
        return not self.scope or name == self.scope or name.startswith(f"{self.scope}/")


def workspace(path: Path) -> Workspace:
    path = path.resolve()
    if not path.exists():
        raise VerifyUsageProblem(f"{path} does not exist")
    try:
        repository = Repository.find(path if path.is_dir() else path.parent)
    except NotARepository:
        root = path if path.is_dir() else path.parent
        return Workspace(root, folder_files(root, [path]), None)
    scope = path.relative_to(repository.root).as_posix()
    return Workspace(
        repository.root,
        repository.tracked_files([path]).paths,
        repository,
        "" if scope == "." else scope,
    )


def environment_for(request: VerifyRequest, space: Workspace) -> PrefectEnvironment:
    if request.python is not None:
        return given_environment(request.python, "1", "--python")
    return built_environment(space.root, space.files, "1", "--python")


@dataclass
class _Reference:
    """The tree at ``--against REF``: where it was extracted, what to build there."""

    against: Against
    root: Path
    items: dict[str, dict[str, Any]]  # its flow files that still are, as probe items
    lost: list[str]  # its flow files that are no flow files now


#: Where the modules of a tree's notebooks are written, in the scratch folder (by tree).
_NOTEBOOK_MODULES = "notebooks"


def _flow_items(
    root: Path, files: list[str], modules: Path
) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    """The probe items of the flow files among ``files`` ({file: item}; a notebook's module,
    ``notebook_code.checked_module``, is written under ``modules`` and imports from the
    notebook's folder) and the notebooks that cannot be built ({notebook: why})."""
    items = {
        name: {"path": str(root / name), "root": str(root)} for name in flow_files(root, files)
    }
    notebooks, unbuilt = notebook_flows(root, files)
    for name, module in notebooks.items():
        path = modules / _NOTEBOOK_MODULES / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(module, encoding="utf-8")
        items[name] = {"path": str(path), "root": str(root), "folder": str((root / name).parent)}
    return items, unbuilt


def verify(request: VerifyRequest, progress: Progress | None = None) -> VerifyOutcome:
    """Judge the repository at ``request.path``; NoEnvironment / VerifyUsageProblem: exit 2."""
    space = workspace(request.path)
    commit = None
    if request.against is not None:
        if space.repository is None:
            raise VerifyUsageProblem(f"--against needs a git repository; {space.root} is not one")
        commit = _commit_of(space.repository, request.against)
    environment = environment_for(request, space)
    root = space.root
    commands = command_lines(root, space.files)
    configs = config_files(root, space.files)
    argvs = sorted({tuple(c.argv) for lines in commands.values() for c in lines})
    with tempfile.TemporaryDirectory(prefix="prefect1-migrate-verify-") as scratch:
        flows, unbuilt = _flow_items(root, space.files, Path(scratch))
        new_request = {
            "flows": [{**item, "checks": True} for item in flows.values()],
            "commands": [list(argv) for argv in argvs],
            "configs": [{"path": str(root / name), "keys": []} for name in configs],
        }
        reference = _reference(request, space, commit, list(flows), Path(scratch) / "ref")
        jobs: dict[str, Callable[[], dict[str, Any]]] = {
            "new": lambda: run_probe(environment.python, new_request, request.timeout, progress)
        }
        if reference is not None:
            old_python = reference.against.environment.python
            old_request = {"flows": list(reference.items.values())}
            jobs["old"] = lambda: run_probe(old_python, old_request, request.timeout)
        with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
            futures = {name: pool.submit(job) for name, job in jobs.items()}
            answers = {name: future.result() for name, future in futures.items()}
        outcome = VerifyOutcome(root, environment, None if reference is None else reference.against)
        for name, item in flows.items():
            old = None
            if reference is not None and name in reference.items:
                old = answers["old"]["flows"].get(reference.items[name]["path"])
            outcome.findings += _flow_findings(
                name, answers["new"]["flows"][item["path"]], old, outcome
            )
        outcome.findings += [
            Finding(name, None, "flow", "-", Result.NOT_CHECKED, f"a notebook not built: {why}")
            for name, why in unbuilt.items()
        ]
        if reference is not None:
            outcome.findings += _lost_flow_files(reference.lost, reference.against)
        parsed = dict(zip(argvs, answers["new"]["commands"], strict=True))
        for name, lines in commands.items():
            outcome.findings += [_command_finding(name, c, parsed[tuple(c.argv)]) for c in lines]
        for name in configs:
            answer = answers["new"]["configs"][str(root / name)]
            outcome.findings.append(_config_finding(name, answer, environment))
    outcome.findings = [_relative(finding, root, scratch) for finding in outcome.findings]
    return outcome


def _reference(
    request: VerifyRequest, space: Workspace, commit: str | None, flows: list[str], folder: Path
) -> _Reference | None:
    """REF's tree (``commit``) extracted into ``folder`` and its Prefect 0.x environment
    (None without ``--against``)."""
    if request.against is None or commit is None:
        return None
    assert space.repository is not None
    _extract(space.repository, commit, folder)
    files = walk_folder(folder)
    environment = (
        given_environment(request.old_python, "0", "--old-python")
        if request.old_python is not None
        else built_environment(folder, files, "0", "--old-python")
    )
    old_items, _ = _flow_items(folder, files, folder.parent / "ref-modules")
    old_flow_files = [name for name in old_items if space.in_scope(name)]
    return _Reference(
        Against(request.against, commit, environment),
        folder,
        {name: old_items[name] for name in old_flow_files if name in flows},
        [name for name in old_flow_files if name not in flows],
    )


def _commit_of(repository: Repository, ref: str) -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--verify", "--end-of-options", f"{ref}^{{commit}}"],
            cwd=repository.root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except subprocess.CalledProcessError:
        raise VerifyUsageProblem(f"--against {ref}: not a commit of this repository") from None


def _extract(repository: Repository, commit: str, folder: Path) -> None:
    """Write the tree of ``commit`` into ``folder`` (``git archive``)."""
    folder.mkdir(parents=True)
    archive = subprocess.Popen(
        ["git", "archive", "--format=tar", commit], cwd=repository.root, stdout=subprocess.PIPE
    )
    subprocess.run(["tar", "-x", "-C", str(folder)], stdin=archive.stdout, check=True)
    assert archive.stdout is not None
    archive.stdout.close()
    if archive.wait() != 0:
        raise VerifyUsageProblem(f"git archive {commit} failed")


def _flow_findings(
    name: str,
    answer: dict[str, Any],
    old: dict[str, Any] | None,
    outcome: VerifyOutcome,
) -> list[Finding]:
    version = outcome.environment.prefect_version
    if "missing_dependency" in answer:
        return [
            Finding(
                name,
                None,
                "flow",
                "-",
                Result.NOT_CHECKED,
                f"dependency not installed in the environment: {answer['missing_dependency']} "
                f"({answer['error']})",
            )
        ]
    if "error" in answer:
        reason = (
            f"{answer['error']}: its module-level code did not finish"
            if answer.get("timed_out")
            else f"does not import on Prefect {version}: {answer['error']}"
        )
        return [Finding(name, None, "flow", "-", Result.FAILED, reason)]
    if not answer["flows"]:
        return [
            Finding(
                name, None, "flow", "-", Result.NOT_CHECKED, "no Flow object left at module level"
            )
        ]
    findings = []
    old_flows = _old_flows(old, outcome.against)
    matched: set[str] = set()
    for flow in answer["flows"]:
        problems = [f"{step['step']}: {step['error']}" for step in flow["steps"] if not step["ok"]]
        if flow["serialization_error"] is not None:
            problems.append(f"serialize: {flow['serialization_error']}")
        notes = [_passed_steps(flow)]
        compared = True
        if outcome.against is not None:
            short = outcome.against.commit[:12]
            before = _counterpart(flow, old_flows, answer["flows"])
            if isinstance(old_flows, str):
                notes.append(f"not compared: {old_flows}")
                compared = False
            elif before is None:
                notes.append(f"new since {short}")
            else:
                matched.add(before["name"])
                differences = structure_differences(before, flow)
                differences += run_setup_differences(before, flow)
                problems += [f"differs from {short}: {d}" for d in differences]
                notes.append(f"same flow as at {short}")
        result = Result.FAILED if problems else Result.OK if compared else Result.NOT_CHECKED
        reason = "; ".join(problems or notes)
        findings.append(Finding(name, None, "flow", flow["name"], result, reason, _record(flow)))
    if outcome.against is not None and isinstance(old_flows, dict):
        short = outcome.against.commit[:12]
        findings += [
            Finding(name, None, "flow", gone, Result.FAILED, f"built at {short}; gone now")
            for gone in sorted(set(old_flows) - matched)
        ]
    return findings


def _record(flow: dict[str, Any]) -> dict[str, Any]:
    """What a built flow is made of, for the JSON report."""
    return {
        "tasks": flow["tasks"],
        "edges": [
            dict(zip(("upstream", "downstream", "key", "mapped"), e, strict=True))
            for e in flow["edges"]
        ],
        "parameters": flow["parameters"],
        "run_config": flow["run_config"],
        "executor": flow["executor"],
        "storage": flow["storage"],
    }


def _passed_steps(flow: dict[str, Any]) -> str:
    schedule = next(step for step in flow["steps"] if step["step"] == "schedule")
    next_run = schedule.get("next")
    return "validates, serializes" + (f", next run {next_run}" if next_run else ", no schedule")


def _old_flows(old: dict[str, Any] | None, against: Against | None) -> dict[str, Any] | str:
    """{name: description} of the file's flows at REF ({} for a file new since REF), or why
    they could not be built there."""
    if against is None or old is None:
        return {}
    short = against.commit[:12]
    if "missing_dependency" in old:
        return f"not built at {short}: dependency not installed: {old['missing_dependency']}"
    if "error" in old:
        return f"does not build at {short}: {old['error']}"
    return {flow["name"]: flow for flow in old["flows"]}


def _counterpart(
    flow: dict[str, Any], old_flows: dict[str, Any] | str, new_flows: list[dict[str, Any]]
) -> dict[str, Any] | None:
    """The flow at REF that ``flow`` is the migration of: the one with its name, or the
    file's only flow (then a new name is one of the differences)."""
    if isinstance(old_flows, str):
        return None
    before = old_flows.get(flow["name"])
    if before is None and len(old_flows) == 1 and len(new_flows) == 1:
        before = next(iter(old_flows.values()))
    return before


def _lost_flow_files(lost: list[str], against: Against) -> list[Finding]:
    """Flow files at REF that build no flow now (or are gone)."""
    short = against.commit[:12]
    return [
        Finding(name, None, "flow", "-", Result.FAILED, f"a flow file at {short}; not one any more")
        for name in lost
    ]


def _command_finding(name: str, command: CommandLine, parsed: dict[str, Any]) -> Finding:
    subject = "prefect " + " ".join(command.argv)
    if command.argv[0] == RUNTIME_VALUE:
        return Finding(
            name,
            command.line,
            "command",
            subject,
            Result.NOT_CHECKED,
            "the command is chosen at run time",
        )
    if parsed["accepted"]:
        return Finding(name, command.line, "command", subject, Result.OK, "the CLI accepts it")
    marked = " (marked TODO(prefect-1.0))" if command.marked else ""
    reason = f"the CLI rejects it: {parsed['error']}{marked}"
    return Finding(name, command.line, "command", subject, Result.FAILED, reason)


def _config_finding(name: str, answer: dict[str, Any], environment: PrefectEnvironment) -> Finding:
    version = environment.prefect_version
    if "error" in answer:
        reason = f"Prefect {version} cannot load it: {answer['error']}"
        return Finding(name, None, "config", "config", Result.FAILED, reason)
    problems = [f"Prefect {version} has no setting {key}" for key in answer["unknown_keys"]] + [
        f"{key} = {value!r} does not import: {error}" for key, value, error in answer["unresolved"]
    ]
    if problems:
        return Finding(name, None, "config", "config", Result.FAILED, "; ".join(problems))
    return Finding(name, None, "config", "config", Result.OK, f"Prefect {version} loads it")


def _relative(finding: Finding, root: Path, scratch: str) -> Finding:
    """The finding's reason without the absolute folders of the checked trees (a notebook's
    module is named as its notebook)."""
    reason = finding.reason.replace(f"{scratch}/ref-modules/{_NOTEBOOK_MODULES}/", "<REF>/")
    reason = reason.replace(f"{scratch}/{_NOTEBOOK_MODULES}/", "")
    reason = reason.replace(f"{scratch}/ref/", "<REF>/").replace(f"{root}/", "")
    return dataclasses.replace(finding, reason=reason)
