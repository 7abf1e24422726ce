"""Safe rollback on repositories made and moved by lockstep itself, each step a commit."""

from __future__ import annotations

from pathlib import Path

import yaml

from generator.model import Pin
from generator.operations.rollback import plan_services
from tests.conftest import commit, derive, drop_generated_requires, edit, run_lockstep, ungated, validate
from tests.operations.test_bump import built


def step(repo: Path, *args: str) -> None:
    result = run_lockstep(*args, "--repo", repo)
    assert result.code == 0, f"{args}: {result.out}{result.err}"
    commit(repo, " ".join(args))


def requires(repo: Path, service: str, text: str) -> None:
    drop_generated_requires(repo)
    edit(
        repo,
        "platform.yaml",
        f"  {service}:\n    language: go\n",
        f"  {service}:\n    language: go\n    requires: {text}\n",
    )
    derive(repo)  # the network policies follow `requires`
    commit(repo, f"{service} requires {text}")


def ship(repo: Path, *services: str) -> None:
    """Promote what dev runs through stage to prod (its gates are the subject of tests/validators/test_gates.py)."""
    ungated(repo)
    for environment in ("stage", "prod"):
        step(repo, "promote", environment, *(["--service", services[0]] if len(services) == 1 else []))


def lock(repo: Path, environment: str) -> dict:
    return yaml.safe_load((repo / f"environments/{environment}/platform.lock.yaml").read_text())


def versions_in(repo: Path, environment: str) -> dict[str, str]:
    return {name: pin["version"] for name, pin in lock(repo, environment)["services"].items()}


def b_needs_a_two(new_repo) -> Path:
    """prod ran a 1.4.0 with b 0.1.0; now a 2.0.0 and b 2.0.0, and b 2.0.0 calls what a added in 2.0.0."""
    repo = new_repo("--strategy", "independent", "--services", "a:go,b:go")
    step(repo, "bump", "a", "--version", "1.4.0")
    ship(repo)
    requires(repo, "b", "{a: '>=2.0.0'}")
    step(repo, "bump", "a", "major")
    step(repo, "bump", "b", "--version", "2.0.0")
    ship(repo)
    assert versions_in(repo, "prod") == {"a": "2.0.0", "b": "2.0.0"}
    return repo


def test_rolling_a_back_takes_b_along(new_repo) -> None:
    repo = b_needs_a_two(new_repo)
    dry = run_lockstep("rollback", "prod", "--service", "a", "--to", "1.4.0", "--dry-run", "--repo", repo)
    assert dry.code == 0, dry.err
    assert dry.out.splitlines()[:4] == [
        "rollback of prod:",
        "service  from   to     why",
        "a        2.0.0  1.4.0  requested",
        "b        2.0.0  0.1.0  b 2.0.0 requires a >=2.0.0, a goes to 1.4.0",
    ]
    assert versions_in(repo, "prod") == {"a": "2.0.0", "b": "2.0.0"}  # dry run: nothing written

    applied = run_lockstep("rollback", "prod", "--service", "a", "--to", "1.4.0", "--repo", repo)
    assert applied.code == 0, applied.err
    assert versions_in(repo, "prod") == {"a": "1.4.0", "b": "0.1.0"}
    record = yaml.safe_load((repo / "environments/prod/rollbacks.yaml").read_text())["rollbacks"]
    assert [sorted(r["services"]) for r in record] == [["a", "b"]]
    assert record[0]["services"]["b"] == {
        "from": "2.0.0",
        "to": "0.1.0",
        "reason": "b 2.0.0 requires a >=2.0.0, a goes to 1.4.0",
    }
    for extra in ([], ["--base", "HEAD"]):
        result = validate(repo, *extra)
        assert (result.code, result.out) == (0, "no findings\n"), result.out


def test_hand_made_rollback_of_a_alone_is_a_compatibility_error(new_repo) -> None:
    repo = b_needs_a_two(new_repo)
    edit(
        repo,
        "environments/prod/platform.lock.yaml",
        "version: 2.0.0\n    image: registry.example.com/logistics/a:2.0.0",
        "version: 1.4.0\n    image: registry.example.com/logistics/a:1.4.0",
    )
    result = validate(repo, "--base", "HEAD")
    assert result.code == 1
    assert (
        "environments/prod/platform.lock.yaml:12:10: error compatibility.unsatisfied: in prod, b 2.0.0 requires "
        "a >=2.0.0, but a is at 1.4.0"
    ) in result.out
    assert (
        "promotion.unrecorded-rollback: prod went back from 2.0.0 to a 1.4.0 with no rollback record; "
        "use `lockstep rollback`"
    ) in result.out


def test_rollback_that_needs_nothing_else_moves_one_service(new_repo) -> None:
    repo = b_needs_a_two(new_repo)
    result = run_lockstep("rollback", "prod", "--service", "b", "--to", "0.1.0", "--repo", repo)
    assert result.code == 0, result.err
    assert versions_in(repo, "prod") == {"a": "2.0.0", "b": "0.1.0"}
    assert validate(repo, "--base", "HEAD").code == 0


