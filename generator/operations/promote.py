"""`lockstep promote ENV`: move into ENV what the environment before it runs."""

from __future__ import annotations

from pathlib import Path

from generator import layout, versions
from generator.changeset import Changeset
from generator.model import Environment, Pin
from generator.operations import Plan, environment_of, load_valid, lock_of, refuse, utc_now
from generator.repository import Repo


def _promote_platform(repo: Repo, target: Environment, upstream: Environment, version: str | None) -> Plan:
    lock, source = lock_of(repo, target.name), lock_of(repo, upstream.name)
    version = version or source.platform
    if version is None:
        raise refuse(f"{upstream.name} runs no platform version; cut one there with `lockstep release`")
    release = repo.releases.get(version)
    if release is None:
        raise refuse(f"platform {version} is not in the ledger ({layout.release(version)})")
    if upstream.name not in release.environments():
        raise refuse(
            f"{upstream.name} never ran platform {version}; {target.name} is not next on its path "
            f"(promote it to {upstream.name} first)"
        )
    if lock.platform == version:
        return Plan(f"{target.name} already runs platform {version}; nothing to promote")
    if lock.platform is not None and versions.newer(lock.platform, version):
        raise refuse(
            f"{target.name} runs platform {lock.platform}, newer than {version}: "
            f"going back is a rollback, not a promotion"
        )
    change = Changeset()
    change.write_lock(lock.with_services(release.services, version))
    change.write_release(release.promoted(target.name, utc_now()))
    return Plan(f"platform {lock.platform or '(none)'} -> {version} in {target.name} (from {upstream.name})", change)


def _promote_services(
    repo: Repo, target: Environment, upstream: Environment, service: str | None, version: str | None
) -> Plan:
    lock, source = lock_of(repo, target.name), lock_of(repo, upstream.name)
    names = [service] if service else list(source.services)
    moved: dict[str, Pin] = {}
    for name in names:
        pin = source.services.get(name)
        if pin is None:
            raise refuse(f"{name} does not run in {upstream.name}; {target.name} is not next on its path")
        if version is not None and pin.version != version:
            raise refuse(
                f"{upstream.name} runs {name} {pin.version}, not {version}; only what {upstream.name} "
                f"runs can move to {target.name}"
            )
        current = lock.services.get(name)
        if current is not None and current.version == pin.version:
            continue
        if current is not None and versions.newer(current.version, pin.version):
            if service:
                raise refuse(
                    f"{target.name} runs {name} {current.version}, newer than {pin.version} in "
                    f"{upstream.name}: going back is a rollback, not a promotion"
                )
            continue
        moved[name] = pin
    if not moved:
        return Plan(f"{target.name} already runs what {upstream.name} runs; nothing to promote")
    services = {**lock.services, **moved}
    change = Changeset()
    platform = None
    snapshot = repo.releases.get(source.platform) if source.platform else None
    if snapshot is not None and dict(snapshot.services) == services:  # exactly the upstream's platform version
        platform = snapshot.version
        change.write_release(snapshot.promoted(target.name, utc_now()))
    change.write_lock(lock.with_services(services, platform))
    moves = ", ".join(
        f"{name} {lock.services[name].version if name in lock.services else '(new)'} -> {pin.version}"
        for name, pin in moved.items()
    )
    return Plan(f"{moves} in {target.name} (from {upstream.name})", change)


def promote(root: Path, environment: str, *, version: str | None = None, service: str | None = None) -> Plan:
    repo, platform = load_valid(root)
    target = environment_of(platform, environment)
    upstream = platform.upstream(environment)
    if upstream is None:
        raise refuse(f"{environment} is the first environment; new versions enter it with `lockstep bump`")
    if version is not None:
        versions.parse(version)
    if service is not None and service not in platform.services:
        raise refuse(f"`{service}` is not a service of {layout.PLATFORM}")
    if target.mode == "platform":
        if service is not None:
            raise refuse(f"{environment} moves whole platform versions; promote it without --service")
        return _promote_platform(repo, target, upstream, version)
    return _promote_services(repo, target, upstream, service, version)
