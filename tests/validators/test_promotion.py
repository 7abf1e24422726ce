from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from tests.conftest import commit, edit, findings, git, run_lockstep, validate
from tests.validators.cases import STAGE_LOCK, Case, assert_fires

PROD_LOCK = "environments/prod/platform.lock.yaml"
DEV_LOCK = "environments/dev/platform.lock.yaml"
LEDGER = "releases/0.1.0.yaml"
PIN_A = "    version: 0.1.0\n    image: registry.example.com/logistics/service-a:0.1.0"
PIN_B = "    version: 0.1.0\n    image: registry.example.com/logistics/service-b:0.1.0"


def _pin(version: str, service: str = "a") -> str:
    return f"    version: {version}\n    image: registry.example.com/logistics/service-{service}:{version}"


def _drop_promotion(environment: str):
    def tamper(repo: Path) -> None:
        text = (repo / LEDGER).read_text()
        text = re.sub(rf"  - environment: {environment}\n    at: '[^']+'\n", "", text)
        (repo / LEDGER).write_text(text)

    return tamper


def _first_promotion_later(repo: Path) -> None:
    text = (repo / LEDGER).read_text()
    (repo / LEDGER).write_text(re.sub(r"at: '[^']+'", "at: '2099-01-01T00:00:00Z'", text, count=1))


def _prod_jumps_to_an_unpromoted_version(repo: Path) -> None:
    assert run_lockstep("bump", "service-a", "--repo", repo).code == 0
    assert run_lockstep("stamp", "--repo", repo).code == 0
    commit(repo, "bump")
    (repo / PROD_LOCK).write_text((repo / DEV_LOCK).read_text().replace("environment: dev", "environment: prod"))
    ledger = repo / "releases/0.2.0-dev.1.yaml"
    ledger.write_text(
        ledger.read_text() + "  - environment: stage\n    at: '2099-01-01T00:00:00Z'\n"
        "  - environment: prod\n    at: '2099-01-01T00:00:00Z'\n"
    )


