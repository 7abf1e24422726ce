"""Rule family `promotion`: versions move along the path in order, and the ledger is never rewritten.

On the working tree: a lock that names a platform version runs exactly that ledger snapshot, and that
version was promoted into the environment; no environment runs ahead of its upstream; ledger promotions
follow the path without skipping an environment, in time order.
With a base (pull-request mode): released snapshots never change, promotions are only appended, and a lock
change outside the first environment takes what the upstream environment ran at base or head.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from generator import layout, versions
from generator.findings import Finding, Rule
from generator.model import Lock, Platform
from generator.repository import Repo
from generator.yamlio import Document

UNKNOWN_VERSION = Rule(
    "promotion.unknown-platform-version", "error", "A lock's platform version has a snapshot in releases/."
)
SNAPSHOT_MISMATCH = Rule(
    "promotion.snapshot-mismatch", "error", "A lock that names a platform version pins exactly that version's snapshot."
)
NOT_PROMOTED = Rule(
    "promotion.not-promoted",
    "error",
    "An environment runs a platform version only after the ledger records its promotion there.",
)
AHEAD = Rule(
    "promotion.ahead-of-upstream",
    "error",
    "No environment runs a newer platform or service version than the environment before it.",
)
SKIPPED = Rule(
    "promotion.skipped-environment",
    "error",
    "Ledger promotions start where versions are made and never skip an environment of the path.",
)
UNKNOWN_ENVIRONMENT = Rule("promotion.unknown-environment", "error", "Ledger promotions name environments of the path.")
OUT_OF_ORDER = Rule("promotion.out-of-order", "error", "Ledger promotions are in time order.")
SNAPSHOT_CHANGED = Rule(
    "promotion.snapshot-changed", "error", "(with --base) A released snapshot is never changed or removed."
)
HISTORY_REWRITTEN = Rule(
    "promotion.history-rewritten",
    "error",
    "(with --base) Ledger promotions and rollback records are only appended, never edited or removed.",
)
NOT_FROM_UPSTREAM = Rule(
    "promotion.not-from-upstream",
    "error",
    "(with --base) A lock change outside the first environment takes what the upstream "
    "environment ran at base or head.",
)

PRERELEASE = Rule(
    "promotion.prerelease-in-production",
    "error",
    "The last environment (and any with `prerelease: false`) runs no pre-release of the platform or of a service.",
)
UNRECORDED_ROLLBACK = Rule(
    "promotion.unrecorded-rollback",
    "error",
    "(with --base) A lock that goes back to an older version outside the first environment has the rollback "
    "recorded in environments/<env>/rollbacks.yaml (lockstep rollback writes both).",
)

INPUTS: tuple[str, ...] = ("*",)
RULES: tuple[Rule, ...] = (
    UNKNOWN_VERSION,
    SNAPSHOT_MISMATCH,
    NOT_PROMOTED,
    AHEAD,
    SKIPPED,
    UNKNOWN_ENVIRONMENT,
    OUT_OF_ORDER,
    SNAPSHOT_CHANGED,
    HISTORY_REWRITTEN,
    NOT_FROM_UPSTREAM,
    UNRECORDED_ROLLBACK,
    PRERELEASE,
)


def _lock_doc(repo: Repo, environment: str) -> Document:
    return repo.documents[layout.lock(environment)]


def _snapshot_checks(repo: Repo) -> Iterator[Finding]:
    for environment, lock in repo.locks.items():
        if lock.platform is None:
            continue
        doc = _lock_doc(repo, environment)
        release = repo.releases.get(lock.platform)
        if release is None:
            yield UNKNOWN_VERSION.of(
                doc, f"platform {lock.platform} has no {layout.release(lock.platform)}", ("platform",)
            )
            continue
        for name in sorted(set(lock.services) | set(release.services)):
            pinned, recorded = lock.services.get(name), release.services.get(name)
            if pinned == recorded:
                continue
            if recorded is None:
                message = f"{name} is not part of platform {lock.platform}"
                yield SNAPSHOT_MISMATCH.of(doc, message, ("services", name), key=True)
            elif pinned is None:
                message = f"platform {lock.platform} includes {name} {recorded.version}, this lock does not"
                yield SNAPSHOT_MISMATCH.of(doc, message, ("services",), key=True)
            else:
                what = (
                    "version"
                    if pinned.version != recorded.version
                    else "image"
                    if pinned.image != recorded.image
                    else "requires"
                )
                message = (
                    f"{name} {pinned.version} here differs from platform {lock.platform}, which has "
                    f"{name} {recorded.version} (the {what} differs)"
                )
                yield SNAPSHOT_MISMATCH.of(doc, message, ("services", name, what))
        if environment not in release.environments():
            yield NOT_PROMOTED.of(
                doc,
                f"{environment} runs platform {lock.platform}, but the ledger records no "
                f"promotion of {lock.platform} to {environment}",
                ("platform",),
            )


def _ahead_checks(repo: Repo, platform: Platform) -> Iterator[Finding]:
    for environment in platform.environments[1:]:
        upstream = platform.upstream(environment.name)
        lock, before = repo.locks.get(environment.name), repo.locks.get(upstream.name) if upstream else None
        if lock is None or before is None or upstream is None:
            continue
        doc = _lock_doc(repo, environment.name)
        platform_mode = environment.mode == "platform"  # elsewhere a platform version is a label of a snapshot
        if platform_mode and lock.platform and before.platform and versions.newer(lock.platform, before.platform):
            yield AHEAD.of(
                doc,
                f"{environment.name} runs platform {lock.platform}, newer than {before.platform} in {upstream.name}",
                ("platform",),
            )
        for name, pin in lock.services.items():
            ahead_of = before.services.get(name)
            if ahead_of is None and platform.leaving(name):
                continue  # being removed: it left the upstream first
            if ahead_of is None:
                yield AHEAD.of(
                    doc, f"{name} runs in {environment.name} but not in {upstream.name}", ("services", name), key=True
                )
            elif versions.newer(pin.version, ahead_of.version):
                yield AHEAD.of(
                    doc,
                    f"{name} {pin.version} in {environment.name} is newer than {ahead_of.version} in {upstream.name}",
                    ("services", name, "version"),
                )


def _prerelease_checks(repo: Repo, platform: Platform) -> Iterator[Finding]:
    for environment in platform.environments:
        lock = repo.locks.get(environment.name)
        if environment.prerelease or lock is None:
            continue
        doc = _lock_doc(repo, environment.name)
        if lock.platform and versions.is_prerelease(lock.platform):
            yield PRERELEASE.of(doc, f"{environment.name} runs the pre-release platform {lock.platform}", ("platform",))
        for name, pin in lock.services.items():
            if versions.is_prerelease(pin.version):
                message = f"{environment.name} runs the pre-release {name} {pin.version}"
                yield PRERELEASE.of(doc, message, ("services", name, "version"))


def _ledger_checks(repo: Repo, platform: Platform) -> Iterator[Finding]:
    path = platform.path
    origins = {path[0], platform.release_source().name}
    for relative, release in repo.release_files.items():
        doc = repo.documents[relative]
        reached = -1
        previous_at = ""
        for index, promotion in enumerate(release.promotions):
            where = ("promotions", index, "environment")
            if promotion.environment not in path:
                yield UNKNOWN_ENVIRONMENT.of(
                    doc, f"`{promotion.environment}` is not on the promotion path {' -> '.join(path)}", where
                )
                continue
            position = path.index(promotion.environment)
            if reached < 0 and promotion.environment not in origins:
                yield SKIPPED.of(
                    doc,
                    f"platform {release.version} starts in {promotion.environment}; versions are "
                    f"made in {' or '.join(sorted(origins))}",
                    where,
                )
            elif reached >= 0 and position > reached + 1:
                yield SKIPPED.of(
                    doc, f"promotion to {promotion.environment} skips {', '.join(path[reached + 1 : position])}", where
                )
            reached = max(reached, position)
            if promotion.at < previous_at:
                yield OUT_OF_ORDER.of(
                    doc,
                    f"promotion to {promotion.environment} at {promotion.at} is earlier than "
                    f"the one before it ({previous_at})",
                    ("promotions", index, "at"),
                )
            previous_at = max(previous_at, promotion.at)


def _ledger_history_checks(repo: Repo, base: Repo) -> Iterator[Finding]:
    for version, was in base.releases.items():
        relative = layout.release(version)
        now = repo.releases.get(version)
        doc = repo.documents.get(relative)
        if now is None or doc is None:
            yield SNAPSHOT_CHANGED.at(relative, 1, 1, f"released platform {version} was removed from the ledger")
            continue
        if dict(now.services) != dict(was.services):
            changed = sorted(
                n for n in set(now.services) | set(was.services) if now.services.get(n) != was.services.get(n)
            )
            yield SNAPSHOT_CHANGED.of(
                doc,
                f"the snapshot of released platform {version} changed "
                f"({', '.join(changed)}); cut a new version instead",
                ("services", changed[0]) if changed[0] in now.services else ("services",),
                key=True,
            )
        yield from _append_only(doc, now.promotions, was.promotions, "promotions", f"platform {version}")
    for environment, was_rolled in base.rollbacks.items():
        relative = layout.rollbacks(environment)
        rolled, doc = repo.rollbacks.get(environment), repo.documents.get(relative)
        if rolled is None or doc is None:
            yield HISTORY_REWRITTEN.at(relative, 1, 1, f"the rollback record of {environment} was removed")
            continue
        yield from _append_only(doc, rolled.records, was_rolled.records, "rollbacks", f"{environment}'s rollbacks")


def _append_only(doc: Document, now: tuple[Any, ...], was: tuple[Any, ...], key: str, what: str) -> Iterator[Finding]:
    """`now` must start with every record of `was`, unchanged."""
    kept = now[: len(was)]
    if kept == was:
        return
    index = next((i for i, (a, b) in enumerate(zip(kept, was, strict=False)) if a != b), len(kept))
    pointer = (key, index) if index < len(now) else (key,)
    yield HISTORY_REWRITTEN.of(
        doc,
        f"record {index + 1} of {what} was edited or removed; records are only appended",
        pointer,
        key=index >= len(kept),
    )


def _rolled_back(repo: Repo, base: Repo, environment: str) -> tuple[set[str], set[tuple[str, str]]]:
    """Platform versions and (service, version) pairs that rollback records added since base name as targets."""
    rolled = repo.rollbacks.get(environment)
    known = len(base.rollbacks[environment].records) if environment in base.rollbacks else 0
    records = rolled.records[known:] if rolled else ()
    platforms = {r.platform.after for r in records if r.platform}
    services = {(name, move.after) for r in records for name, move in r.services.items()}
    return platforms, services


def _ran(lock: Lock | None, service: str | None = None) -> str | None:
    if lock is None:
        return None
    if service is None:
        return lock.platform
    pin = lock.services.get(service)
    return pin.version if pin else None


def _upstream_checks(repo: Repo, base: Repo, platform: Platform) -> Iterator[Finding]:
    """Outside the first environment a lock changes by promotion (from what the upstream ran) or by a
    recorded rollback (to an older version, with its record in rollbacks.yaml)."""
    for environment in platform.environments[1:]:
        upstream = platform.upstream(environment.name)
        lock, was = repo.locks.get(environment.name), base.locks.get(environment.name)
        if lock is None or upstream is None or lock == was:
            continue
        doc = _lock_doc(repo, environment.name)
        sources = (repo.locks.get(upstream.name), base.locks.get(upstream.name))
        rolled_platforms, rolled_services = _rolled_back(repo, base, environment.name)
        env = environment.name
        if environment.mode == "platform":
            version, before = lock.platform, was.platform if was else None
            if version is None or version == before:
                continue
            recorded = base.releases.get(version)
            promoted = version in {_ran(source) for source in sources} or (
                recorded is not None and upstream.name in recorded.environments()
            )
            yield from _judge(
                doc,
                env,
                upstream.name,
                f"platform {version}",
                before,
                version,
                promoted,
                version in rolled_platforms,
                ("platform",),
            )
            continue
        for name, pin in lock.services.items():
            before = was.services[name].version if was and name in was.services else None
            if before == pin.version:
                continue
            promoted = pin.version in {_ran(source, name) for source in sources}
            yield from _judge(
                doc,
                env,
                upstream.name,
                f"{name} {pin.version}",
                before,
                pin.version,
                promoted,
                (name, pin.version) in rolled_services,
                ("services", name, "version"),
            )


def _judge(
    doc: Document,
    env: str,
    upstream: str,
    what: str,
    before: str | None,
    after: str,
    promoted: bool,
    recorded: bool,
    pointer: tuple[str, ...],
) -> Iterator[Finding]:
    if before is not None and versions.newer(before, after):
        if not recorded:
            yield UNRECORDED_ROLLBACK.of(
                doc,
                f"{env} went back from {before} to {what} with no rollback record; use `lockstep rollback`",
                pointer,
            )
    elif not promoted:
        yield NOT_FROM_UPSTREAM.of(doc, f"{what} in {env} is not what {upstream} ran at base or head", pointer)


def check(repo: Repo) -> Iterable[Finding]:
    platform = repo.platform
    if platform is None:
        return []
    findings = [
        *_snapshot_checks(repo),
        *_ahead_checks(repo, platform),
        *_ledger_checks(repo, platform),
        *_prerelease_checks(repo, platform),
    ]
    if repo.base is not None:
        findings += [*_ledger_history_checks(repo, repo.base), *_upstream_checks(repo, repo.base, platform)]
    return findings
