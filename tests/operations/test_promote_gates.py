"""Writers and the gates: `promote` and `bump` refuse what a gate blocks (exit 1, one line naming the gate and
when it opens), pass once time passes (`--now`), and record `--override GATE --reason TEXT` in the same change."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from generator import layout
from tests.conftest import commit, run_lockstep
from tests.validators.test_gates import FRIDAY_EVENING, MONDAY_OPEN, T0, arrive, gate, ok, on_stage, verify

WEEKEND = 'freeze: [{weekly: "Fri 15:00-Mon 08:00", tz: Europe/Berlin}]'


@pytest.fixture(autouse=True)
def identity(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Jane Doe")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "jane@example.com")


def promote_prod(repo: Path, now: str, *options: str):  # type: ignore[no-untyped-def]
    return run_lockstep("promote", "prod", "--repo", repo, "--now", now, *options)


def overrides(repo: Path, environment: str = "prod") -> list[dict]:
    return yaml.safe_load((repo / layout.overrides(environment)).read_text())["overrides"]


def test_freeze_refuses_promote_until_it_opens(default_repo: Path) -> None:
    repo = on_stage(default_repo, WEEKEND)
    result = promote_prod(repo, FRIDAY_EVENING)
    assert result.code == 1
    assert result.err == (
        "lockstep: refused, nothing written: gate freeze holds prod: prod is frozen (weekly Fri 15:00-Mon 08:00 "
        "Europe/Berlin) until 2026-11-30T07:00:00Z (Mon 08:00 CET); pass it with --override freeze --reason TEXT\n"
    )
    assert "platform: 0.1.0" in (repo / layout.lock("prod")).read_text()
    assert promote_prod(repo, MONDAY_OPEN).code == 0


def test_an_override_is_recorded_with_who_and_why_in_the_same_change(default_repo: Path) -> None:
    repo = on_stage(default_repo, WEEKEND)
    result = promote_prod(repo, FRIDAY_EVENING, "--override", "freeze", "--reason", "hotfix for INC-4711", "--commit")
    assert result.code == 0, result.err
    assert overrides(repo) == [
        {
            "at": FRIDAY_EVENING,
            "gate": "freeze",
            "reason": "hotfix for INC-4711",
            "by": "Jane Doe <jane@example.com>",
            "platform": "0.2.0",
        }
    ]
    assert "platform: 0.2.0" in (repo / layout.lock("prod")).read_text()
    result = run_lockstep("validate", "--repo", repo, "--base", "HEAD~1", "--now", FRIDAY_EVENING, "--only", "gates")
    assert result.code == 0 and "gates.overridden" in result.out


def test_an_override_without_a_reason_or_identity_is_a_usage_error(default_repo: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    repo = on_stage(default_repo, WEEKEND)
    blank = promote_prod(repo, FRIDAY_EVENING, "--override", "freeze", "--reason", "  ")
    assert blank.code == 2 and "--override freeze needs a --reason" in blank.err
    missing = promote_prod(repo, FRIDAY_EVENING, "--override", "freeze")
    assert missing.code == 2 and "each --override GATE takes one --reason TEXT" in missing.err
    for name in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL"):
        monkeypatch.delenv(name)
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", "/dev/null")
    anonymous = promote_prod(repo, FRIDAY_EVENING, "--override", "freeze", "--reason", "hotfix")
    assert anonymous.code == 2 and "--override needs a git identity (who overrides)" in anonymous.err
    assert not (repo / layout.overrides("prod")).exists()


def test_an_override_of_a_gate_that_does_not_hold_is_refused(default_repo: Path) -> None:
    repo = on_stage(default_repo, WEEKEND)
    result = promote_prod(repo, MONDAY_OPEN, "--override", "freeze", "--reason", "just in case")
    assert result.code == 1 and "gates.override-unneeded: the freeze gate does not hold prod" in result.err


def test_soak_refuses_promote_until_it_ran_long_enough(default_repo: Path) -> None:
    repo = on_stage(default_repo, "soak: 24h")
    arrive(repo, "stage", T0, "0.2.0")
    result = promote_prod(repo, "2026-11-26T09:00:00Z")
    assert result.code == 1
    assert result.err == (
        "lockstep: refused, nothing written: gate soak holds prod: platform 0.2.0 has run in stage since "
        "2026-11-25T10:00:00Z; prod needs 24h: opens 2026-11-26T10:00:00Z; pass it with --override soak --reason TEXT\n"
    )
    assert promote_prod(repo, "2026-11-26T09:00:00Z", "--override", "soak", "--reason", "INC-1 fix").code == 0
    assert overrides(repo)[0]["gate"] == "soak"


def test_checks_refuse_promote_until_a_record_passes(default_repo: Path) -> None:
    repo = on_stage(default_repo, 'checks: [integration-tests]\nfreeze: [{weekly: "Fri 15:00-Mon 08:00"}]')
    result = promote_prod(repo, FRIDAY_EVENING)
    assert result.code == 1
    assert "gate freeze holds prod" in result.err and result.err.endswith("(checks holds too)\n")
    verify(repo, "stage", "integration-tests", "0.2.0", "passed", T0)
    assert promote_prod(repo, T0).code == 0


def test_max_services_refuses_a_storm_one_service_at_a_time_passes(new_repo) -> None:  # type: ignore[no-untyped-def]
    repo = new_repo("--strategy", "independent")
    gate(repo, "stage", "maxServicesPerPromotion: 1")
    for service in ("service-a", "service-b"):
        ok("bump", service, "--repo", repo, "--now", T0)
    commit(repo, "two bumps")
    result = run_lockstep("promote", "stage", "--repo", repo, "--now", T0)
    assert result.code == 1
    assert "gate max-services holds stage: this change moves 2 services into stage; stage takes at most 1" in result.err
    assert run_lockstep("promote", "stage", "--service", "service-a", "--repo", repo, "--now", T0).code == 0
    forced = run_lockstep("promote", "stage", "--repo", repo, "--now", T0)
    assert forced.code == 0, forced.err  # service-b alone now


def test_a_freeze_of_the_first_environment_holds_bump_and_never_a_rollback(default_repo: Path) -> None:
    repo = default_repo
    gate(repo, "dev", WEEKEND)
    commit(repo, "dev frozen on weekends")
    result = run_lockstep("bump", "service-a", "--repo", repo, "--now", FRIDAY_EVENING)
    assert result.code == 1 and "gate freeze holds dev" in result.err
    ok("bump", "service-a", "--repo", repo, "--now", FRIDAY_EVENING, "--override", "freeze", "--reason", "hotfix")
    assert overrides(repo, "dev")[0]["services"] == {"service-a": "0.2.0"}
    commit(repo, "bumped")
    ok("rollback", "dev", "--service", "service-a", "--to", "0.1.0", "--repo", repo, "--now", FRIDAY_EVENING)
