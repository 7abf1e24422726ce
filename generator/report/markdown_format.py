"""A pull-request comment: a hidden marker (a bot finds its own comment by it and updates that one), the verdict,
for `validate` what the change moves between environments, the findings by rule family with a link to each
file and line, and for `validate` the services x environments matrix.

Everything that comes from files (paths, messages, names, versions) goes through `sanitize.markdown` or into a
code span: no HTML, no mention, no link but lockstep's own, no table break. GitHub takes at most 65,536
characters in a comment: past about 60,000, findings are counted instead of listed."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import quote

from generator.report import status_format
from generator.report.sanitize import markdown, text
from generator.report.summary import summarize

if TYPE_CHECKING:
    from generator.findings import Finding
    from generator.operations.moves import Move
    from generator.report.record import Context, Report

MARKER = "<!-- lockstep-report {command} -->"
BUDGET = 60_000  # characters of findings rows; GitHub's limit for a comment is 65,536


def _counts(findings: list[Finding]) -> str:
    counts = summarize(findings)
    return (
        f"{counts['error']} error(s), {counts['warning']} warning(s), {counts['info']} info "
        f"in {counts['files']} file(s)"
    )


def _verdict(report: Report) -> str:
    """One heading: passes or fails (as the exit code does: a finding at or above --fail-on fails), and the counts."""
    findings = list(report.findings)
    outcome = "\N{CROSS MARK} lockstep {} fails" if report.failed else "\N{WHITE HEAVY CHECK MARK} lockstep {} passes"
    bar = "" if report.fail_on == "error" else f" (`--fail-on {report.fail_on}`)"
    return f"### {outcome.format(report.command)}: {_counts(findings) if findings else 'no findings'}{bar}"


def _code(value: str) -> str:
    """A code span that stays one table cell: backticks dropped, pipes escaped as GitHub tables need."""
    return "`" + text(value).replace("`", "").replace("|", "\\|") + "`"


def _where(finding: Finding, link_base: str | None) -> str:
    shown = _code(f"{finding.file}:{finding.line}")
    parts = finding.file.split("/")
    linkable = link_base and not finding.file.startswith("/") and ":" not in finding.file and ".." not in parts
    if not linkable:
        return shown
    return f"[{shown}]({link_base}/{quote(finding.file, errors='surrogatepass')}#L{finding.line})"


def _family(name: str, findings: list[Finding], report: Report, budget: int) -> tuple[list[str], int]:
    """The family's heading and table, with as many rows as `budget` characters hold; and how many were left out."""
    operations = any(f.operation for f in findings)
    header = ["level", "rule", *(["operation"] if operations else []), "where", "message"]
    lines = [f"#### `{name}` ({len(findings)})", "", "| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    used = sum(len(line) + 1 for line in lines)
    for shown, finding in enumerate(findings):
        operation = [markdown(finding.operation or "")] if operations else []
        cells = [
            finding.level,
            _code(finding.rule),
            *operation,
            _where(finding, report.link_base),
            markdown(finding.message),
        ]
        row = "| " + " | ".join(cells) + " |"
        if used + len(row) + 1 > budget:
            return (lines if shown else []), len(findings) - shown
        lines.append(row)
        used += len(row) + 1
    return lines, 0


def _findings(report: Report) -> list[str]:
    blocks: list[str] = []
    budget, left_out = BUDGET, 0
    for name, findings in report.families():
        if not findings:
            continue
        lines, missing = _family(name, findings, report, budget) if budget > 0 else ([], len(findings))
        budget -= sum(len(line) + 1 for line in lines)
        left_out += missing
        blocks += ["\n".join(lines)] if lines else []
    if left_out:
        blocks.append(f"... and {left_out} more finding(s), not shown here (a comment holds 65,536 characters).")
    return blocks


def _moves(context: Context) -> list[str]:
    if context.base is None:
        return []
    since = f" (compared with {_code(context.base)})"
    if not context.moves:
        return [f"#### What this change moves{since}\n\nNo environment changes what it runs."]
    rows = ["| environment | what | from | to | move |", "| --- | --- | --- | --- | --- |"]
    rows += [_move(move) for move in context.moves]
    return [f"#### What this change moves{since}\n\n" + "\n".join(rows)]


def _move(move: Move) -> str:
    cells = [move.environment, move.subject, move.old or "-", move.new or "-"]
    return "| " + " | ".join([*map(markdown, cells), f"**{move.kind}**"]) + " |"


def _overrides(context: Context) -> list[str]:
    """Every gate override the change appends, in full: the review of an exception is the review of this block."""
    if not context.overrides:
        return []
    rows = ["| environment | gate | moves | by | at | reason |", "| --- | --- | --- | --- | --- | --- |"]
    for environment, record in context.overrides:
        moved = status_format.moved(record)
        cells = [environment, record.gate, moved, record.by, record.at, record.reason]
        rows.append("| " + " | ".join(markdown(value) for value in cells) + " |")
    return ["#### Overrides in this change\n\n" + "\n".join(rows)]


def render(report: Report) -> str:
    blocks = [MARKER.format(command=report.command), _verdict(report)]
    context = report.context
    if context is not None:
        blocks += _moves(context) + _overrides(context)
    blocks += _findings(report)
    if context is not None and context.status is not None:
        blocks.append(status_format.markdown(context.status).rstrip("\n"))
    return "\n\n".join(blocks) + "\n"
