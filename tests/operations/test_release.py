"""`lockstep release` cuts a platform version from the release-source environment (a no-op when nothing is new);
`lockstep tag`, after the merge, makes its tag and release branch at the commit that added it."""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.conftest import commit, git, run_lockstep, validate


def test_release_cuts_a_minor_from_the_release_source(default_repo: Path) -> None:
    assert run_lockstep("bump", "service-a", "--repo", default_repo).code == 0
    result = run_lockstep("release", "--repo", default_repo)
    assert result.code == 0, result.err
    assert result.out.splitlines()[0] == "platform 0.2.0 cut from dev"
    ledger = yaml.safe_load((default_repo / "releases/0.2.0.yaml").read_text())
    assert ledger["services"]["service-a"]["version"] == "0.2.0"
    assert [p["environment"] for p in ledger["promotions"]] == ["dev"]
    lock = yaml.safe_load((default_repo / "environments/dev/platform.lock.yaml").read_text())
    assert lock["platform"] == "0.2.0"
    assert validate(default_repo).code == 0


def test_release_major(default_repo: Path) -> None:
    assert run_lockstep("bump", "service-a", "--repo", default_repo).code == 0
    assert run_lockstep("release", "--major", "--repo", default_repo).code == 0
    assert (default_repo / "releases/1.0.0.yaml").is_file()


def test_tag_makes_the_tag_and_branch_at_the_commit_that_added_the_release(default_repo: Path) -> None:
    assert run_lockstep("bump", "service-a", "--repo", default_repo).code == 0
    released = run_lockstep("release", "--commit", "--repo", default_repo)
    assert released.code == 0 and released.out.splitlines()[-1] == "committed: release: platform 0.2.0 cut from dev"
    release_commit = git(default_repo, "rev-parse", "HEAD").strip()
    (default_repo / "README.md").write_text("later\n")
    commit(default_repo, "a later change")  # tag runs after the merge: the release is not the last commit
    result = run_lockstep("tag", "--repo", default_repo)
    assert result.code == 0, result.err
    assert f"made tag platform-v0.2.0 at {release_commit[:12]} (platform 0.2.0)" in result.out
    assert f"made branch 0.2-release at {release_commit[:12]} (platform 0.2.0)" in result.out
    assert git(default_repo, "rev-parse", "platform-v0.2.0^{commit}").strip() == release_commit
    assert git(default_repo, "rev-parse", "0.2-release").strip() == release_commit
    again = run_lockstep("tag", "--repo", default_repo)
    assert (again.code, again.out) == (0, "every released platform version has its tag and its release branch\n")


def test_tag_leaves_an_uncommitted_release_for_later(default_repo: Path) -> None:
    assert run_lockstep("bump", "service-a", "--repo", default_repo).code == 0
    assert run_lockstep("release", "--repo", default_repo).code == 0
    result = run_lockstep("tag", "--dry-run", "--repo", default_repo)
    assert "platform-v0.2.0" not in result.out and "would make tag platform-v0.1.0" in result.out
    assert git(default_repo, "tag") == ""


def test_release_on_a_release_branch_is_refused(default_repo: Path) -> None:
    git(default_repo, "checkout", "--quiet", "-b", "0.1-release")
    result = run_lockstep("release", "--repo", default_repo)
    assert result.code == 2 and "on a release branch, `lockstep bump` and `lockstep stamp` make the patch" in result.err


def test_independent_platforms_have_nothing_to_release(new_repo) -> None:
    repo = new_repo("--strategy", "independent")
    result = run_lockstep("release", "--repo", repo)
    assert result.code == 2 and "no platform versions" in result.err
