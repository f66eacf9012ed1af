"""python36-setup-py: python_requires specifiers in setup.py, beyond the golden cases."""

from __future__ import annotations

import pytest

from tests.codemods.tools import GoldenRun, check_noop, check_transformed, golden_cases

SETUP = 'setup(install_requires=["prefect==0.15.13"], python_requires="{spec}")\n'


@golden_cases("python36-setup-py")
def test_golden(run: GoldenRun) -> None:
    run.check()


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (">=3.6", ">=3.7"),
        (">=3.6, <4", ">=3.7, <4"),
        (">=3.6,<4", ">=3.7,<4"),
        ("~=3.6", "~=3.7"),
        ("~=3.5", "~=3.7"),
        (">=3.6.1", ">=3.7"),
        (">3.5", ">=3.7"),
        (">=3", ">=3.7"),
        (">=3.6,!=3.6.0", ">=3.7,!=3.6.0"),
        (">=2.7, !=3.0.*, !=3.1.*", ">=3.7, !=3.0.*, !=3.1.*"),
        ("<4", ">=3.7, <4"),
        (">=3.6.0,<3.10", ">=3.7,<3.10"),
    ],
)
def test_python_requires_gets_a_37_lower_bound(old: str, new: str) -> None:
    check_transformed(
        "python36-setup-py", SETUP.format(spec=old), SETUP.format(spec=new), "setup.py"
    )


@pytest.mark.parametrize("spec", [">=3.7", ">=3.8, <3.11", "~=3.9", ">=3.7.2"])
def test_python_requires_without_36_is_left_alone(spec: str) -> None:
    check_noop("python36-setup-py", SETUP.format(spec=spec), "setup.py")


@pytest.mark.parametrize(
    "spec", ["==3.6.*", "~=3.6.1", "<3.7", "==3.6.9", "python3", "==3.12.*", "~=3.12.1"]
)
def test_python_requires_that_cannot_be_moved_is_flagged(spec: str) -> None:
    check_transformed(
        "python36-setup-py",
        SETUP.format(spec=spec),
        f"# TODO(prefect-1.0): python_requires '{spec}' cannot be moved mechanically; Prefect "
        "1.x works on Python 3.7 to 3.11: allow those here, together with the interpreters "
        "you build and run on\n" + SETUP.format(spec=spec),
        "setup.py",
    )


def test_setup_py_that_does_not_mention_prefect_is_left_alone() -> None:
    # "prefect-tooling" gets the file past the pipeline's quick "names Prefect" filter: the
    # codemod's own check must leave it alone.
    check_noop(
        "python36-setup-py", 'setup(name="prefect-tooling", python_requires=">=3.6")\n', "setup.py"
    )
