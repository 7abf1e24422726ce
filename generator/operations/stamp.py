"""`lockstep stamp`: give what the first environment runs a platform version, once it has none.

Bumps (and `add-service`, `remove-service`, a rollback in the first environment) leave the first environment
running a combination with no platform version, so that pull requests which bump different services never
conflict. After a merge, the trunk workflow runs `lockstep stamp`: on trunk it mints the next pre-release
`X.Y.0-dev.N`, on a release branch `X.Y-release` the next patch `X.Y.Z`, and records the snapshot in the
ledger. Stamping what already has its version does nothing (exit 0), so the workflow may run it on every push.

In every environment (every strategy) it then records arrivals (environments/<env>/arrivals/<YYYY-MM>.yaml):
each pin, and a platform-mode environment's platform version, whose latest arrival is another version arrived
now. Soak gates count from them. The first stamp after an upgrade records every current pin at that time.
"""

from __future__ import annotations

from collections.abc import Mapping

from generator import layout, versions, yamlio
from generator.model import Arrival, Arrivals, Lock, Release, latest_arrivals
from generator.operations import Plan, utc_now
from generator.operations.bump import release_line
from generator.operations.changeset import Changeset
from generator.repository import Repo, lock_of, platform_of


def next_platform_version(repo: Repo, line: tuple[int, int] | None) -> str:
    """Trunk makes `-dev.N` pre-releases of the next minor; a release branch X.Y-release makes X.Y patches."""
    if line is not None:
        return versions.next_on_branch(repo.releases, *line)
    return versions.next_trunk(repo.releases)


def _versioned(repo: Repo) -> tuple[str, Changeset, dict[str, Lock]]:
    """The platform version of what the first environment runs, when it has none: what it says, the change, and
    the locks as it leaves them."""
    platform = platform_of(repo)
    first = platform.environments[0].name
    lock = lock_of(repo, first)
    line = release_line(repo)
    named = repo.releases.get(lock.platform) if lock.platform else None
    if named is not None and dict(named.services) == dict(lock.services):
        return f"{first} runs platform {named.version} already", Changeset(), repo.locks
    if line is None and not platform.environments[0].prerelease:  # its arrivals are recorded all the same
        return f"{first} runs no pre-release: cut a release with `lockstep release`", Changeset(), repo.locks
    version = next_platform_version(repo, line)
    change = Changeset()
    change.write_release(Release(version, lock.services, ()).promoted(first, utc_now(repo)))
    stamped = lock.with_services(lock.services, version)
    change.write_lock(stamped)
    return f"platform {version} stamped on what {first} runs", change, {**repo.locks, first: stamped}


def arrived(repo: Repo, locks: Mapping[str, Lock], at: str) -> list[tuple[Arrivals, list[Arrival]]]:
    """Every environment's arrivals file with what its lock runs and its record does not say arrived last: each pin,
    and in a platform-mode environment the platform version; in the file of `at`'s UTC month, with the new records."""
    platform = platform_of(repo)
    month = layout.arrival_month(at)
    changed: list[tuple[Arrivals, list[Arrival]]] = []
    for environment in platform.environments:
        lock = locks.get(environment.name)
        if lock is None:
            continue
        known = repo.arrivals.get(environment.name, [])
        latest = {subject: record.version for subject, record in latest_arrivals(known).items()}
        new = [
            Arrival(at, pin.version, name)
            for name, pin in sorted(lock.services.items())
            if latest.get(name) != pin.version
        ]
        if environment.mode == "platform" and lock.platform and latest.get(None) != lock.platform:
            new.insert(0, Arrival(at, lock.platform))
        if new:
            current = next((a for a in known if a.month == month), Arrivals(environment.name, month, ()))
            changed.append((current.appended(new), new))
    return changed


def _arrivals_line(environment: str, new: list[Arrival], at: str) -> str:
    names = ", ".join(f"{r.service or 'platform'} {r.version}" for r in new)
    return f"arrived in {environment} at {at}: {names}"


def stamp(repo: Repo) -> Plan:
    """The platform version (monolith and combined; on trunk or a release branch), then the arrivals of every
    environment (every strategy): after a merge, what each environment now runs and since when."""
    platform = platform_of(repo)
    if platform.versioned:
        summary, change, locks = _versioned(repo)
    else:
        summary, change, locks = "", Changeset(), repo.locks
    at = utc_now(repo)
    lines = []
    for arrivals, new in arrived(repo, locks, at):
        lines.append(_arrivals_line(arrivals.environment, new, at))
        change.write(layout.arrivals(arrivals.environment, arrivals.month), yamlio.dumps(arrivals.as_data()))
    if not change.files:
        return Plan(f"{summary or 'no new arrivals'}; nothing to stamp")
    return Plan("\n".join([summary, *lines] if summary else lines), change)
