from __future__ import annotations

from pathlib import Path

import yaml

from tests.conftest import git, run_lockstep, validate


def test_release_cuts_a_minor_from_the_release_source(default_repo: Path) -> None:
    assert run_lockstep("bump", "service-a", "--repo", default_repo).code == 0
    result = run_lockstep("release", "--repo", default_repo)
    assert result.code == 0, result.err
    assert result.out.splitlines()[0] == "platform 0.2.0 cut from dev"
    ledger = yaml.safe_load((default_repo / "releases/0.2.0.yaml").read_text())
    assert ledger["services"]["service-a"]["version"] == "0.1.1"
    assert [p["environment"] for p in ledger["promotions"]] == ["dev"]
    lock = yaml.safe_load((default_repo / "environments/dev/platform.lock.yaml").read_text())
    assert lock["platform"] == "0.2.0"
    assert validate(default_repo).code == 0


def test_release_major(default_repo: Path) -> None:
    assert run_lockstep("release", "--major", "--repo", default_repo).code == 0
    assert (default_repo / "releases/1.0.0.yaml").is_file()


def test_release_branch_and_tag(default_repo: Path) -> None:
    result = run_lockstep("release", "--branch", "--repo", default_repo)
    assert result.code == 0, result.err
    assert "branch 0.2-release, tag platform-v0.2.0" in result.out
    assert git(default_repo, "log", "-1", "--format=%s", "platform-v0.2.0") == "lockstep release 0.2.0\n"
    assert git(default_repo, "rev-parse", "0.2-release") == git(default_repo, "rev-parse", "HEAD")
    assert git(default_repo, "status", "--porcelain") == ""
    again = run_lockstep("release", "--patch", "--branch", "--repo", default_repo)  # 0.2.1 belongs on 0.2-release
    assert (again.code, again.err) == (2, "lockstep: error: git branch 0.2-release already exists\n")
    assert not (default_repo / "releases/0.2.1.yaml").exists()


def test_release_refuses_existing_tag_before_writing(default_repo: Path) -> None:
    git(default_repo, "tag", "platform-v0.2.0")
    result = run_lockstep("release", "--branch", "--repo", default_repo)
    assert result.code == 2 and result.err.strip() == "lockstep: error: git tag platform-v0.2.0 already exists"
    assert not (default_repo / "releases/0.2.0.yaml").exists()


def test_independent_platforms_have_nothing_to_release(new_repo) -> None:
    repo = new_repo("--strategy", "independent")
    result = run_lockstep("release", "--repo", repo)
    assert result.code == 2 and "no platform versions" in result.err
