"""One JSON object: {"findings": [...], "summary": {...}}."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from generator.report.sanitize import capped
from generator.report.summary import summarize

if TYPE_CHECKING:
    from generator.report.record import Report


def render(report: Report) -> str:
    findings = list(report.findings)
    rows = [{**f.as_dict(), "message": capped(f.message)} for f in findings]
    return json.dumps({"findings": rows, "summary": summarize(findings)}, indent=2) + "\n"
