"""GitHub Actions workflow commands: each finding becomes an annotation on the pull request."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from generator.findings import Finding

_COMMAND = {"error": "error", "warning": "warning", "info": "notice"}


def _escape(text: str, *, property_value: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if property_value else text


def render(findings: list[Finding]) -> str:
    lines = [
        f"::{_COMMAND[f.level]} file={_escape(f.file, property_value=True)},line={f.line},col={f.column},"
        f"title={_escape(f.rule, property_value=True)}::{_escape(f.message)}"
        for f in findings
    ]
    return "".join(line + "\n" for line in lines)
