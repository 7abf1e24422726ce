"""Rule family `gates` in pull-request mode (`validate --base REF --now T`) and its config rules.

Records (verifications, arrivals) are written as files from the model, as `lockstep verify` and `lockstep stamp`
write them, and committed to the repository the test built with `lockstep new`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import freeze, layout, validation, yamlio
from generator.model import Arrival, Arrivals, GateOverride, Overrides, Verification
from tests.conftest import commit, edit, git, line_of, run_lockstep, ungate, validate

T0 = "2026-11-25T10:00:00Z"  # a Wednesday: no weekly freeze holds
LOCK = "environments/prod/platform.lock.yaml"
FRIDAY_EVENING = "2026-11-27T16:00:00Z"  # Fri 17:00 in Berlin
MONDAY_OPEN = "2026-11-30T07:00:00Z"  # Mon 08:00 CET
FIRING = (  # the rules these tests (and tests/operations/test_promote_gates.py: max-services) make fire
    "gates.one-environment",
    "gates.freeze",
    "gates.soak",
    "gates.checks",
    "gates.max-services",
    "gates.overridden",
    "gates.override-mismatch",
    "gates.override-reason",
    "gates.override-unneeded",
    "gates.pending",
    "gates.unknown-time-zone",
    "gates.freeze-range",
    "gates.first-environment",
    "gates.max-services-mode",
)


def ok(*args: str | Path) -> None:
    result = run_lockstep(*args)
    assert result.code == 0, result.err


def gate(repo: Path, environment: str, text: str) -> None:
    """platform.yaml's `environment` with these `gates:` lines (indented under it)."""
    body = "".join(f"      {line}\n" for line in text.strip().splitlines())
    if "# What a change must pass" in (repo / "platform.yaml").read_text():
        ungate(repo)  # the generated ones: each test says its own
    edit(
        repo,
        "platform.yaml",
        f"namespace: logistics-{environment}\n",
        f"namespace: logistics-{environment}\n    gates:\n{body}",
    )


def arrive(repo: Path, environment: str, at: str, version: str, service: str | None = None) -> None:
    """An arrival appended to environments/<env>/arrivals/<YYYY-MM>.yaml, as `lockstep stamp` records it."""
    relative = layout.arrivals(environment, layout.arrival_month(at))
    path = repo / relative
    records = (
        Arrivals.from_data(yamlio.loads(path.read_text(), relative).data, layout.arrival_month(at))
        if path.exists()
        else None
    )
    arrivals = (records or Arrivals(environment, layout.arrival_month(at), ())).appended(
        [Arrival(at, version, service)]
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yamlio.dumps(arrivals.as_data()))


def verify(
    repo: Path, environment: str, check: str, version: str, result: str, at: str, service: str | None = None
) -> None:
    """One verification record, as `lockstep verify` writes it."""
    record = Verification(environment, check, version, result, at, "Jane Doe <jane@example.com>", service)  # type: ignore[arg-type]
    path = repo / layout.verification(environment, service, version, check, at)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yamlio.dumps(record.as_data()))


def on_stage(default_repo: Path, gates: str = "") -> Path:
    """The default platform with platform 0.2.0 (service-a 0.2.0) released and in stage since T0, prod on 0.1.0,
    prod's gates `gates` (committed)."""
    repo = default_repo
    for step in (("bump", "service-a"), ("stamp",), ("release",), ("promote", "stage")):
        ok(*step, "--repo", repo, "--now", T0)
    if gates:
        gate(repo, "prod", gates)
    commit(repo, "platform 0.2.0 in stage")
    return repo


def pr_promote(repo: Path) -> None:
    """prod's lock written as stage's (platform 0.2.0), as the promotion pull request changes it."""
    text = (repo / "environments/stage/platform.lock.yaml").read_text()
    (repo / LOCK).write_text(text.replace("stage", "prod"))


