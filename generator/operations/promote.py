"""`lockstep promote ENV`: move into ENV what the environment before it runs."""

from __future__ import annotations

from collections.abc import Sequence
from types import MappingProxyType
from typing import cast

from generator import gitrefs, layout, versions
from generator.errors import Refused, UsageError
from generator.model import Environment, Gate, GateOverride, Lock, Overrides, Pin, Platform
from generator.operations import Plan, utc_now
from generator.operations.changeset import Changeset
from generator.repository import Repo, environment_of, lock_of, platform_of
from generator.validators import gates


def newer_platform(source: Lock, target: Lock) -> str | None:
    """The platform version `source` runs, when `target` runs none or an older one: what a platform-mode
    environment would take from its upstream."""
    if source.platform and (target.platform is None or versions.newer(source.platform, target.platform)):
        return source.platform
    return None


def leaving(platform: Platform, source: Lock, target: Lock) -> list[str]:
    """What `target` runs that `source` no longer does because it is being removed: its removal moves along
    the path like a version."""
    return [name for name in target.services if name not in source.services and platform.leaving(name)]


def _no_prerelease(target: Environment, what: str, version: str) -> None:
    if not target.prerelease and versions.is_prerelease(version):
        raise Refused(
            f"{target.name} runs no pre-release ({what} {version}); release it (`lockstep release`) and promote that"
        )


def newer_services(source: Lock, target: Lock) -> dict[str, Pin]:
    """What `source` runs that `target` runs in an older version or not at all: what an independent-mode
    environment would take from its upstream."""
    return {
        name: pin
        for name, pin in source.services.items()
        if (current := target.services.get(name)) is None or versions.newer(pin.version, current.version)
    }


def _promote_platform(repo: Repo, target: Environment, upstream: Environment, version: str | None) -> Plan:
    lock, source = lock_of(repo, target.name), lock_of(repo, upstream.name)
    version = version or source.platform
    if version is None:
        raise Refused(f"{upstream.name} runs no platform version; cut one there with `lockstep release`")
    release = repo.releases.get(version)
    if release is None:
        raise Refused(f"platform {version} is not in the ledger ({layout.release(version)})")
    if upstream.name not in release.environments():
        raise Refused(
            f"{upstream.name} never ran platform {version}; {target.name} is not next on its path "
            f"(promote it to {upstream.name} first)"
        )
    if lock.platform == version:
        return Plan(f"{target.name} already runs platform {version}; nothing to promote")
    if lock.platform is not None and versions.newer(lock.platform, version):
        raise Refused(
            f"{target.name} runs platform {lock.platform}, newer than {version}: "
            f"going back is a rollback, not a promotion"
        )
    _no_prerelease(target, "platform", version)
    for name, pin in release.services.items():
        _no_prerelease(target, name, pin.version)
    change = Changeset()
    change.write_lock(lock.with_services(release.services, version))
    change.write_release(release.promoted(target.name, utc_now(repo)))
    return Plan(f"platform {lock.platform or '(none)'} -> {version} in {target.name} (from {upstream.name})", change)


def _one_service(
    lock: Lock, source: Lock, target: str, upstream: str, name: str, version: str | None
) -> dict[str, Pin]:
    pin = source.services.get(name)
    if pin is None:
        raise Refused(f"{name} does not run in {upstream}; {target} is not next on its path")
    if version is not None and pin.version != version:
        raise Refused(
            f"{upstream} runs {name} {pin.version}, not {version}; only what {upstream} runs can move to {target}"
        )
    current = lock.services.get(name)
    if current is not None and versions.newer(current.version, pin.version):
        raise Refused(
            f"{target} runs {name} {current.version}, newer than {pin.version} in {upstream}: "
            f"going back is a rollback, not a promotion"
        )
    return {} if current is not None and current.version == pin.version else {name: pin}


def _promote_services(
    repo: Repo, target: Environment, upstream: Environment, service: str | None, version: str | None
) -> Plan:
    platform = platform_of(repo)
    lock, source = lock_of(repo, target.name), lock_of(repo, upstream.name)
    removed = [name for name in leaving(platform, source, lock) if service in (None, name)]
    if service is None:
        moved = newer_services(source, lock)
    elif removed:
        moved = {}
    else:
        moved = _one_service(lock, source, target.name, upstream.name, service, version)
    if not moved and not removed:
        return Plan(f"{target.name} already runs what {upstream.name} runs; nothing to promote")
    for name, pin in moved.items():
        _no_prerelease(target, name, pin.version)
    services = {name: pin for name, pin in {**lock.services, **moved}.items() if name not in removed}
    change = Changeset()
    named = None
    snapshot = repo.releases.get(source.platform) if source.platform else None
    if snapshot is not None and dict(snapshot.services) == services:  # exactly the upstream's platform version
        named = snapshot.version
        change.write_release(snapshot.promoted(target.name, utc_now(repo)))
    change.write_lock(lock.with_services(services, named))
    moves = [
        f"{name} {lock.services[name].version if name in lock.services else '(new)'} -> {pin.version}"
        for name, pin in moved.items()
    ] + [f"{name} removed" for name in removed]
    return Plan(f"{', '.join(moves)} in {target.name} (from {upstream.name})", change)


def promote(repo: Repo, environment: str, *, version: str | None = None, service: str | None = None) -> Plan:
    platform = platform_of(repo)
    target = environment_of(platform, environment)
    upstream = platform.upstream(environment)
    if upstream is None:
        raise Refused(f"{environment} is the first environment; new versions enter it with `lockstep bump`")
    if version is not None:
        versions.parse(version)
    if service is not None and service not in platform.services:
        raise Refused(f"`{service}` is not a service of {layout.PLATFORM}")  # a removed one is no more
    if target.mode == "platform":
        if service is not None:
            raise Refused(f"{environment} moves whole platform versions; promote it without --service")
        return _promote_platform(repo, target, upstream, version)
    return _promote_services(repo, target, upstream, service, version)


def overridden(repo: Repo, plan: Plan, environment: str, overrides: Sequence[tuple[str, str]]) -> Plan:
    """`plan` with one override record per (gate, reason) appended to environments/<environment>/overrides.yaml in
    the same change, naming exactly what the change moves into `environment` and who overrides (the git author)."""
    if not overrides or not plan.change.files:
        return plan
    for gate, reason in overrides:
        if not reason.strip():
            raise UsageError(f"--override {gate} needs a --reason: say why the gate is passed by hand")
    by = gitrefs.author(repo.root)
    if by is None:
        raise UsageError("--override needs a git identity (who overrides): set user.name and user.email")
    move = gates.moving(repo, plan.change.after(repo)).get(environment)
    if move is None:
        raise Refused(f"the change moves nothing into {environment}; there is no gate to override")
    records = repo.overrides.get(environment, Overrides(environment, ()))
    services = {name: version for name, version in move.services.items() if version is not None}
    for gate, reason in overrides:
        records = records.appended(
            GateOverride(utc_now(repo), cast(Gate, gate), reason.strip(), by, move.platform, MappingProxyType(services))
        )
    plan.change.write_overrides(records)
    return plan
