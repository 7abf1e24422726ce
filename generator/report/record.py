"""What every findings formatter is given: one `Report` (the findings, the catalogue of the rules that produced
them, what the command was run with) and, for `validate`, the platform around them. Whatever depends on the
environment (a terminal, GitHub's variables, git) is decided by the command and arrives here as plain values."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from generator.findings import SEVERITY, Finding, Level, Rule

if TYPE_CHECKING:
    from generator.model import GateOverride
    from generator.operations.moves import Move
    from generator.operations.status import Status


@dataclass(frozen=True)
class Context:
    """The platform around the findings of `validate`: its services x environments matrix (None when the manifest
    or a lock does not load) and, in pull-request mode, what the change moves."""

    status: Status | None
    moves: tuple[Move, ...] = ()
    base: str | None = None  # the --base ref the moves are measured from
    overrides: tuple[tuple[str, GateOverride], ...] = ()  # (environment, record) of the gate overrides it appends


@dataclass(frozen=True)
class Report:
    command: str  # "validate" or "diff-api"
    findings: tuple[Finding, ...]
    rules: tuple[Rule, ...]  # the catalogue of the rules that ran
    fail_on: Level = "error"  # the lowest level that fails the run (the exit code is 1)
    context: Context | None = None
    link_base: str | None = None  # URL that `file` (then #L<line>) is appended to; None: no links
    colour: bool = False  # ANSI colour (text only)

    @property
    def failed(self) -> bool:
        return any(SEVERITY[f.level] >= SEVERITY[self.fail_on] for f in self.findings)

    def fails(self, finding: Finding) -> bool:
        return SEVERITY[finding.level] >= SEVERITY[self.fail_on]

    def rule(self, rule_id: str) -> Rule:
        """The catalogue entry of `rule_id`: its own, or that of the nearest rule it refines
        (`dockerfile.hadolint.DL3008` -> `dockerfile.hadolint`), or a bare one named after it."""
        by_id = self._by_id
        parts = rule_id.split(".")
        for end in range(len(parts), 0, -1):
            found = by_id.get(".".join(parts[:end]))
            if found is not None:
                return found if end == len(parts) else Rule(rule_id, found.level, found.description)
        return Rule(rule_id, "error", rule_id)

    @cached_property
    def _by_id(self) -> dict[str, Rule]:
        return {rule.id: rule for rule in self.rules}

    def families(self) -> list[tuple[str, list[Finding]]]:
        """Findings by rule family (the rule id up to its first dot), families in catalogue order, then any
        other by name; every family of the catalogue is listed, with or without findings."""
        order = list(
            dict.fromkeys([*(family(r.id) for r in self.rules), *sorted(family(f.rule) for f in self.findings)])
        )
        return [(name, [f for f in self.findings if family(f.rule) == name]) for name in order]


def family(rule_id: str) -> str:
    return rule_id.split(".", 1)[0]


def by_file(findings: Iterable[Finding]) -> list[tuple[str, list[Finding]]]:
    """Findings grouped by file, files in the order they first appear (findings come sorted by file)."""
    groups: dict[str, list[Finding]] = {}
    for finding in findings:
        groups.setdefault(finding.file, []).append(finding)
    return list(groups.items())
