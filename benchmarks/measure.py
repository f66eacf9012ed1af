"""Runs one command and measures it: wall time, CPU time and memory of the whole process tree.

Memory is measured two ways: ``peak_rss_mb`` is the largest resident set any single process of
the run reached (from ``wait4``, exact), ``peak_total_pss_mb`` the largest sum over the process
tree of the proportional set size (pages shared by forked workers counted once), sampled every
50 ms from ``/proc`` (so a peak shorter than that can be missed).
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

_SAMPLE_SECONDS = 0.05


@dataclass(frozen=True)
class Sample:
    seconds: float
    cpu_seconds: float  # user + system, of the command and every process it waited for
    peak_rss_mb: float
    peak_total_pss_mb: float
    exit_code: int


class CommandFailed(Exception):
    pass


def measure(
    command: Sequence[str],
    cwd: Path,
    stdout: IO[bytes] | int = subprocess.DEVNULL,
    ok_exit_codes: Sequence[int] = (0,),
) -> Sample:
    """Run ``command`` to its end; raises CommandFailed (with its stderr) on another exit code."""
    start = time.perf_counter()
    process = subprocess.Popen(
        list(command), cwd=cwd, stdout=stdout, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL
    )
    sampler = _TreeMemorySampler(process.pid)
    sampler.start()
    assert process.stderr is not None
    stderr = process.stderr.read()  # drained while the command runs, so it never blocks on it
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    sampler.stop()
    process.returncode = os.waitstatus_to_exitcode(status)
    process.stderr.close()
    if process.returncode not in ok_exit_codes:
        raise CommandFailed(
            f"{' '.join(command)} exited {process.returncode}:\n{stderr.decode(errors='replace')}"
        )
    return Sample(
        seconds=seconds,
        cpu_seconds=usage.ru_utime + usage.ru_stime,
        peak_rss_mb=usage.ru_maxrss / 1024,  # kilobytes on Linux
        peak_total_pss_mb=sampler.peak_kb / 1024,
        exit_code=process.returncode,
    )


class _TreeMemorySampler(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_kb = 0
        self._stopped = threading.Event()

    def run(self) -> None:
        while not self._stopped.is_set():
            total = sum(_pss_kb(pid) for pid in _tree(self.pid))
            self.peak_kb = max(self.peak_kb, total)
            self._stopped.wait(_SAMPLE_SECONDS)

    def stop(self) -> None:
        self._stopped.set()
        self.join()


def _tree(pid: int) -> list[int]:
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:  # children started by any thread of the process
                pending.extend(int(child) for child in (task / "children").read_text().split())
            except OSError:
                continue
    return found


def _pss_kb(pid: int) -> int:
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:  # ended meanwhile, or a kernel without smaps_rollup
        return 0
    for line in text.splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1])
    return 0
