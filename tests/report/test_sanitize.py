"""Content from files cannot steer a report: no terminal escapes, no extra lines, no workflow commands, no HTML,
mentions or links in a pull-request comment, and no message longer than the cap."""

from __future__ import annotations

import pytest

from generator.findings import Finding, excerpt
from generator.report import FINDINGS, sanitize, text_format
from tests.report.samples import report_of

HOSTILE = (
    "x\x1b[2J\x00y\n::error file=a::owned\r\n::add-mask::secret\u2028<img src=x onerror=alert(1)> @admin [c](http://e)"
)


def _finding(message: str = HOSTILE, file: str = "a\nb.yaml") -> Finding:
    return Finding("schema.invalid-value", "error", file, 1, 1, message, operation="GET /a\x07")


@pytest.mark.parametrize("colour", [False, True])
def test_text_is_one_line_per_finding_with_control_characters_escaped(colour: bool) -> None:
    out = FINDINGS["text"](report_of(_finding(HOSTILE + "\x1b[31m"), colour=colour))
    ours = out
    for code in {*text_format._STYLE.values(), text_format._RESET} if colour else ():
        ours = ours.replace(code, "")
    assert ("\x1b[1m" in out) == colour  # lockstep's own colour codes, and no other escape
    assert "\x1b" not in ours and "\x00" not in out and "\x07" not in out and "\u2028" not in out
    [line, _, summary] = ours.splitlines()
    assert "\\x1b[2J" in line and "\\x1b[31m" in line and "\\n::error file=a::owned" in line
    assert summary.startswith("1 error(s)")


def test_github_commands_cannot_be_started_from_content() -> None:
    out = FINDINGS["github"](report_of(_finding()))
    assert out.count("\n") == 1 and out.startswith("::error file=a%0Ab.yaml,line=1,col=1,")
    assert "\n::" not in out.rstrip("\n") and "%0A::add-mask::" in out


def test_markdown_renders_no_html_mention_or_link() -> None:
    out = FINDINGS["markdown"](report_of(_finding(), link_base="https://example.com/b"))
    row = out.splitlines()[-1]
    assert "<img" not in row and "&lt;img" in row
    assert "@admin" not in row and "&#64;admin" in row
    assert "[c](" not in row and "&#91;c&#93;(" in row
    assert row.count("\n") == 0 and row.startswith("| error |")


def test_json_escapes_control_characters() -> None:
    out = FINDINGS["json"](report_of(_finding()))
    assert "\x1b" not in out and "\\u001b" in out


def test_messages_are_capped_in_every_format() -> None:
    long = _finding("m" * 50_000)
    for name in FINDINGS:
        shown = FINDINGS[name](report_of(long))
        assert "m" * (sanitize.MAX_MESSAGE - 20) in shown, name  # the message, up to the cap (with its operation)
        assert "m" * (sanitize.MAX_MESSAGE + 1) not in shown, name


def test_an_excerpt_is_short_and_one_line() -> None:
    assert excerpt("a" * 500) == "a" * 80 + "..."
    assert excerpt("BEGIN\nKEY\x00") == "BEGIN\\nKEY\\x00"
