"""The whole versioning flow, per strategy and number of environments, as a team runs it through pull requests:
each step a command (checked with --dry-run first: it must exit as the real run does), then a commit, then
`validate --base HEAD~1` (pull-request mode against the step before) and `validate`, clean throughout.

trunk bump -> stamp (after the merge) -> promote through the independent environments -> release (from the
environment before the first platform-mode one) -> promote through the platform environments. After every merge
the trunk workflow's `stamp` records what arrived where; the last environment's generated gates (soak 24h,
integration-tests) are met as a team meets them: the check recorded upstream, a day of soak."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml

from generator.answers import modes
from tests.conftest import commit, git, run_lockstep, validate

NAMES = ["dev", "test", "qa", "uat", "perf", "preprod", "stage", "prod"]


def lock(repo: Path, environment: str) -> dict:
    return yaml.safe_load((repo / f"environments/{environment}/platform.lock.yaml").read_text())


def flow(strategy: str, names: list[str]) -> list[list[str]]:
    """The commands that take a new version of service-a from the first environment to the last."""
    environments = modes(strategy, names)
    steps = [["bump", "service-a"], ["stamp"]]  # the trunk workflow after the merge (arrivals; a number)
    if strategy == "independent":
        return steps + [["promote", env.name] for env in environments[1:]]
    first_platform = next((i for i, env in enumerate(environments) if env.mode == "platform"), 0)
    source = max(first_platform - 1, 0)
    steps += [["promote", env.name] for env in environments[1 : source + 1]]
    steps.append(["release"])
    steps += [["promote", env.name] for env in environments[source + 1 :]]
    return steps


class Clock:
    """The time every step runs at (`--now`): an hour per step, a day where a soak waits."""

    def __init__(self) -> None:
        self.at = datetime(2026, 11, 30, 9, tzinfo=timezone.utc)  # a Monday

    def tick(self, hours: int = 1) -> str:
        self.at += timedelta(hours=hours)
        return self.at.strftime("%Y-%m-%dT%H:%M:%SZ")


def step(repo: Path, args: list[str], clock: Clock) -> None:
    """One pull request (dry run, run, commit, checked), then the trunk workflow's `stamp` after its merge."""
    now = ["--now", clock.tick()]
    dry = run_lockstep(*args, "--dry-run", *now, "--repo", repo)
    assert git(repo, "status", "--porcelain") == "", f"{args} --dry-run wrote"
    real = run_lockstep(*args, *now, "--repo", repo)
    assert (dry.code, real.code) == (0, 0), f"{args}: {dry.err}{real.err}"
    commit(repo, " ".join(args))
    for extra in (["--base", "HEAD~1"], []):
        checked = validate(repo, *extra, *now)
        assert (checked.code, checked.out) == (0, "no findings\n"), f"{args} {extra}: {checked.out}"
    if args[0] not in ("bump", "stamp"):  # a bump's stamp is a step of its own
        assert run_lockstep("stamp", "--commit", "--now", clock.tick(), "--repo", repo).code == 0


def pass_gates(repo: Path, environment: str, clock: Clock) -> None:
    """What the generated gates of `environment` ask before a promotion: its upstream's integration tests
    recorded for what it runs, and a day of soak."""
    upstream = yaml.safe_load((repo / "platform.yaml").read_text())["environments"]
    names = [env["name"] for env in upstream]
    source = names[names.index(environment) - 1]
    pinned = lock(repo, source)
    git(repo, "config", "user.name", "CI")  # who records the check
    git(repo, "config", "user.email", "ci@example.com")
    subject = [] if pinned.get("platform") else ["--service", "service-a"]
    recorded = run_lockstep(
        "verify", "--env", source, "--check", "integration-tests", "--result", "passed", *subject,
        "--now", clock.tick(), "--commit", "--repo", repo,
    )  # fmt: skip
    assert recorded.code == 0, recorded.err
    clock.tick(24)


@pytest.mark.parametrize("count", [1, 2, 3, 5, 8])
@pytest.mark.parametrize("strategy", ["combined", "monolith", "independent"])
def test_the_whole_flow(strategy: str, count: int, new_repo: Callable[..., Path]) -> None:
    names = ["dev", *NAMES[-(count - 1) :]] if count > 1 else ["prod"]
    repo = new_repo("--strategy", strategy, "--environments", ",".join(names))
    clock = Clock()
    for args in flow(strategy, names):
        if args == ["promote", names[-1]]:
            pass_gates(repo, names[-1], clock)
        step(repo, args, clock)
    expected = "0.1.1" if strategy == "independent" else "0.2.0"  # after a release, trunk moves the minor
    assert {lock(repo, env)["services"]["service-a"]["version"] for env in names} == {expected}
    if strategy != "independent":
        assert lock(repo, names[-1])["platform"] == "0.2.0"
        ledger = yaml.safe_load((repo / "releases/0.2.0.yaml").read_text())
        source = [p["environment"] for p in ledger["promotions"]]
        assert source == names[names.index(source[0]) :]  # cut at the source, then every environment after it
    status = run_lockstep("status", "--repo", repo)
    assert status.code == 0 and "nothing waiting to be promoted" in status.out


def test_nothing_new_to_release_is_a_no_op(default_repo: Path) -> None:
    result = run_lockstep("release", "--repo", default_repo)
    assert (result.code, result.out) == (
        0,
        "dev runs exactly platform 0.1.0, the newest release; nothing new to release\n",
    )
    assert git(default_repo, "status", "--porcelain") == ""


def test_stage_may_take_a_trunk_version_production_may_not(new_repo: Callable[..., Path]) -> None:
    repo, clock = new_repo("--environments", "dev,test,qa,uat,stage,prod"), Clock()
    for args in (["bump", "service-b", "minor"], ["stamp"], ["promote", "test"], ["promote", "qa"], ["promote", "uat"]):
        step(repo, args, clock)
    step(repo, ["promote", "stage"], clock)  # uat runs exactly dev's trunk snapshot: stage takes it without a release
    assert lock(repo, "stage")["platform"] == "0.2.0-dev.1"
    refused = run_lockstep("promote", "prod", "--repo", repo)
    assert refused.code == 1
    assert refused.err == (
        "lockstep: refused, nothing written: prod runs no pre-release (platform 0.2.0-dev.1); "
        "release it (`lockstep release`) and promote that\n"
    )
    for args in (["release"], ["promote", "stage"]):
        step(repo, args, clock)
    pass_gates(repo, "prod", clock)
    step(repo, ["promote", "prod"], clock)
    assert lock(repo, "prod")["platform"] == "0.2.0"
