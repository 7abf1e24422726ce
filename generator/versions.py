"""SemVer arithmetic for services and platform versions, and version ranges; the one module that uses a SemVer
library. `semver` (the user's choice) parses, orders and bumps versions; ranges need npm/Helm syntax (`^2.1`,
`~2.1.3`, `2.x`, `1.2 - 1.4`, `a || b`) with npm's pre-release rule, which `semver` does not have, so ranges are
matched by `semantic_version`'s NpmSpec.

Platform versions follow three lines so that no two branches ever mint the same number:
- trunk (main): every bump makes a pre-release of the next minor, `X.(Y+1).0-dev.N`;
- `lockstep release` cuts `X.(Y+1).0` (or the next major/patch) from what the source environment runs;
- a release branch `X.Y-release` makes patch versions `X.Y.(Z+1)` of its own line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache, lru_cache
from typing import Any, Literal

import semver

from generator.errors import UsageError
from generator.findings import excerpt

Level = Literal["patch", "minor", "major"]
TRUNK_TAG = "dev"
RELEASE_BRANCH = re.compile(r"^(?P<major>0|[1-9][0-9]*)\.(?P<minor>0|[1-9][0-9]*)-release$")


@lru_cache(maxsize=4096)
def parse(text: str) -> semver.Version:
    """A SemVer version (remembered: the rules compare the same few versions many times)."""
    try:
        return semver.Version.parse(text)
    except ValueError:
        raise UsageError(f"`{excerpt(text)}` is not a SemVer version (MAJOR.MINOR.PATCH)") from None


def is_semver(text: str) -> bool:
    return semver.Version.is_valid(text)


@lru_cache(maxsize=16384)
def newer(a: str, b: str) -> bool:
    """True when version `a` is greater than `b` (SemVer precedence; remembered: the promotion rules ask the same
    few pairs thousands of times on a large platform, and semver's comparison is slow)."""
    return parse(a) > parse(b)


def is_prerelease(text: str) -> bool:
    return bool(parse(text).prerelease)


def same_line(a: str, b: str) -> bool:
    """True when two versions share MAJOR.MINOR (a patch of one is on the other's line)."""
    left, right = parse(a), parse(b)
    return (left.major, left.minor) == (right.major, right.minor)


def bump(text: str, level: Level) -> str:
    version = parse(text)
    bumped = {"patch": version.bump_patch, "minor": version.bump_minor, "major": version.bump_major}[level]()
    return str(bumped)


def _releases(versions: Iterable[str]) -> list[semver.Version]:
    return [v for v in map(parse, versions) if not v.prerelease]


def next_trunk(versions: Iterable[str]) -> str:
    """The next trunk platform version: a `-dev.N` pre-release of the minor after the newest release."""
    versions = list(versions)
    released = _releases(versions)
    target = max(released).bump_minor() if released else semver.Version(0, 1, 0)
    counters = [
        int(v.prerelease.split(".")[1])
        for v in map(parse, versions)
        if v.finalize_version() == target and v.prerelease and re.fullmatch(rf"{TRUNK_TAG}\.[0-9]+", v.prerelease)
    ]
    return f"{target}-{TRUNK_TAG}.{max(counters, default=0) + 1}"


def next_release(versions: Iterable[str], level: Level) -> str:
    """The next release number after the newest release (pre-releases do not count)."""
    released = _releases(versions)
    base = max(released) if released else semver.Version(0, 0, 0)
    return bump(str(base), level)


def next_on_branch(versions: Iterable[str], major: int, minor: int) -> str:
    """The next patch of the `major.minor` line, for a bump on the branch `major.minor-release`."""
    line = [v for v in _releases(versions) if (v.major, v.minor) == (major, minor)]
    if not line:
        raise UsageError(f"no release {major}.{minor}.x in the ledger for the branch {major}.{minor}-release")
    return str(max(line).bump_patch())


# A range of plain comparators of release versions (`>=0.1.0 <1.0.0`, Helm's `>=2.1.0, <3.0.0`), the form
# lockstep writes: judged with `semver` here, since importing semantic_version costs some 40 ms (its regexes
# compile on import), which the pre-commit hook would pay on every run. Such a range names no pre-release, so no
# pre-release satisfies it. Any other range (^, ~, x, -, ||, a pre-release bound) goes to NpmSpec.
_COMPARATOR = re.compile(r"(>=|<=|>|<|=)?([0-9]+\.[0-9]+\.[0-9]+)")
_ORDER = {">=": (0, 1), "<=": (-1, 0), ">": (1,), "<": (-1,), "=": (0,)}


@cache
def _comparators(text: str) -> tuple[tuple[str, semver.Version], ...] | None:
    """The comparators of `text` when it is a range of plain comparators, else None (NpmSpec decides)."""
    found = []
    for part in text.replace(",", " ").split():
        match = _COMPARATOR.fullmatch(part)
        if match is None or not semver.Version.is_valid(match[2]):
            return None
        found.append((match[1] or "=", semver.Version.parse(match[2])))
    return tuple(found) or None


@cache
def _range(text: str) -> Any:
    from semantic_version import NpmSpec

    return NpmSpec(" ".join(part.strip() for part in text.split(",")))  # Helm's "a, b" is npm's "a b"


def range_error(text: str) -> str | None:
    """Why `text` is not a version range (npm/Helm syntax: >=1.2.0 <2.0.0, ^1.2, ~1.2.3, 1.x, a || b)."""
    if _comparators(text) is not None:
        return None
    try:
        _range(text)
    except ValueError as error:
        return str(error)
    return None


def satisfies(version: str, text: str) -> bool:
    """npm/Helm semantics: pre-releases match only a range that names a pre-release of the same version."""
    comparators = _comparators(text)
    if comparators is not None:
        candidate = parse(version)
        return not candidate.prerelease and all(candidate.compare(bound) in _ORDER[op] for op, bound in comparators)

    from semantic_version import Version

    return bool(_range(text).match(Version(version)))
