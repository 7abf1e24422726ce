"""`lockstep diff-api BASE HEAD [--format F] [--report F=PATH] [--fail-on LEVEL] [--exceptions FILE]
[--changelog]`."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from generator import report
from generator.commands import output
from generator.errors import UsageError
from generator.findings import Finding, Level, at_or_above
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
    *,
    reports: Sequence[str] | None = None,
    link_base: str | None = None,
) -> int:
    """`limits`: the findings and nodes one API contract may cost (--max-findings, --max-nodes; None: the
    default). `changelog`: every change, breaking or not, grouped by operation where the format has a
    changelog layout (changelog_format), as findings in the others. `reports`: FORMAT=PATH, each written
    besides stdout's `fmt` (in its changelog layout too, with `changelog`)."""
    if not base or not head:
        raise UsageError("diff-api needs BASE and HEAD (files, or REF:path from git)")
    chosen = output.outputs(fmt, reports, link_base)
    findings = api.diff_files(base, head, exceptions_file=exceptions, limits=Limits.of(*limits), changelog=changelog)
    links = chosen.link_base
    if links is None and "markdown" in chosen.formats:
        links = output.github_link_base(os.environ, lambda: output.commit_of(Path.cwd()))
    catalogue = (*rules.RULES, *rules.CHANGES) if changelog else rules.RULES
    made = report.Report("diff-api", tuple(findings), tuple(catalogue), fail_on, link_base=links)
    layouts = {name: _of_findings(render) for name, render in changelog_format.FORMATS.items()} if changelog else {}
    output.emit(chosen, made, layouts)
    return 1 if at_or_above(findings, fail_on) else 0


def _of_findings(render: Callable[[list[Finding]], str]) -> Callable[[report.Report], str]:
    return lambda made: render(list(made.findings))


def list_rules(fmt: str) -> int:
    sys.stdout.write(report.RULES[fmt](list(rules.CATALOGUE)))
    return 0
