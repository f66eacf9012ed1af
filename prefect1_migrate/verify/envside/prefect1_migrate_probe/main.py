"""The probe's entry point: read the request, handle each item in a forked child, answer.

Request: ``{"flows": [{"path", "root", "checks"?}], "commands": [[arg, ...]],
"configs": [{"path", "keys"}], "timeout": seconds per item, "stub_prefect_extras": bool}``
(every part optional). Answer: ``{"prefect": version, "python": version, "flows": {path:
description}, "commands": [parse result], "configs": {path: result}}``.
"""

from __future__ import annotations

import json
import platform
import sys
from collections.abc import Callable
from typing import Any

import prefect
from prefect1_migrate_probe.common import DEFAULT_ITEM_TIMEOUT, Progress, in_fork
from prefect1_migrate_probe.extras import install_extra_stubs


def handle(request: dict[str, Any], progress: Progress) -> dict[str, Any]:
    timeout = float(request.get("timeout") or DEFAULT_ITEM_TIMEOUT)
    answer: dict[str, Any] = {
        "prefect": prefect.__version__,
        "python": platform.python_version(),
    }

    def each(key: str, work: Callable[[], Any]) -> Any:
        outcome = in_fork(work, timeout)
        progress.done(key)
        return outcome

    if "flows" in request:
        from prefect1_migrate_probe.flows import build

        answer["flows"] = {
            item["path"]: each(
                item["path"],
                lambda item=item: build(
                    item["path"], item["root"], bool(item.get("checks")), item.get("folder")
                ),
            )
            for item in request["flows"]
        }
    if "commands" in request:
        from prefect1_migrate_probe.commands import parse, prepare

        prepare()
        answer["commands"] = [
            each(" ".join(argv), lambda argv=argv: parse(argv)) for argv in request["commands"]
        ]
    if "configs" in request:
        from prefect1_migrate_probe.config import load

        answer["configs"] = {
            item["path"]: each(item["path"], lambda item=item: load(item["path"], item["keys"]))
            for item in request["configs"]
        }
    return answer


def serve(handler: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
    """Read ``argv[1]``, answer into ``argv[2]`` with ``handler`` (stubs for Prefect's
    optional extras first, when the request asks for them)."""
    with open(sys.argv[1], encoding="utf-8") as source:
        request = json.load(source)
    if request.get("stub_prefect_extras"):
        install_extra_stubs()
    answer = handler(request)
    with open(sys.argv[2], "w", encoding="utf-8") as target:
        json.dump(answer, target, indent=1, sort_keys=True)


def run() -> None:
    progress = Progress(sys.argv[3] if len(sys.argv) > 3 else None)
    serve(lambda request: handle(request, progress))
