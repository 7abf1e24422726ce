"""One JSON object: {"findings": [...], "summary": {...}}."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from generator.report.summary import summarize

if TYPE_CHECKING:
    from generator.findings import Finding


def render(findings: list[Finding]) -> str:
    return json.dumps({"findings": [f.as_dict() for f in findings], "summary": summarize(findings)}, indent=2) + "\n"
