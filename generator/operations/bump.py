"""`lockstep bump SERVICE`: a new version of one service lands in the first environment."""

from __future__ import annotations

from collections.abc import Mapping

from generator import gitrefs, layout, versions
from generator.errors import Refused
from generator.model import Pin, Platform, Release
from generator.operations import Plan, utc_now
from generator.operations.changeset import Changeset
from generator.repository import Repo, lock_of, platform_of


def next_platform_version(repo: Repo) -> str:
    """Trunk makes `-dev.N` pre-releases of the next minor; a release branch X.Y-release makes X.Y patches."""
    match = versions.RELEASE_BRANCH.match(gitrefs.current_branch(repo.root) or "")
    if match:
        return versions.next_on_branch(repo.releases, int(match["major"]), int(match["minor"]))
    return versions.next_trunk(repo.releases)


def land(repo: Repo, platform: Platform, pins: Mapping[str, Pin], change: Changeset) -> str | None:
    """Write `pins` into the first environment's lock; where platform versions exist, mint the next one
    and record its snapshot in the ledger. Returns the new platform version, if any."""
    first = platform.environments[0].name
    lock = lock_of(repo, first)
    services = {**lock.services, **pins}
    version = next_platform_version(repo) if platform.versioned else None
    if version is not None:
        change.write_release(Release(version, services, ()).promoted(first, utc_now()))
    change.write_lock(lock.with_services(services, version))
    return version


def bump(repo: Repo, service: str, level: versions.Level = "patch", version: str | None = None) -> Plan:
    platform = platform_of(repo)
    spec = platform.services.get(service)
    if spec is None:
        raise Refused(f"`{service}` is not a service of {layout.PLATFORM} (services: {', '.join(platform.services)})")
    current = repo.locks.get(platform.path[0])
    pinned = current.services.get(service) if current else None
    new = version or versions.bump(pinned.version if pinned else "0.0.0", level)
    versions.parse(new)
    if pinned is not None and not versions.newer(new, pinned.version):
        raise Refused(f"{service} {new} is not newer than {pinned.version} in {platform.path[0]}")
    change = Changeset()
    pin = Pin(new, layout.image(platform.registry, service, new), spec.requires)
    minted = land(repo, platform, {service: pin}, change)
    summary = f"{service} {pinned.version if pinned else '(new)'} -> {new} in {platform.path[0]}"
    return Plan(summary + (f", platform {minted}" if minted else ""), change)
