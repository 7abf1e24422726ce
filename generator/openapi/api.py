"""`lockstep diff-api`: two documents in, findings out (with the accept-list applied)."""

from __future__ import annotations

import datetime
from pathlib import Path

from generator.findings import Finding, sort_findings
from generator.openapi import exceptions, loader
from generator.openapi.differ import diff
from generator.openapi.limits import DEFAULT, Limits


def diff_files(
    base: str,
    head: str,
    *,
    exceptions_file: Path | None = None,
    cwd: Path = Path("."),
    today: datetime.date | None = None,
    limits: Limits = DEFAULT,
    changelog: bool = False,
) -> list[Finding]:
    """`changelog`: also every change that breaks nothing (info), as `diff-api --changelog` lists them."""
    today = today or datetime.date.today()
    old, new = loader.load(base, cwd=cwd, limits=limits), loader.load(head, cwd=cwd, limits=limits)
    findings = diff(old, new, today, limits, changelog=changelog)
    if exceptions_file is not None:
        accepted = exceptions.read(exceptions_file)
        findings = exceptions.apply(findings, accepted, str(exceptions_file), today)
    return sort_findings(findings)
