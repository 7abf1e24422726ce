"""Findings as a Markdown table (pull-request comments, job summaries)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from generator.report.sanitize import markdown, text
from generator.report.summary import summarize

if TYPE_CHECKING:
    from generator.findings import Finding


def render(findings: list[Finding]) -> str:
    if not findings:
        return "**No findings.**\n"
    counts = summarize(findings)
    lines = [
        f"**{counts['error']} error(s), {counts['warning']} warning(s), {counts['info']} info**",
        "",
        "| level | rule | operation | where | message |",
        "| --- | --- | --- | --- | --- |",
    ]
    lines += [
        f"| {f.level} | `{text(f.rule).replace('`', '')}` | {markdown(f.operation or '')} | "
        f"`{text(f.file).replace('`', '').replace('|', chr(92) + '|')}:{f.line}` | {markdown(f.message)} |"
        for f in findings
    ]
    return "\n".join(lines) + "\n"
