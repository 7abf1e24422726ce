"""Findings and reports built directly, so each test sees exactly what a formatter does with the records it is
given."""

from __future__ import annotations

from generator.findings import Finding, Level, Rule
from generator.report.record import Context, Report

ERROR = Finding("schema.unknown-key", "error", "platform.yaml", 12, 5, "unknown key `colour`", pointer="/colour")
WARNING = Finding(
    "api.operation-id-changed", "warning", "services/a/openapi.yaml", 3, 7, "renamed", operation="GET /pets"
)
INFO = Finding("contracts.major-without-breaking", "info", "platform.yaml", 1, 1, "nothing broke")
RULES = (
    Rule("schema.unknown-key", "error", "Only the keys the schema names are used."),
    Rule("api.operation-id-changed", "warning", "An operationId changed."),
    Rule("contracts.major-without-breaking", "info", "A major version bump with no breaking API change."),
    Rule("dockerfile.hadolint", "error", "hadolint's rules."),
)


def report_of(
    *findings: Finding,
    command: str = "validate",
    fail_on: Level = "error",
    context: Context | None = None,
    link_base: str | None = None,
    colour: bool = False,
) -> Report:
    return Report(command, findings, RULES, fail_on, context=context, link_base=link_base, colour=colour)
