"""The output formats of generator/report: the registries the `--format` options come from, the findings
formats (text, json, github, markdown), the rule catalogue formats (text, markdown) and the status formats.

Findings are built directly, so each test sees exactly what a formatter does with the records it is given.
"""

from __future__ import annotations

import json

import pytest

from generator import report
from generator.findings import Finding, Rule
from generator.operations.status import Status, Waiting
from generator.report import github_format, json_format, markdown_format, rules_format, text_format
from tests.conftest import run_lockstep

ERROR = Finding("schema.unknown-key", "error", "platform.yaml", 12, 5, "unknown key `colour`", pointer="/colour")
WARNING = Finding(
    "api.operation-id-changed", "warning", "services/a/openapi.yaml", 3, 7, "renamed", operation="GET /pets"
)
INFO = Finding("contracts.major-without-breaking", "info", "platform.yaml", 1, 1, "nothing broke")


def test_registries_list_every_format() -> None:
    assert list(report.FINDINGS) == ["text", "json", "github", "markdown"]
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
def test_every_findings_format_renders_each_finding_once_and_ends_with_a_newline(name: str) -> None:
    rendered = report.FINDINGS[name]([ERROR, WARNING, INFO])
    assert rendered.endswith("\n")
    for finding in (ERROR, WARNING, INFO):
        assert rendered.count(finding.rule) == 1, finding.rule


# text


def test_text_one_line_per_finding_then_the_summary() -> None:
    assert text_format.render([ERROR, WARNING, INFO]).splitlines() == [
        "platform.yaml:12:5: error schema.unknown-key: unknown key `colour`",
        "services/a/openapi.yaml:3:7: warning api.operation-id-changed: GET /pets: renamed",
        "platform.yaml:1:1: info contracts.major-without-breaking: nothing broke",
        "1 error(s), 1 warning(s), 1 info in 2 file(s)",
    ]


def test_text_without_findings_says_so() -> None:
    assert text_format.render([]) == "no findings\n"


def test_text_summary_counts_each_level_and_distinct_files() -> None:
    second = Finding("schema.missing-key", "error", "platform.yaml", 20, 3, "missing required key `api`")
    assert text_format.render([ERROR, second]).splitlines()[-1] == "2 error(s), 0 warning(s), 0 info in 1 file(s)"


# json


def test_json_is_one_object_with_findings_and_summary() -> None:
    data = json.loads(json_format.render([ERROR, WARNING, INFO]))
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
    first, second, third = json.loads(json_format.render([ERROR, WARNING, INFO]))["findings"]
    assert "operation" not in first and first["pointer"] == "/colour"
    assert second["operation"] == "GET /pets" and "pointer" not in second
    assert "operation" not in third and "pointer" not in third
    assert None not in [value for entry in (first, second, third) for value in entry.values()]


def test_json_without_findings() -> None:
    assert json.loads(json_format.render([])) == {
        "findings": [],
        "summary": {"error": 0, "warning": 0, "info": 0, "total": 0, "files": 0},
    }


# github


def test_github_workflow_commands_one_per_finding_with_the_level_github_knows() -> None:
    assert github_format.render([ERROR, WARNING, INFO]).splitlines() == [
        "::error file=platform.yaml,line=12,col=5,title=schema.unknown-key::unknown key `colour`",
        "::warning file=services/a/openapi.yaml,line=3,col=7,title=api.operation-id-changed::renamed",
        "::notice file=platform.yaml,line=1,col=1,title=contracts.major-without-breaking::nothing broke",
    ]


def test_github_escapes_properties_and_message_as_github_requires() -> None:
    odd = Finding("a:b,c", "error", "dir,x/f:1%.yaml", 2, 3, "100% sure: a, b\r\nnext line")
    [line] = github_format.render([odd]).splitlines()
    assert line == ("::error file=dir%2Cx/f%3A1%25.yaml,line=2,col=3,title=a%3Ab%2Cc::100%25 sure: a, b%0D%0Anext line")


def test_github_without_findings_prints_nothing() -> None:
    assert github_format.render([]) == ""


# markdown


def test_markdown_table_with_counts_and_one_row_per_finding() -> None:
    lines = markdown_format.render([ERROR, WARNING, INFO]).splitlines()
    assert lines[0] == "**1 error(s), 1 warning(s), 1 info**"
    assert lines[2:4] == ["| level | rule | operation | where | message |", "| --- | --- | --- | --- | --- |"]
    assert lines[4:] == [
        "| error | `schema.unknown-key` |  | `platform.yaml:12` | unknown key `colour` |",
        "| warning | `api.operation-id-changed` | GET /pets | `services/a/openapi.yaml:3` | renamed |",
        "| info | `contracts.major-without-breaking` |  | `platform.yaml:1` | nothing broke |",
    ]


def test_markdown_escapes_pipes_and_keeps_each_finding_on_one_row() -> None:
    odd = Finding("r.x", "error", "f.yaml", 1, 1, "a | b\nc", operation="GET /a|b")
    row = markdown_format.render([odd]).splitlines()[-1]
    assert row == "| error | `r.x` | GET /a\\|b | `f.yaml:1` | a \\| b c |"
    assert row.replace("\\|", "").count("|") == 6  # five cells


def test_markdown_without_findings() -> None:
    assert markdown_format.render([]) == "**No findings.**\n"


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
    assert data["waiting"] == [{"environment": "prod", "from": "dev", "what": "platform 0.2.0"}]


def test_status_markdown_has_no_platform_row_for_the_independent_strategy() -> None:
    independent = Status("logistics", "independent", STATUS.environments, (None, None), STATUS.rows, ())
    markdown = report.STATUS["markdown"](independent)
    assert "**platform**" not in markdown
    assert "| service-b | 0.1.0 | - |" in markdown
    assert "- nothing waiting to be promoted" in markdown
    assert "| **platform** | **0.2.0** | **-** |" in report.STATUS["markdown"](STATUS)
