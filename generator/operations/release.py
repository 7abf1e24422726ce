"""`lockstep release`: cut a platform version from what the release-source environment runs.

It writes the snapshot and the source lock's new platform version, and nothing else: the change goes through a
pull request like any other. After the merge, `lockstep tag` (the trunk workflow runs it) makes the tag
`platform-vX.Y.Z` and the branch `X.Y-release` at the commit that added the release. Cutting when the source
runs exactly the newest release does nothing (exit 0).
"""

from __future__ import annotations

from generator import versions
from generator.errors import UsageError
from generator.model import Release
from generator.operations import Plan, utc_now
from generator.operations.bump import release_line
from generator.operations.changeset import Changeset
from generator.repository import Repo, lock_of, platform_of


def newest_release(repo: Repo) -> Release | None:
    final = [release for release in repo.releases.values() if not versions.is_prerelease(release.version)]
    return max(final, key=lambda release: versions.parse(release.version), default=None)


def release(repo: Repo, level: versions.Level = "minor") -> Plan:
    platform = platform_of(repo)
    if not platform.versioned:
        raise UsageError("strategy `independent` has no platform versions to release")
    if release_line(repo) is not None:
        raise UsageError("on a release branch, `lockstep bump` and `lockstep stamp` make the patch versions")
    source = platform.release_source().name
    lock = lock_of(repo, source)
    newest = newest_release(repo)
    if newest is not None and dict(newest.services) == dict(lock.services):
        return Plan(f"{source} runs exactly platform {newest.version}, the newest release; nothing new to release")
    version = versions.next_release(repo.releases, level)
    change = Changeset()
    change.write_release(Release(version, lock.services, ()).promoted(source, utc_now(repo)))
    change.write_lock(lock.with_services(lock.services, version))
    return Plan(f"platform {version} cut from {source}", change)
