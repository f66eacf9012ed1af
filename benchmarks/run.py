"""The benchmark (``make benchmark``): on one generated repository, side by side,

(a) the lower bound: list the tracked files, read each once, parse each ``.py`` that mentions
    ``prefect`` once with fissix, in one process (``benchmarks/lower_bound.py``);
(b) ``prefect1-migrate migrate --dry-run`` (all cores), and again with ``--jobs 1``;
(c) ``prefect1-migrate migrate`` with all its commits (the repository is reset after each run);
(d) the naive baseline, one Bowler ``Query.execute(write=False)`` per Python codemod over the
    folder (``benchmarks/naive.py``), on a repository reduced to ``--naive-scale`` because it is
    slow, with (b) measured again on that reduced repository for the ratio d/b;

plus the engine's time per codemod and its parse counts (``benchmarks/per_codemod.py``), and
start-up: ``prefect1-migrate --help`` and ``migrate`` on a small repository without Prefect. Every command runs in its own process, measured from outside (wall time, peak memory;
see ``benchmarks/measure.py``); (a) to (c) are interleaved ``--repeat`` times so that a busy
machine slows all of them alike. Prints a table and writes ``benchmarks/results/<date>.json``
(``<date>-scale-<scale>.json`` at another scale).

    python -m benchmarks.run [--scale 10] [--repeat 3] [--naive-scale 0.1 | 0 to skip]
"""

from __future__ import annotations

import argparse
import compileall
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

from benchmarks.generate import ROOT, WORK, Manifest, generate, reset
from benchmarks.measure import Sample, measure
from prefect1_migrate.codemod import PythonCodemod
from prefect1_migrate.pipeline import default_jobs
from prefect1_migrate.registry import all_codemods

RESULTS = ROOT / "benchmarks" / "results"
CLI_OK = (0, 3)  # 3: some files were left as they were (fissix rejects part of the stdlib)

# (name, value key, comparison, limit): the targets.
TARGETS = (
    ("migrate --dry-run / lower bound", "dry_run_over_lower_bound", "<=", 1.5),
    ("migrate (with commits) / lower bound", "migrate_over_lower_bound", "<=", 2.5),
    ("naive Bowler baseline / migrate --dry-run", "naive_over_dry_run", ">=", 30.0),
    ("--dry-run speed-up, all cores over --jobs 1", "jobs_speedup", ">=", 1.6),
    ("peak memory of a run, MB (target set for 10x scale)", "peak_memory_mb", "<", 500.0),
    ("fissix parses of the most-parsed Python file", "most_parses_of_one_file", "<=", 1),
    ("Python files parsed without any trigger text", "files_parsed_without_trigger", "<=", 0),
    ("prefect1-migrate --help, s", "help_seconds", "<", 0.5),
    ("migrate on a small repository without Prefect, s", "no_prefect_seconds", "<", 0.5),
)


def cli() -> list[str]:
    script = Path(sys.executable).with_name("prefect1-migrate")
    return [str(script)] if script.exists() else [sys.executable, "-m", "prefect1_migrate"]


def summarise(samples: list[Sample], files: int) -> dict[str, Any]:
    seconds = [sample.seconds for sample in samples]
    median = statistics.median(seconds)
    return {
        "median_seconds": round(median, 3),
        "min_seconds": round(min(seconds), 3),
        "max_seconds": round(max(seconds), 3),
        "median_cpu_seconds": round(statistics.median(sample.cpu_seconds for sample in samples), 3),
        "files_per_second": round(files / median),
        "peak_rss_mb": round(max(sample.peak_rss_mb for sample in samples), 1),
        "peak_total_pss_mb": round(max(sample.peak_total_pss_mb for sample in samples), 1),
        "runs": [asdict(sample) for sample in samples],
    }


