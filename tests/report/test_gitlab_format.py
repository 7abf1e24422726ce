"""`gitlab`: a GitLab Code Quality report that GitLab's own schema accepts (tests/data/gitlab: GitLab's
`codeclimate.json`, vendored, with its source and licence) and that has what GitLab's documentation of the
format asks for."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from jsonschema import Draft7Validator

from generator.findings import Finding
from generator.report import gitlab_format
from tests.conftest import edit, validate
from tests.report.samples import ERROR, INFO, WARNING, report_of

SCHEMA = json.loads((Path(__file__).parent.parent / "data" / "gitlab" / "codeclimate.json").read_text("utf-8"))
SEVERITIES = {"info", "minor", "major", "critical", "blocker"}


def issues(*findings: Finding) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = json.loads(gitlab_format.render(report_of(*findings)))
    return found


def accepted(report: list[dict[str, Any]]) -> list[str]:
    """What GitLab would refuse: entries its schema rejects, and what its documentation asks for beyond it."""
    problems = [f"{e.message}" for entry in report for e in Draft7Validator(SCHEMA).iter_errors(entry)]
    for entry in report:
        if not entry.get("check_name") or entry["severity"] not in SEVERITIES:
            problems.append(f"check_name or severity: {entry}")
        if not entry["location"].get("path") or entry["location"]["lines"]["begin"] < 1:
            problems.append(f"location: {entry}")
    if len({entry["fingerprint"] for entry in report}) != len(report):
        problems.append("two entries share a fingerprint")
    return problems


def test_the_schema_is_gitlabs_and_rejects_an_entry_without_a_fingerprint() -> None:
    validator = Draft7Validator(SCHEMA)
    entry = {"description": "d", "fingerprint": "f", "severity": "minor", "location": {"path": "a", "lines": {}}}
    assert validator.is_valid(entry)
    assert not validator.is_valid({k: v for k, v in entry.items() if k != "fingerprint"})


def test_an_array_of_entries_that_gitlab_accepts() -> None:
    twice = replace(ERROR, line=40)  # the same message twice in one file: two entries, two fingerprints
    report = issues(ERROR, WARNING, INFO, twice)
    assert isinstance(report, list) and accepted(report) == []
    assert report[0] == {
        "type": "issue",
        "description": "unknown key `colour`",
        "check_name": "schema.unknown-key",
        "fingerprint": report[0]["fingerprint"],
        "severity": "major",
        "location": {"path": "platform.yaml", "lines": {"begin": 12}},
    }
    assert [entry["severity"] for entry in report] == ["major", "minor", "info", "major"]
    assert report[1]["description"] == "GET /pets: renamed"


def test_fingerprints_stay_the_same_from_run_to_run() -> None:
    assert issues(ERROR)[0]["fingerprint"] == issues(replace(ERROR, line=99))[0]["fingerprint"]
    assert issues(ERROR)[0]["fingerprint"] != issues(WARNING)[0]["fingerprint"]


def test_no_findings_is_an_empty_array() -> None:
    assert gitlab_format.render(report_of()) == "[]\n"


def test_validate_writes_a_report_gitlab_accepts(default_repo: Path) -> None:
    edit(default_repo, "services/service-a/Dockerfile", "EXPOSE 8080", "EXPOSE 9090")
    result = validate(default_repo, "--format", "gitlab")
    report = json.loads(result.out)
    assert result.code == 1 and accepted(report) == []
    assert [(e["check_name"], e["location"]) for e in report] == [
        ("dockerfile.expose-port", {"path": "services/service-a/Dockerfile", "lines": {"begin": 12}})
    ]
