"""`lockstep diff-api BASE HEAD [--format F] [--report F=PATH] [--fail-on LEVEL] [--exceptions FILE]
[--changelog] [--config FILE]`."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from generator import layout, report, rule_levels, validators
from generator.commands import output
from generator.errors import UsageError
from generator.findings import Finding, Level, at_or_above, sort_findings
from generator.openapi import api, rules
from generator.openapi.limits import Limits
from generator.report import changelog_format
from generator.report.record import Report
from generator.repository import find_root
from generator.rule_levels import RuleLevels


def run(
    base: str | None,
    head: str | None,
    fmt: str,
    fail_on: Level,
    exceptions: Path | None,
    limits: tuple[int | None, int | None] = (None, None),
    changelog: bool = False,
    config: Path | None = None,
    *,
    reports: Sequence[str] | None = None,
    link_base: str | None = None,
) -> int:
    """`limits`: the findings and nodes one API contract may cost (--max-findings, --max-nodes; None: the
    default). `changelog`: every change, breaking or not, grouped by operation where the format has a
    changelog layout (changelog_format), as findings in the others. `config`: rule levels (--config; by default
    the .lockstep/config.yaml of the repository found from here upwards, if any). `reports`: FORMAT=PATH, each
    written besides stdout's `fmt` (in its changelog layout too, with `changelog`)."""
    if not base or not head:
        raise UsageError("diff-api needs BASE and HEAD (files, or REF:path from git)")
    chosen = output.outputs(fmt, reports, link_base)
    levels, known = _levels(config), validators.defaults()
    findings = api.diff_files(base, head, exceptions_file=exceptions, limits=Limits.of(*limits), changelog=changelog)
    findings.extend(rule_levels.unknown_rules(levels, known))
    findings = sort_findings(rule_levels.apply(findings, levels, known))
    links = chosen.link_base
    if links is None and "markdown" in chosen.formats:
        links = output.github_link_base(os.environ, lambda: output.commit_of(Path.cwd()))
    catalogue = (*rules.RULES, *rules.CHANGES) if changelog else rules.RULES
    made = Report("diff-api", tuple(findings), tuple(catalogue), fail_on, link_base=links)
    layouts = {name: _of_findings(render) for name, render in changelog_format.FORMATS.items()} if changelog else {}
    output.emit(chosen, made, layouts)
    return 1 if at_or_above(findings, fail_on) else 0


def _of_findings(render: Callable[[list[Finding]], str]) -> Callable[[Report], str]:
    return lambda made: render(list(made.findings))


def _levels(config: Path | None) -> RuleLevels | None:
    if config is not None:
        found = rule_levels.read(config)
        if found is None:
            raise UsageError(f"--config: {config}: no such file")
        return found
    try:
        root = find_root(None)
    except UsageError:
        return None  # not in a lockstep repository: every rule at its own level
    # named from here, as diff-api names every file (validate names it from the repository's root)
    return rule_levels.of_repository(root, os.path.relpath(root / layout.CONFIG))


def list_rules(fmt: str, config: Path | None = None) -> int:
    sys.stdout.write(report.RULES[fmt](rule_levels.listed(rules.CATALOGUE, _levels(config))))
    return 0
