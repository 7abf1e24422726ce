"""`lockstep diff-api BASE HEAD [--format F] [--fail-on LEVEL] [--exceptions FILE]`."""

from __future__ import annotations

import sys
from pathlib import Path

from generator import report
from generator.errors import UsageError
from generator.findings import Level, at_or_above
from generator.openapi import api, rules
from generator.openapi.limits import Limits


def run(
    base: str | None,
    head: str | None,
    fmt: str,
    fail_on: Level,
    exceptions: Path | None,
    limits: tuple[int | None, int | None] = (None, None),
) -> int:
    """`limits`: the findings and nodes one API contract may cost (--max-findings, --max-nodes; None: the
    default)."""
    if not base or not head:
        raise UsageError("diff-api needs BASE and HEAD (files, or REF:path from git)")
    findings = api.diff_files(base, head, exceptions_file=exceptions, limits=Limits.of(*limits))
    sys.stdout.write(report.FINDINGS[fmt](findings))
    return 1 if at_or_above(findings, fail_on) else 0


def list_rules(fmt: str) -> int:
    sys.stdout.write(report.RULES[fmt](list(rules.RULES)))
    return 0
