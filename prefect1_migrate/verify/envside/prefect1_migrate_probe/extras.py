"""Prefect's optional extras as permissive stubs (asked for with ``stub_prefect_extras``).

A module nothing else found, imported by Prefect's own code for an optional extra
(``great_expectations`` for ``prefect.tasks.great_expectations``), becomes a stub, so that
Prefect's task classes for it can be imported and their signatures checked. A missing module
that the checked file imports itself still fails. ``verify`` does not ask for stubs: there a
missing extra is a dependency the environment lacks.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import os
import sys
import types
from typing import Any

_PREFECT_DIR = ""  # set by install_extra_stubs()


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
    """Last on ``sys.meta_path``: stubs what Prefect's own code imports and nothing found."""

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
    global _PREFECT_DIR
    import prefect

    _PREFECT_DIR = os.path.dirname(prefect.__file__) + os.sep
    sys.meta_path.append(_ExtraStubFinder())
