from __future__ import annotations

import subprocess
from pathlib import Path

import yaml

from tests.conftest import commit, edit, git, run_lockstep, validate


def dev_lock(repo: Path) -> dict:
    return yaml.safe_load((repo / "environments/dev/platform.lock.yaml").read_text())


def test_bump_levels_and_exact_version(default_repo: Path) -> None:
    for args, expected in (
        (["patch"], "0.1.1"),
        (["minor"], "0.2.0"),
        (["major"], "1.0.0"),
        (["--version", "1.2.3"], "1.2.3"),
    ):
        result = run_lockstep("bump", "service-b", *args, "--repo", default_repo)
        assert result.code == 0, result.err
        pin = dev_lock(default_repo)["services"]["service-b"]
        assert pin == {"version": expected, "image": f"registry.example.com/logistics/service-b:{expected}"}
    assert dev_lock(default_repo)["platform"] == "0.2.0-dev.4"
    assert validate(default_repo).code == 0


def test_bump_freezes_requires_into_the_lock(default_repo: Path) -> None:
    edit(
        default_repo, "platform.yaml", "    language: go\n", "    language: go\n    requires: {service-b: '>=0.1.0'}\n"
    )
    assert run_lockstep("bump", "service-a", "--repo", default_repo).code == 0
    pin = dev_lock(default_repo)["services"]["service-a"]
    assert pin["requires"] == {"service-b": ">=0.1.0"}
    snapshot = yaml.safe_load((default_repo / "releases/0.2.0-dev.1.yaml").read_text())
    assert snapshot["services"]["service-a"]["requires"] == {"service-b": ">=0.1.0"}
    assert validate(default_repo).code == 0


def test_bump_unknown_service_is_refused(default_repo: Path) -> None:
    before = dev_lock(default_repo)
    result = run_lockstep("bump", "service-z", "--repo", default_repo)
    assert result.code == 1
    assert "`service-z` is not a service of platform.yaml" in result.err and "nothing written" in result.err
    assert dev_lock(default_repo) == before
    assert not (default_repo / "releases/0.2.0-dev.1.yaml").exists()


def test_bump_to_an_older_version_is_refused(default_repo: Path) -> None:
    result = run_lockstep("bump", "service-a", "--version", "0.0.9", "--repo", default_repo)
    assert result.code == 1 and "0.0.9 is not newer than 0.1.0" in result.err


def test_bump_to_a_bad_version_is_usage_error(default_repo: Path) -> None:
    result = run_lockstep("bump", "service-a", "--version", "1.10", "--repo", default_repo)
    assert (
        result.code == 2 and result.err.strip() == "lockstep: error: `1.10` is not a SemVer version (MAJOR.MINOR.PATCH)"
    )


def test_dry_run_prints_the_diff_and_writes_nothing(default_repo: Path) -> None:
    result = run_lockstep("bump", "service-a", "--dry-run", "--repo", default_repo)
    assert result.code == 0
    assert "\n-    version: 0.1.0\n" in result.out and "\n+    version: 0.1.1\n" in result.out
    assert "+++ b/releases/0.2.0-dev.1.yaml" in result.out
    assert git(default_repo, "status", "--porcelain") == ""


def test_bump_on_a_release_branch_makes_patch_versions(default_repo: Path) -> None:
    git(default_repo, "config", "user.email", "t@t")
    git(default_repo, "config", "user.name", "t")
    assert run_lockstep("release", "--branch", "--repo", default_repo).code == 0
    subprocess.run(["git", "checkout", "--quiet", "0.2-release"], cwd=default_repo, check=True)
    assert run_lockstep("bump", "service-c", "--repo", default_repo).code == 0
    lock = dev_lock(default_repo)
    assert lock["platform"] == "0.2.1" and lock["services"]["service-c"]["version"] == "0.1.1"
    assert validate(default_repo, "--base", "0.2-release").code == 0
    commit(default_repo)
    assert run_lockstep("bump", "service-c", "--repo", default_repo).code == 0
    assert dev_lock(default_repo)["platform"] == "0.2.2"
