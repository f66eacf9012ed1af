"""Starts the probe (``envside/run_probe.py``) under an environment's Python: one subprocess
per batch of files, command lines and config files.

The subprocess gets a private ``HOME``, no inherited ``PREFECT__*`` settings, an API endpoint
that refuses connections (a flow file must not reach a backend while it is imported), no
standard input and no bytecode writing; its output is kept apart from the tool's.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ENVSIDE = Path(__file__).resolve().parent / "envside"
PROBE = ENVSIDE / "run_probe.py"
_POLL_SECONDS = 0.2
_BATCH_MARGIN = 60.0  # seconds on top of the items' own limits (starting Python, importing)


class ProbeFailed(RuntimeError):
    """The probe itself crashed or could not start (not a finding about a checked item)."""


def probe_environment(home: Path) -> dict[str, str]:
    """The caller's environment without Prefect settings, with a private home and an API
    endpoint that refuses connections at once."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT__")}
    env.update(
        HOME=str(home),
        PYTHONDONTWRITEBYTECODE="1",  # never leave __pycache__ in the repository
        PYTHONWARNINGS="ignore",
        PREFECT__CLOUD__API="http://127.0.0.1:9",
        PREFECT__SERVER__ENDPOINT="http://127.0.0.1:9",
    )
    return env


def item_count(request: dict[str, Any]) -> int:
    return sum(len(request.get(part, ())) for part in ("flows", "commands", "configs", "files"))


def run_probe(
    python: Path,
    request: dict[str, Any],
    item_timeout: float,
    on_progress: Callable[[str], None] | None = None,
    script: Path = PROBE,
) -> dict[str, Any]:
    """The answer of ``script`` (by default the probe) run by ``python`` on ``request``.

    Each item has ``item_timeout`` seconds (the probe enforces it); ``on_progress`` is called
    with each finished item's name. A script outside ``envside/`` (the test suite's own
    checkers) finds the probe's package through ``PYTHONPATH``.
    """
    with tempfile.TemporaryDirectory(prefix="prefect1-migrate-probe-") as folder:
        work = Path(folder)
        (work / "home").mkdir()
        in_path, out_path, progress = work / "in.json", work / "out.json", work / "progress"
        in_path.write_text(json.dumps({**request, "timeout": item_timeout}), encoding="utf-8")
        env = probe_environment(work / "home")
        if script.parent != ENVSIDE:
            env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ENVSIDE), env.get("PYTHONPATH")]))
        deadline = time.monotonic() + item_count(request) * item_timeout + _BATCH_MARGIN
        with open(work / "output", "wb") as output:
            process = subprocess.Popen(
                [str(python), str(script), str(in_path), str(out_path), str(progress)],
                cwd=work,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
            reported = 0
            while process.poll() is None:
                if time.monotonic() > deadline:
                    process.kill()
                    process.wait()
                    raise ProbeFailed(f"{python} {script.name}: no answer in time")
                reported = _report_progress(progress, reported, on_progress)
                time.sleep(_POLL_SECONDS)
            _report_progress(progress, reported, on_progress)
        if process.returncode != 0 or not out_path.exists():
            tail = (work / "output").read_bytes()[-4000:].decode("utf-8", "replace")
            raise ProbeFailed(f"{python} {script.name} exited {process.returncode}:\n{tail}")
        return json.loads(out_path.read_text(encoding="utf-8"))


def _report_progress(
    progress: Path, reported: int, on_progress: Callable[[str], None] | None
) -> int:
    if on_progress is None or not progress.exists():
        return reported
    lines = progress.read_text(encoding="utf-8").split("\n")[:-1]  # whole lines only
    for line in lines[reported:]:
        on_progress(line)
    return len(lines)
