"""The accept-list `.lockstep/api-exceptions.yaml`: breaking changes a reviewer accepted, with a reason and
an optional expiry. An accepted finding is kept as info (saying why); an expired entry is itself a finding."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace
from pathlib import Path

from generator import schemas, yamlio
from generator.errors import UsageError
from generator.findings import Finding, excerpt
from generator.openapi.rules import EXCEPTION_EXPIRED as EXPIRED


@dataclass(frozen=True)
class Exception_:
    rule: str
    operation: str
    reason: str
    expires: datetime.date | None
    service: str | None
    line: int
    column: int

    def matches(self, finding: Finding, service: str | None) -> bool:
        from generator.openapi.differ import shape  # here: loading an accept-list needs no differ

        if self.service is not None and self.service != service:
            return False
        method, _, path = (finding.operation or "").partition(" ")
        mine_method, _, mine_path = self.operation.partition(" ")
        return self.rule == finding.rule and method == mine_method.upper() and shape(path) == shape(mine_path)


def entries(doc: yamlio.Document) -> tuple[Exception_, ...]:
    """The entries of a schema-valid accept-list document."""
    found = []
    for index, entry in enumerate(doc.data["exceptions"]):
        expires = entry.get("expires")
        where = doc.position(("exceptions", index))
        found.append(
            Exception_(
                entry["rule"],
                entry["operation"],
                entry["reason"],
                datetime.date.fromisoformat(expires) if expires else None,
                entry.get("service"),
                where.line,
                where.column,
            )
        )
    return tuple(found)


def read(path: Path) -> tuple[Exception_, ...]:
    """An accept-list named on the command line; LoadError at its first YAML or schema problem."""
    doc = yamlio.load_named(path)
    if doc is None:
        raise UsageError(f"{path}: no such file")
    schemas.require_valid(doc, "api-exceptions")
    return entries(doc)


def apply(
    findings: list[Finding],
    accepted: tuple[Exception_, ...],
    display: str,
    today: datetime.date,
    service: str | None = None,
) -> list[Finding]:
    """Accepted findings become info; expired entries accept nothing and are reported."""
    result: list[Finding] = []
    for finding in findings:
        match = next(
            (e for e in accepted if e.matches(finding, service) and (e.expires is None or e.expires >= today)), None
        )
        if match is None:
            result.append(finding)
            continue
        result.append(
            replace(finding, level="info", message=f"{finding.message} (accepted: {excerpt(match.reason, 200)})")
        )
    for entry in accepted:
        if entry.service not in (None, service):
            continue
        if entry.expires is not None and entry.expires < today:
            result.append(
                EXPIRED.at(
                    display,
                    entry.line,
                    entry.column,
                    f"the exception for {entry.rule} on {entry.operation} expired on {entry.expires}",
                )
            )
    return result
