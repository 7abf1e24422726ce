"""`diff-api --changelog`'s layouts (generator/report/changelog_format.py): grouped by operation, most severe first,
document-wide changes last; built from records directly, so each test sees exactly what a formatter does."""

from __future__ import annotations

import json

from generator.findings import Finding
from generator.report import changelog_format

ADDED = Finding(
    "api.operation-added", "info", "head.yaml", 40, 1, "POST /pets was added", operation="POST /pets", pointer="/p"
)
REMOVED = Finding(
    "api.response-property-removed",
    "error",
    "base.yaml",
    90,
    1,
    "response 200: property `name` was removed",
    operation="GET /pets",
)
PARAMETER = Finding(
    "api.request-parameter-added",
    "info",
    "head.yaml",
    12,
    1,
    "new optional query parameter `owner`",
    operation="GET /pets",
)
OTHER = Finding("api.tag-added", "info", "head.yaml", 70, 1, "tag `pets` added", operation="GET /pets/{id}")
DOCUMENT = Finding("api.security-added", "info", "head.yaml", 3, 1, "default security scheme `key` added")
ALL = [DOCUMENT, OTHER, PARAMETER, ADDED, REMOVED]


def test_text_groups_by_operation_most_severe_first() -> None:
    assert changelog_format.render_text(ALL) == (
        "GET /pets\n"
        "  error   response 200: property `name` was removed  (api.response-property-removed, base.yaml:90)\n"
        "  info    new optional query parameter `owner`  (api.request-parameter-added, head.yaml:12)\n"
        "\n"
        "POST /pets\n"
        "  info    POST /pets was added  (api.operation-added, head.yaml:40)\n"
        "\n"
        "GET /pets/{id}\n"
        "  info    tag `pets` added  (api.tag-added, head.yaml:70)\n"
        "\n"
        "document\n"
        "  info    default security scheme `key` added  (api.security-added, head.yaml:3)\n"
        "\n"
        "5 change(s): 1 error(s), 0 warning(s), 4 info in 3 operation(s)\n"
    )
    assert changelog_format.render_text([]) == "no changes\n"


def test_markdown_has_a_heading_per_operation() -> None:
    lines = changelog_format.render_markdown(ALL).splitlines()
    assert lines[:3] == ["## API changelog", "", "**5 change(s): 1 error(s), 0 warning(s), 4 info in 3 operation(s)**"]
    assert [line for line in lines if line.startswith("###")] == [
        "### GET /pets",
        "### POST /pets",
        "### GET /pets/{id}",
        "### document",
    ]
    assert (
        "- **error** response 200: property `name` was removed (`api.response-property-removed`, `base.yaml:90`)"
        in lines
    )
    assert changelog_format.render_markdown([]).endswith("No changes.\n")


def test_markdown_quotes_file_content_safely() -> None:
    hostile = Finding(
        "api.operation-added",
        "info",
        "a`b.yaml",
        1,
        1,
        "GET /x was added <img src=x> @team [link](http://x)",
        operation="GET /x\n# owned @team",
    )
    out = changelog_format.render_markdown([hostile])
    assert "<img" not in out and "@team" not in out and "](" not in out
    assert "\n# owned" not in out and "`a'b.yaml:1`" in out


def test_json_is_a_list_of_changes_with_a_summary() -> None:
    report = json.loads(changelog_format.render_json(ALL))
    assert report["summary"] == {"error": 1, "warning": 0, "info": 4, "total": 5}
    assert [change["id"] for change in report["changes"]] == [
        "api.response-property-removed",
        "api.request-parameter-added",
        "api.operation-added",
        "api.tag-added",
        "api.security-added",
    ]
    assert report["changes"][2] == {
        "id": "api.operation-added",
        "level": "info",
        "operation": "POST /pets",
        "text": "POST /pets was added",
        "file": "head.yaml",
        "line": 40,
        "column": 1,
        "pointer": "/p",
    }
    assert report["changes"][4]["operation"] is None
    assert json.loads(changelog_format.render_json([])) == {
        "changes": [],
        "summary": {"error": 0, "warning": 0, "info": 0, "total": 0},
    }
