"""GitHub Actions workflow commands: each finding becomes an annotation on the pull request. The title is the
rule id and, for a contract finding, its operation (`api.response-property-removed (GET /pets)`), so one change
to a shared schema reported for two operations is two annotations a reader can tell apart."""

from __future__ import annotations

from typing import TYPE_CHECKING

from generator.report.sanitize import text

if TYPE_CHECKING:
    from generator.findings import Finding
    from generator.report.record import Report

_COMMAND = {"error": "error", "warning": "warning", "info": "notice"}


def _escape(value: str, *, property_value: bool = False) -> str:
    """One line (control characters shown escaped), then GitHub's own escapes: a message can never end the
    command or start another."""
    value = text(value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))
    return value.replace(":", "%3A").replace(",", "%2C") if property_value else value


def _title(finding: Finding) -> str:
    return f"{finding.rule} ({finding.operation})" if finding.operation else finding.rule


def render(report: Report) -> str:
    return "".join(
        f"::{_COMMAND[f.level]} file={_escape(f.file, property_value=True)},line={f.line},col={f.column},"
        f"title={_escape(_title(f), property_value=True)}::{_escape(f.message)}\n"
        for f in report.findings
    )
