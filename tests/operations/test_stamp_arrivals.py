"""`lockstep stamp` records arrivals: in every environment, what its lock runs since when (soak counts from them)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import yaml

from tests.conftest import commit, git, run_lockstep

FIRST, LATER, NEXT_MONTH = "2026-11-28T10:00:00Z", "2026-11-28T12:00:00Z", "2026-12-01T00:00:05Z"
SERVICES = ("service-a", "service-b", "service-c")


def stamp(repo: Path, now: str) -> tuple[int, str]:
    result = run_lockstep("stamp", "--repo", repo, "--now", now, "--commit")
    assert result.code == 0, result.err
    return result.code, result.out


def arrivals(repo: Path, environment: str, month: str = "2026-11") -> list[dict[str, str]]:
    path = repo / f"environments/{environment}/arrivals/{month}.yaml"
    return yaml.safe_load(path.read_text())["arrivals"]


def test_every_environment_gets_its_arrivals_and_a_second_stamp_writes_nothing(default_repo: Path) -> None:
    _, out = stamp(default_repo, FIRST)
    pins = [{"at": FIRST, "service": name, "version": "0.1.0"} for name in SERVICES]
    assert arrivals(default_repo, "dev") == pins  # dev moves services one by one: no platform arrival
    for environment in ("stage", "prod"):
        assert arrivals(default_repo, environment) == [{"at": FIRST, "platform": "0.1.0"}, *pins]
    assert out.splitlines()[:2] == [
        "dev runs platform 0.1.0 already",
        f"arrived in dev at {FIRST}: service-a 0.1.0, service-b 0.1.0, service-c 0.1.0",
    ]
    head = git(default_repo, "rev-parse", "HEAD")
    _, out = stamp(default_repo, LATER)
    assert out == "dev runs platform 0.1.0 already; nothing to stamp\n"
    assert git(default_repo, "rev-parse", "HEAD") == head
    assert git(default_repo, "status", "--porcelain") == ""


def test_a_bump_and_a_promotion_arrive_where_they_land(default_repo: Path) -> None:
    stamp(default_repo, FIRST)
    assert run_lockstep("bump", "service-a", "--repo", default_repo).code == 0
    commit(default_repo, "bump")
    _, out = stamp(default_repo, LATER)
    assert out.splitlines()[:2] == [
        "platform 0.2.0-dev.1 stamped on what dev runs",
        f"arrived in dev at {LATER}: service-a 0.2.0",
    ]
    assert arrivals(default_repo, "dev")[-1] == {"at": LATER, "service": "service-a", "version": "0.2.0"}
    assert run_lockstep("promote", "stage", "--repo", default_repo).code == 0
    commit(default_repo, "promote stage")
    stamp(default_repo, NEXT_MONTH)  # a new month: a new file, the old one as it was
    assert arrivals(default_repo, "stage", "2026-12") == [
        {"at": NEXT_MONTH, "platform": "0.2.0-dev.1"},
        {"at": NEXT_MONTH, "service": "service-a", "version": "0.2.0"},
    ]
    assert len(arrivals(default_repo, "stage")) == 4
    assert not (default_repo / "environments/prod/arrivals/2026-12.yaml").exists()
    assert run_lockstep("validate", "--repo", default_repo, "--base", "HEAD~1", "--now", NEXT_MONTH).code == 0


def test_strategy_independent_records_arrivals_only(strategy_repo: Callable[..., Path]) -> None:
    repo = strategy_repo("independent")
    _, out = stamp(repo, FIRST)
    assert out.splitlines()[0] == f"arrived in dev at {FIRST}: service-a 0.1.0, service-b 0.1.0, service-c 0.1.0"
    assert not list(repo.glob("releases/*"))
    assert arrivals(repo, "prod") == [{"at": FIRST, "service": name, "version": "0.1.0"} for name in SERVICES]
    assert run_lockstep("bump", "service-b", "--repo", repo).code == 0
    commit(repo, "bump")
    _, out = stamp(repo, LATER)
    assert out.splitlines()[0] == f"arrived in dev at {LATER}: service-b 0.1.1"
    _, out = stamp(repo, LATER)
    assert out == "no new arrivals; nothing to stamp\n"
