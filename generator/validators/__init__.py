"""Rule families of `lockstep validate`, one module each, every one offering the `Family` interface.

A family is a pure function of the loaded repository: it reads no file and runs no program (the `Repo` offers
what was loaded, and hadolint's reports). The registry below is the one list of families: the order in which
they run and are listed, the names `--only` accepts, and the catalogue `--list-rules` prints.
"""

from __future__ import annotations

from collections.abc import Iterable
from fnmatch import fnmatch
from typing import Protocol

from generator.findings import Finding, Level, Rule, sort_findings
from generator.openapi import rules as openapi_rules
from generator.repository import Repo
from generator.validators import (
    compatibility,
    consistency,
    contracts,
    delivery,
    dockerfile,
    engine,
    gates,
    manifests,
    pipeline,
    promotion,
    records,
    schema,
)


class Family(Protocol):
    """What every rule family module offers."""

    RULES: tuple[Rule, ...]  # every rule the family can emit, declared beside the code that emits it
    INPUTS: tuple[str, ...]  # the files its findings depend on (fnmatch patterns; "*" for any file)

    def check(self, repo: Repo) -> Iterable[Finding]:
        """The family's findings on `repo` (with `repo.base` set: pull-request mode)."""
        ...


FAMILIES: dict[str, Family] = {
    "schema": schema,
    "consistency": consistency,
    "promotion": promotion,
    "gates": gates,
    "compatibility": compatibility,
    "contracts": contracts,
    "dockerfile": dockerfile,
    "manifests": manifests,
    "delivery": delivery,
    "pipeline": pipeline,
    "engine": engine,
    "records": records,
}


def catalogue() -> list[Rule]:
    return [rule for family in FAMILIES.values() for rule in family.RULES]


def defaults() -> dict[str, Level]:
    """Each rule's own level, by id (what .lockstep/config.yaml may change): the families' rules and the notes of
    `diff-api --changelog`, since one config serves validate and diff-api."""
    return {rule.id: rule.level for rule in (*catalogue(), *openapi_rules.CHANGES)}


def affected_by(paths: Iterable[str]) -> list[str]:
    """The families whose findings a change of `paths` can change (the others would find the same again)."""
    changed = list(paths)
    return [
        name
        for name, family in FAMILIES.items()
        if any(fnmatch(path, pattern) for path in changed for pattern in family.INPUTS)
    ]


def check(repo: Repo, families: Iterable[str] = FAMILIES) -> list[Finding]:
    findings: list[Finding] = []
    for name in families:
        findings.extend(FAMILIES[name].check(repo))
    return sort_findings(findings)
