"""What a working Prefect 1.x install needs besides ``prefect==1.x``: companion pins, Python range.

Prefect 1.0 dropped the upper bounds 0.15 had on its dependencies, so a fresh
``pip install prefect==1.4.1`` today resolves marshmallow 4 (``flow.serialize()``, hence
``flow.register()`` and ``prefect register``, raises ``AttributeError: 'Nested' object has no
attribute 'context'``) and pendulum 3 (a cron schedule's ``next()`` raises ``AttributeError:
module 'pendulum.tz' has no attribute '_Timezone'``). The evidence for every entry (Python x
Prefect x pins tried, versions resolved, error lines) is in docs/catalog.md, section
"Installing Prefect 1.x: companion pins and Python versions"; re-run the experiment with
``tests/realprefect/companions_probe.py``. Pure data and two accessors.
"""

from __future__ import annotations

# (name, specifier) to install next to any prefect 1.x (measured on 1.0.0 and 1.4.1).
COMPANIONS: tuple[tuple[str, str], ...] = (
    ("marshmallow", "<4"),
    ("pendulum", "<3"),
)
# The Python versions Prefect 1.x installs and works on with those pins: pendulum 2 has no
# build for 3.12 and later; Prefect 1.x itself requires 3.7.
OLDEST_PYTHON = (3, 7)
NEWEST_PYTHON = (3, 11)
NEWEST_PYTHON_TEXT = ".".join(map(str, NEWEST_PYTHON))


def _is_1x(prefect_version: str) -> bool:
    return prefect_version.split(".")[0] == "1"


def companion_requirements(prefect_version: str) -> tuple[tuple[str, str], ...]:
    """(name, specifier) pairs to install next to ``prefect==<prefect_version>``; none are
    known for other majors than 1."""
    return COMPANIONS if _is_1x(prefect_version) else ()


def python_range(prefect_version: str) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """The oldest and newest ``(major, minor)`` Python that ``prefect_version`` works on (with
    its companions); None outside 1.x."""
    return (OLDEST_PYTHON, NEWEST_PYTHON) if _is_1x(prefect_version) else None
