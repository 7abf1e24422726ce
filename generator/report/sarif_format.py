"""SARIF 2.1.0 (OASIS), as GitHub code scanning takes it (`github/codeql-action/upload-sarif`): one run whose
driver lists every rule of the catalogue, one result per finding with its rule, level, message, location
(repository-relative path, line, column) and a fingerprint that stays the same from run to run."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from generator import __version__
from generator.report.fingerprint import fingerprints
from generator.report.record import family
from generator.report.sanitize import capped

if TYPE_CHECKING:
    from generator.findings import Finding, Rule
    from generator.report.record import Report

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
FINGERPRINT = "lockstep/v1"  # the partialFingerprints key; a new key if the recipe ever changes
_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def _artifact(path: str) -> dict[str, str]:
    """Where a finding is: a repository-relative path as a relative URI (percent-encoded, so that `HEAD:x.yaml`
    is not read as a scheme) under %SRCROOT%, an absolute path (diff-api on loose files) as a file: URI."""
    if path.startswith("/"):
        return {"uri": "file://" + quote(path, errors="surrogatepass")}
    return {"uri": quote(str(PurePosixPath(path or ".")), errors="surrogatepass"), "uriBaseId": "%SRCROOT%"}


def _descriptor(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "name": rule.id,
        "shortDescription": {"text": rule.description},
        "fullDescription": {"text": rule.description},
        "help": {"text": f"{rule.description} (`lockstep validate --list-rules` lists every rule.)"},
        "defaultConfiguration": {"level": _LEVEL[rule.level]},
        "properties": {"tags": [family(rule.id)]},
    }


def _result(finding: Finding, index: int, fingerprint: str) -> dict[str, Any]:
    message = capped(f"{finding.operation}: {finding.message}" if finding.operation else finding.message)
    location: dict[str, Any] = {"artifactLocation": _artifact(finding.file)}
    if finding.line >= 1:
        location["region"] = {"startLine": finding.line, "startColumn": max(finding.column, 1)}
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": index,
        "level": _LEVEL[finding.level],
        "message": {"text": message},
        "locations": [{"physicalLocation": location}],
        "partialFingerprints": {FINGERPRINT: fingerprint},
    }
    if finding.operation or finding.pointer:
        result["properties"] = {
            key: value for key, value in (("operation", finding.operation), ("pointer", finding.pointer)) if value
        }
    return result


def render(report: Report) -> str:
    findings = list(report.findings)
    rules = list(report.rules)
    index = {rule.id: position for position, rule in enumerate(rules)}
    for finding in findings:  # a rule the catalogue refines (dockerfile.hadolint.DL3003): at its first finding's level
        if finding.rule not in index:
            index[finding.rule] = len(rules)
            rules.append(replace(report.rule(finding.rule), level=finding.level))
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "lockstep",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": [_descriptor(rule) for rule in rules],
                    }
                },
                "automationDetails": {"id": f"lockstep/{report.command}/"},
                "columnKind": "unicodeCodePoints",
                "results": [
                    _result(f, index[f.rule], fingerprint)
                    for f, fingerprint in zip(findings, fingerprints(findings), strict=True)
                ],
            }
        ],
    }
    return json.dumps(log, indent=2) + "\n"
