"""`lockstep stamp`: give what the first environment runs a platform version, once it has none.

Bumps (and `add-service`, `remove-service`, a rollback in the first environment) leave the first environment
running a combination with no platform version, so that pull requests which bump different services never
conflict. After a merge, the trunk workflow runs `lockstep stamp`: on trunk it mints the next pre-release
`X.Y.0-dev.N`, on a release branch `X.Y-release` the next patch `X.Y.Z`, and records the snapshot in the
ledger. Stamping what already has its version does nothing (exit 0), so the workflow may run it on every push.
"""

from __future__ import annotations

from generator import versions
from generator.errors import UsageError
from generator.model import Release
from generator.operations import Plan, utc_now
from generator.operations.bump import release_line
from generator.operations.changeset import Changeset
from generator.repository import Repo, lock_of, platform_of


def next_platform_version(repo: Repo, line: tuple[int, int] | None) -> str:
    """Trunk makes `-dev.N` pre-releases of the next minor; a release branch X.Y-release makes X.Y patches."""
    if line is not None:
        return versions.next_on_branch(repo.releases, *line)
    return versions.next_trunk(repo.releases)


def stamp(repo: Repo) -> Plan:
    platform = platform_of(repo)
    if not platform.versioned:
        raise UsageError("strategy `independent` has no platform versions to stamp")
    first = platform.environments[0].name
    lock = lock_of(repo, first)
    line = release_line(repo)
    if line is None and not platform.environments[0].prerelease:
        raise UsageError(f"{first} runs no pre-release: cut a release with `lockstep release` instead")
    named = repo.releases.get(lock.platform) if lock.platform else None
    if named is not None and dict(named.services) == dict(lock.services):
        return Plan(f"{first} runs platform {named.version} already; nothing to stamp")
    version = next_platform_version(repo, line)
    change = Changeset()
    change.write_release(Release(version, lock.services, ()).promoted(first, utc_now(repo)))
    change.write_lock(lock.with_services(lock.services, version))
    return Plan(f"platform {version} stamped on what {first} runs", change)
