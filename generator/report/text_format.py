"""`file:line:column: level rule: message`, one finding a line, then a summary line."""

from __future__ import annotations

from typing import TYPE_CHECKING

from generator.report.sanitize import text
from generator.report.summary import summarize

if TYPE_CHECKING:
    from generator.findings import Finding


def render(findings: list[Finding]) -> str:
    lines = [
        f"{text(f.file)}:{f.line}:{f.column}: {f.level} {text(f.rule)}: "
        + (f"{text(f.operation)}: " if f.operation else "")
        + text(f.message)
        for f in findings
    ]
    counts = summarize(findings)
    if findings:
        lines.append(
            f"{counts['error']} error(s), {counts['warning']} warning(s), {counts['info']} info "
            f"in {counts['files']} file(s)"
        )
    else:
        lines.append("no findings")
    return "\n".join(lines) + "\n"