def override(repo: Path, gate: str, reason: str = "hotfix for INC-4711", platform: str = "0.2.0") -> None:
    """An override appended to prod's overrides.yaml, as `promote --override` records it."""
    record = GateOverride(T0, gate, reason, "Jane Doe <jane@example.com>", platform)  # type: ignore[arg-type]
    path = repo / layout.overrides("prod")
    was = Overrides.from_data(yamlio.loads(path.read_text(), "o")) if path.exists() else Overrides("prod", ())
    path.write_text(yamlio.dumps(was.appended(record).as_data()))


def judged(repo: Path, now: str) -> list[tuple[str, str, int, str]]:
    """The gates findings of the last commit as a pull request, judged at `now`."""
    if git(repo, "status", "--porcelain"):  # what the test wrote since: part of the same change
        if git(repo, "log", "-1", "--format=%s").strip() == "the change":
            git(repo, "reset", "--quiet", "--soft", "HEAD~1")
        commit(repo, "the change")
    found = validation.checked(repo, base="HEAD~1", now=freeze.parse_instant(now))[1]
    return [(f.rule, f.file, f.line, f.message) for f in found if f.rule.startswith("gates.")]


def platform_line(repo: Path) -> int:
    return line_of(repo, LOCK, "platform:")


def test_freeze_blocks_a_promotion_pr_until_it_opens_and_an_override_passes_it(default_repo: Path) -> None:
    repo = on_stage(default_repo, 'freeze: [{weekly: "Fri 15:00-Mon 08:00", tz: Europe/Berlin}]')
    pr_promote(repo)
    assert judged(repo, FRIDAY_EVENING) == [
        (
            "gates.freeze",
            LOCK,
            platform_line(repo),
            "prod is frozen (weekly Fri 15:00-Mon 08:00 Europe/Berlin) until 2026-11-30T07:00:00Z (Mon 08:00 CET)",
        )
    ]
    assert judged(repo, "2026-11-30T06:59:59Z")[0][0] == "gates.freeze"
    assert judged(repo, MONDAY_OPEN) == []  # the window ends: the same change passes
    override(repo, "freeze")
    assert judged(repo, FRIDAY_EVENING) == [
        (
            "gates.overridden",
            "environments/prod/overrides.yaml",
            line_of(repo, "environments/prod/overrides.yaml", "reason:"),
            "freeze overridden by Jane Doe <jane@example.com>: hotfix for INC-4711",
        )
    ]


def test_the_validate_command_names_the_gate_at_the_lock_line(default_repo: Path) -> None:
    repo = on_stage(default_repo, 'freeze: [{weekly: "Fri 15:00-Mon 08:00", tz: Europe/Berlin}]')
    pr_promote(repo)
    commit(repo, "promote prod")
    result = validate(repo, "--base", "HEAD~1", "--now", FRIDAY_EVENING, "--only", "gates", "--format", "github")
    assert result.code == 1
    assert f"::error file={LOCK},line={platform_line(repo)}," in result.out
    assert "title=gates.freeze::prod is frozen (weekly Fri 15:00-Mon 08:00 Europe/Berlin) until" in result.out


def test_soak_holds_until_the_version_ran_long_enough_upstream(default_repo: Path) -> None:
    repo = on_stage(default_repo, "soak: 24h")
    arrive(repo, "stage", T0, "0.2.0")
    commit(repo, "stamp: arrivals")
    pr_promote(repo)
    assert judged(repo, "2026-11-26T09:59:59Z") == [
        (
            "gates.soak",
            LOCK,
            platform_line(repo),
            "platform 0.2.0 has run in stage since 2026-11-25T10:00:00Z; prod needs 24h: opens 2026-11-26T10:00:00Z",
        )
    ]
    assert judged(repo, "2026-11-26T10:00:00Z") == []
    override(repo, "soak")
    assert [f[0] for f in judged(repo, "2026-11-25T11:00:00Z")] == ["gates.overridden"]


