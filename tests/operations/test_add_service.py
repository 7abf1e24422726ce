"""`lockstep add-service`, run as a user runs it, then checked with validate."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.conftest import run_lockstep, validate


def test_add_service_keeps_comments_and_validates(default_repo: Path) -> None:
    before = (default_repo / "platform.yaml").read_text()
    result = run_lockstep("add-service", "payments", "--language", "java", "--port", "9000", "--repo", default_repo)
    assert result.code == 0, result.err
    after = (default_repo / "platform.yaml").read_text()
    assert after.startswith(before)  # comments and order kept; the service is appended
    assert after[len(before) :] == (
        "  payments:\n    language: java\n    port: 9000\n    api: services/payments/openapi.yaml\n"
        "    rollout: rolling\n    replicas: 2\n    environments:\n      dev:\n        replicas: 1\n"
    )
    assert (default_repo / "services/payments/Main.java").is_file()
    assert "EXPOSE 9000" in (default_repo / "services/payments/Dockerfile").read_text()
    dev = yaml.safe_load((default_repo / "environments/dev/platform.lock.yaml").read_text())
    assert dev["services"]["payments"]["version"] == "0.1.0"
    assert "platform" not in dev  # a new combination in dev: `lockstep stamp` gives it its platform version
    stage = yaml.safe_load((default_repo / "environments/stage/platform.lock.yaml").read_text())
    assert "payments" not in stage["services"]  # arrives there by promotion
    answers = yaml.safe_load((default_repo / ".lockstep/answers.yaml").read_text())
    assert answers["answers"]["services"]["payments"] == {"language": "java", "port": 9000}
    assert validate(default_repo).code == 0, validate(default_repo).out


@pytest.mark.parametrize("rollout", ["blue-green", "canary"])
def test_add_service_with_a_rollout(rollout: str, default_repo: Path) -> None:
    result = run_lockstep("add-service", "payments", "--language", "go", "--rollout", rollout, "--repo", default_repo)
    assert result.code == 0, result.err
    manifest = yaml.safe_load((default_repo / "platform.yaml").read_text())
    assert manifest["services"]["payments"]["rollout"] == rollout
    answers = yaml.safe_load((default_repo / ".lockstep/answers.yaml").read_text())
    assert answers["answers"]["services"]["payments"] == {"language": "go", "port": 8080, "rollout": rollout}
    assert validate(default_repo).out == "no findings\n"


def test_add_service_refuses_an_unknown_rollout(default_repo: Path) -> None:
    before = (default_repo / "platform.yaml").read_text()
    result = run_lockstep(
        "add-service", "payments", "--language", "go", "--rollout", "big-bang", "--repo", default_repo
    )
    assert (result.code, result.out) == (2, "")
    assert result.err == (
        "lockstep: error: --rollout: `rollout` `big-bang` is not a rollout strategy: rolling, blue-green or canary\n"
    )
    assert (default_repo / "platform.yaml").read_text() == before and not (default_repo / "services/payments").exists()


def test_add_service_dry_run_writes_nothing(default_repo: Path) -> None:
    result = run_lockstep("add-service", "payments", "--language", "go", "--repo", default_repo, "--dry-run")
    assert result.code == 0, result.err
    assert "+++ b/services/payments/Dockerfile" in result.out
    assert "+  payments:" in result.out
    assert not (default_repo / "services/payments").exists()
    assert "payments" not in (default_repo / "platform.yaml").read_text()


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["service-a", "--language", "go"], "already exists"),
        (["Bad_Name", "--language", "go"], "Bad_Name"),
        (["pay", "--language", "cobol"], "cobol"),
    ],
)
def test_add_service_refuses_bad_input(args: list[str], named: str, default_repo: Path) -> None:
    before = (default_repo / "platform.yaml").read_text()
    result = run_lockstep("add-service", *args, "--repo", default_repo)
    assert result.code == 2
    [line] = result.err.strip().splitlines()
    assert named in line
    assert (default_repo / "platform.yaml").read_text() == before


def test_add_service_to_an_independent_platform(new_repo) -> None:
    repo = new_repo("--strategy", "independent", "--services", "a:go")
    assert run_lockstep("add-service", "b", "--language", "python", "--repo", repo).code == 0
    lock = yaml.safe_load((repo / "environments/dev/platform.lock.yaml").read_text())
    assert "platform" not in lock and set(lock["services"]) == {"a", "b"}
    assert not (repo / "releases").exists()
    assert validate(repo).code == 0
