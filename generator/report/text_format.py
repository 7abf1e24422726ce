"""`file:line:column: level rule: message`, one finding a line, grouped by file (a blank line between files),
then a summary line. Every finding line starts with its position, as ruff's and mypy's do, so a terminal or an
editor can jump to it; with `colour`, the path, the level and the rule id are coloured (ANSI)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from generator.report.record import by_file
from generator.report.sanitize import text
from generator.report.summary import summarize

if TYPE_CHECKING:
    from generator.findings import Finding
    from generator.report.record import Report

_RESET = "\x1b[0m"
_STYLE = {"path": "\x1b[1m", "rule": "\x1b[36m", "error": "\x1b[1;31m", "warning": "\x1b[1;33m", "info": "\x1b[1;34m"}


def _line(finding: Finding, colour: bool) -> str:
    def paint(what: str, value: str) -> str:
        return f"{_STYLE[what]}{value}{_RESET}" if colour else value

    return (
        f"{paint('path', text(finding.file))}:{finding.line}:{finding.column}: "
        f"{paint(finding.level, finding.level)} {paint('rule', text(finding.rule))}: "
        + (f"{text(finding.operation)}: " if finding.operation else "")
        + text(finding.message)
    )


def render(report: Report) -> str:
    findings = list(report.findings)
    if not findings:
        return "no findings\n"
    blocks = ["\n".join(_line(f, report.colour) for f in group) for _, group in by_file(findings)]
    counts = summarize(findings)
    summary = (
        f"{counts['error']} error(s), {counts['warning']} warning(s), {counts['info']} info "
        f"in {counts['files']} file(s)"
    )
    return "\n\n".join([*blocks, summary]) + "\n"
