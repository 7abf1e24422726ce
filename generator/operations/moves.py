"""What a change moves, in pull-request mode: per environment, every service (and the platform version) whose pin
differs between the base ref's locks and the head's, old -> new, and which way it went. An environment whose lock
is there but does not load (on either side) moves nothing here: its findings say what is wrong with it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from generator import layout, versions
from generator.model import GateOverride, Lock
from generator.repository import Repo

Kind = Literal["bump", "promote", "rollback", "added", "removed"]
PLATFORM = "platform"  # the subject of a platform-version move


@dataclass(frozen=True)
class Move:
    environment: str
    subject: str  # a service, or "platform" for the environment's platform version
    old: str | None  # None: not pinned at base
    new: str | None  # None: no longer pinned
    kind: Kind


def _kind(old: str | None, new: str | None, *, first: bool) -> Kind:
    if old is None:
        return "added"
    if new is None:
        return "removed"
    if versions.newer(new, old):
        return "bump" if first else "promote"  # the first environment takes new versions; the others promote
    return "rollback"


def _broken(repo: Repo, environment: str) -> bool:
    """The environment's lock was read but did not load (its schema check failed, or it could not be read)."""
    return layout.lock(environment) in repo.documents and environment not in repo.locks


def _pins(lock: Lock | None) -> dict[str, str]:
    return {name: pin.version for name, pin in lock.services.items()} if lock else {}


def moves(repo: Repo) -> tuple[Move, ...]:
    """Every move between `repo.base` and `repo`, environments in path order (then any other, by name), the
    platform version first, then services in manifest order (then any other, by name); () without a base."""
    if repo.base is None:
        return ()
    path = repo.platform.path if repo.platform else ()
    services = tuple(repo.platform.services) if repo.platform else ()
    named = set(repo.locks) | set(repo.base.locks)
    environments = [*(env for env in path if env in named), *sorted(named - set(path))]
    found: list[Move] = []
    for environment in environments:
        if _broken(repo, environment) or _broken(repo.base, environment):
            continue
        before, after = repo.base.locks.get(environment), repo.locks.get(environment)
        first = bool(path) and environment == path[0]
        platforms = (before.platform if before else None, after.platform if after else None)
        if platforms[0] != platforms[1]:
            found.append(Move(environment, PLATFORM, *platforms, _kind(*platforms, first=first)))
        old, new = _pins(before), _pins(after)
        names = set(old) | set(new)
        for name in [*(s for s in services if s in names), *sorted(names - set(services))]:
            was, now = old.get(name), new.get(name)
            if was != now:
                found.append(Move(environment, name, was, now, _kind(was, now, first=first)))
    return tuple(found)


def overrides(repo: Repo) -> tuple[tuple[str, GateOverride], ...]:
    """The gate overrides this change appends, by environment in path order (then any other, by name): the records
    of each environments/<env>/overrides.yaml past those of the base's (a change that rewrites the base's records
    shows every record that is not one of them; rule family `records` reports the rewrite); () without a base."""
    if repo.base is None:
        return ()
    path = repo.platform.path if repo.platform else ()
    environments = [*(env for env in path if env in repo.overrides), *sorted(set(repo.overrides) - set(path))]
    found: list[tuple[str, GateOverride]] = []
    for environment in environments:
        before = repo.base.overrides.get(environment)
        old = before.records if before else ()
        new = repo.overrides[environment].records
        appended = new[len(old) :] if new[: len(old)] == old else tuple(r for r in new if r not in old)
        found += [(environment, record) for record in appended]
    return tuple(found)