def test_soak_without_an_arrival_holds_and_says_who_records_it(default_repo: Path) -> None:
    repo = on_stage(default_repo, "soak: 24h")
    arrive(repo, "stage", T0, "0.1.0")  # an older version's arrival does not count
    commit(repo, "stamp: arrivals")
    pr_promote(repo)
    [(rule, _, _, message)] = judged(repo, "2026-12-25T10:00:00Z")
    assert rule == "gates.soak"
    assert message.startswith(
        "no arrival of platform 0.2.0 in stage is recorded (the trunk workflow's `lockstep stamp`"
    )


def test_checks_count_only_the_latest_record_of_exactly_this_version_at_base(default_repo: Path) -> None:
    repo = on_stage(default_repo, "checks: [integration-tests]")
    verify(repo, "stage", "integration-tests", "0.1.0", "passed", T0)  # another version: does not count
    commit(repo, "another version verified")
    pr_promote(repo)
    verify(repo, "stage", "integration-tests", "0.2.0", "passed", T0)  # in the change itself: does not count
    [(rule, file, line, message)] = judged(repo, T0)
    assert (rule, file, line) == ("gates.checks", LOCK, platform_line(repo))
    assert message == (
        "stage holds no integration-tests record for platform 0.2.0 (`lockstep verify --env stage --check "
        "integration-tests --version 0.2.0 --result passed`); prod needs it"
    )
    git(repo, "reset", "--quiet", "--hard", "HEAD~1")
    verify(repo, "stage", "integration-tests", "0.2.0", "failed", "2026-11-25T11:00:00Z")
    verify(repo, "stage", "integration-tests", "0.2.0", "passed", "2026-11-25T12:00:00Z")
    commit(repo, "failed, then passed")
    pr_promote(repo)
    assert judged(repo, T0) == []  # failed then passed counts as passed
    git(repo, "reset", "--quiet", "--hard", "HEAD~1")
    verify(repo, "stage", "integration-tests", "0.2.0", "failed", "2026-11-25T13:00:00Z")
    commit(repo, "then failed again")
    pr_promote(repo)
    [(rule, _, _, message)] = judged(repo, T0)
    assert message == "the latest integration-tests record for platform 0.2.0 in stage failed (2026-11-25T13:00:00Z)"
    override(repo, "checks")
    assert [f[0] for f in judged(repo, T0)] == ["gates.overridden"]


def test_a_change_moving_versions_into_two_environments_is_refused(default_repo: Path) -> None:
    repo = default_repo
    for step in (("bump", "service-a"), ("stamp",), ("release",)):
        ok(*step, "--repo", repo, "--now", T0)
    ungate(repo)  # prod's soak and checks would hold too: this test is about the one environment
    commit(repo, "released")
    edit(repo, "environments/stage/platform.lock.yaml", "platform: 0.1.0", "platform: 0.2.0")
    edit(
        repo,
        "environments/stage/platform.lock.yaml",
        "service-a:\n    version: 0.1.0",
        "service-a:\n    version: 0.2.0",
    )
    text = (repo / "environments/stage/platform.lock.yaml").read_text()
    (repo / LOCK).write_text(text.replace("stage", "prod"))
    found = judged(repo, T0)
    assert [(rule, file) for rule, file, _, _ in found] == [
        ("gates.one-environment", "environments/prod/platform.lock.yaml"),
        ("gates.one-environment", "environments/stage/platform.lock.yaml"),
    ]
    assert found[0][3] == (
        "this change moves versions into stage and prod; prod takes one environment's change at a time: "
        "one pull request per environment"
    )


