"""Reading TOML data (values only; codemods edit TOML as text): the standard library's
``tomllib`` on Python 3.11+, its original ``tomli`` on 3.10."""

from __future__ import annotations

import sys

if sys.version_info >= (3, 11):
    from tomllib import TOMLDecodeError, loads
else:  # pragma: no cover - Python 3.10
    from tomli import TOMLDecodeError, loads

__all__ = ["TOMLDecodeError", "loads"]
