"""`lockstep diff-api BASE HEAD [--format F] [--report F=PATH] [--fail-on LEVEL] [--exceptions FILE]`."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

from generator import report
from generator.commands import output
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
    *,
    reports: Sequence[str] | None = None,
    link_base: str | None = None,
) -> int:
    """`limits`: the findings and nodes one API contract may cost (--max-findings, --max-nodes; None: the
    default). `reports`: FORMAT=PATH, each written besides stdout's `fmt`."""
    if not base or not head:
        raise UsageError("diff-api needs BASE and HEAD (files, or REF:path from git)")
    chosen = output.outputs(fmt, reports, link_base)
    findings = api.diff_files(base, head, exceptions_file=exceptions, limits=Limits.of(*limits))
    links = chosen.link_base
    if links is None and "markdown" in chosen.formats:
        links = output.github_link_base(os.environ, lambda: output.commit_of(Path.cwd()))
    output.emit(chosen, report.Report("diff-api", tuple(findings), tuple(rules.RULES), fail_on, link_base=links))
    return 1 if at_or_above(findings, fail_on) else 0


def list_rules(fmt: str) -> int:
    sys.stdout.write(report.RULES[fmt](list(rules.RULES)))
    return 0
