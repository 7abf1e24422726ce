"""Rule family `compatibility`: in every environment, what each pinned service requires is pinned beside it.

A service's `requires` (frozen into its lock entry by `bump`) maps other services to version ranges with
npm/Helm semantics. This is what makes a rollback safe: a lock that rolls a provider back below what a
consumer needs is refused. Cycles are fine as long as the versions meet them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from generator import layout, versions
from generator.findings import Finding, Rule
from generator.repository import Repo

UNSATISFIED = Rule(
    "compatibility.unsatisfied",
    "error",
    "Every service's requirement is met by the version of the required service pinned in the same environment.",
)
MISSING = Rule(
    "compatibility.missing-service", "error", "A service a pinned service requires is pinned in the same environment."
)
INVALID_RANGE = Rule(
    "compatibility.invalid-range",
    "error",
    "A requirement is a version range: >=2.1.0 <3.0.0, ^2.1, ~2.1.3, 2.x, 1.2 - 1.4, a || b.",
)

INPUTS: tuple[str, ...] = ("*",)
RULES: tuple[Rule, ...] = (UNSATISFIED, MISSING, INVALID_RANGE)


def _manifest_ranges(repo: Repo) -> Iterator[Finding]:
    doc = repo.documents[layout.PLATFORM]
    for name, service in repo.platform.services.items() if repo.platform else ():
        for needed, text in service.requires.items():
            if (error := versions.range_error(text)) is not None:
                yield INVALID_RANGE.of(
                    doc, f"{name} requires {needed} `{text}`: {error}", ("services", name, "requires", needed)
                )


def _environment(repo: Repo, environment: str) -> Iterator[Finding]:
    lock = repo.locks[environment]
    doc = repo.documents[layout.lock(environment)]
    for name, pin in lock.services.items():
        for needed, text in pin.requires.items():
            where = ("services", name, "requires", needed)
            if (error := versions.range_error(text)) is not None:
                yield INVALID_RANGE.of(doc, f"{name} {pin.version} requires {needed} `{text}`: {error}", where)
                continue
            provider = lock.services.get(needed)
            if provider is None:
                yield MISSING.of(
                    doc,
                    f"in {environment}, {name} {pin.version} requires {needed} {text}, which is not pinned here",
                    where,
                )
            elif not versions.satisfies(provider.version, text):
                yield UNSATISFIED.of(
                    doc,
                    f"in {environment}, {name} {pin.version} requires {needed} {text}, "
                    f"but {needed} is at {provider.version}",
                    where,
                )


def check(repo: Repo) -> Iterable[Finding]:
    findings = list(_manifest_ranges(repo))
    for environment in repo.locks:
        findings.extend(_environment(repo, environment))
    return findings
