"""`lockstep verify`: a check's result recorded for what an environment runs now, and the way back after a failure."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.conftest import commit, git, run_lockstep

AT = "2026-11-28T11:00:00Z"
STAGE_RECORD = "environments/stage/verifications/platform/0.2.0-dev.1/integration-tests.20261128T110000Z.yaml"


@pytest.fixture
def identity(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Jane Doe")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "jane@example.com")
    return "Jane Doe <jane@example.com>"


@pytest.fixture
def moved(default_repo: Path) -> Path:
    """service-a 0.2.0 bumped in dev, stamped as platform 0.2.0-dev.1 and promoted to stage: stage ran 0.1.0 before."""
    for step in (("bump", "service-a"), ("stamp",), ("promote", "stage")):
        result = run_lockstep(*step, "--repo", default_repo, "--now", "2026-11-28T10:00:00Z")
        assert result.code == 0, result.err
        commit(default_repo, " ".join(step))
    return default_repo


def verify(repo: Path, *args: str) -> tuple[int, str, str]:
    result = run_lockstep("verify", "--repo", repo, "--now", AT, *args)
    return result.code, result.out, result.err


def test_a_record_is_written_and_committed(moved: Path, identity: str) -> None:
    url = "https://ci.example.com/runs/1"
    code, out, err = verify(
        moved, "--env", "stage", "--check", "integration-tests", "--result", "passed", "--url", url, "--commit"
    )
    assert code == 0, err
    assert out.splitlines()[:2] == [
        "integration-tests passed for platform 0.2.0-dev.1 in stage",
        f"wrote {STAGE_RECORD}",
    ]
    assert yaml.safe_load((moved / STAGE_RECORD).read_text()) == {
        "apiVersion": "lockstep/v1",
        "kind": "Verification",
        "environment": "stage",
        "check": "integration-tests",
        "version": "0.2.0-dev.1",
        "result": "passed",
        "at": AT,
        "by": identity,
        "url": url,
    }
    assert git(moved, "status", "--porcelain") == ""
    assert (
        git(moved, "log", "-1", "--format=%s")
        == "verify stage: integration-tests passed for platform 0.2.0-dev.1 in stage\n"
    )
    code, _, err = verify(moved, "--env", "stage", "--check", "integration-tests", "--result", "passed")
    assert (code, err) == (
        1,
        f"lockstep: refused, nothing written: a record of integration-tests at {AT} exists; retry\n",
    )


def test_a_service_record_in_an_independent_environment(moved: Path, identity: str) -> None:
    code, out, err = verify(
        moved, "--env", "dev", "--service", "service-a", "--check", "unit-tests", "--result", "passed"
    )
    assert code == 0, err
    assert "wrote environments/dev/verifications/services/service-a/0.2.0/unit-tests.20261128T110000Z.yaml" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--env", "stage", "--version", "0.1.0"),
            "stage runs platform 0.2.0-dev.1, not 0.1.0: a record is accepted only for what it runs now",
        ),
        (
            ("--env", "prod", "--version", "0.2.0-dev.1"),
            "prod runs platform 0.1.0, not 0.2.0-dev.1: a record is accepted only for what it runs now",
        ),
        (
            ("--env", "dev", "--service", "service-a", "--version", "0.1.0"),
            "dev runs service-a 0.2.0, not 0.1.0: a record is accepted only for what it runs now",
        ),
    ],
)
def test_refused_for_what_the_environment_does_not_run(
    moved: Path, identity: str, args: tuple[str, ...], message: str
) -> None:
    code, out, err = verify(moved, *args, "--check", "integration-tests", "--result", "passed")
    assert (code, out, err) == (1, "", f"lockstep: refused, nothing written: {message}\n")
    assert not list(moved.glob("environments/*/verifications"))


def test_a_failure_prints_the_way_back(moved: Path, identity: str) -> None:
    code, out, err = verify(moved, "--env", "stage", "--check", "integration-tests", "--result", "failed")
    assert code == 0, err
    assert out.splitlines() == [
        "integration-tests failed for platform 0.2.0-dev.1 in stage",
        f"wrote {STAGE_RECORD}",
        "the way back (not written; run it, or verify with --rollback):",
        "rollback of stage: platform 0.2.0-dev.1 -> 0.1.0",
        "  lockstep rollback stage --to 0.1.0",
    ]
    assert yaml.safe_load((moved / "environments/stage/platform.lock.yaml").read_text())["platform"] == "0.2.0-dev.1"
    code, out, err = verify(
        moved, "--env", "dev", "--service", "service-a", "--check", "unit-tests", "--result", "failed"
    )
    assert code == 0, err
    assert out.splitlines()[2:] == [
        "the way back (not written; run it, or verify with --rollback):",
        "rollback of dev:",
        "service    from   to     why",
        "service-a  0.2.0  0.1.0  requested",
        "  lockstep rollback dev --service service-a --to 0.1.0",
    ]


def test_rollback_writes_the_lock_the_rollback_record_and_the_record_in_one_commit(moved: Path, identity: str) -> None:
    before = git(moved, "rev-parse", "HEAD")
    code, _, err = verify(
        moved, "--env", "stage", "--check", "integration-tests", "--result", "failed", "--rollback", "--commit"
    )
    assert code == 0, err
    assert git(moved, "rev-parse", "HEAD~1") == before
    assert sorted(git(moved, "show", "--name-only", "--format=", "HEAD").split()) == [
        "environments/stage/platform.lock.yaml",
        "environments/stage/rollbacks.yaml",
        STAGE_RECORD,
    ]
    assert yaml.safe_load((moved / "environments/stage/platform.lock.yaml").read_text())["platform"] == "0.1.0"
    assert run_lockstep("validate", "--repo", moved, "--base", "HEAD~1").code == 0


def test_nothing_older_says_so(moved: Path, identity: str) -> None:
    code, out, err = verify(moved, "--env", "prod", "--check", "smoke", "--result", "failed")
    assert code == 0, err
    assert out.splitlines()[-1] == (
        "no way back: prod ran no platform version older than 0.1.0: there is nothing to roll back to"
    )
    git(moved, "clean", "-fdq")
    code, out, err = verify(moved, "--env", "prod", "--check", "smoke", "--result", "failed", "--rollback")
    assert (code, out) == (1, "")
    assert "prod ran no platform version older than 0.1.0" in err
    assert git(moved, "status", "--porcelain") == ""


def test_no_identity_is_a_usage_error(moved: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_AUTHOR_NAME", "")  # git refuses an empty name whatever it could guess
    code, out, err = verify(moved, "--env", "stage", "--check", "integration-tests", "--result", "passed")
    assert (code, out) == (2, "")
    assert err == "lockstep: error: verify needs a git identity (who recorded it): set user.name and user.email\n"
    assert git(moved, "status", "--porcelain") == ""


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (("--url", "http://ci.example.com/runs/1"), "--url: `url` `http://ci.example.com/runs/1` is not an https URL"),
        (("--check", "Integration_Tests"), "--check: `check` `Integration_Tests` is not a DNS-1123 label"),
    ],
)
def test_bad_values_are_usage_errors(moved: Path, identity: str, option: tuple[str, str], message: str) -> None:
    args = {"--check": "integration-tests", **dict([option])}
    code, out, err = verify(moved, "--env", "stage", "--result", "passed", *(x for kv in args.items() for x in kv))
    assert (code, out) == (2, "")
    assert err.startswith(f"lockstep: error: {message}")
    assert git(moved, "status", "--porcelain") == ""
