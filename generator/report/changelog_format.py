"""`diff-api --changelog`: every change between two contracts, grouped by operation (as oasdiff's changelog
groups them), most severe first within each operation; what concerns the whole document comes last.

FORMATS holds the formats that have a changelog layout (text, markdown, json); `diff-api --changelog` renders
every other format with the findings formatter of that name, since each change is a finding.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from itertools import groupby
from typing import TYPE_CHECKING, Any

from generator.findings import SEVERITY
from generator.openapi.differ import METHODS
from generator.report.sanitize import capped, markdown, text

if TYPE_CHECKING:
    from generator.findings import Finding

DOCUMENT = "document"  # the heading of changes that belong to no operation


def _operation_key(operation: str | None) -> tuple[int, str, int, str]:
    if operation is None:
        return (1, "", 0, "")
    method, _, path = operation.partition(" ")
    order = METHODS.index(method.lower()) if method.lower() in METHODS else len(METHODS)
    return (0, path, order, method)


def ordered(findings: list[Finding]) -> list[Finding]:
    """By operation (path, then method), then most severe first, then where each change is written."""
    return sorted(
        findings,
        key=lambda f: (_operation_key(f.operation), -SEVERITY[f.level], f.file, f.line, f.rule, f.message),
    )


def _groups(findings: list[Finding]) -> list[tuple[str | None, list[Finding]]]:
    return [(operation, list(changes)) for operation, changes in groupby(ordered(findings), lambda f: f.operation)]


def _summary(findings: list[Finding]) -> str:
    counts = {level: sum(1 for f in findings if f.level == level) for level in ("error", "warning", "info")}
    operations = len({f.operation for f in findings if f.operation is not None})
    return (
        f"{len(findings)} change(s): {counts['error']} error(s), {counts['warning']} warning(s), "
        f"{counts['info']} info in {operations} operation(s)"
    )


def render_text(findings: list[Finding]) -> str:
    if not findings:
        return "no changes\n"
    lines: list[str] = []
    for operation, changes in _groups(findings):
        lines.append(text(operation or DOCUMENT))
        lines += [f"  {f.level:7} {text(f.message)}  ({text(f.rule)}, {text(f.file)}:{f.line})" for f in changes]
        lines.append("")
    lines.append(_summary(findings))
    return "\n".join(lines) + "\n"


def _code(value: str) -> str:
    """A Markdown code span of file content: no backtick can close it, no pipe or newline can break it."""
    return "`" + text(value).replace("`", "'") + "`"


def render_markdown(findings: list[Finding]) -> str:
    lines = ["## API changelog", ""]
    if not findings:
        return "\n".join([*lines, "No changes."]) + "\n"
    lines += [f"**{_summary(findings)}**", ""]
    for operation, changes in _groups(findings):
        lines += [f"### {markdown(operation or DOCUMENT)}", ""]
        lines += [
            f"- **{f.level}** {markdown(f.message)} ({_code(f.rule)}, {_code(f'{f.file}:{f.line}')})" for f in changes
        ]
        lines.append("")
    return "\n".join(lines)


def _change(finding: Finding) -> dict[str, Any]:
    return {
        "id": finding.rule,
        "level": finding.level,
        "operation": finding.operation,
        "text": capped(finding.message),
        "file": finding.file,
        "line": finding.line,
        "column": finding.column,
        "pointer": finding.pointer,
    }


def render_json(findings: list[Finding]) -> str:
    counts = {level: sum(1 for f in findings if f.level == level) for level in ("error", "warning", "info")}
    report = {"changes": [_change(f) for f in ordered(findings)], "summary": {**counts, "total": len(findings)}}
    return json.dumps(report, indent=2) + "\n"


FORMATS: dict[str, Callable[[list[Finding]], str]] = {
    "text": render_text,
    "markdown": render_markdown,
    "json": render_json,
}
