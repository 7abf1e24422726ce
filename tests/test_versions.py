from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import versions
from generator.errors import UsageError


@pytest.mark.parametrize(
    ("known", "expected"),
    [
        ([], "0.1.0-dev.1"),
        (["0.1.0"], "0.2.0-dev.1"),
        (["0.1.0", "0.2.0-dev.1", "0.2.0-dev.2"], "0.2.0-dev.3"),
        (["0.1.0", "0.2.0-dev.9", "0.2.0-dev.10"], "0.2.0-dev.11"),  # numeric, not text order
        (["0.1.0", "0.2.0-dev.4", "0.2.0"], "0.3.0-dev.1"),  # a release starts the next line
        (["1.4.0", "1.4.1", "2.0.0", "0.9.0"], "2.1.0-dev.1"),
    ],
)
def test_next_trunk(known: list[str], expected: str) -> None:
    assert versions.next_trunk(known) == expected


@pytest.mark.parametrize(
    ("known", "level", "expected"),
    [
        (["0.1.0", "0.2.0-dev.3"], "minor", "0.2.0"),
        (["0.1.0", "0.2.0-dev.3"], "major", "1.0.0"),
        (["0.1.0", "0.2.0-dev.3"], "patch", "0.1.1"),
        (["1.4.0", "1.4.2", "1.3.7"], "minor", "1.5.0"),
    ],
)
def test_next_release(known: list[str], level: versions.Level, expected: str) -> None:
    assert versions.next_release(known, level) == expected


def test_next_on_branch_stays_on_its_line() -> None:
    assert versions.next_on_branch(["1.4.0", "1.4.1", "1.5.0", "1.5.0-dev.2"], 1, 4) == "1.4.2"
    with pytest.raises(UsageError, match=r"no release 1\.6\.x"):
        versions.next_on_branch(["1.4.0"], 1, 6)


def test_bump_and_compare() -> None:
    assert versions.bump("1.2.3", "patch") == "1.2.4"
    assert versions.bump("1.2.3", "minor") == "1.3.0"
    assert versions.bump("1.2.3", "major") == "2.0.0"
    assert versions.newer("1.10.0", "1.9.0") and not versions.newer("1.0.0-dev.1", "1.0.0")
    with pytest.raises(UsageError, match=r"`1\.2` is not a SemVer version"):
        versions.parse("1.2")


def test_release_branch_names() -> None:
    assert versions.RELEASE_BRANCH.match("1.4-release")["minor"] == "4"
    assert not versions.RELEASE_BRANCH.match("main")
    assert not versions.RELEASE_BRANCH.match("01.4-release")


RANGES = [
    # (range, version, matches): npm/Helm semantics
    (">=2.1.0 <3.0.0", "2.1.0", True),
    (">=2.1.0 <3.0.0", "3.0.0", False),
    (">=2.1.0, <3.0.0", "2.9.9", True),  # Helm's comma is AND
    ("^2.1", "2.9.0", True),
    ("^2.1", "2.0.9", False),
    ("^2.1", "3.0.0", False),
    ("^0.2.3", "0.2.9", True),  # caret below 1.0.0: minor is breaking
    ("^0.2.3", "0.3.0", False),
    ("~2.1.3", "2.1.9", True),
    ("~2.1.3", "2.2.0", False),
    ("~2.1", "2.1.0", True),
    ("2.x", "2.7.1", True),
    ("2.x", "3.0.0", False),
    ("2.1.x", "2.1.4", True),
    ("2.1.x", "2.2.0", False),
    ("*", "0.0.1", True),
    ("1.2 - 1.4", "1.4.9", True),
    ("1.2 - 1.4", "1.5.0", False),
    ("^1.2 || ^2.0", "2.3.0", True),
    ("^1.2 || ^2.0", "3.0.0", False),
    # pre-releases are excluded unless the range asks for one of the same version
    ("^2.1", "2.2.0-beta.1", False),
    (">=2.1.0", "3.0.0-rc.1", False),
    (">=2.2.0-beta.0", "2.2.0-beta.1", True),
    ("^2.2.0-beta.0", "2.2.0", True),
    ("^2.2.0-beta.0", "2.3.0-beta.0", False),
]


@pytest.mark.parametrize(("text", "version", "matches"), RANGES)
def test_ranges(text: str, version: str, matches: bool) -> None:
    assert versions.range_error(text) is None
    assert versions.satisfies(version, text) is matches


@pytest.mark.parametrize("text", ["nope", ">=", "^x.y", "1.2.3.4"])
def test_invalid_ranges(text: str) -> None:
    assert versions.range_error(text)


_RELEASE = st.builds(lambda core: ".".join(map(str, core)), st.tuples(*(st.integers(0, 3),) * 3))
_COMPARATORS = st.lists(st.tuples(st.sampled_from([">=", "<=", ">", "<", "=", ""]), _RELEASE), min_size=1, max_size=3)


@settings(max_examples=400, deadline=None)
@given(comparators=_COMPARATORS, version=_RELEASE, pre=st.sampled_from(["", "rc.1", "dev.2"]), comma=st.booleans())
def test_plain_comparators_are_judged_as_npm_judges_them(
    comparators: list[tuple[str, str]], version: str, pre: str, comma: bool
) -> None:
    """Ranges of plain comparators of releases (`>=0.1.0 <1.0.0`, the form lockstep writes) are judged without
    semantic_version: as its NpmSpec judges them for releases, and no pre-release satisfies them (npm's rule: a
    pre-release satisfies only a range naming a pre-release of the same version; NpmSpec lets `<=1.0.1` take
    1.0.1-rc.1, npm and Helm do not)."""
    from semantic_version import NpmSpec, Version

    text = (", " if comma else " ").join(op + bound for op, bound in comparators)
    assert versions._comparators(text) is not None and versions.range_error(text) is None
    if pre:
        assert versions.satisfies(f"{version}-{pre}", text) is False
    else:
        assert versions.satisfies(version, text) is NpmSpec(text.replace(",", "")).match(Version(version)), text