def machine() -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        memory_kb = int(Path("/proc/meminfo").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        memory_kb = 0
    return {
        "cpu": cpu,
        "cores": default_jobs(),
        "memory_gb": round(memory_kb / 1024 / 1024, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "git": _output(["git", "--version"], ROOT).strip(),
        "load_average_at_start": [round(load, 2) for load in os.getloadavg()],
        "python_dont_write_bytecode": bool(os.environ.get("PYTHONDONTWRITEBYTECODE")),
    }


def compile_tool() -> None:
    """Writes the bytecode of the tool's modules (and of the benchmark's own), as installing a
    wheel does: with ``PYTHONDONTWRITEBYTECODE`` set, as in some CI and sandbox environments,
    every measured process of an editable install would otherwise compile about 130 modules
    from source (some 0.4 s of CPU each time)."""
    for folder in ("prefect1_migrate", "codemods"):
        compileall.compile_dir(ROOT / folder, quiet=1)
    compileall.compile_dir(ROOT / "benchmarks", maxlevels=0, quiet=1)


def tool_state() -> dict[str, Any]:
    codemods = all_codemods()
    return {
        "commit": _output(["git", "rev-parse", "HEAD"], ROOT).strip(),
        "uncommitted_changes": bool(
            _output(["git", "status", "--porcelain", "--untracked-files=no"], ROOT).strip()
        ),
        "codemods": [codemod.id for codemod in codemods],
        "python_codemods": sum(isinstance(c, PythonCodemod) for c in codemods),
    }


def run_main(manifest: Manifest, repeat: int, jobs: int) -> dict[str, Any]:
    """(a), (b) with all cores and with one, (c): interleaved, ``repeat`` times each."""
    repository = Path(manifest.path)
    samples: dict[str, list[Sample]] = {
        "lower_bound": [],
        "dry_run": [],
        "dry_run_jobs_1": [],
        "migrate": [],
    }
    diffs: dict[str, bytes] = {}
    for attempt in range(repeat):
        print(f"  round {attempt + 1}/{repeat}", file=sys.stderr)
        samples["lower_bound"].append(
            measure([sys.executable, "-m", "benchmarks.lower_bound", str(repository)], ROOT)
        )
        for key, jobs_wanted in (("dry_run", jobs), ("dry_run_jobs_1", 1)):
            diff_path = WORK / f"{key}.diff"
            with diff_path.open("wb") as diff:
                samples[key].append(
                    measure(
                        [*cli(), "migrate", "--dry-run", "--jobs", str(jobs_wanted), "."],
                        repository,
                        stdout=diff,
                        ok_exit_codes=CLI_OK,
                    )
                )
            diffs[key] = diff_path.read_bytes()
        samples["migrate"].append(
            measure(
                [*cli(), "migrate", "--jobs", str(jobs), "."],
                repository,
                ok_exit_codes=CLI_OK,
            )
        )
        commits = _commits(repository, manifest.base_commit)
        reset(repository, manifest.base_commit)
    return {
        "summaries": {key: summarise(value, manifest.files) for key, value in samples.items()},
        "diff_bytes": len(diffs["dry_run"]),
        "dry_run_identical_with_jobs_1": diffs["dry_run"] == diffs["dry_run_jobs_1"],
        "commits": len(commits),
        "files_changed_per_commit": commits,
    }


def _commits(repository: Path, base: str) -> dict[str, int]:
    """Subject and number of files of each commit after ``base``, oldest first."""
    log = _output(
        ["git", "log", "--reverse", "--format=%x00%s", "--name-only", f"{base}..HEAD"], repository
    )
    entries = [entry.strip().split("\n") for entry in log.split("\0") if entry.strip()]
    return {lines[0]: len([line for line in lines[1:] if line]) for lines in entries}


def run_per_codemod(manifest: Manifest) -> dict[str, Any]:
    """The engine's time per codemod and its parse counts (one process, ``--jobs 1``)."""
    out = WORK / "per-codemod.json"
    print("  time per codemod (one process)...", file=sys.stderr)
    measure([sys.executable, "-m", "benchmarks.per_codemod", manifest.path, str(out)], ROOT)
    return json.loads(out.read_text())


def run_naive(manifest: Manifest, repeat: int, jobs: int) -> dict[str, Any]:
    """(d) once, and (b) ``repeat`` times, on the reduced repository."""
    repository = Path(manifest.path)
    dry_runs = [
        measure(
            [*cli(), "migrate", "--dry-run", "--jobs", str(jobs), "."],
            repository,
            ok_exit_codes=CLI_OK,
        )
        for _ in range(repeat)
    ]
    timings = WORK / "naive-timings.json"
    print("  naive baseline (one Bowler query per codemod)...", file=sys.stderr)
    naive = measure([sys.executable, "-m", "benchmarks.naive", str(repository), str(timings)], ROOT)
    return {
        "repository": asdict(manifest),
        "dry_run": summarise(dry_runs, manifest.files),
        "naive": summarise([naive], manifest.files),
        "naive_seconds_per_codemod": {
            key: round(value, 2) for key, value in json.loads(timings.read_text()).items()
        },
    }


def run_startup(repeat: int) -> dict[str, Any]:
    small = generate(scale=0.01, projects=0)
    repository = Path(small.path)
    help_runs = [measure([*cli(), "--help"], ROOT) for _ in range(repeat)]
    plain_runs = []
    for _ in range(repeat):
        plain_runs.append(measure([*cli(), "migrate", "."], repository, ok_exit_codes=CLI_OK))
        reset(repository, small.base_commit)
    return {
        "small_repository_files": small.files,
        "help": summarise(help_runs, 1),
        "no_prefect_migrate": summarise(plain_runs, small.files),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="repository size; 10 = 10x")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measurement")
    parser.add_argument(
        "--naive-scale", type=float, default=0.1, help="repository size for (d); 0 skips it"
    )
    parser.add_argument("--jobs", type=int, default=default_jobs(), help="for (b) and (c)")
    args = parser.parse_args(argv)

    compile_tool()
    started = datetime.datetime.now()
    results: dict[str, Any] = {
        "date": started.isoformat(timespec="seconds"),
        "machine": machine(),
        "tool": tool_state(),
        "jobs": args.jobs,
        "repeat": args.repeat,
    }
    print("Generating the repositories...", file=sys.stderr)
    manifest = generate(scale=args.scale)
    results["repository"] = asdict(manifest)
    print("Start-up...", file=sys.stderr)
    results["startup"] = run_startup(max(args.repeat, 5))
    print(f"(a)-(c) on {manifest.files} files...", file=sys.stderr)
    results["main"] = run_main(manifest, args.repeat, args.jobs)
    results["per_codemod"] = run_per_codemod(manifest)
    if args.naive_scale > 0:
        print(f"(d) at scale {args.naive_scale:g}...", file=sys.stderr)
        results["naive"] = run_naive(generate(scale=args.naive_scale), args.repeat, args.jobs)
    results["ratios"] = ratios(results)
    results["targets"] = [
        {"target": name, "value": results["ratios"].get(key), "limit": f"{op} {limit:g}"}
        | {"met": _meets(results["ratios"].get(key), op, limit)}
        for name, key, op, limit in TARGETS
    ]
    results["seconds_total"] = round((datetime.datetime.now() - started).total_seconds())
    RESULTS.mkdir(exist_ok=True)
    suffix = "" if args.scale == 1 else f"-scale-{args.scale:g}"
    out = RESULTS / f"{started.date().isoformat()}{suffix}.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(render(results))
    print(f"\nWritten to {out.relative_to(ROOT)}")


def ratios(results: dict[str, Any]) -> dict[str, float]:
    main = results["main"]["summaries"]
    lower = main["lower_bound"]["median_seconds"]
    dry = main["dry_run"]["median_seconds"]
    values = {
        "dry_run_over_lower_bound": dry / lower,
        "migrate_over_lower_bound": main["migrate"]["median_seconds"] / lower,
        "jobs_speedup": main["dry_run_jobs_1"]["median_seconds"] / dry,
        "peak_memory_mb": max(
            max(item["peak_rss_mb"], item["peak_total_pss_mb"]) for item in main.values()
        ),
        "most_parses_of_one_file": results["per_codemod"]["most_parses_of_one_file"],
        "files_parsed_without_trigger": len(
            results["per_codemod"]["files_parsed_without_any_trigger"]
        ),
        "help_seconds": results["startup"]["help"]["median_seconds"],
        "no_prefect_seconds": results["startup"]["no_prefect_migrate"]["median_seconds"],
    }
    if "naive" in results:
        naive = results["naive"]
        values["naive_over_dry_run"] = (
            naive["naive"]["median_seconds"] / naive["dry_run"]["median_seconds"]
        )
        # Bowler parses every Python file once per codemod: its time grows with their number.
        growth = results["repository"]["python_files"] / naive["repository"]["python_files"]
        values["naive_full_scale_estimate_seconds"] = naive["naive"]["median_seconds"] * growth
        values["naive_over_dry_run_full_scale_estimate"] = (
            values["naive_full_scale_estimate_seconds"] / dry
        )
    return {key: round(value, 2) for key, value in values.items()}


def render(results: dict[str, Any]) -> str:
    info, repo, main = results["machine"], results["repository"], results["main"]
    lines = [
        f"Machine: {info['cpu']}, {info['cores']} cores, {info['memory_gb']} GB, "
        f"{info['os']}, Python {info['python']}, {info['git']}; "
        f"load average at start {info['load_average_at_start']}",
        f"Tool: {results['tool']['commit'][:10]}"
        + (" + uncommitted changes" if results["tool"]["uncommitted_changes"] else "")
        + f", {len(results['tool']['codemods'])} codemods "
        f"({results['tool']['python_codemods']} Python)",
        f"Repository: scale {repo['scale']:g}, {repo['files']} files ({repo['python_files']} "
        f"Python), {repo['files_mentioning_prefect']} mention prefect "
        f"({repo['python_files_mentioning_prefect']} Python); {results['repeat']} runs each, "
        f"--jobs {results['jobs']}",
        "",
        f"{'measurement':44} {'median s':>9} {'min-max s':>13} {'CPU s':>6} {'files/s':>8} "
        f"{'RSS MB':>7} {'PSS MB':>7}",
    ]
    rows = [
        ("(a) lower bound (read all, parse prefect .py)", main["summaries"]["lower_bound"]),
        ("(b) migrate --dry-run", main["summaries"]["dry_run"]),
        ("(b1) migrate --dry-run --jobs 1", main["summaries"]["dry_run_jobs_1"]),
        (f"(c) migrate, {main['commits']} commits", main["summaries"]["migrate"]),
    ]
    if "naive" in results:
        naive = results["naive"]
        scale = f"scale {naive['repository']['scale']:g}, {naive['repository']['files']} files"
        rows += [
            (f"(b) migrate --dry-run [{scale}]", naive["dry_run"]),
            (f"(d) naive Bowler [{scale}]", naive["naive"]),
        ]
    for label, summary in rows:
        spread = f"{summary['min_seconds']:.2f}-{summary['max_seconds']:.2f}"
        lines.append(
            f"{label:44} {summary['median_seconds']:9.2f} {spread:>13} "
            f"{summary['median_cpu_seconds']:6.2f} {summary['files_per_second']:8} "
            f"{summary['peak_rss_mb']:7.0f} "
            f"{summary['peak_total_pss_mb']:7.0f}"
        )
    per = results["per_codemod"]
    naive_per = results.get("naive", {}).get("naive_seconds_per_codemod", {})
    lines += [
        "",
        f"Engine in one process (--jobs 1), {per['seconds_total']:.1f} s: fissix parsed "
        f"{per['python_files_parsed']} Python files {per['fissix_parses']} times "
        f"({per['fissix_parse_seconds']:.1f} s; one file at most "
        f"{per['most_parses_of_one_file']} times); files parsed without any trigger text: "
        f"{len(per['files_parsed_without_any_trigger'])}",
        f"{'time per codemod':32} {'engine s':>9} {'looked at':>10} {'changed':>8} "
        f"{'(d) naive s':>12}",
    ]
    for row in per["codemods"]:
        naive = naive_per.get(row["codemod"])
        lines.append(
            f"{row['codemod']:32} {row['seconds']:9.2f} {row['files_looked_at']:10} "
            f"{row['files_changed']:8} {'' if naive is None else f'{naive:.1f}':>12}"
        )
    if "naive" in results:
        ratios = results["ratios"]
        lines.append(
            f"(d) estimated at full scale (x Python files): "
            f"{ratios['naive_full_scale_estimate_seconds']:.0f} s, "
            f"{ratios['naive_over_dry_run_full_scale_estimate']:.0f}x (b)"
        )
    startup = results["startup"]
    lines += [
        f"Start-up: --help {startup['help']['median_seconds']:.2f} s; migrate on "
        f"{startup['small_repository_files']} files without Prefect "
        f"{startup['no_prefect_migrate']['median_seconds']:.2f} s",
        f"--dry-run output identical with --jobs 1: {main['dry_run_identical_with_jobs_1']}; "
        f"files left as they were: {results['per_codemod']['files_left_as_they_were']}",
        "",
    ]
    for target in results["targets"]:
        verdict = "n/a" if target["met"] is None else "met" if target["met"] else "NOT MET"
        lines.append(
            f"{target['target']:55} {target['value']!s:>8} {target['limit']:>8}  {verdict}"
        )
    return "\n".join(lines)


def _meets(value: float | None, op: str, limit: float) -> bool | None:
    if value is None:
        return None
    return {"<=": value <= limit, ">=": value >= limit, "<": value < limit}[op]


def _output(command: list[str], cwd: Path) -> str:
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True).stdout


if __name__ == "__main__":
    main()
