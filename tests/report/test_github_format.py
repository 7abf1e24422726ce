"""`github`: one workflow command per finding, at the level GitHub knows, its title the rule id and (for a
contract finding) the operation, escaped as GitHub requires."""

from __future__ import annotations

from generator.findings import Finding
from generator.report import github_format
from tests.report.samples import ERROR, INFO, WARNING, report_of


def test_one_command_per_finding_with_the_level_github_knows() -> None:
    assert github_format.render(report_of(ERROR, WARNING, INFO)).splitlines() == [
        "::error file=platform.yaml,line=12,col=5,title=schema.unknown-key::unknown key `colour`",
        "::warning file=services/a/openapi.yaml,line=3,col=7,title=api.operation-id-changed (GET /pets)::renamed",
        "::notice file=platform.yaml,line=1,col=1,title=contracts.major-without-breaking::nothing broke",
    ]


def test_one_shared_schema_change_in_two_operations_is_two_annotations_a_reader_can_tell_apart() -> None:
    """GitHub folds annotations with the same file, line, title and message into one."""
    change = "response 200: property `name` was removed"
    shared = [
        Finding("api.response-property-removed", "error", "openapi.yaml", 40, 9, change, operation=operation)
        for operation in ("GET /pets", "GET /pets/{petId}")
    ]
    lines = github_format.render(report_of(*shared)).splitlines()
    assert [line.split("title=", 1)[1].split("::", 1)[0] for line in lines] == [
        "api.response-property-removed (GET /pets)",
        "api.response-property-removed (GET /pets/{petId})",
    ]
    assert len(set(lines)) == 2


def test_properties_and_message_are_escaped_as_github_requires() -> None:
    odd = Finding("a:b,c", "error", "dir,x/f:1%.yaml", 2, 3, "100% sure: a, b\r\nnext line", operation="GET /a:b,c")
    [line] = github_format.render(report_of(odd)).splitlines()
    assert line == (
        "::error file=dir%2Cx/f%3A1%25.yaml,line=2,col=3,title=a%3Ab%2Cc (GET /a%3Ab%2Cc)"
        "::100%25 sure: a, b%0D%0Anext line"
    )


def test_without_findings_prints_nothing() -> None:
    assert github_format.render(report_of()) == ""
