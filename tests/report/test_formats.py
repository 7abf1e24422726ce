"""The output formats of generator/report: the registries the `--format` options come from, what every findings
format shares, json, the rule catalogue formats (text, markdown) and the status formats. Each other findings
format has its own test module (test_text_format.py, test_sarif_format.py, ...).

Findings are built directly, so each test sees exactly what a formatter does with the records it is given.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime, timezone

import pytest

from generator import report
from generator.findings import Rule
from generator.model import GateOverride
from generator.operations.status import Status, Waiting
from generator.report import json_format, rules_format
from generator.validators.gates import Hold
from tests.conftest import run_lockstep
from tests.report.samples import ERROR, INFO, WARNING, report_of


def test_registries_list_every_format() -> None:
    assert list(report.FINDINGS) == ["text", "json", "github", "sarif", "junit", "gitlab", "markdown"]
    assert list(report.RULES) == ["text", "markdown"]
    assert list(report.STATUS) == ["text", "json", "markdown"]


@pytest.mark.parametrize("command", ["validate", "diff-api"])
def test_findings_commands_offer_every_registered_format(command: str) -> None:
    result = run_lockstep(command, "--help")
    assert result.code == 0
    assert "--format {" + ",".join(report.FINDINGS) + "}" in result.out
    assert "--list-rules [{" + ",".join(report.RULES) + "}]" in result.out


def test_status_offers_every_registered_format() -> None:
    result = run_lockstep("status", "--help")
    assert "--format {" + ",".join(report.STATUS) + "}" in result.out


@pytest.mark.parametrize("name", list(report.FINDINGS))
def test_every_findings_format_shows_each_finding_and_ends_with_a_newline(name: str) -> None:
    rendered = report.FINDINGS[name](report_of(ERROR, WARNING, INFO))
    assert rendered.endswith("\n")
    for finding in (ERROR, WARNING, INFO):
        assert finding.rule in rendered and finding.message.replace("`", "") in rendered.replace("`", ""), finding
    messages = [f.message for f in (ERROR, WARNING, INFO)]
    assert report.FINDINGS[name](report_of(ERROR, WARNING, INFO)) == rendered  # pure: the same records, same text
    assert not any(message in report.FINDINGS[name](report_of()) for message in messages)


# json


def test_json_is_one_object_with_findings_and_summary() -> None:
    data = json.loads(json_format.render(report_of(ERROR, WARNING, INFO)))
    assert set(data) == {"findings", "summary"}
    assert data["summary"] == {"error": 1, "warning": 1, "info": 1, "total": 3, "files": 2}
    assert data["findings"][0] == {
        "rule": "schema.unknown-key",
        "level": "error",
        "file": "platform.yaml",
        "line": 12,
        "column": 5,
        "message": "unknown key `colour`",
        "pointer": "/colour",
    }


def test_json_findings_leave_out_fields_that_are_not_set() -> None:
    first, second, third = json.loads(json_format.render(report_of(ERROR, WARNING, INFO)))["findings"]
    assert "operation" not in first and first["pointer"] == "/colour"
    assert second["operation"] == "GET /pets" and "pointer" not in second
    assert "operation" not in third and "pointer" not in third
    assert None not in [value for entry in (first, second, third) for value in entry.values()]


def test_json_without_findings() -> None:
    assert json.loads(json_format.render(report_of())) == {
        "findings": [],
        "summary": {"error": 0, "warning": 0, "info": 0, "total": 0, "files": 0},
    }


# rule catalogue

RULES = [
    Rule("schema.unknown-key", "error", "Only the keys the schema names are used."),
    Rule("contracts.major-without-breaking", "info", "A major bump | no breaking change."),
]


def test_rules_text_aligns_id_level_and_description() -> None:
    lines = rules_format.text(RULES).splitlines()
    assert lines == [
        f"{'schema.unknown-key':45} {'error':8} Only the keys the schema names are used.",
        f"{'contracts.major-without-breaking':45} {'info':8} A major bump | no breaking change.",
    ]
    assert {line.index(" error ") if " error " in line else line.index(" info ") for line in lines} == {45}


def test_rules_markdown_is_a_table_with_pipes_escaped() -> None:
    assert rules_format.markdown(RULES).splitlines() == [
        "| rule | level | what it checks |",
        "| --- | --- | --- |",
        "| `schema.unknown-key` | error | Only the keys the schema names are used. |",
        "| `contracts.major-without-breaking` | info | A major bump \\| no breaking change. |",
    ]


# status

STATUS = Status(
    platform="logistics",
    strategy="combined",
    environments=(("dev", "independent"), ("prod", "platform")),
    platform_versions=("0.2.0", None),
    rows=(("service-a", ("0.2.0", "0.1.0")), ("service-b", ("0.1.0", None))),
    waiting=(Waiting("prod", "dev", "platform 0.2.0"),),
)


def test_status_text_shows_a_missing_version_as_a_dash_and_what_waits() -> None:
    text = report.STATUS["text"](STATUS)
    assert text.splitlines()[0] == "logistics (combined)"
    rows = [[cell.strip() for cell in line.split("│")[1:-1]] for line in text.splitlines()]
    assert ["service-b", "0.1.0", "-"] in rows
    assert ["platform", "0.2.0", "-"] in rows
    assert "  prod <- dev: platform 0.2.0" in text.splitlines()


def test_status_json_leaves_missing_versions_out() -> None:
    data = json.loads(report.STATUS["json"](STATUS))
    assert [env["platform"] for env in data["environments"]] == ["0.2.0", None]
    assert data["environments"][1]["services"] == {"service-a": "0.1.0"}
    assert data["waiting"] == [{"environment": "prod", "from": "dev", "what": "platform 0.2.0", "holds": []}]
    assert [env["overrides"] for env in data["environments"]] == [[], []]


def test_status_markdown_has_no_platform_row_for_the_independent_strategy() -> None:
    independent = Status("logistics", "independent", STATUS.environments, (None, None), STATUS.rows, ())
    markdown = report.STATUS["markdown"](independent)
    assert "**platform**" not in markdown
    assert "| service-b | 0.1.0 | - |" in markdown
    assert "- nothing waiting to be promoted" in markdown
    assert "| **platform** | **0.2.0** | **-** |" in report.STATUS["markdown"](STATUS)


FREEZE = Hold(
    "freeze",
    "prod",
    "",
    "prod is frozen (weekly Fri 15:00-Mon 08:00 Europe/Berlin) until 2026-11-30T07:00:00Z (Mon 08:00 CET)",
    datetime(2026, 11, 30, 7, tzinfo=timezone.utc),
)
CHECKS = Hold("checks", "prod", "platform 0.2.0", "no passed integration-tests record of platform 0.2.0 in dev", None)
OVERRIDE = GateOverride("2026-11-27T16:05:00Z", "freeze", "hotfix for INC-4711", "Jane Doe <jane@example.com>", "0.2.1")
HELD = Status(
    STATUS.platform,
    STATUS.strategy,
    STATUS.environments,
    STATUS.platform_versions,
    STATUS.rows,
    (Waiting("prod", "dev", "platform 0.2.0", (FREEZE, CHECKS)),),
    overrides=(("prod", (OVERRIDE, OVERRIDE._replace(gate="soak", platform=None, services={"service-a": "0.2.1"}))),),
)


def test_status_text_says_which_gate_holds_what_waits_until_when_and_the_last_overrides() -> None:
    lines = report.STATUS["text"](HELD).splitlines()
    start = lines.index("waiting:")
    assert lines[start:] == [
        "waiting:",
        "  prod <- dev: platform 0.2.0",
        "    held by freeze (opens 2026-11-30T07:00:00Z): " + FREEZE.message,
        "    held by checks: no passed integration-tests record of platform 0.2.0 in dev",
        "overrides:",
        '  prod: freeze by Jane Doe <jane@example.com> at 2026-11-27T16:05:00Z for platform 0.2.1: "hotfix for '
        'INC-4711"',
        '  prod: soak by Jane Doe <jane@example.com> at 2026-11-27T16:05:00Z for service-a 0.2.1: "hotfix for '
        'INC-4711"',
    ]


def test_status_json_gives_each_hold_and_every_field_of_the_overrides() -> None:
    data = json.loads(report.STATUS["json"](HELD))
    assert data["waiting"][0]["holds"] == [
        {"gate": "freeze", "subject": "", "message": FREEZE.message, "opens": "2026-11-30T07:00:00Z"},
        {"gate": "checks", "subject": "platform 0.2.0", "message": CHECKS.message, "opens": None},
    ]
    assert data["environments"][1]["overrides"][0] == {
        "at": "2026-11-27T16:05:00Z",
        "gate": "freeze",
        "reason": "hotfix for INC-4711",
        "by": "Jane Doe <jane@example.com>",
        "platform": "0.2.1",
    }
    assert data["environments"][1]["overrides"][1]["services"] == {"service-a": "0.2.1"}


def test_status_markdown_nests_the_holds_and_lists_the_overrides_with_nothing_from_files_unescaped() -> None:
    hostile = HELD.overrides[0][1][0]._replace(reason="<script>@team")
    markdown = report.STATUS["markdown"](HELD)
    assert "- prod <- dev: platform 0.2.0\n  - held by freeze (opens 2026-11-30T07:00:00Z): prod is frozen" in markdown
    assert "**Gate overrides**\n\n- prod: freeze by Jane Doe" in markdown
    escaped = report.STATUS["markdown"](dataclasses.replace(HELD, overrides=(("prod", (hostile,)),)))
    assert "<script>" not in escaped and "@team" not in escaped
