"""`lockstep remove-service`: a service leaves the first environment, then each next one as it is promoted, then the
manifest; released snapshots keep it as history. Each step committed and checked in pull-request mode."""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.conftest import commit, derive, edit, run_lockstep, ungated, validate


def step(repo: Path, *args: str) -> str:
    result = run_lockstep(*args, "--repo", repo)
    assert result.code == 0, f"{args}: {result.err}"
    commit(repo, " ".join(args))
    for extra in (["--base", "HEAD~1"], []):
        checked = validate(repo, *extra)
        assert (checked.code, checked.out) == (0, "no findings\n"), f"{args} {extra}: {checked.out}"
    return result.out


def pinned_in(repo: Path, service: str) -> list[str]:
    return [
        env
        for env in ("dev", "stage", "prod")
        if service in yaml.safe_load((repo / f"environments/{env}/platform.lock.yaml").read_text())["services"]
    ]


def test_a_service_leaves_along_the_path_then_the_manifest(default_repo: Path) -> None:
    ungated(default_repo)
    out = step(default_repo, "remove-service", "service-c")
    assert out.startswith("service-c leaves dev; it leaves stage, prod as they are promoted")
    assert pinned_in(default_repo, "service-c") == ["stage", "prod"]
    assert yaml.safe_load((default_repo / "platform.yaml").read_text())["services"]["service-c"]["retired"] is True
    refused = run_lockstep("bump", "service-c", "--repo", default_repo)
    assert refused.code == 1 and "`service-c` is not a service of platform.yaml" in refused.err

    for args in (["stamp"], ["release"], ["promote", "stage"]):
        step(default_repo, *args)
    assert pinned_in(default_repo, "service-c") == ["prod"]
    status = run_lockstep("status", "--repo", default_repo)
    assert "prod <- stage: platform 0.2.0" in status.out
    step(default_repo, "promote", "prod")
    assert pinned_in(default_repo, "service-c") == []

    out = step(default_repo, "remove-service", "service-c")
    assert out.startswith("service-c removed from platform.yaml, with its files")
    assert "service-c" not in yaml.safe_load((default_repo / "platform.yaml").read_text())["services"]
    assert (
        "service-c" not in yaml.safe_load((default_repo / ".lockstep/answers.yaml").read_text())["answers"]["services"]
    )
    assert not (default_repo / "services/service-c").exists() and not (default_repo / "charts/service-c").exists()
    assert not list(default_repo.glob("environments/*/values/service-c.yaml"))
    assert "service-c" in (default_repo / "releases/0.1.0.yaml").read_text()  # history stays


def test_independent_environments_take_the_removal_by_promotion(new_repo) -> None:
    repo = new_repo("--strategy", "independent")
    step(repo, "remove-service", "service-b")
    step(repo, "promote", "stage", "--service", "service-b")
    assert pinned_in(repo, "service-b") == ["prod"]
    step(repo, "promote", "prod")
    step(repo, "remove-service", "service-b")
    assert not (repo / "services/service-b").exists()


def test_a_service_another_requires_cannot_leave(default_repo: Path) -> None:
    edit(
        default_repo, "platform.yaml", "    language: go\n", "    language: go\n    requires: {service-b: '>=0.1.0'}\n"
    )
    derive(default_repo)
    step(default_repo, "bump", "service-a")
    result = run_lockstep("remove-service", "service-b", "--repo", default_repo)
    assert result.code == 1 and "compatibility.missing-service" in result.err
    assert pinned_in(default_repo, "service-b") == ["dev", "stage", "prod"]
