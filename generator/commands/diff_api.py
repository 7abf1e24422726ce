"""`lockstep diff-api BASE HEAD [--format F] [--fail-on LEVEL] [--exceptions FILE] [--changelog]`."""

from __future__ import annotations

import sys
from pathlib import Path

from generator import report
from generator.errors import UsageError
from generator.findings import Level, at_or_above
from generator.openapi import api, rules
from generator.openapi.limits import Limits
from generator.report import changelog_format


def run(
    base: str | None,
    head: str | None,
    fmt: str,
    fail_on: Level,
    exceptions: Path | None,
    limits: tuple[int | None, int | None] = (None, None),
    changelog: bool = False,
) -> int:
    """`limits`: the findings and nodes one API contract may cost (--max-findings, --max-nodes; None: the
    default). `changelog`: every change, breaking or not, grouped by operation where the format has a
    changelog layout (changelog_format), as findings in the others."""
    if not base or not head:
        raise UsageError("diff-api needs BASE and HEAD (files, or REF:path from git)")
    findings = api.diff_files(base, head, exceptions_file=exceptions, limits=Limits.of(*limits), changelog=changelog)
    render = changelog_format.FORMATS.get(fmt) if changelog else None
    sys.stdout.write(render(findings) if render else report.FINDINGS[fmt](findings))
    return 1 if at_or_above(findings, fail_on) else 0


def list_rules(fmt: str) -> int:
    sys.stdout.write(report.RULES[fmt](list(rules.CATALOGUE)))
    return 0
