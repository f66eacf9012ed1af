"""requires-python: its golden cases, fixtures/codemods/requires-python/."""

from __future__ import annotations

from tests.codemods.tools import GoldenRun, golden_cases, run_codemod


@golden_cases("requires-python")
def test_golden(run: GoldenRun) -> None:
    run.check()


def test_interpreter_files_it_cannot_move_are_listed_for_review() -> None:
    """.python-version and runtime.txt hold no comments (.tool-versions is read the same way):
    a version the codemod cannot move is a listed place (reported, and --check fails), the
    file left as it was."""
    listed = {
        (source, path): [finding.message for finding in result.findings]
        for source, path in [
            ("3.12-dev\n", ".python-version"),
            ("3.13.0\n3.11.9\n", ".python-version"),
            ("python-3.6.15", "runtime.txt"),
            ("nodejs 20.11.0\npython 3.13.0 3.11.9\n", ".tool-versions"),
        ]
        if not (result := run_codemod("requires-python", source, path)).steps
    }
    assert [len(messages) for messages in listed.values()] == [1, 1, 1, 1]
    assert "3.11 or older" in listed["3.12-dev\n", ".python-version"][0]
    assert "3.11 or older" in listed["3.13.0\n3.11.9\n", ".python-version"][0]
    assert "does not support Python 3.6" in listed["python-3.6.15", "runtime.txt"][0]
    assert "3.11 or older" in listed["nodejs 20.11.0\npython 3.13.0 3.11.9\n", ".tool-versions"][0]
