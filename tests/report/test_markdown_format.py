"""`markdown`: the pull-request comment. A hidden marker, the verdict, what the change moves, findings by family
with links to file and line, the services x environments matrix; safe whatever the files say; within GitHub's
size for a comment."""

from __future__ import annotations

import re

from generator.findings import Finding
from generator.model import GateOverride
from generator.operations.moves import Move
from generator.operations.status import Status, Waiting
from generator.report import markdown_format
from generator.report.record import Context
from tests.report.samples import ERROR, INFO, WARNING, report_of

BASE = "https://github.com/acme/platform/blob/0123abc"
STATUS = Status(
    platform="logistics",
    strategy="combined",
    environments=(("dev", "independent"), ("prod", "platform")),
    platform_versions=("0.2.0", "0.1.0"),
    rows=(("service-a", ("0.2.0", "0.1.0")),),
    waiting=(Waiting("prod", "dev", "platform 0.2.0"),),
)
MOVES = (
    Move("prod", "platform", "0.2.0", "0.1.0", "rollback"),
    Move("prod", "service-a", "0.2.0", "0.1.0", "rollback"),
    Move("stage", "service-b", None, "0.1.0", "added"),
)


def render(*findings: Finding, **options: object) -> str:
    return markdown_format.render(report_of(*findings, **options))  # type: ignore[arg-type]


def test_marker_then_a_verdict_that_agrees_with_the_exit_code() -> None:
    failing = render(ERROR, WARNING).splitlines()
    assert failing[0] == "<!-- lockstep-report validate -->"
    assert failing[2] == "### \N{CROSS MARK} lockstep validate fails: 1 error(s), 1 warning(s), 0 info in 2 file(s)"
    passing = render(WARNING).splitlines()[2]
    assert passing == (
        "### \N{WHITE HEAVY CHECK MARK} lockstep validate passes: 0 error(s), 1 warning(s), 0 info in 1 file(s)"
    )
    strict = render(WARNING, fail_on="warning").splitlines()[2]
    assert strict.startswith("### \N{CROSS MARK} lockstep validate fails") and strict.endswith("(`--fail-on warning`)")
    assert render(command="diff-api").splitlines() == [
        "<!-- lockstep-report diff-api -->",
        "",
        "### \N{WHITE HEAVY CHECK MARK} lockstep diff-api passes: no findings",
    ]


def test_findings_by_family_in_catalogue_order_each_a_table() -> None:
    out = render(INFO, WARNING, ERROR)
    headings = re.findall(r"^#### (.*)$", out, flags=re.MULTILINE)
    assert headings == ["`schema` (1)", "`api` (1)", "`contracts` (1)"]  # as the catalogue lists them
    assert "| error | `schema.unknown-key` | `platform.yaml:12` | unknown key `colour` |" in out
    assert "| level | rule | operation | where | message |" in out  # only the family with an operation has it
    assert "| warning | `api.operation-id-changed` | GET /pets | `services/a/openapi.yaml:3` | renamed |" in out


def test_each_place_links_to_its_file_and_line_when_there_is_a_link_base() -> None:
    ref = Finding("api.operation-removed", "error", "main:services/a/openapi.yaml", 9, 3, "gone", operation="GET /a")
    outside = Finding("api.operation-removed", "error", "/tmp/base.yaml", 9, 3, "gone", operation="GET /a")
    spaced = Finding("schema.unknown-key", "error", "services/my svc/(x).yaml", 4, 1, "x")
    out = render(ERROR, ref, outside, spaced, link_base=BASE)
    assert f"[`platform.yaml:12`]({BASE}/platform.yaml#L12)" in out
    assert f"[`services/my svc/(x).yaml:4`]({BASE}/services/my%20svc/%28x%29.yaml#L4)" in out
    assert "| `main:services/a/openapi.yaml:9` |" in out and "| `/tmp/base.yaml:9` |" in out  # not files of the head
    assert "](" not in render(ERROR)  # no link base: no link


