"""The counts every findings report ends with."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from generator.findings import Finding


def summarize(findings: list[Finding]) -> dict[str, int]:
    counts = {level: 0 for level in ("error", "warning", "info")}
    for finding in findings:
        counts[finding.level] += 1
    return {**counts, "total": len(findings), "files": len({f.file for f in findings})}
