"""Rule family `records`: check records, overrides and arrivals written by lockstep, then tampered with by hand in a
pull request (or given to the pre-commit hook)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator import validation
from tests.conftest import commit, edit, git, run_lockstep
from tests.validators.cases import Case, assert_fires

RECORD = "environments/stage/verifications/platform/0.1.0/integration-tests.20261128T100000Z.yaml"
DEV_ARRIVALS = "environments/dev/arrivals/2026-11.yaml"
OVERRIDES = "environments/stage/overrides.yaml"
OVERRIDE = (
    "apiVersion: lockstep/v1\nkind: Overrides\nenvironment: stage\noverrides:\n"
    "  - at: '2026-11-28T10:00:00Z'\n    gate: freeze\n    reason: hotfix\n    by: Jane Doe <jane@example.com>\n"
    "    platform: 0.1.0\n"
)


def recorded(repo: Path) -> None:
    """Records as lockstep writes them, committed: arrivals everywhere, a check record in stage, an override."""
    git(repo, "config", "user.name", "Jane Doe")
    git(repo, "config", "user.email", "jane@example.com")
    for step in (
        ("stamp", "--now", "2026-11-28T10:00:00Z"),
        (
            "verify",
            "--env",
            "stage",
            "--check",
            "integration-tests",
            "--result",
            "passed",
            "--now",
            "2026-11-28T10:00:00Z",
        ),
    ):
        result = run_lockstep(*step, "--repo", repo)
        assert result.code == 0, result.err
    (repo / OVERRIDES).write_text(OVERRIDE)  # gates21's `promote --override` writes these
    commit(repo, "records")


def _then(*tampers):  # type: ignore[no-untyped-def]
    def tamper(repo: Path) -> None:
        recorded(repo)
        for one in tampers:
            one(repo)

    return tamper


def _rewritten(relative: str, old: str, new: str) -> Case:
    """A case of records.rewritten: a committed record file edited by hand (at the line that now holds `new`)."""
    return Case("records.rewritten", relative, new, _then(lambda r: edit(r, relative, old, new)), base="HEAD")


def _copied(rule: str, relative: str, needle: str, old: str = "", new: str = "") -> Case:
    """A case of `rule`: the committed stage record copied by hand to `relative` (with `old` replaced by `new`)."""

    def copy(repo: Path) -> None:
        (repo / relative).parent.mkdir(parents=True, exist_ok=True)
        (repo / relative).write_text((repo / RECORD).read_text().replace(old, new))

    return Case(rule, relative, needle, _then(copy), base="HEAD")


def _append_arrival(at: str, service: str = "service-b"):  # type: ignore[no-untyped-def]
    def tamper(repo: Path) -> None:
        path = repo / DEV_ARRIVALS
        path.write_text(path.read_text() + f"  - at: '{at}'\n    service: {service}\n    version: 0.1.0\n")

    return tamper


CASES = [
    _rewritten(RECORD, "result: passed", "result: failed"),
    Case("records.rewritten", RECORD, None, _then(lambda r: (r / RECORD).unlink()), base="HEAD"),
    _rewritten(DEV_ARRIVALS, "service: service-b", "service: service-z"),
    _rewritten(OVERRIDES, "reason: hotfix", "reason: anything"),
    _copied(
        "records.misnamed",
        "environments/stage/verifications/platform/0.1.0/load-test.20261128T100000Z.yaml",
        "check: integration-tests",
    ),
    _copied(
        "records.misnamed",
        "environments/prod/verifications/platform/0.1.0/integration-tests.20261128T100000Z.yaml",
        "environment: stage",
    ),
    Case(
        "records.misnamed",
        DEV_ARRIVALS,
        "at: '2027-01-01T00:00:00Z'",
        _then(_append_arrival("2027-01-01T00:00:00Z")),
        base="HEAD",
    ),
    Case(
        "records.backdated",
        DEV_ARRIVALS,
        "at: '2026-11-01T00:00:00Z'",
        _then(_append_arrival("2026-11-01T00:00:00Z")),
        base="HEAD",
    ),
    _copied(
        "records.backdated",
        "environments/stage/verifications/platform/0.1.0/integration-tests.20991128T100000Z.yaml",
        "at: '2099-11-28T10:00:00Z'",
        "2026-11-28T10",
        "2099-11-28T10",
    ),
    _copied(
        "records.unreadable",
        "environments/stage/verifications/platform/0.1.0/integration-tests.20261128T110000Z.yaml",
        "result: maybe",
        "result: passed\nat: '2026-11-28T10:00:00Z'",
        "result: maybe\nat: '2026-11-28T11:00:00Z'",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_rule_fires(case: Case, default_repo: Path) -> None:
    assert_fires(case, default_repo)


def records_findings(repo: Path, **options: object) -> list[str]:
    found = validation.checked(repo, families=("records",), **options)[1]  # type: ignore[arg-type]
    return [f"{f.file}:{f.line}: {f.rule}" for f in found]


def test_an_honest_change_is_clean(default_repo: Path) -> None:
    recorded(default_repo)
    assert run_lockstep("bump", "service-a", "--repo", default_repo).code == 0
    commit(default_repo, "bump")
    for step in (
        ("stamp", "--now", "2026-11-28T11:00:00Z"),
        ("verify", "--env", "dev", "--service", "service-a", "--check", "unit-tests", "--result", "passed"),
        ("verify", "--env", "stage", "--check", "integration-tests", "--result", "failed"),
    ):
        result = run_lockstep(*step, "--repo", default_repo)
        assert result.code == 0, result.err
    path = default_repo / OVERRIDES
    path.write_text(path.read_text() + re.sub(r"^.*overrides:\n", "", OVERRIDE, flags=re.S).replace("T10", "T12"))
    assert git(default_repo, "status", "--porcelain").count("\n") >= 5
    assert records_findings(default_repo, base="HEAD~1") == []
    assert records_findings(default_repo, base="HEAD~1", paths=[RECORD, DEV_ARRIVALS]) == []


def test_the_hook_judges_the_files_it_is_given(default_repo: Path) -> None:
    recorded(default_repo)
    _append_arrival("2026-11-01T00:00:00Z")(default_repo)
    edit(default_repo, RECORD, "result: passed", "result: failed")  # a rewrite only the pull request check sees
    line = len((default_repo / DEV_ARRIVALS).read_text().splitlines()) - 2
    assert records_findings(default_repo, paths=[DEV_ARRIVALS, RECORD]) == [f"{DEV_ARRIVALS}:{line}: records.backdated"]
    assert records_findings(default_repo, base="HEAD", paths=[RECORD]) == [f"{RECORD}:6: records.rewritten"]
    assert records_findings(default_repo) == []  # no base, no files: the gates read what they need


def test_a_fraction_of_a_second_orders_by_time_and_never_crashes(default_repo: Path) -> None:
    """The schema's timestamps may carry a fraction of a second: later fractions are in order, an earlier one is
    backdated (as text, `…:00.5Z` would sort before `…:00Z`)."""
    recorded(default_repo)
    _append_arrival("2026-11-28T10:00:00.5Z")(default_repo)
    _append_arrival("2026-11-28T10:00:01.5Z")(default_repo)
    assert records_findings(default_repo, base="HEAD") == []
    _append_arrival("2026-11-28T10:00:01.25Z")(default_repo)
    line = len((default_repo / DEV_ARRIVALS).read_text().splitlines()) - 2
    assert records_findings(default_repo, base="HEAD") == [f"{DEV_ARRIVALS}:{line}: records.backdated"]
