"""GitHub Actions workflow commands: each finding becomes an annotation on the pull request."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from generator.findings import Finding

from generator.report.sanitize import text

_COMMAND = {"error": "error", "warning": "warning", "info": "notice"}


def _escape(value: str, *, property_value: bool = False) -> str:
    """One line (control characters shown escaped), then GitHub's own escapes: a message can never end the
    command or start another."""
    value = text(value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))
    return value.replace(":", "%3A").replace(",", "%2C") if property_value else value


def render(findings: list[Finding]) -> str:
    lines = [
        f"::{_COMMAND[f.level]} file={_escape(f.file, property_value=True)},line={f.line},col={f.column},"
        f"title={_escape(f.rule, property_value=True)}::{_escape(f.message)}"
        for f in findings
    ]
    return "".join(line + "\n" for line in lines)
