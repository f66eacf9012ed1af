"""The registry: a codemod module declares its CODEMOD under its own name, with a rewrite."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from prefect1_migrate import codemods, registry

DECLARATION = """
from prefect1_migrate.codemod import TextCodemod
from prefect1_migrate.guide import ADDITIONAL

CODEMOD = TextCodemod(
    {module}, title="t", guide_section=ADDITIONAL, summary="s", description="d"
)
{rewrite}
"""
REWRITE = """
@CODEMOD.rewriter
def rewrite(text, file):
    return text
"""


def _discover_with(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, source: str):
    (tmp_path / f"{name}.py").write_text(source)
    monkeypatch.setattr(codemods, "__path__", [*codemods.__path__, str(tmp_path)])
    monkeypatch.setitem(
        sys.modules, f"prefect1_migrate.codemods.{name}", None
    )  # removed again after the test
    del sys.modules[f"prefect1_migrate.codemods.{name}"]
    return registry.all_codemods.__wrapped__()


def test_the_id_is_the_module_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = DECLARATION.format(module="__name__", rewrite=REWRITE)
    found = _discover_with(tmp_path, monkeypatch, "test_some_change", source)
    assert "test-some-change" in [codemod.id for codemod in found]


def test_a_codemod_declared_under_another_name_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = DECLARATION.format(module="'prefect1_migrate.codemods.other_change'", rewrite=REWRITE)
    with pytest.raises(ValueError, match="declare CODEMOD with __name__"):
        _discover_with(tmp_path, monkeypatch, "test_misnamed", source)


def test_a_codemod_without_a_rewrite_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = DECLARATION.format(module="__name__", rewrite="")
    with pytest.raises(TypeError, match=r"no function is marked @CODEMOD\.rewriter"):
        _discover_with(tmp_path, monkeypatch, "test_no_rewrite", source)


def test_a_python_and_text_codemod_without_its_text_rewrite_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = DECLARATION.replace("TextCodemod", "PythonAndTextCodemod").format(
        module="__name__", rewrite=REWRITE
    )
    with pytest.raises(TypeError, match=r"no function is marked @CODEMOD\.text_rewriter"):
        _discover_with(tmp_path, monkeypatch, "test_no_text_rewrite", source)
