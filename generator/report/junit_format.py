"""JUnit XML, for CI test-report views (GitLab's `artifacts:reports:junit`, Jenkins, Azure): one testsuite per rule
family (the rule id up to its first dot), one testcase per finding.

A testcase per finding, not per rule and file: a finding is what a reader acts on, each gets its own line, file
and message in the report, and the counts match the summary line of `text`. A finding at or above --fail-on is a
`<failure>` (so the report fails exactly when the exit code is 1); one below it passes, its text in
`<system-out>`. A family without findings has one passing testcase, `no findings`, so a clean run shows what was
checked. `errors` is always 0: JUnit keeps it for tests that crashed, and lockstep reports findings, not
crashes."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

from generator.report.sanitize import text

if TYPE_CHECKING:
    from generator.findings import Finding
    from generator.report.record import Report

SUMMARY = 200  # characters of a message in a failure's `message` attribute


def _line(finding: Finding) -> str:
    where = f"{finding.file}:{finding.line}:{finding.column}"
    operation = f"{finding.operation}: " if finding.operation else ""
    return text(f"{where}: {finding.level} {finding.rule}: {operation}") + text(finding.message)


def _summary(message: str) -> str:
    """The `message` attribute: the finding's message, cut to SUMMARY characters (the text has all of it)."""
    shown = text(message)
    return shown if len(shown) <= SUMMARY else shown[:SUMMARY] + "..."


def _case(suite: ET.Element, report: Report, finding: Finding) -> bool:
    """The testcase of one finding; True when it fails."""
    name = f"{finding.file}:{finding.line}:{finding.column}" + (f" {finding.operation}" if finding.operation else "")
    case = ET.SubElement(
        suite,
        "testcase",
        classname=text(finding.rule),
        name=text(name),
        file=text(finding.file),
        line=str(finding.line),
    )
    if report.fails(finding):
        failure = ET.SubElement(case, "failure", message=_summary(finding.message), type=finding.level)
        failure.text = f"\n{_line(finding)}\n"  # on lines of its own: the element's line stays short
        return True
    ET.SubElement(case, "system-out").text = _line(finding)
    return False


def render(report: Report) -> str:
    root = ET.Element("testsuites", name=f"lockstep {report.command}")
    total = failed = 0
    for name, findings in report.families():
        suite = ET.SubElement(root, "testsuite", name=text(name))
        failures = sum(_case(suite, report, finding) for finding in findings)
        if not findings:
            ET.SubElement(suite, "testcase", classname=text(name), name="no findings")
        tests = max(len(findings), 1)
        suite.attrib.update(tests=str(tests), failures=str(failures), errors="0", skipped="0")
        total, failed = total + tests, failed + failures
    root.attrib.update(tests=str(total), failures=str(failed), errors="0", skipped="0")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