def test_chain_rolls_back_all_three(new_repo) -> None:
    repo = new_repo("--strategy", "independent", "--services", "a:go,b:go,c:go")
    requires(repo, "b", "{a: '>=2.0.0'}")
    requires(repo, "c", "{b: '^2'}")
    for service in ("a", "b", "c"):
        step(repo, "bump", service, "--version", "2.0.0")
    ship(repo)
    result = run_lockstep("rollback", "prod", "--service", "a", "--to", "0.1.0", "--repo", repo)
    assert result.code == 0, result.err
    assert versions_in(repo, "prod") == {"a": "0.1.0", "b": "0.1.0", "c": "0.1.0"}
    assert "c        2.0.0  0.1.0  c 2.0.0 requires b ^2, b goes to 0.1.0" in result.out
    assert validate(repo, "--base", "HEAD").code == 0


def test_impossible_rollback_is_refused_with_the_reason(new_repo) -> None:
    """c arrived in prod at 1.0.0, already needing b 2; no older c ran there, so a cannot go back."""
    repo = b_needs_a_two(new_repo)
    step(repo, "add-service", "c", "--language", "go")
    requires(repo, "c", "{b: '>=2.0.0'}")
    step(repo, "bump", "c", "--version", "1.0.0")
    ship(repo)
    before = lock(repo, "prod")
    result = run_lockstep("rollback", "prod", "--service", "a", "--to", "1.4.0", "--repo", repo)
    assert result.code == 1
    assert result.err.strip() == (
        "lockstep: refused, nothing written: cannot roll a back to 1.4.0 in prod: c 1.0.0 requires b >=2.0.0, "
        "and no version of c that prod ran fits b 0.1.0"
    )
    assert lock(repo, "prod") == before
    assert not (repo / "environments/prod/rollbacks.yaml").exists()


def test_rollback_never_lands_a_version_the_environment_never_ran(new_repo) -> None:
    repo = b_needs_a_two(new_repo)
    result = run_lockstep("rollback", "prod", "--service", "a", "--to", "1.3.0", "--repo", repo)
    assert result.code == 1 and "prod never ran a 1.3.0" in result.err


def test_platform_rollback_to_the_previous_version(default_repo: Path) -> None:
    for args in (["bump", "service-a"], ["release"]):
        step(default_repo, *args)
    ship(default_repo)
    assert lock(default_repo, "prod")["platform"] == "0.2.0"
    result = run_lockstep("rollback", "prod", "--to", "0.1.0", "--repo", default_repo)
    assert result.code == 0, result.err
    assert lock(default_repo, "prod")["platform"] == "0.1.0"
    assert lock(default_repo, "prod")["services"]["service-a"]["version"] == "0.1.0"
    record = yaml.safe_load((default_repo / "environments/prod/rollbacks.yaml").read_text())["rollbacks"]
    assert record[0]["platform"] == {"from": "0.2.0", "to": "0.1.0", "reason": "requested"}
    for extra in ([], ["--base", "HEAD"]):
        checked = validate(default_repo, *extra)
        assert (checked.code, checked.out) == (0, "no findings\n"), checked.out
    commit(default_repo, "rollback")
    status = run_lockstep("status", "--repo", default_repo)
    assert "prod <- stage: platform 0.2.0" in status.out


def test_platform_rollback_refusals(default_repo: Path) -> None:
    result = run_lockstep("rollback", "prod", "--to", "0.3.0", "--repo", default_repo)
    assert result.code == 1 and "prod never ran platform 0.3.0" in result.err
    result = run_lockstep("rollback", "prod", "--service", "service-a", "--to", "0.1.0", "--repo", default_repo)
    assert result.code == 1 and "prod moves whole platform versions" in result.err


def test_unrecorded_platform_rollback_fails_the_pull_request_check(default_repo: Path) -> None:
    for args in (["bump", "service-a"], ["release"]):
        step(default_repo, *args)
    ship(default_repo)
    old = (default_repo / "environments/stage/platform.lock.yaml").read_text()
    assert run_lockstep("rollback", "prod", "--to", "0.1.0", "--repo", default_repo).code == 0
    (default_repo / "environments/prod/rollbacks.yaml").unlink()  # the lock change without its record
    result = validate(default_repo, "--base", "HEAD")
    assert result.code == 1
    assert (
        "environments/prod/platform.lock.yaml:4:11: error promotion.unrecorded-rollback: prod went back from "
        "0.2.0 to platform 0.1.0 with no rollback record; use `lockstep rollback`"
    ) in result.out
    assert (default_repo / "environments/stage/platform.lock.yaml").read_text() == old


def test_rollback_records_are_append_only(new_repo) -> None:
    repo = b_needs_a_two(new_repo)
    step(repo, "rollback", "prod", "--service", "b", "--to", "0.1.0")
    edit(repo, "environments/prod/rollbacks.yaml", "reason: requested", "reason: nothing to see")
    result = validate(repo, "--base", "HEAD")
    assert result.code == 1
    assert "environments/prod/rollbacks.yaml:5:5: error promotion.history-rewritten" in result.out


