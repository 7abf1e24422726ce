"""`lockstep release`: cut a platform version from what the release-source environment runs."""

from __future__ import annotations

from pathlib import Path

from generator import gitrefs, versions
from generator.errors import UsageError
from generator.model import Release
from generator.operations import Plan, utc_now
from generator.operations.changeset import Changeset
from generator.repository import Repo, lock_of, platform_of


def refs_for(version: str) -> tuple[str, str]:
    """The release branch and tag of a platform version: `X.Y-release`, `platform-vX.Y.Z`."""
    parsed = versions.parse(version)
    return f"{parsed.major}.{parsed.minor}-release", f"platform-v{version}"


def release(repo: Repo, level: versions.Level = "minor", *, branch: bool = False) -> tuple[Plan, str]:
    """The plan, and the new platform version."""
    platform = platform_of(repo)
    if not platform.versioned:
        raise UsageError("strategy `independent` has no platform versions to release")
    if versions.RELEASE_BRANCH.match(gitrefs.current_branch(repo.root) or ""):
        raise UsageError("on a release branch, `lockstep bump` makes the patch versions; release from main")
    source = platform.release_source().name
    lock = lock_of(repo, source)
    version = versions.next_release(repo.releases, level)
    if branch:
        gitrefs.check_new_refs(repo.root, *refs_for(version))
    change = Changeset()
    change.write_release(Release(version, lock.services, ()).promoted(source, utc_now()))
    change.write_lock(lock.with_services(lock.services, version))
    return Plan(f"platform {version} cut from {source}", change), version


def branch_and_tag(root: Path, version: str, files: list[str]) -> str:
    """Commit the release, then make the branch X.Y-release and the tag platform-vX.Y.Z at that commit."""
    branch, tag = refs_for(version)
    gitrefs.commit(root, f"lockstep release {version}", files)
    gitrefs.create_branch_and_tag(root, branch, tag, f"platform {version}")
    return f"branch {branch}, tag {tag}"
