"""Rule families of `lockstep validate`: each module offers RULES and `check(repo) -> Iterable[Finding]`.

Kept free of imports at module level: the CLI reads FAMILIES before it parses arguments.
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib import import_module
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from generator.findings import Finding, Rule
    from generator.repository import Repo

# The order in which families run and are listed.
FAMILIES: tuple[str, ...] = ("schema", "consistency", "promotion", "compatibility", "contracts", "dockerfile")


def family(name: str) -> ModuleType:
    return import_module(f"generator.validators.{name}")


def catalogue() -> list[Rule]:
    return [rule for name in FAMILIES for rule in family(name).RULES]


def check(repo: Repo, families: Iterable[str] = FAMILIES) -> list[Finding]:
    from generator.findings import sort_findings

    findings: list[Finding] = []
    for name in families:
        findings.extend(family(name).check(repo))
    return sort_findings(findings)