def _pin(version: str, **needs: str) -> Pin:
    return Pin(version, f"r/x:{version}", needs)


def test_planner_moves_the_provider_when_the_rolled_back_service_needs_an_older_one() -> None:
    """b goes back to 1.0.0, which needs a ^1; a is at 2.0.0, so a goes back to its newest 1.x."""
    current = {"a": _pin("2.0.0"), "b": _pin("2.0.0", a="^2")}
    history = {
        "a": {v: _pin(v) for v in ("1.2.0", "1.3.0", "2.0.0")},
        "b": {"1.0.0": _pin("1.0.0", a="^1"), "2.0.0": current["b"]},
    }
    steps = plan_services("prod", current, history, "b", history["b"]["1.0.0"])
    assert [(s.service, s.before, s.after.version) for s in steps] == [("b", "2.0.0", "1.0.0"), ("a", "2.0.0", "1.3.0")]
    assert steps[1].reason == "b 1.0.0 requires a ^1"


def test_planner_picks_the_newest_fitting_version_not_the_oldest() -> None:
    current = {"a": _pin("3.0.0"), "b": _pin("3.0.0", a="^3")}
    history = {
        "a": {v: _pin(v) for v in ("1.0.0", "2.0.0", "3.0.0")},
        "b": {"1.0.0": _pin("1.0.0", a="^1"), "2.0.0": _pin("2.0.0", a=">=2.0.0"), "3.0.0": current["b"]},
    }
    steps = plan_services("prod", current, history, "a", history["a"]["2.0.0"])
    assert {s.service: s.after.version for s in steps} == {"a": "2.0.0", "b": "2.0.0"}


def test_rollback_in_the_first_environment_leaves_it_to_be_stamped(default_repo: Path) -> None:
    step(default_repo, "bump", "service-a")
    step(default_repo, "stamp")
    result = run_lockstep("rollback", "dev", "--service", "service-a", "--to", "0.1.0", "--repo", default_repo)
    assert result.code == 0, result.err
    dev = lock(default_repo, "dev")
    assert dev["services"]["service-a"]["version"] == "0.1.0" and "platform" not in dev
    assert validate(default_repo, "--base", "HEAD").code == 0
    assert run_lockstep("stamp", "--repo", default_repo).out.startswith("platform 0.2.0-dev.2 stamped")


CONTRACT = "services/service-a/openapi.yaml"


def test_a_rollback_to_a_contract_without_an_operation_a_consumer_calls_is_refused(default_repo: Path) -> None:
    from tests.validators.test_contracts import _b_calls_an_operation_a_0_1_0_lacks

    _b_calls_an_operation_a_0_1_0_lacks(default_repo)  # contracts come from the commits that made each version
    result = run_lockstep("rollback", "dev", "--service", "service-a", "--to", "0.1.0", "--repo", default_repo)
    assert result.code == 1
    assert result.err == (
        "lockstep: refused, nothing written: cannot roll service-a back to 0.1.0 in dev: service-b 0.2.0 calls "
        "`listAllItems`, which service-a 0.1.0 does not have\n"
    )


def test_a_rollback_with_other_breaking_changes_lists_them_as_warnings(default_repo: Path) -> None:
    edit(default_repo, CONTRACT, "      required: [name]\n", "      required: []\n")  # 0.2.0 accepts more
    step(default_repo, "bump", "service-a")
    result = run_lockstep("rollback", "dev", "--service", "service-a", "--to", "0.1.0", "--repo", default_repo)
    assert result.code == 0, result.err
    assert (
        "warning: service-a 0.2.0 -> 0.1.0: api.request-property-became-required: POST /items: "
        "request body: property `name` is now required"
    ) in result.out
    assert validate(default_repo, "--base", "HEAD").code == 0


def test_a_service_rollback_from_history_keeps_the_chart_it_was_built_with(new_repo) -> None:
    repo = new_repo("--strategy", "independent", "--services", "a:go,b:go")
    for version in ("1.0.0", "1.1.0"):
        step(repo, "bump", "a", "--version", version, *built("a", version))
        ship(repo)
    step(repo, "rollback", "prod", "--service", "a", "--to", "1.0.0")  # 1.0.0 comes from prod's lock in git history
    image, chart = built("a", "1.0.0")[1::2]
    assert lock(repo, "prod")["services"]["a"] == {"version": "1.0.0", "image": image, "chart": chart}


def test_a_platform_rollback_keeps_the_charts_of_the_snapshot(default_repo: Path) -> None:
    for version in ("0.2.0", "0.3.0"):
        for args in (["bump", "service-a", *built("service-a", version)], ["release"]):
            step(default_repo, *args)
        ship(default_repo)
    step(default_repo, "rollback", "prod", "--to", "0.2.0")
    image, chart = built("service-a", "0.2.0")[1::2]
    assert lock(default_repo, "prod")["services"]["service-a"] == {"version": "0.2.0", "image": image, "chart": chart}
    assert validate(default_repo).code == 0
