"""GitLab Code Quality (`artifacts:reports:codequality`): a JSON array, one issue per finding with its description,
check name (the rule id), fingerprint, severity and location (path, first line). Severities as ESLint's GitLab
formatter maps them: error -> major, warning -> minor, info -> info. The fingerprint stays the same from run to
run and is unique in a report (GitLab keeps one issue per fingerprint)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from generator.report.fingerprint import fingerprints
from generator.report.sanitize import capped

if TYPE_CHECKING:
    from generator.findings import Finding
    from generator.report.record import Report

_SEVERITY = {"error": "major", "warning": "minor", "info": "info"}


def _issue(finding: Finding, fingerprint: str) -> dict[str, Any]:
    description = f"{finding.operation}: {finding.message}" if finding.operation else finding.message
    return {
        "type": "issue",
        "description": capped(description),
        "check_name": finding.rule,
        "fingerprint": fingerprint,
        "severity": _SEVERITY[finding.level],
        "location": {"path": finding.file, "lines": {"begin": max(finding.line, 1)}},
    }


def render(report: Report) -> str:
    findings = list(report.findings)
    issues = [_issue(f, fingerprint) for f, fingerprint in zip(findings, fingerprints(findings), strict=True)]
    return json.dumps(issues, indent=2) + "\n"
