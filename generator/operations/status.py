"""`lockstep status`: services x environments, each environment's platform version, what waits and which gate holds
it (until when), and the gates passed by hand last."""

from __future__ import annotations

from dataclasses import dataclass

from generator import gitrefs, layout, versions
from generator.model import GateOverride
from generator.operations.promote import leaving, newer_platform, newer_services
from generator.repository import Repo, lock_of, now_of, platform_of
from generator.validators import gates
from generator.validators.gates import Hold

RECENT_OVERRIDES = 3  # per environment, the newest last


@dataclass(frozen=True)
class Waiting:
    environment: str
    upstream: str
    what: str  # "platform 0.2.0" or "service-a 0.1.1"
    holds: tuple[Hold, ...] = ()  # the gates that hold it now (`gates.holds`), each with when it opens


@dataclass(frozen=True)
class Status:
    platform: str
    strategy: str
    environments: tuple[tuple[str, str], ...]  # (name, mode)
    platform_versions: tuple[str | None, ...]  # per environment
    rows: tuple[tuple[str, tuple[str | None, ...]], ...]  # (service, version per environment)
    waiting: tuple[Waiting, ...]
    lines: tuple[tuple[str, str], ...] = ()  # (release branch, the newest platform version its ledger has)
    overrides: tuple[tuple[str, tuple[GateOverride, ...]], ...] = ()  # (environment, its last overrides, oldest first)


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
        _held(repo, waiting),
        release_lines(repo),
        tuple(
            (name, repo.overrides[name].records[-RECENT_OVERRIDES:])
            for name in platform.path
            if name in repo.overrides and repo.overrides[name].records
        ),
    )


def _held(repo: Repo, waiting: list[Waiting]) -> tuple[Waiting, ...]:
    """Each waiting move with the gates that hold it at `now`: those of its subject, and those that hold the whole
    change into its environment (subject "", or one no waiting line names). The gates are asked once per environment
    where something waits."""
    now = now_of(repo)
    held: dict[str, list[Hold]] = {}
    for environment in dict.fromkeys(w.environment for w in waiting):
        held[environment] = gates.holds(repo, environment, now)
    named = {(w.environment, w.what) for w in waiting}
    return tuple(
        Waiting(
            w.environment,
            w.upstream,
            w.what,
            tuple(
                hold
                for hold in held[w.environment]
                if hold.subject == w.what or (w.environment, hold.subject) not in named
            ),
        )
        for w in waiting
    )
