"""`junit`: well-formed JUnit XML, one testsuite per rule family, one testcase per finding, failures for the
findings at or above --fail-on, and counts that add up."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from generator.findings import Finding
from generator.report import junit_format
from tests.conftest import edit, validate
from tests.report.samples import ERROR, INFO, RULES, WARNING, report_of

HADOLINT = Finding("dockerfile.hadolint.DL3003", "warning", "services/b/Dockerfile", 12, 1, "Use WORKDIR")


def counts(element: ET.Element) -> tuple[int, int, int, int]:
    return tuple(int(element.attrib[key]) for key in ("tests", "failures", "errors", "skipped"))  # type: ignore[return-value]


def check_counts(root: ET.Element) -> None:
    """Each suite counts its own testcases and failures; the root adds the suites up."""
    suites = root.findall("testsuite")
    for suite in suites:
        cases = suite.findall("testcase")
        failing = [case for case in cases if case.find("failure") is not None]
        assert counts(suite) == (len(cases), len(failing), 0, 0), suite.attrib["name"]
    assert counts(root) == tuple(sum(column) for column in zip(*map(counts, suites), strict=True))


def test_one_suite_per_family_one_case_per_finding_and_counts_that_add_up() -> None:
    root = ET.fromstring(junit_format.render(report_of(ERROR, WARNING, INFO, HADOLINT)))
    assert root.tag == "testsuites" and root.attrib["name"] == "lockstep validate"
    assert [suite.attrib["name"] for suite in root.findall("testsuite")] == ["schema", "api", "contracts", "dockerfile"]
    check_counts(root)
    assert counts(root) == (4, 1, 0, 0)  # only the error fails with --fail-on error
    [case] = root.find("testsuite[@name='schema']").findall("testcase")  # type: ignore[union-attr]
    assert case.attrib == {
        "classname": "schema.unknown-key",
        "name": "platform.yaml:12:5",
        "file": "platform.yaml",
        "line": "12",
    }
    failure = case.find("failure")
    assert failure is not None and failure.attrib == {"message": "unknown key `colour`", "type": "error"}
    assert failure.text == "\nplatform.yaml:12:5: error schema.unknown-key: unknown key `colour`\n"
    [warning] = root.find("testsuite[@name='api']").findall("testcase")  # type: ignore[union-attr]
    assert warning.find("failure") is None and warning.findtext("system-out", "").endswith("GET /pets: renamed")
    assert warning.attrib["name"] == "services/a/openapi.yaml:3:7 GET /pets"


def test_fail_on_warning_makes_warnings_failures_too() -> None:
    root = ET.fromstring(junit_format.render(report_of(ERROR, WARNING, INFO, HADOLINT, fail_on="warning")))
    check_counts(root)
    assert counts(root) == (4, 3, 0, 0)


def test_a_clean_run_shows_each_family_checked_and_nothing_failing() -> None:
    root = ET.fromstring(junit_format.render(report_of()))
    check_counts(root)
    families = list(dict.fromkeys(rule.id.split(".")[0] for rule in RULES))
    assert [suite.attrib["name"] for suite in root.findall("testsuite")] == families
    assert [case.attrib["name"] for case in root.iter("testcase")] == ["no findings"] * len(families)
    assert counts(root) == (len(families), 0, 0, 0)


def test_content_from_files_keeps_the_xml_well_formed() -> None:
    hostile = Finding("schema.invalid-value", "error", 'a"<b>&\x00.yaml', 1, 1, "]]></failure>\x1b[2J\ud800 & <x/>")
    rendered = junit_format.render(report_of(hostile))
    root = ET.fromstring(rendered)
    [case] = root.findall("testsuite[@name='schema']/testcase")
    assert case.attrib["file"] == 'a"<b>&\\x00.yaml'
    assert case.find("failure").attrib["message"] == "]]></failure>\\x1b[2J\\ud800 & <x/>"  # type: ignore[union-attr]


def test_a_long_message_is_cut_in_the_attribute_and_whole_in_the_text_on_its_own_line() -> None:
    long = Finding("schema.invalid-value", "error", "platform.yaml", 1, 1, "x" * 900)
    rendered = junit_format.render(report_of(long))
    failure = ET.fromstring(rendered).find("testsuite/testcase/failure")
    assert failure is not None and failure.attrib["message"] == "x" * junit_format.SUMMARY + "..."
    assert failure.text is not None and "x" * 900 in failure.text
    assert max(map(len, rendered.splitlines())) < 1100


def test_validate_junit_counts_the_findings_of_a_real_run(default_repo: Path) -> None:
    edit(default_repo, "services/service-a/Dockerfile", "EXPOSE 8080", "EXPOSE 9090")
    result = validate(default_repo, "--format", "junit")
    root = ET.fromstring(result.out)
    check_counts(root)
    failing = [case for case in root.iter("testcase") if case.find("failure") is not None]
    assert result.code == 1 and [case.attrib["classname"] for case in failing] == ["dockerfile.expose-port"]
    assert int(root.attrib["tests"]) == len(root.findall("testsuite"))  # one finding, every other family clean
