"""Shared by the checker scripts, which run under a real Prefect env's python (not the tool's).

Protocol: ``python <checker>.py IN.json OUT.json``. Output goes to a file because user code
run by a checker may print. Every item (a file, a command line) is handled in a forked child
of a process that has already imported Prefect, so one file's imports and side effects cannot
leak into the next and Prefect is imported once per batch, not once per file.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
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

_PREFECT_DIR = ""  # set by install_extra_stubs()
ITEM_TIMEOUT = 120.0  # seconds for one file; flows must not do real work at import
_SECRET_NAME = re.compile(r"secret|token|password|access_key|api_key", re.IGNORECASE)


def main(handle: Callable[[dict[str, Any]], Any]) -> None:
    install_extra_stubs()
    in_path, out_path = sys.argv[1], sys.argv[2]
    with open(in_path, encoding="utf-8") as source:
        request = json.load(source)
    result = handle(request)
    with open(out_path, "w", encoding="utf-8") as target:
        json.dump(result, target, indent=1, sort_keys=True)


def in_fork(work: Callable[[], Any], timeout: float = ITEM_TIMEOUT) -> Any:
    """``work()`` run in a forked child; its JSON result, or {"error": ...} when it raised."""
    read_end, write_end = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # child
        os.close(read_end)
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
    chunks: list[bytes] = []
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
        os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    if timed_out:
        return {"error": f"timed out after {timeout:.0f}s"}
    if not chunks:
        return {"error": f"child process died (wait status {status})"}
    outcome = json.loads(b"".join(chunks).decode("utf-8"))
    return outcome["ok"] if "ok" in outcome else {"error": outcome["error"]}


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
    """A JSON-safe, address-free picture of ``value``; paths under ``root`` become relative."""
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


# --- Prefect's optional extras ---------------------------------------------------------------


class _StubMeta(type):
    def __getattr__(cls, attribute: str) -> Any:
        if attribute.startswith("__"):
            raise AttributeError(attribute)
        return _stub_class(attribute, f"{cls.__module__}.{cls.__qualname__}")


def _stub_class(name: str, module: str) -> type:
    return _StubMeta(name, (), {"__module__": module, "__init__": lambda self, *a, **k: None})


class _StubModule(types.ModuleType):
    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.__path__: list[str] = []

    def __getattr__(self, attribute: str) -> Any:
        if attribute.startswith("__"):
            raise AttributeError(attribute)
        value = _stub_class(attribute, self.__name__)
        setattr(self, attribute, value)
        return value


class _StubLoader(importlib.abc.Loader):
    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        return _StubModule(spec.name)

    def exec_module(self, module: types.ModuleType) -> None:
        return None


class _ExtraStubFinder(importlib.abc.MetaPathFinder):
    """Last on ``sys.meta_path``: a module nothing else found, imported by Prefect's own code
    (an optional extra such as ``great_expectations``), becomes a permissive stub."""

    def find_spec(self, name: str, path: Any, target: Any = None) -> Any:
        if name.split(".")[0] == "prefect" or not _imported_by_prefect():
            return None
        return importlib.machinery.ModuleSpec(name, _StubLoader(), is_package=True)


def _imported_by_prefect() -> bool:
    frame = sys._getframe(2)
    while frame is not None:
        filename = frame.f_code.co_filename
        if not filename.startswith("<frozen") and "importlib" not in filename:
            return filename.startswith(_PREFECT_DIR)
        frame = frame.f_back
    return False


def install_extra_stubs() -> None:
    """Let Prefect import the modules of extras that are not installed here (as stubs), so
    that its task classes for them can be imported and their signatures checked. A missing
    module that user code imports itself still fails."""
    global _PREFECT_DIR
    import prefect

    _PREFECT_DIR = os.path.dirname(prefect.__file__) + os.sep
    sys.meta_path.append(_ExtraStubFinder())
