"""`lockstep status`: services x environments, each environment's platform version, and what waits."""

from __future__ import annotations

from dataclasses import dataclass

from generator.operations.promote import newer_platform, newer_services
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
    return Status(
        platform.name,
        platform.strategy,
        tuple((e.name, e.mode) for e in platform.environments),
        tuple(lock.platform if lock else None for lock in locks),
        rows,
        tuple(waiting),
    )
