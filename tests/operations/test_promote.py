from __future__ import annotations

from pathlib import Path

import yaml

from tests.conftest import run_lockstep, ungated, validate
from tests.operations.test_bump import built


def lock(repo: Path, environment: str) -> dict:
    return yaml.safe_load((repo / f"environments/{environment}/platform.lock.yaml").read_text())


def snapshot(repo: Path) -> dict[str, str]:
    return {
        p.relative_to(repo).as_posix(): p.read_text() for p in sorted(repo.rglob("*.yaml")) if ".git" not in p.parts
    }


def released(repo: Path) -> Path:
    assert run_lockstep("bump", "service-a", "--repo", repo).code == 0
    assert run_lockstep("release", "--repo", repo).code == 0
    return repo


def test_promote_prod_with_a_version_stage_never_had_is_refused(default_repo: Path) -> None:
    repo = released(default_repo)
    before = snapshot(repo)
    result = run_lockstep("promote", "prod", "--version", "0.2.0", "--repo", repo)
    assert result.code == 1
    assert result.err.strip() == (
        "lockstep: refused, nothing written: stage never ran platform 0.2.0; prod is not "
        "next on its path (promote it to stage first)"
    )
    assert snapshot(repo) == before


def test_promote_the_first_environment_is_refused(default_repo: Path) -> None:
    result = run_lockstep("promote", "dev", "--repo", default_repo)
    assert result.code == 1 and "dev is the first environment" in result.err


def test_promote_a_service_stage_does_not_run_is_refused(new_repo) -> None:
    repo = new_repo("--strategy", "independent")
    assert run_lockstep("bump", "service-a", "--repo", repo).code == 0
    before = snapshot(repo)
    result = run_lockstep("promote", "prod", "--service", "service-a", "--version", "0.1.1", "--repo", repo)
    assert result.code == 1
    assert "stage runs service-a 0.1.0, not 0.1.1" in result.err
    assert snapshot(repo) == before


def test_promote_into_an_unknown_environment_is_usage_error(default_repo: Path) -> None:
    result = run_lockstep("promote", "qa", "--repo", default_repo)
    assert result.code == 2 and "`qa` is not an environment of platform.yaml (path: dev -> stage -> prod)" in result.err


def test_service_promotion_into_a_platform_environment_is_refused(default_repo: Path) -> None:
    result = run_lockstep("promote", "stage", "--service", "service-a", "--repo", default_repo)
    assert result.code == 1 and "moves whole platform versions" in result.err


def test_promote_appends_to_the_ledger_with_a_utc_timestamp(default_repo: Path) -> None:
    repo = released(default_repo)
    assert run_lockstep("promote", "stage", "--repo", repo).code == 0
    ledger = yaml.safe_load((repo / "releases/0.2.0.yaml").read_text())
    assert [p["environment"] for p in ledger["promotions"]] == ["dev", "stage"]
    assert ledger["promotions"][1]["at"].endswith("Z")
    assert lock(repo, "stage")["services"] == ledger["services"]


def test_nothing_to_promote_writes_nothing(default_repo: Path) -> None:
    before = snapshot(default_repo)
    result = run_lockstep("promote", "prod", "--repo", default_repo)
    assert result.code == 0 and "nothing to promote" in result.out
    assert snapshot(default_repo) == before


def test_going_back_is_a_rollback_not_a_promotion(default_repo: Path) -> None:
    repo = released(default_repo)
    assert run_lockstep("promote", "stage", "--repo", repo).code == 0
    result = run_lockstep("promote", "stage", "--version", "0.1.0", "--repo", repo)
    assert result.code == 1 and "rollback" in result.err


def test_promote_an_older_version_the_upstream_ran(default_repo: Path) -> None:
    """stage may take any version dev ran (the ledger says so), not only dev's newest."""
    repo = released(default_repo)
    assert run_lockstep("bump", "service-b", "--repo", repo).code == 0
    result = run_lockstep("promote", "stage", "--version", "0.2.0", "--repo", repo)
    assert result.code == 0, result.err
    assert lock(repo, "stage")["platform"] == "0.2.0"
    assert validate(repo).code == 0


def test_a_built_version_carries_its_chart_through_stamp_release_and_every_promotion(new_repo) -> None:
    """The pin moves whole: image digest and chart digest arrive in every environment and every snapshot."""
    repo = ungated(new_repo("--environments", "dev,qa,stage,prod"))  # combined: dev and qa move services one by one
    args = built("service-a", "0.2.0")
    assert run_lockstep("bump", "service-a", *args, "--repo", repo).code == 0
    pin = {"version": "0.2.0", "image": args[1], "chart": args[3]}
    assert run_lockstep("stamp", "--repo", repo).code == 0
    assert yaml.safe_load((repo / "releases/0.2.0-dev.1.yaml").read_text())["services"]["service-a"] == pin
    assert run_lockstep("promote", "qa", "--repo", repo).code == 0
    assert lock(repo, "qa")["services"]["service-a"] == pin
    assert run_lockstep("release", "--repo", repo).code == 0
    assert yaml.safe_load((repo / "releases/0.2.0.yaml").read_text())["services"]["service-a"] == pin
    for environment in ("stage", "prod"):
        result = run_lockstep("promote", environment, "--repo", repo)
        assert result.code == 0, result.err
        assert lock(repo, environment)["services"]["service-a"] == pin
    assert validate(repo).code == 0
