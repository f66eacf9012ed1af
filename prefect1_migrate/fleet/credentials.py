"""A repository URL's user information (``https://user:password@host``, a token as user name)
never reaches the screen, the state database or a clone's configuration.

git is given the URL without it (that is what a clone records as its remote) and, through
``url.<full>.insteadOf`` in the environment of that one git process, the URL to connect to.
"""

from __future__ import annotations

import re

_USERINFO = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)(?P<userinfo>[^/@]*)@")
HIDDEN = "***"


def redacted_url(location: str) -> str:
    """``location`` with the user information of a ``scheme://`` URL shown as ``***``."""
    return _USERINFO.sub(lambda match: f"{match['scheme']}{HIDDEN}@", location, count=1)


def without_userinfo(location: str) -> str:
    """``location`` with the user information of a ``scheme://`` URL left out."""
    return _USERINFO.sub(lambda match: match["scheme"], location, count=1)


def connection_environment(location: str) -> dict[str, str]:
    """Environment for a git command given ``without_userinfo(location)``: git connects to
    ``location`` itself (user information included) without it being on the command line
    or written into a configuration file."""
    public = without_userinfo(location)
    if public == location:
        return {}
    return {
        "GIT_CONFIG_COUNT": "1",
        "GIT_CONFIG_KEY_0": f"url.{location}.insteadOf",
        "GIT_CONFIG_VALUE_0": public,
    }


_USERINFO_ANYWHERE = re.compile(r"(?P<scheme>\b[A-Za-z][A-Za-z0-9+.-]*://)[^/@\s]*@")


def redacted_urls_in(text: str) -> str:
    """``text`` (git's messages, say) with the user information of every URL in it hidden."""
    return _USERINFO_ANYWHERE.sub(lambda match: f"{match['scheme']}{HIDDEN}@", text)
