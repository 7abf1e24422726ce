"""`lockstep bump`: a new version of one service in the first environment, on lines that never collide: on trunk
the next version of a released service moves its minor, on a release branch a bump is a patch; a bump changes
the service's pin only (the platform version comes from `lockstep stamp`)."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

import yaml

from tests.conftest import commit, derive, edit, git, run_lockstep, validate


def dev_lock(repo: Path) -> dict:
    return yaml.safe_load((repo / "environments/dev/platform.lock.yaml").read_text())


def test_trunk_moves_the_minor_of_a_released_version_then_patches(default_repo: Path) -> None:
    for args, expected in (
        ([], "0.2.0"),  # 0.1.0 is in release 0.1.0: its patches belong to the 0.1-release branch
        ([], "0.2.1"),  # 0.2.0 is not released yet
        (["patch"], "0.2.2"),
        (["minor"], "0.3.0"),
        (["major"], "1.0.0"),
        (["--version", "1.2.3"], "1.2.3"),
    ):
        result = run_lockstep("bump", "service-b", *args, "--repo", default_repo)
        assert result.code == 0, result.err
        pin = dev_lock(default_repo)["services"]["service-b"]
        assert pin == {
            "version": expected,
            "image": f"registry.example.com/logistics/service-b:{expected}",
            "requires": {"service-a": ">=0.1.0 <1.0.0"},  # platform.yaml's, frozen by the bump
        }
    assert "platform" not in dev_lock(default_repo)  # not stamped: `lockstep stamp` gives it a platform version
    assert not list((default_repo / "releases").glob("*-dev.*"))
    assert validate(default_repo).code == 0


def test_a_patch_of_a_released_version_on_trunk_is_refused(default_repo: Path) -> None:
    for args in (["patch"], ["--version", "0.1.5"]):
        result = run_lockstep("bump", "service-b", *args, "--repo", default_repo)
        assert result.code == 1
        assert "service-b 0.1.0 is part of a released platform" in result.err and "release branch" in result.err


def test_bump_freezes_requires_into_the_lock(default_repo: Path) -> None:
    edit(
        default_repo, "platform.yaml", "    language: go\n", "    language: go\n    requires: {service-b: '>=0.1.0'}\n"
    )
    derive(default_repo)
    assert run_lockstep("bump", "service-a", "--repo", default_repo).code == 0
    assert dev_lock(default_repo)["services"]["service-a"]["requires"] == {"service-b": ">=0.1.0"}
    assert run_lockstep("stamp", "--repo", default_repo).code == 0
    snapshot = yaml.safe_load((default_repo / "releases/0.2.0-dev.1.yaml").read_text())
    assert snapshot["services"]["service-a"]["requires"] == {"service-b": ">=0.1.0"}
    assert validate(default_repo).code == 0


def test_bump_unknown_service_is_refused(default_repo: Path) -> None:
    before = dev_lock(default_repo)
    result = run_lockstep("bump", "service-z", "--repo", default_repo)
    assert result.code == 1
    assert "`service-z` is not a service of platform.yaml" in result.err and "nothing written" in result.err
    assert dev_lock(default_repo) == before


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
    assert "\n-    version: 0.1.0\n" in result.out and "\n+    version: 0.2.0\n" in result.out
    assert "\n-platform: 0.1.0\n" in result.out
    assert git(default_repo, "status", "--porcelain") == ""


def test_stamp_mints_one_trunk_version_per_trunk_state(default_repo: Path) -> None:
    assert run_lockstep("bump", "service-a", "--repo", default_repo).code == 0
    stamped = run_lockstep("stamp", "--repo", default_repo)
    assert stamped.out.splitlines()[0] == "platform 0.2.0-dev.1 stamped on what dev runs"
    again = run_lockstep("stamp", "--repo", default_repo)
    assert (again.code, again.out) == (0, "dev runs platform 0.2.0-dev.1 already; nothing to stamp\n")
    assert run_lockstep("bump", "service-c", "--repo", default_repo).code == 0
    assert run_lockstep("stamp", "--repo", default_repo).out.startswith("platform 0.2.0-dev.2 stamped")
    assert validate(default_repo).code == 0


def test_a_release_branch_fix_and_a_trunk_change_never_share_a_version(default_repo: Path) -> None:
    """Release 0.2.0 from main; fix service-b on 0.2-release; change service-b on main: 0.1.1 against 0.2.0."""
    for args in (["bump", "service-a"], ["release"]):
        assert run_lockstep(*args, "--repo", default_repo).code == 0
    commit(default_repo, "release 0.2.0")
    tagged = run_lockstep("tag", "--repo", default_repo)
    assert tagged.out.startswith("made tag platform-v0.1.0 at ")  # the first release too
    assert "made branch 0.2-release at " in tagged.out and "made tag platform-v0.2.0 at " in tagged.out

    git(default_repo, "checkout", "--quiet", "0.2-release")
    for args in (["bump", "service-b"], ["stamp"]):
        result = run_lockstep(*args, "--repo", default_repo)
        assert result.code == 0, result.err
    assert dev_lock(default_repo)["services"]["service-b"]["version"] == "0.1.1"
    assert dev_lock(default_repo)["platform"] == "0.2.1"
    refused = run_lockstep("bump", "service-b", "minor", "--repo", default_repo)
    assert refused.code == 1 and "on a release branch a bump is a fix" in refused.err
    assert validate(default_repo, "--base", "0.2-release").code == 0
    commit(default_repo, "fix service-b")

    git(default_repo, "checkout", "--quiet", "main")
    assert run_lockstep("bump", "service-b", "--repo", default_repo).code == 0
    assert dev_lock(default_repo)["services"]["service-b"]["version"] == "0.2.0"
    assert validate(default_repo, "--base", "main").code == 0
    commit(default_repo, "change service-b")
    status = run_lockstep("status", "--repo", default_repo)
    assert "0.2-release at platform 0.2.1" in status.out.splitlines()[-1]  # the fix made on the release line
    subprocess.run(["git", "checkout", "--quiet", "0.2-release"], cwd=default_repo, check=True)
    assert validate(default_repo).code == 0


def test_two_pull_requests_that_bump_different_services_merge_in_either_order(default_repo: Path) -> None:
    for first, second in (("a", "b"), ("b", "a")):
        git(default_repo, "checkout", "--quiet", "-B", "main", "HEAD")
        base = git(default_repo, "rev-parse", "HEAD").strip()
        for branch, service in (("a", "service-a"), ("b", "service-b")):
            git(default_repo, "checkout", "--quiet", "-B", f"pr-{branch}", base)
            assert run_lockstep("bump", service, "--repo", default_repo).code == 0
            assert validate(default_repo, "--base", base).code == 0
            commit(default_repo, f"bump {service}")
        git(default_repo, "checkout", "--quiet", "-B", "trunk", base)
        for branch in (first, second):
            git(default_repo, "merge", "--quiet", "--no-edit", f"pr-{branch}")  # fails on a conflict
        lock = dev_lock(default_repo)
        assert (lock["services"]["service-a"]["version"], lock["services"]["service-b"]["version"]) == (
            "0.2.0",
            "0.2.0",
        )
        assert validate(default_repo, "--base", base).code == 0
        stamped = run_lockstep("stamp", "--repo", default_repo)  # what the trunk workflow does after a merge
        assert stamped.code == 0 and validate(default_repo, "--base", base).code == 0
        git(default_repo, "checkout", "--quiet", "-f", base)
        git(default_repo, "clean", "-fdq")


def built(service: str, version: str) -> list[str]:
    """The options the build pipeline passes for `service` at `version`: the image and the chart it pushed (to the
    default registry)."""
    registry = "registry.example.com/logistics"
    image = hashlib.sha256(f"{service}:{version} image".encode()).hexdigest()
    chart = hashlib.sha256(f"{service}:{version} chart".encode()).hexdigest()
    return ["--image", f"{registry}/{service}:{version}@sha256:{image}", "--chart", f"sha256:{chart}"]


def test_next_prints_the_version_a_bump_gives_and_writes_nothing(default_repo: Path) -> None:
    for args, expected in (([], "0.2.0"), (["minor"], "0.2.0"), (["major"], "1.0.0")):
        result = run_lockstep("bump", "service-a", *args, "--next", "--repo", default_repo)
        assert (result.code, result.out, result.err) == (0, f"{expected}\n", "")
    assert git(default_repo, "status", "--porcelain") == ""
    assert run_lockstep("bump", "service-a", "--repo", default_repo).code == 0
    commit(default_repo, "bump service-a")
    assert run_lockstep("bump", "service-a", "--next", "--repo", default_repo).out == "0.2.1\n"  # 0.2.0 not released


def test_next_is_refused_where_the_bump_would_be(default_repo: Path) -> None:
    result = run_lockstep("bump", "service-b", "patch", "--next", "--repo", default_repo)
    assert result.code == 1 and "service-b 0.1.0 is part of a released platform" in result.err
    assert result.out == ""
    for option in (["--version", "1.0.0"], built("service-b", "0.2.0")[:2], ["--commit"]):
        result = run_lockstep("bump", "service-b", "--next", *option, "--repo", default_repo)
        assert result.code == 2 and f"it takes no {option[0]}" in result.err, result.err


def test_a_built_version_pins_its_image_by_digest_and_its_chart(default_repo: Path) -> None:
    result = run_lockstep(
        "bump", "service-a", "--version", "0.2.0", *built("service-a", "0.2.0"), "--repo", default_repo
    )
    assert result.code == 0, result.err
    image, chart = built("service-a", "0.2.0")[1::2]
    assert dev_lock(default_repo)["services"]["service-a"] == {"version": "0.2.0", "image": image, "chart": chart}
    assert validate(default_repo).code == 0
    # the level form computes the version the image must carry
    result = run_lockstep("bump", "service-c", *built("service-c", "0.2.0"), "--repo", default_repo)
    assert result.code == 0, result.err
    assert dev_lock(default_repo)["services"]["service-c"]["chart"] == built("service-c", "0.2.0")[3]


def test_an_image_alone_is_pinned_by_digest_and_not_built(default_repo: Path) -> None:
    image = built("service-a", "0.2.0")[1]
    assert run_lockstep("bump", "service-a", "--image", image, "--repo", default_repo).code == 0
    assert dev_lock(default_repo)["services"]["service-a"] == {"version": "0.2.0", "image": image}


def test_a_wrong_image_or_chart_is_a_usage_error_naming_the_option(default_repo: Path) -> None:
    image, chart = built("service-a", "0.2.0")[1::2]
    digest = image.partition("@")[2]
    cases = (
        (["--image", image.replace(":0.2.0@", ":0.3.0@")], "--image: "),  # another version than the bump's
        (["--image", image.replace("service-a:", "service-b:")], "--image: "),  # another service
        (["--image", image.replace("registry.example.com", "ghcr.io")], "--image: "),  # another registry
        (["--image", image.partition("@")[0]], "--image: "),  # by tag only
        (["--image", image[:-1]], "--image: "),  # a digest too short
        (["--image", image, "--chart", digest[:-1]], "--chart: "),
        (["--image", image, "--chart", digest.removeprefix("sha256:")], "--chart: "),
        (["--chart", chart], "--chart needs --image"),
    )
    before = dev_lock(default_repo)
    for args, says in cases:
        result = run_lockstep("bump", "service-a", *args, "--repo", default_repo)
        assert result.code == 2, (args, result.err)
        assert result.err.startswith(f"lockstep: error: {says}") and result.err.count("\n") == 1, result.err
    assert (
        run_lockstep("bump", "service-a", "--image", image[:-1], "--repo", default_repo).err
        == f"lockstep: error: --image: `{image[:-1]}` is not registry.example.com/logistics/service-a:0.2.0"
        "@sha256:<64 hex> (the image built for 0.2.0)\n"
    )
    assert dev_lock(default_repo) == before
