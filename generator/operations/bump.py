"""`lockstep bump SERVICE`: a new version of one service lands in the first environment.

Versions never collide between the lines of a platform. On trunk (any branch but a release branch), the next
version of a service whose current version is part of a released platform moves its minor: the patches of that
version belong to the release branch. On a release branch `X.Y-release`, a bump is a patch (a fix). A bump
writes only the service's pin: the first environment then runs a combination with no platform version yet,
which `lockstep stamp` gives it (after the merge, in the trunk workflow), so two pull requests that bump
different services change different lines and merge without conflict.

The build pipeline asks for the version first (`next_version`, `lockstep bump SERVICE --next`), builds the image
and the chart at that version, then bumps to it with what it built: `--image <registry>/<service>:X@sha256:...`
and `--chart sha256:...` (the chart's digest in the platform's `charts` registry). A pin without `chart` is not
built yet: it is deployed from the working tree's `charts/<service>`. A chart is never recorded without its image:
the two are built from the same commit, so `--chart` needs `--image`; `--image` alone records an image built by
digest whose chart is still taken from the working tree.
"""

from __future__ import annotations

from collections.abc import Mapping

from generator import gitrefs, layout, versions
from generator.errors import Refused, UsageError
from generator.model import Pin, Platform
from generator.operations import Plan
from generator.operations.changeset import Changeset
from generator.repository import Repo, lock_of, platform_of
from generator.validators.consistency import DIGEST


def release_line(repo: Repo) -> tuple[int, int] | None:
    """(X, Y) on a release branch `X.Y-release`; None on trunk."""
    match = versions.RELEASE_BRANCH.match(gitrefs.current_branch(repo.root) or "")
    return (int(match["major"]), int(match["minor"])) if match else None


def released(repo: Repo, service: str) -> set[str]:
    """The versions of `service` that released platform versions (not pre-releases) carry."""
    return {
        release.services[service].version
        for release in repo.releases.values()
        if service in release.services and not versions.is_prerelease(release.version)
    }


def land(repo: Repo, platform: Platform, pins: Mapping[str, Pin | None], change: Changeset) -> None:
    """Write `pins` into the first environment's lock (None: the service leaves it). The lock then names no
    platform version: `lockstep stamp` mints one for what it runs."""
    lock = lock_of(repo, platform.environments[0].name)
    services = {name: pin for name, pin in {**lock.services, **pins}.items() if pin is not None}
    change.write_lock(lock.with_services(services, None))


def _next(repo: Repo, service: str, current: str | None, level: versions.Level | None) -> str:
    """The next version: a patch on a release branch; on trunk a patch, or a minor once `current` is released."""
    if current is None:
        return versions.bump("0.0.0", level or "patch")
    on_branch = release_line(repo) is not None
    taken = current in released(repo, service)
    if on_branch and level not in (None, "patch"):
        raise Refused(f"on a release branch a bump is a fix: {service} {current} -> {versions.bump(current, 'patch')}")
    if not on_branch and taken and level == "patch":
        raise Refused(
            f"{service} {current} is part of a released platform: its patches belong to the release branch; "
            f"on trunk the next version moves the minor ({versions.bump(current, 'minor')})"
        )
    return versions.bump(current, level or ("minor" if taken and not on_branch else "patch"))


def _target(
    repo: Repo, service: str, level: versions.Level | None, version: str | None
) -> tuple[Platform, str | None, str]:
    """The platform, the service's current version in the first environment and the version a bump gives it;
    Refused where the bump would break a rule."""
    platform = platform_of(repo)
    spec = platform.services.get(service)
    if spec is None or spec.retired:
        known = ", ".join(name for name, s in platform.services.items() if not s.retired)
        raise Refused(f"`{service}` is not a service of {layout.PLATFORM} (services: {known})")
    first = platform.path[0]
    pinned = lock_of(repo, first).services.get(service)
    current = pinned.version if pinned else None
    new = version or _next(repo, service, current, level)
    versions.parse(new)
    if current is not None:
        if not versions.newer(new, current):
            raise Refused(f"{service} {new} is not newer than {current} in {first}")
        if release_line(repo) is not None and not versions.same_line(new, current):
            raise Refused(f"on a release branch a bump is a fix: {service} {new} leaves the {current} line")
        if release_line(repo) is None and current in released(repo, service) and versions.same_line(new, current):
            raise Refused(
                f"{service} {current} is part of a released platform: {new} would be a patch of it, which belongs "
                "to the release branch; on trunk the next version moves the minor"
            )
    return platform, current, new


def next_version(repo: Repo, service: str, level: versions.Level | None = None) -> str:
    """The version `bump(repo, service, level)` would give (what the build pipeline builds); nothing is written."""
    return _target(repo, service, level, None)[2]


def built_pin(platform: Platform, service: str, version: str, image: str | None, chart: str | None) -> Pin:
    """The pin of `service` at `version`: the image the pipeline built (`--image`, by digest) and its chart's digest
    (`--chart`), or the image by tag alone, not built yet. UsageError (exit 2) naming the option that is wrong."""
    expected = layout.image(platform.registry, service, version)
    if chart is not None and image is None:
        raise UsageError("--chart needs --image: the chart and the image of a version are built from the same commit")
    if image is not None:
        name, _, digest = image.partition("@")
        if name != expected or not DIGEST.fullmatch(digest):
            raise UsageError(f"--image: `{image}` is not {expected}@sha256:<64 hex> (the image built for {version})")
    if chart is not None and not DIGEST.fullmatch(chart):
        raise UsageError(f"--chart: `{chart}` is not a chart digest (sha256: and 64 hex digits)")
    return Pin(version, image or expected, platform.services[service].requires, chart)


def bump(
    repo: Repo,
    service: str,
    level: versions.Level | None = None,
    version: str | None = None,
    image: str | None = None,
    chart: str | None = None,
) -> Plan:
    platform, current, new = _target(repo, service, level, version)
    pin = built_pin(platform, service, new, image, chart)
    change = Changeset()
    land(repo, platform, {service: pin}, change)
    return Plan(f"{service} {current or '(new)'} -> {new} in {platform.path[0]}", change)