def test_content_from_files_renders_no_html_mention_or_link_and_no_extra_row() -> None:
    hostile = Finding(
        "schema.invalid-value",
        "error",
        "x](javascript:alert(1))|`<img src=x>`.yaml",
        1,
        1,
        "<script>alert(1)</script> @someone [c](https://evil.example) | next\n| forged | row |",
        operation="GET /<b>@x",
    )
    linked = Finding("schema.invalid-value", "error", "x](evil.example)`<img src=x>`|.yaml", 2, 1, "m")
    moves = (Move("<img src=x>", "@someone", "[a](javascript:x)", "1|2", "promote"),)
    status = Status("@team", "combined", (("<script>", "platform"),), ("<b>",), (("s|x", ("@v",)),), ())
    out = render(hostile, linked, link_base=BASE, context=Context(status, moves, "origin/main"))
    outside_code = re.sub(r"`[^`]*`", "", "\n".join(re.split(r"(?<!\\)\|", out)))
    for word in ("<img", "<script", "<b>", "@someone", "@team", "@v", "](javascript:", "](https://evil"):
        assert word not in outside_code, word
    rows = [line for line in out.splitlines() if line.startswith("| error |")]
    assert [len(re.split(r"(?<!\\)\|", row)) for row in rows] == [7, 7]  # five cells a row, one row a finding
    targets = re.findall(r"\]\(([^)]*)\)", outside_code)
    assert targets == [f"{BASE}/x%5D%28evil.example%29%60%3Cimg%20src%3Dx%3E%60%7C.yaml#L2"]


def test_what_the_change_moves_then_the_matrix() -> None:
    out = render(context=Context(STATUS, MOVES, "origin/main"))
    assert "#### What this change moves (compared with `origin/main`)" in out
    assert (
        "| environment | what | from | to | move |\n"
        "| --- | --- | --- | --- | --- |\n"
        "| prod | platform | 0.2.0 | 0.1.0 | **rollback** |\n"
        "| prod | service-a | 0.2.0 | 0.1.0 | **rollback** |\n"
        "| stage | service-b | - | 0.1.0 | **added** |\n"
    ) in out
    assert out.index("What this change moves") < out.index("### logistics (combined)")
    assert "| service-a | 0.2.0 | 0.1.0 |" in out and "- prod <- dev: platform 0.2.0" in out
    unmoved = render(context=Context(STATUS, (), "HEAD~1"))
    assert "#### What this change moves (compared with `HEAD~1`)\n\nNo environment changes what it runs." in unmoved
    assert "What this change moves" not in render(context=Context(STATUS))  # no --base: nothing to compare
    assert "###" not in render(context=Context(None)).split("passes", 1)[1]  # no matrix when the manifest is broken


def test_a_comment_stays_within_githubs_limit_and_says_what_it_left_out() -> None:
    many = [Finding("schema.invalid-value", "error", f"f{i}.yaml", i, 1, "x" * 900) for i in range(1, 2001)]
    out = render(*many)
    assert len(out) < 65_536
    shown = out.count("| error |")
    assert 10 < shown < 2000
    assert f"... and {2000 - shown} more finding(s), not shown here" in out


def test_the_overrides_in_this_change_are_listed_in_full() -> None:
    record = GateOverride("2026-11-27T16:05:00Z", "freeze", "hotfix | <b>INC-4711</b>", "Jane Doe <jane@x.io>", "0.2.1")
    out = render(ERROR, context=Context(STATUS, MOVES, "origin/main", (("prod", record),)))
    block = out.split("#### Overrides in this change\n\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert block[0] == "| environment | gate | moves | by | at | reason |"
    assert block[2].startswith("| prod | freeze | platform 0.2.1 | Jane Doe ")
    assert "<b>" not in block[2] and "hotfix \\| " in block[2]  # no HTML, no table break
    assert out.index("What this change moves") < out.index("Overrides in this change")
    assert "Overrides in this change" not in render(ERROR, context=Context(STATUS, MOVES, "origin/main"))
