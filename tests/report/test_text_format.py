"""`text`: findings grouped by file, each line starting `path:line:col:` (so a terminal or editor can jump to it),
a blank line between files, a summary line; colour only when the command asks for it."""

from __future__ import annotations

import re

from generator.findings import Finding
from generator.report import text_format
from tests.report.samples import ERROR, INFO, WARNING, report_of

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def test_grouped_by_file_a_blank_line_between_files_then_the_summary() -> None:
    second = Finding("schema.missing-key", "error", "platform.yaml", 20, 3, "missing required key `api`")
    assert text_format.render(report_of(ERROR, second, WARNING)).splitlines() == [
        "platform.yaml:12:5: error schema.unknown-key: unknown key `colour`",
        "platform.yaml:20:3: error schema.missing-key: missing required key `api`",
        "",
        "services/a/openapi.yaml:3:7: warning api.operation-id-changed: GET /pets: renamed",
        "",
        "2 error(s), 1 warning(s), 0 info in 2 file(s)",
    ]


def test_files_keep_the_order_they_come_in_and_each_file_is_one_block() -> None:
    lines = text_format.render(report_of(ERROR, WARNING, INFO)).splitlines()
    assert lines == [
        "platform.yaml:12:5: error schema.unknown-key: unknown key `colour`",
        "platform.yaml:1:1: info contracts.major-without-breaking: nothing broke",
        "",
        "services/a/openapi.yaml:3:7: warning api.operation-id-changed: GET /pets: renamed",
        "",
        "1 error(s), 1 warning(s), 1 info in 2 file(s)",
    ]


def test_without_findings_says_so() -> None:
    assert text_format.render(report_of()) == "no findings\n"


def test_colour_paints_path_level_and_rule_and_every_line_still_starts_with_its_position() -> None:
    plain = text_format.render(report_of(ERROR, WARNING, INFO))
    painted = text_format.render(report_of(ERROR, WARNING, INFO, colour=True))
    assert "\x1b" not in plain
    assert ANSI.sub("", painted) == plain  # the same text, only coloured
    first = painted.splitlines()[0]
    assert first == (
        "\x1b[1mplatform.yaml\x1b[0m:12:5: \x1b[1;31merror\x1b[0m \x1b[36mschema.unknown-key\x1b[0m: "
        "unknown key `colour`"
    )
    assert "\x1b[1;33mwarning\x1b[0m" in painted and "\x1b[1;34minfo\x1b[0m" in painted
    for line in filter(None, ANSI.sub("", painted).splitlines()[:-1]):
        assert re.match(r"[^:]+:\d+:\d+: ", line), line