def test_the_base_gates_judge_a_change_that_deletes_them(default_repo: Path) -> None:
    repo = on_stage(default_repo, 'freeze: [{weekly: "Fri 15:00-Mon 08:00", tz: Europe/Berlin}]')
    edit(repo, "platform.yaml", '    gates:\n      freeze: [{weekly: "Fri 15:00-Mon 08:00", tz: Europe/Berlin}]\n', "")
    pr_promote(repo)
    found = judged(repo, FRIDAY_EVENING)
    assert [rule for rule, _, _, _ in found] == ["gates.freeze", "gates.pending"]
    assert found[1][3] == (
        "the gates of prod change; they judge changes once this one is merged (the base's gates judge this one)"
    )


def test_overrides_need_a_reason_and_exactly_the_moves(default_repo: Path) -> None:
    repo = on_stage(default_repo, 'freeze: [{weekly: "Fri 15:00-Mon 08:00", tz: Europe/Berlin}]')
    pr_promote(repo)
    override(repo, "freeze", reason="TODO")
    assert [f[0] for f in judged(repo, FRIDAY_EVENING)] == ["gates.override-reason", "gates.freeze"]
    git(repo, "reset", "--quiet", "--hard", "HEAD~1")
    pr_promote(repo)
    override(repo, "freeze", platform="0.1.9")
    found = judged(repo, FRIDAY_EVENING)
    assert [f[0] for f in found] == ["gates.override-mismatch", "gates.freeze"]
    assert found[0][3] == "the freeze override names 0.1.9; this change moves platform 0.2.0 into prod"
    git(repo, "reset", "--quiet", "--hard", "HEAD~1")
    pr_promote(repo)
    override(repo, "soak")
    assert [f[0] for f in judged(repo, FRIDAY_EVENING)] == ["gates.override-unneeded", "gates.freeze"]


def test_a_rollback_is_never_gated(default_repo: Path) -> None:
    repo = on_stage(default_repo)
    pr_promote(repo)
    commit(repo, "prod on 0.2.0")
    gate(repo, "prod", 'freeze: [{weekly: "Fri 15:00-Mon 08:00", tz: Europe/Berlin}]\nsoak: 24h\nchecks: [smoke]')
    commit(repo, "gates")
    ok("rollback", "prod", "--to", "0.1.0", "--repo", repo, "--now", FRIDAY_EVENING)
    assert judged(repo, FRIDAY_EVENING) == []


def test_no_lock_change_is_judged_by_no_gate(default_repo: Path) -> None:
    repo = on_stage(default_repo, 'freeze: [{weekly: "Fri 15:00-Mon 08:00", tz: Europe/Berlin}]')
    verify(repo, "stage", "integration-tests", "0.2.0", "passed", T0)
    assert judged(repo, FRIDAY_EVENING) == []


@pytest.mark.parametrize(
    ("environment", "gates", "rule", "message"),
    [
        (
            "prod",
            'freeze: [{weekly: "Fri 15:00-Mon 08:00", tz: Europe/Berlni}]',
            "gates.unknown-time-zone",
            "unknown time zone `Europe/Berlni` (IANA names such as Europe/Berlin or UTC)",
        ),
        (
            "prod",
            "freeze: [{from: 2027-01-04, to: 2026-12-20, reason: holidays}]",
            "gates.freeze-range",
            "`from` 2027-01-04 is not before `to` 2026-12-20",
        ),
        ("dev", "soak: 1h", "gates.first-environment", "dev is the first environment: nothing runs before it to soak"),
        (
            "dev",
            "checks: [unit-tests]",
            "gates.first-environment",
            "dev is the first environment: nothing runs before it to checks",
        ),
        (
            "prod",
            "maxServicesPerPromotion: 2",
            "gates.max-services-mode",
            "prod is platform-mode: it moves whole platform versions, not a number of services",
        ),
    ],
)
def test_config_rules(default_repo: Path, environment: str, gates: str, rule: str, message: str) -> None:
    gate(default_repo, environment, gates)
    found = validation.checked(default_repo)[1]
    assert [(f.rule, f.file, f.message) for f in found if f.rule.startswith("gates.")] == [
        (rule, "platform.yaml", message)
    ]
