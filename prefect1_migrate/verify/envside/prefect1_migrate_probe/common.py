"""Shared by the probe's handlers: the forked child per item, errors and values as JSON."""

from __future__ import annotations

import json
import os
import re
import select
import signal
import sys
import time
import traceback
import types
from collections.abc import Callable
from typing import Any

DEFAULT_ITEM_TIMEOUT = 120.0  # seconds for one item; flows must not do real work at import
_SECRET_NAME = re.compile(r"secret|token|password|access_key|api_key", re.IGNORECASE)


def in_fork(work: Callable[[], Any], timeout: float = DEFAULT_ITEM_TIMEOUT) -> Any:
    """``work()`` run in a forked child in its own process group; its JSON result, or
    ``{"error": ...}`` when it raised, died or ran past ``timeout`` (then the whole group,
    whatever the child started, is killed)."""
    read_end, write_end = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # child
        os.close(read_end)
        os.setpgid(0, 0)
        try:
            payload = json.dumps({"ok": work()})
        except BaseException as error:
            payload = json.dumps({"error": describe_error(error)})
        data = payload.encode("utf-8")
        while data:
            written = os.write(write_end, data)
            data = data[written:]
        os.close(write_end)
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)
    os.close(write_end)
    chunks = []
    deadline = time.monotonic() + timeout
    timed_out = False
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            timed_out = True
            break
        ready, _, _ = select.select([read_end], [], [], remaining)
        if not ready:
            continue
        chunk = os.read(read_end, 65536)
        if not chunk:
            break
        chunks.append(chunk)
    os.close(read_end)
    if timed_out:
        _kill_group(pid)
    _, status = os.waitpid(pid, 0)
    _kill_group(pid)  # what the child started and left running
    if timed_out:
        return {"error": f"timed out after {timeout:g}s", "timed_out": True}
    if not chunks:
        return {"error": f"the process died (wait status {status})"}
    outcome = json.loads(b"".join(chunks).decode("utf-8"))
    return outcome["ok"] if "ok" in outcome else {"error": outcome["error"]}


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def describe_error(error: BaseException) -> str:
    frames = [
        f for f in traceback.extract_tb(error.__traceback__) if not f.filename.startswith("<")
    ]
    where = f" (at {frames[-1].filename}:{frames[-1].lineno})" if frames else ""
    return f"{type(error).__name__}: {error}{where}"


def qualified_name(value: Any) -> str:
    module = getattr(value, "__module__", None) or ""
    name = getattr(value, "__qualname__", None) or getattr(value, "__name__", None)
    if name is None:
        return repr(value)
    return f"{module}.{name}" if module else name


def jsonable(value: Any, root: str = "", depth: int = 0) -> Any:
    """A JSON-safe, address-free picture of ``value``; paths under ``root`` become
    ``<root>/...``; values under secret-looking keys become ``<redacted>``."""
    if depth > 30:
        return {"object": qualified_name(type(value))}
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, str):
        if root and (value == root or value.startswith(root.rstrip("/") + "/")):
            return "<root>" + value[len(root.rstrip("/")) :]
        return value
    if isinstance(value, (list, tuple)):
        return [jsonable(item, root, depth + 1) for item in value]
    if isinstance(value, (set, frozenset)):
        return sorted((jsonable(item, root, depth + 1) for item in value), key=repr)
    if isinstance(value, dict):
        return {
            str(key): "<redacted>"
            if _SECRET_NAME.search(str(key))
            else jsonable(item, root, depth + 1)
            for key, item in value.items()
        }
    if isinstance(value, type) or isinstance(
        value, (types.FunctionType, types.BuiltinFunctionType, types.MethodType)
    ):
        return {"callable": qualified_name(value)}
    return {"object": qualified_name(type(value))}


class Progress:
    """One line appended per finished item to the file the tool watches (or nothing)."""

    def __init__(self, path: str | None) -> None:
        self.path = path

    def done(self, item: str) -> None:
        if self.path:
            with open(self.path, "a", encoding="utf-8") as out:
                out.write(item.replace("\n", " ") + "\n")
