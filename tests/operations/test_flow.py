"""The release flow end to end, per strategy, as a team runs it: each step a command, then validate
(working tree and pull-request mode against the previous commit), then a commit."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.conftest import commit, run_lockstep, validate

FLOWS = {
    "combined": [["bump", "service-a"], ["release"], ["promote", "stage"], ["promote", "prod"]],
    "monolith": [["bump", "service-a"], ["release"], ["promote", "stage"], ["promote", "prod"]],
    "independent": [
        ["bump", "service-a"],
        ["promote", "stage", "--service", "service-a"],
        ["promote", "prod", "--service", "service-a"],
    ],
}


def lock(repo: Path, environment: str) -> dict:
    return yaml.safe_load((repo / f"environments/{environment}/platform.lock.yaml").read_text())


@pytest.mark.parametrize("strategy", sorted(FLOWS))
def test_happy_path(strategy: str, new_repo) -> None:
    repo = new_repo("--strategy", strategy)
    for step in FLOWS[strategy]:
        result = run_lockstep(*step, "--repo", repo)
        assert result.code == 0, f"{step}: {result.out}{result.err}"
        for extra in ([], ["--base", "HEAD"]):
            checked = validate(repo, *extra)
            assert (checked.code, checked.out) == (0, "no findings\n"), f"{step} {extra}: {checked.out}"
        commit(repo, " ".join(step))
    assert {lock(repo, env)["services"]["service-a"]["version"] for env in ("dev", "stage", "prod")} == {"0.1.1"}
    if strategy != "independent":
        assert lock(repo, "prod")["platform"] == "0.2.0"
        ledger = yaml.safe_load((repo / "releases/0.2.0.yaml").read_text())
        assert [p["environment"] for p in ledger["promotions"]] == ["dev", "stage", "prod"]
    status = run_lockstep("status", "--repo", repo)
    assert status.code == 0 and "nothing waiting to be promoted" in status.out


def test_six_environments_move_services_then_platform_versions(new_repo) -> None:
    repo = new_repo("--environments", "dev,test,qa,uat,stage,prod")
    steps = [
        ["bump", "service-b", "minor"],
        ["promote", "test"],
        ["promote", "qa", "--service", "service-b"],
        ["promote", "uat"],
        ["promote", "stage"],
        ["promote", "prod"],
    ]
    for step in steps:
        result = run_lockstep(*step, "--repo", repo)
        assert result.code == 0, f"{step}: {result.out}{result.err}"
        checked = validate(repo, "--base", "HEAD")
        assert checked.code == 0, f"{step}: {checked.out}"
        commit(repo, " ".join(step))
    # uat ran exactly dev's trunk snapshot, so stage could take that platform version without a release
    assert lock(repo, "prod")["platform"] == "0.2.0-dev.1"
    ledger = yaml.safe_load((repo / "releases/0.2.0-dev.1.yaml").read_text())
    assert [p["environment"] for p in ledger["promotions"]] == ["dev", "test", "qa", "uat", "stage", "prod"]
