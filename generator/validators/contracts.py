"""Rule family `contracts`: API contracts and the versions that ship them.

On the working tree: every `$ref` of a contract that the engine reads can be followed (api.remote-ref,
api.unresolved-ref); every operation a consumer names in `requires` (by operationId) exists in the
provider's contract. With a base ref (pull-request mode): each service whose contract changed is diffed
with the contracts engine (whose `api.*` findings this family reports); a breaking change needs a major
version bump of that service in the first environment's lock (a minor bump below 1.0.0, as SemVer says); a
major bump with no breaking change is an info. Accepted changes come from `.lockstep/api-exceptions.yaml`.
A contract that does not load is the `schema` family's finding (api.syntax, api.not-openapi).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import replace

from generator import layout, versions
from generator.findings import Finding, Rule
from generator.model import Platform
from generator.openapi import exceptions, rules
from generator.openapi.limits import Limits
from generator.openapi.loader import Spec
from generator.repository import Repo

BREAKING_WITHOUT_MAJOR = Rule(
    "contracts.breaking-without-major",
    "error",
    "(with --base) A breaking API change ships with a major version bump (minor below 1.0.0).",
)
MAJOR_WITHOUT_BREAKING = Rule(
    "contracts.major-without-breaking", "info", "(with --base) A major version bump with no breaking API change."
)
REQUIRED_OPERATION_MISSING = Rule(
    "contracts.required-operation-missing",
    "error",
    "Every operation a consumer names in `requires` exists (by operationId) in the provider's contract.",
)
ROLLBACK_OPERATION_MISSING = Rule(
    "contracts.rollback-operation-missing",
    "error",
    "(with --base) A lock that goes back to an older version of a service keeps every operation that a consumer "
    "pinned beside it names in `requires` (the contract is the one that version shipped, from git history).",
)
ROLLBACK_CONTRACT_UNKNOWN = Rule(
    "contracts.rollback-contract-unknown",
    "warning",
    "(with --base) A lock goes back to an older version of a service that consumers pinned beside it `require`, "
    "and the contract that version shipped is not in the history available (a shallow clone): "
    "`contracts.rollback-operation-missing` could not check it.",
)

# The engine's rules are reported too (with --base), as the reasons for the family's own findings.
INPUTS: tuple[str, ...] = ("*",)
RULES: tuple[Rule, ...] = (
    BREAKING_WITHOUT_MAJOR,
    MAJOR_WITHOUT_BREAKING,
    REQUIRED_OPERATION_MISSING,
    ROLLBACK_OPERATION_MISSING,
    ROLLBACK_CONTRACT_UNKNOWN,
    *rules.RULES,
)


_ENGINE = {rule.id for rule in rules.RULES}


def _operation_ids(spec: Spec) -> set[str]:
    paths = spec.root.data.get("paths") or {}
    return {
        str(operation["operationId"])
        for item in paths.values()
        if isinstance(item, dict)
        for operation in item.values()
        if isinstance(operation, dict) and "operationId" in operation
    }


def missing_operations(
    platform: Platform, consumers: Iterable[str], provider: str, spec: Spec
) -> list[tuple[str, str]]:
    """(consumer, operationId) for every operation of `provider` that one of `consumers` names in `requires`
    and `spec` does not have."""
    present = _operation_ids(spec)
    return [
        (consumer, operation)
        for consumer in consumers
        if consumer in platform.services
        for operation in platform.services[consumer].operations.get(provider, ())
        if operation not in present
    ]


def _rollback_checks(repo: Repo, base: Repo, platform: Platform) -> Iterator[Finding]:
    for environment, lock in repo.locks.items():
        was = base.locks.get(environment)
        for name, pin in lock.services.items():
            before = was.services.get(name) if was else None
            if before is None or not versions.newer(before.version, pin.version):
                continue
            spec = repo.shipped.get((name, pin.version))
            if spec is None:
                consumers = [
                    c for c in lock.services if c in platform.services and platform.services[c].operations.get(name)
                ]
                if consumers and name in platform.services:
                    yield ROLLBACK_CONTRACT_UNKNOWN.of(
                        repo.documents[layout.lock(environment)],
                        f"{environment} goes back to {name} {pin.version}, whose contract is not in the git history "
                        f"here (a shallow clone?): the operations {', '.join(consumers)} require were not checked",
                        ("services", name, "version"),
                    )
                continue
            for consumer, operation in missing_operations(platform, lock.services, name, spec):
                yield ROLLBACK_OPERATION_MISSING.of(
                    repo.documents[layout.lock(environment)],
                    f"{environment} goes back to {name} {pin.version}, which has no `{operation}`; "
                    f"{consumer} {lock.services[consumer].version}, pinned beside it, calls it",
                    ("services", name, "version"),
                )


def _required_operations(repo: Repo, platform: Platform) -> Iterator[Finding]:
    manifest = repo.documents[layout.PLATFORM]
    for consumer in platform.services.values():
        for provider, operations in consumer.operations.items():
            spec = repo.contracts.get(platform.services[provider].api) if provider in platform.services else None
            if spec is None or not operations:
                continue  # an unknown provider or a contract that does not load: reported elsewhere
            present = _operation_ids(spec)
            for index, operation in enumerate(operations):
                if operation not in present:
                    yield REQUIRED_OPERATION_MISSING.of(
                        manifest,
                        f"{consumer.name} calls {provider}'s operation `{operation}`, which "
                        f"{platform.services[provider].api} no longer has",
                        ("services", consumer.name, "requires", provider, "operations", index),
                    )


def _trunk_move(repo: Repo, service: str, before: str, after: str) -> bool:
    """True for the minor that trunk must move after a release (below 1.0.0 a minor is the major): a version
    line rule, not a statement about the API."""
    released = any(
        release.services.get(service, None) is not None
        and release.services[service].version == before
        and not versions.is_prerelease(release.version)
        for release in repo.releases.values()
    )
    return released and after == versions.bump(before, "minor")


def _is_major(before: str, after: str) -> bool:
    old, new = versions.parse(before), versions.parse(after)
    if old.major == 0 and new.major == 0:
        return new.minor > old.minor
    return new.major > old.major


def _broken_refs(repo: Repo) -> list[Finding]:
    from generator.openapi.differ import ref_findings  # here: the hook on a lock alone never needs the differ

    return [finding for spec in repo.contracts.values() for finding in ref_findings(spec)]


def _diff(then: Spec, now: Spec, today: datetime.date, limits: Limits) -> list[Finding]:
    from generator.openapi.differ import diff  # here: loading it costs a hook that moves no contract 70 ms

    return diff(then, now, today, limits)


def _unchanged(then: Spec, now: Spec) -> bool:
    """The contract is the same on both sides (every file it reads has the same text): nothing to diff."""
    if then is now:
        return True
    return then.sources.keys() == now.sources.keys() and all(
        source.text == now.sources[name].text for name, source in then.sources.items()
    )


def _changes(
    repo: Repo, base: Repo, platform: Platform, today: datetime.date, known: set[tuple[str, str, int, int]]
) -> Iterator[Finding]:
    """`known`: findings (rule, file, line, column) already reported on the working tree, not repeated."""
    first = platform.path[0]
    lock, was = repo.locks.get(first), base.locks.get(first)
    if lock is None or was is None:
        return
    for name, service in platform.services.items():
        now, then = repo.contracts.get(service.api), base.contracts.get(service.api)
        if now is None or then is None or name not in lock.services or name not in was.services:
            continue  # missing or unreadable on either side: nothing to compare
        changed = [] if _unchanged(then, now) else _diff(then, now, today, repo.limits)
        found = [f for f in changed if (f.rule, f.file, f.line, f.column) not in known]
        found = exceptions.apply(found, repo.exceptions, layout.API_EXCEPTIONS, today, service=name)
        before, after = was.services[name].version, lock.services[name].version
        breaking = [f for f in found if f.level == "error" and f.rule in _ENGINE]
        major = _is_major(before, after)
        if major:  # the bump tells clients; the changes stay visible as the reason for it
            found = [
                replace(f, level="info", message=f"{f.message} (shipped as {before} -> {after})")
                if f.rule in _ENGINE and f.level != "info"
                else f
                for f in found
            ]
        yield from found
        doc = repo.documents[layout.lock(first)]
        where = ("services", name, "version")
        if breaking and not major:
            needed = "a minor bump (below 1.0.0)" if versions.parse(before).major == 0 else "a major bump"
            yield BREAKING_WITHOUT_MAJOR.of(
                doc,
                f"{service.api} has {len(breaking)} breaking change(s) but {name} goes {before} -> {after}; "
                f"it needs {needed}",
                where,
            )
        elif not breaking and major and not _trunk_move(repo, name, before, after):
            yield MAJOR_WITHOUT_BREAKING.of(
                doc, f"{name} {before} -> {after} is a major bump, but {service.api} has no breaking change", where
            )


def check(repo: Repo) -> Iterable[Finding]:
    platform = repo.platform
    if platform is None:
        return []
    findings = [*_broken_refs(repo), *_required_operations(repo, platform)]
    if repo.base is not None:
        known = {(f.rule, f.file, f.line, f.column) for f in findings}
        findings += list(_changes(repo, repo.base, platform, datetime.date.today(), known))
        findings += list(_rollback_checks(repo, repo.base, platform))
    return findings
