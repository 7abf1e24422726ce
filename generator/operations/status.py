"""`lockstep status`: services x environments, each environment's platform version, and what waits."""

from __future__ import annotations

from dataclasses import dataclass

from generator import gitrefs, layout, versions
from generator.operations.promote import leaving, newer_platform, newer_services
from generator.repository import Repo, lock_of, platform_of


@dataclass(frozen=True)
class Waiting:
    environment: str
    upstream: str
    what: str  # "platform 0.2.0" or "service-a 0.1.1"


@dataclass(frozen=True)
class Status:
    platform: str
    strategy: str
    environments: tuple[tuple[str, str], ...]  # (name, mode)
    platform_versions: tuple[str | None, ...]  # per environment
    rows: tuple[tuple[str, tuple[str | None, ...]], ...]  # (service, version per environment)
    waiting: tuple[Waiting, ...]
    lines: tuple[tuple[str, str], ...] = ()  # (release branch, the newest platform version its ledger has)


def release_lines(repo: Repo) -> tuple[tuple[str, str], ...]:
    """Every release branch `X.Y-release` beside this one, with the newest platform version of its own ledger (a
    fix made there shows here, on trunk)."""
    found = []
    folder = gitrefs.prefix(repo.root) if gitrefs.release_branches(repo.root) else ""
    for branch in gitrefs.release_branches(repo.root):
        tree = gitrefs.RefTree(repo.root, branch, folder)
        try:
            names = [name[: -len(".yaml")] for name in tree.listdir(layout.RELEASES_DIR) if name.endswith(".yaml")]
        finally:
            tree.close()
        line = versions.RELEASE_BRANCH.match(branch)
        ours = [
            name
            for name in names
            if line
            and versions.is_semver(name)
            and versions.parse(name)[:2] == (int(line["major"]), int(line["minor"]))
        ]
        if ours:
            found.append((branch, max(ours, key=versions.parse)))
    return tuple(found)


def status(repo: Repo) -> Status:
    platform = platform_of(repo)
    locks = [lock_of(repo, name) for name in platform.path]
    rows = tuple(
        (
            service,
            tuple((lock.services[service].version if lock and service in lock.services else None) for lock in locks),
        )
        for service in platform.services
    )
    waiting: list[Waiting] = []
    for index, environment in enumerate(platform.environments[1:], start=1):
        lock, source = locks[index], locks[index - 1]
        upstream = platform.path[index - 1]
        if lock is None or source is None:
            continue
        if environment.mode == "platform":
            version = newer_platform(source, lock)
            waiting += [Waiting(environment.name, upstream, f"platform {version}")] if version else []
        else:
            moving = newer_services(source, lock)
            waiting += [Waiting(environment.name, upstream, f"{name} {pin.version}") for name, pin in moving.items()]
            gone = leaving(platform, source, lock)
            waiting += [Waiting(environment.name, upstream, f"{name} removal") for name in gone]
    return Status(
        platform.name,
        platform.strategy,
        tuple((e.name, e.mode) for e in platform.environments),
        tuple(lock.platform if lock else None for lock in locks),
        rows,
        tuple(waiting),
        release_lines(repo),
    )