CASES = [
    Case(
        "promotion.prerelease-in-production",
        PROD_LOCK,
        "version: 0.1.0-rc.1",
        lambda r: edit(r, PROD_LOCK, "version: 0.1.0", "version: 0.1.0-rc.1"),
    ),
    Case(
        "promotion.unknown-platform-version",
        STAGE_LOCK,
        "platform: 9.9.9",
        lambda r: edit(r, STAGE_LOCK, "platform: 0.1.0", "platform: 9.9.9"),
    ),
    Case(
        "promotion.snapshot-mismatch", STAGE_LOCK, "version: 0.1.5", lambda r: edit(r, STAGE_LOCK, PIN_A, _pin("0.1.5"))
    ),
    Case("promotion.not-promoted", PROD_LOCK, "platform: 0.1.0", _drop_promotion("prod")),
    Case(
        "promotion.ahead-of-upstream",
        STAGE_LOCK,
        "version: 0.1.0",
        lambda r: (
            edit(r, DEV_LOCK, PIN_B, _pin("0.0.9", "b")),
            edit(r, "releases/0.1.0.yaml", PIN_B, _pin("0.0.9", "b")),
        ),
        occurrence=2,
    ),
    Case("promotion.skipped-environment", LEDGER, "environment: prod", _drop_promotion("stage")),
    Case(
        "promotion.unknown-environment",
        LEDGER,
        "environment: qa",
        lambda r: edit(r, LEDGER, "environment: prod", "environment: qa"),
    ),
    Case("promotion.out-of-order", LEDGER, "at: '", _first_promotion_later, occurrence=2),
    Case(
        "promotion.snapshot-changed", LEDGER, "service-a:", lambda r: edit(r, LEDGER, PIN_A, _pin("0.1.9")), base="HEAD"
    ),
    Case("promotion.history-rewritten", LEDGER, "promotions:", _drop_promotion("prod"), base="HEAD"),
    Case(
        "promotion.unrecorded-rollback",
        PROD_LOCK,
        "platform: 0.1.0",
        lambda r: (
            _prod_jumps_to_an_unpromoted_version(r),
            commit(r, "prod at 0.2.0-dev.1"),
            r.joinpath(PROD_LOCK).write_text(r.joinpath(STAGE_LOCK).read_text().replace("stage", "prod")),
        ),
        base="HEAD",
    ),
    Case(
        "promotion.not-from-upstream",
        PROD_LOCK,
        "platform: 0.2.0-dev.1",
        _prod_jumps_to_an_unpromoted_version,
        base="HEAD",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_rule_fires_at_the_right_line(case: Case, default_repo: Path) -> None:
    assert_fires(case, default_repo)


def test_hand_edited_platform_lock_names_both_versions(default_repo: Path) -> None:
    edit(default_repo, STAGE_LOCK, PIN_A, _pin("0.1.5"))
    [finding] = [f for f in findings(default_repo) if f.rule == "promotion.snapshot-mismatch"]
    assert finding.message == (
        "service-a 0.1.5 here differs from platform 0.1.0, which has service-a 0.1.0 (the version differs)"
    )


def test_stage_ahead_of_dev_in_an_independent_platform(new_repo) -> None:
    repo = new_repo("--strategy", "independent")
    edit(repo, STAGE_LOCK, PIN_A, _pin("0.2.0"))
    result = validate(repo)
    assert result.code == 1
    assert (
        "environments/stage/platform.lock.yaml:6:14: error promotion.ahead-of-upstream: service-a 0.2.0 in "
        "stage is newer than 0.1.0 in dev"
    ) in result.out


def test_removed_ledger_file_is_reported_with_base(default_repo: Path) -> None:
    (default_repo / LEDGER).unlink()
    found = {(f.rule, f.file) for f in findings(default_repo, base="HEAD")}
    assert ("promotion.snapshot-changed", LEDGER) in found


def test_appending_promotions_is_fine_with_base(default_repo: Path) -> None:
    assert run_lockstep("bump", "service-a", "--repo", default_repo).code == 0
    assert run_lockstep("release", "--repo", default_repo).code == 0
    commit(default_repo)
    assert run_lockstep("promote", "stage", "--repo", default_repo).code == 0
    assert findings(default_repo, base="HEAD") == []


def test_head_ref_is_validated_instead_of_the_working_tree(default_repo: Path) -> None:
    edit(default_repo, STAGE_LOCK, "platform: 0.1.0", "platform: 9.9.9")  # the working tree is broken...
    result = validate(default_repo, "--base", "HEAD", "--head", "HEAD")  # ...but HEAD is not
    assert (result.code, result.out) == (0, "no findings\n")
    commit(default_repo, "broken")
    result = validate(default_repo, "--base", "HEAD~1", "--head", "HEAD")
    assert result.code == 1 and "promotion.unknown-platform-version" in result.out


def test_unknown_base_ref_is_exit_2(default_repo: Path) -> None:
    result = validate(default_repo, "--base", "no-such-ref")
    assert result.code == 2
    assert result.err.startswith("lockstep: error: no-such-ref: not a commit in ")


def test_shallow_clone_with_only_the_base_fetched(default_repo: Path, tmp_path: Path) -> None:
    base = git(default_repo, "rev-parse", "HEAD").strip()
    for step in (["bump", "service-a"], ["release"]):
        assert run_lockstep(*step, "--repo", default_repo).code == 0
        commit(default_repo, " ".join(step))
    edit(default_repo, LEDGER, PIN_A, _pin("0.1.9"))  # rewrite history of a released snapshot
    commit(default_repo, "tamper")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", "--depth", "1", default_repo.as_uri(), str(clone)], check=True)
    git(clone, "fetch", "--quiet", "--depth", "1", "origin", base)
    assert git(clone, "rev-list", "--count", "HEAD").strip() == "1"  # no history between base and head
    result = validate(clone, "--base", base)
    assert result.code == 1
    assert "releases/0.1.0.yaml:5:3: error promotion.snapshot-changed" in result.out
