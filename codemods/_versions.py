"""Version numbers a migration moves: PEP 440, Poetry and conda version specifiers (read, tested
against a release, given a new lower bound), Prefect requirement pins moved to the target 1.x
release in their own style, and Prefect image tags.

Specifiers are read from the text as written and rewritten clause by clause, so whatever a
rewrite does not need to touch (spacing, separators, other clauses) stays as it was.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from prefect1_migrate.codemods._companions import NEWEST_PYTHON, NEWEST_PYTHON_TEXT, OLDEST_PYTHON

# --- version specifiers ----------------------------------------------------------------------

_CLAUSE = re.compile(
    r"(?P<op>===|==|~=|!=|<=|>=|<|>|\^|~|=)?[ \t]*v?(?P<version>\d+(?:\.\d+)*)"
    r"(?P<wildcard>\.\*)?(?P<suffix>(?:[-_.]?(?:a|b|c|rc|alpha|beta|pre|preview|post|dev)\d*)*)"
)
_CLAUSE_SEPARATOR = re.compile(r"[ \t]*,?[ \t]*")


@dataclass(frozen=True)
class Clause:
    op: str  # "" for a bare version (Poetry: exact)
    release: tuple[int, ...]
    wildcard: bool
    span: tuple[int, int]  # the whole clause
    version_start: int  # where its version starts


def parse_specifier(spec: str) -> list[Clause] | None:
    """The clauses of a PEP 440, Poetry or conda version specifier; None when it holds
    anything else (alternatives ``||``, URLs, ...). ``*`` and ``""`` give no clauses."""
    text = spec.strip()
    if text in ("", "*"):
        return []
    clauses: list[Clause] = []
    position = len(spec) - len(spec.lstrip())
    while position < len(spec.rstrip()):
        match = _CLAUSE.match(spec, position)
        if match is None:
            return None
        release = tuple(int(part) for part in match.group("version").split("."))
        clauses.append(
            Clause(
                match.group("op") or "",
                release,
                bool(match.group("wildcard")),
                match.span(),
                match.start("version"),
            )
        )
        position = _CLAUSE_SEPARATOR.match(spec, match.end()).end()  # type: ignore[union-attr]
        if position == match.end() and position < len(spec.rstrip()):
            return None
    return clauses


def _padded(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[tuple[int, ...], tuple[int, ...]]:
    size = max(len(a), len(b))
    return a + (0,) * (size - len(a)), b + (0,) * (size - len(b))


def _next_minor_or_major(release: tuple[int, ...], caret: bool) -> tuple[int, ...]:
    if caret:
        for position, part in enumerate(release):
            if part != 0 or position == len(release) - 1:
                return (*release[:position], part + 1)
    if len(release) >= 2:
        return (release[0], release[1] + 1)
    return (release[0] + 1,)


def _clause_admits(clause: Clause, version: tuple[int, ...]) -> bool:
    """Does ``version`` (a release tuple) satisfy one clause?"""
    op, release = clause.op, clause.release
    if op in ("", "==", "===", "!=", "=") and (clause.wildcard or op == "="):
        matches = version[: len(release)] == release
        return not matches if op == "!=" else matches
    left, right = _padded(version, release)
    if op in ("", "==", "==="):
        return left == right
    if op == "!=":
        return left != right
    if op == ">=":
        return left >= right
    if op == ">":
        return left > right
    if op == "<=":
        return left <= right
    if op == "<":
        return left < right
    if op == "~=":
        prefix = release[:-1] if len(release) > 1 else release
        return left >= right and version[: len(prefix)] == prefix
    upper = _next_minor_or_major(release, caret=op == "^")
    low, high = _padded(version, upper)
    return left >= right and low < high


def specifier_admits(clauses: Sequence[Clause], version: tuple[int, ...]) -> bool:
    return all(_clause_admits(clause, version) for clause in clauses)


_LOWER_BOUND_OPS = frozenset({"", "==", "===", "~=", ">=", ">", "^", "~", "="})


def _lowest_bound(clauses: Sequence[Clause]) -> tuple[int, ...] | None:
    """The highest lower bound the clauses set, None when nothing bounds them from below."""
    bounds = [clause.release for clause in clauses if clause.op in _LOWER_BOUND_OPS]
    return max(bounds) if bounds else None


def _release_of(version: str) -> tuple[int, ...]:
    match = re.match(r"\d+(?:\.\d+)*", version)
    return tuple(int(part) for part in match.group(0).split(".")) if match else ()


_PYTHON_36 = [(3, 6, micro) for micro in range(16)]
_PYTHON_3_LATER = [(3, minor) for minor in range(7, 14)]


def bump_python_specifier(spec: str) -> str | None:
    """``spec`` with 3.7 as its lowest version; ``spec`` itself when it excludes 3.6 already;
    None when it cannot be widened mechanically."""
    clauses = parse_specifier(spec)
    if clauses is None:
        return None
    if not any(specifier_admits(clauses, version) for version in _PYTHON_36):
        return spec
    new = spec
    lower = [c for c in clauses if c.op in _LOWER_BOUND_OPS and c.release < (3, 7)]
    for clause in sorted(lower, key=lambda c: c.span, reverse=True):
        if clause.op in (">=", ">"):
            text = ">=3.7"
        elif clause.op in ("^", "~=") and len(clause.release) == 2 and not clause.wildcard:
            text = f"{clause.op}3.7"
        else:
            return None
        new = new[: clause.span[0]] + text + new[clause.span[1] :]
    if not lower:
        separator = "," if "," in spec and ", " not in spec else ", "
        leading = len(spec) - len(spec.lstrip())
        new = f"{spec[:leading]}>=3.7{separator}{spec[leading:]}"
    bumped = parse_specifier(new)
    if bumped is None or any(specifier_admits(bumped, version) for version in _PYTHON_36):
        return None
    if not any(specifier_admits(bumped, version) for version in _PYTHON_3_LATER):
        return None
    return new


def fit_python_specifier(spec: str) -> str | None:
    """``spec`` moved into the Python versions Prefect 1.x works on (3.7 to 3.11, see
    ``codemods/_companions.py``): a lower bound below 3.7 becomes 3.7
    (:func:`bump_python_specifier`); one above 3.11, when nothing from 3.7 to 3.11 is
    admitted, comes down to 3.11 keeping its operator (``>=3.12`` -> ``>=3.11``, ``^3.12``
    -> ``^3.11``). ``spec`` itself when it admits a supported version already (an open upper
    end such as ``>=3.8`` is kept: no upper bound is added); None when it cannot be moved
    mechanically (``==3.12.*``)."""
    bumped = bump_python_specifier(spec)
    if bumped is None:
        return None
    clauses = parse_specifier(bumped)
    supported = [(3, minor) for minor in range(OLDEST_PYTHON[1], NEWEST_PYTHON[1] + 1)]
    if clauses is None:
        return None
    if any(specifier_admits(clauses, version) for version in supported):
        return bumped
    new = bumped
    higher = [c for c in clauses if c.op in _LOWER_BOUND_OPS and c.release > NEWEST_PYTHON]
    for clause in sorted(higher, key=lambda c: c.span, reverse=True):
        if clause.op in (">=", ">"):
            text = f">={NEWEST_PYTHON_TEXT}"
        elif clause.op in ("^", "~=", "~") and len(clause.release) == 2 and not clause.wildcard:
            text = f"{clause.op}{NEWEST_PYTHON_TEXT}"
        else:
            return None
        new = new[: clause.span[0]] + text + new[clause.span[1] :]
    moved = parse_specifier(new)
    if moved is None or not any(specifier_admits(moved, version) for version in supported):
        return None
    return new


# --- Prefect images --------------------------------------------------------------------------

# Docker Hub as an image's optional registry name, and Prefect's image repository there.
DOCKER_HUB_PREFIX = r"(?:(?:docker\.io|index\.docker\.io|registry\.hub\.docker\.com)/)?"
PREFECT_IMAGE_REPOSITORY = DOCKER_HUB_PREFIX + "prefecthq/prefect"
PINNED_BY_DIGEST_TODO = (
    "this Prefect 0.x image is pinned by digest: pin the {target} image by its digest"
)

_OLD_PREFECT_TAG = re.compile(
    r"(?:(?P<core>core-)(?P<core_version>0\.\d+\.\d+)"
    r"|(?P<version>0\.\d+\.\d+|latest)(?:-python3\.(?P<minor>\d+))?)"
)


def new_tag(tag: str, target: str) -> str | None:
    """The 1.x tag for an old Prefect image tag, None when the tag needs no change."""
    match = _OLD_PREFECT_TAG.fullmatch(tag)
    if match is None:
        return None
    if match.group("core"):
        return f"core-{target}"
    minor = match.group("minor")
    if match.group("version") == "latest":
        return f"{target}-python3.7" if minor == "6" else None
    if minor is None:
        return target
    return f"{target}-python3.{7 if minor == '6' else minor}"


# --- Prefect pins ----------------------------------------------------------------------------

# ``prefect`` as the distribution a requirement names (match it ignoring case, as pip does): not
# ``prefect-aws``, ``prefect_dbt`` or a module path such as ``prefect.tasks``.
PREFECT_DISTRIBUTION = r"prefect(?![\w.-])"
UNREADABLE_PIN_TODO = "pin Prefect {target} here by hand (this version specifier is not understood)"


class UnreadableSpecifier(ValueError):
    """A Prefect pin whose specifier cannot be read, so cannot be moved mechanically."""


# Releases past 1.x a specifier must not admit once it is moved to 1.x.
_AFTER_1X = ((2, 0, 0), (2, 99, 0), (3, 0, 0), (99, 0, 0))


def repin(spec: str, target: str) -> str | None:
    """``spec`` moved to Prefect ``target`` in its own style; None when it needs no change.

    The rules (``--prefect-version`` gives ``target``): an exact pin stays exact at the target
    (``==0.15.13`` -> ``==<target>``, Poetry ``0.15.13`` -> ``<target>``); ``~=``, ``^``,
    ``~``, ``.*`` and conda ``=`` keep their precision (``^0.15`` -> ``^1.4``); any other range
    admitting 0.x, and no specifier at all (``""``, ``*``), becomes ``>=<target>,<2``; a
    specifier that already excludes 0.x but admits 2.x (``>=1.0``, ``>=1.0,<3``) keeps its lower
    bound and gets ``<2`` as upper bound; one that admits 1.x only, or no 1.x at all
    (``>=2``), is left alone."""
    clauses = parse_specifier(spec)
    if clauses is None:
        raise UnreadableSpecifier(spec)
    leading = spec[: len(spec) - len(spec.lstrip())]
    trailing = spec[len(spec.rstrip()) :]
    if not clauses:
        return f"{leading}>={target},<2{trailing}"
    bound = _lowest_bound(clauses)
    if bound is not None and bound >= (2,):
        return None
    if bound is not None and bound >= (1,):
        return _capped_below_2(spec, clauses)
    if len(clauses) == 1 and clauses[0].op not in ("<", "<=", ">", ">=", "!="):
        clause = clauses[0]
        version = _same_shape(clause, target)
        return spec[: clause.version_start] + version + spec[clause.span[1] :]
    if "," in spec:
        separator = ", " if ", " in spec else ","
    else:
        separator = " " if len(clauses) > 1 else ","
    uppers = [clause.release for clause in clauses if clause.op in ("<", "<=")]
    upper = ".".join(["2"] + ["0"] * (len(uppers[0]) - 1)) if uppers else "2"
    return f"{leading}>={target}{separator}<{upper}{trailing}"


def _same_shape(clause: Clause, target: str) -> str:
    release = _release_of(target)
    if clause.op in ("", "==", "===") and not clause.wildcard:
        return target
    size = max(len(clause.release), 2 if clause.op == "~=" else 1)
    shaped = ".".join(str(part) for part in release[:size])
    return f"{shaped}.*" if clause.wildcard else shaped


def _capped_below_2(spec: str, clauses: Sequence[Clause]) -> str | None:
    """A 1.x specifier that admits 2.x with ``<2`` as upper bound; None when it admits none."""
    if not any(specifier_admits(clauses, version) for version in _AFTER_1X):
        return None
    uppers = [clause for clause in clauses if clause.op in ("<", "<=")]
    if uppers:
        new = spec
        for clause in sorted(uppers, key=lambda c: c.span, reverse=True):
            new = new[: clause.span[0]] + "<2" + new[clause.span[1] :]
        return new
    stripped = spec.rstrip()
    separator = ", " if ", " in spec else ("," if "," in spec or len(clauses) == 1 else " ")
    return f"{stripped}{separator}<2{spec[len(stripped) :]}"
