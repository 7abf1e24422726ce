"""Where `validate` and `diff-api` put their findings: `--format` on stdout, every `--report FORMAT=PATH` in its
file in the same run, colour as NO_COLOR and FORCE_COLOR say, links from `--link-base` or GitHub's variables."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from generator.commands import output
from tests.conftest import edit, git, run_lockstep, validate
from tests.openapi.documents import Doc, edited, pets, write

BROKEN = ("platform.yaml", "name: logistics", "name: logistics\ncolour: red")


def test_one_run_writes_annotations_on_stdout_a_sarif_file_and_the_comment(default_repo: Path, tmp_path: Path) -> None:
    edit(default_repo, *BROKEN)
    sarif, comment = tmp_path / "lockstep.sarif", tmp_path / "comment.md"
    result = validate(
        default_repo, "--format", "github", "--report", f"sarif={sarif}", "--report", f"markdown={comment}"
    )
    assert result.code == 1
    assert result.out.startswith("::error file=platform.yaml,line=")
    assert [r["ruleId"] for r in json.loads(sarif.read_text())["runs"][0]["results"]] == ["schema.unknown-key"]
    assert comment.read_text().startswith("<!-- lockstep-report validate -->\n\n### \N{CROSS MARK} lockstep validate")
    for name, path in (("sarif", sarif), ("markdown", comment)):  # the same as --format gives on its own
        assert path.read_text() == validate(default_repo, "--format", name).out


@pytest.mark.parametrize(
    ("spec", "says"),
    [
        ("pdf={out}/x.pdf", "no format `pdf`"),
        ("sarif", "is not FORMAT=PATH"),
        ("sarif={out}/missing/x.sarif", "does not exist"),
        ("sarif={out}", "is a folder"),
        ("sarif=/dev/full", "No space left on device"),  # the check passes; writing it fails
    ],
)
def test_a_report_that_cannot_be_made_is_one_line_exit_2_and_nothing_written(
    default_repo: Path, tmp_path: Path, spec: str, says: str
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    result = validate(default_repo, "--report", f"junit={out}/first.xml", "--report", spec.format(out=out))
    assert result.code == 2 and result.out == ""
    assert len(result.err.splitlines()) == 1 and says in result.err, result.err
    assert list(out.iterdir()) == []


def test_the_same_path_twice_is_refused(default_repo: Path, tmp_path: Path) -> None:
    result = validate(default_repo, "--report", f"json={tmp_path}/r", "--report", f"sarif={tmp_path}/./r")
    assert result.code == 2 and "named twice" in result.err
    assert not (tmp_path / "r").exists()


def test_diff_api_writes_reports_too_and_one_shared_schema_change_is_one_annotation_per_operation(
    tmp_path: Path,
) -> None:
    def drop_name(doc: Doc) -> None:
        doc["components"]["schemas"]["Pet"]["properties"].pop("name")
        doc["components"]["schemas"]["Pet"]["required"].remove("name")

    base, head = write(pets(), tmp_path / "base.yaml"), write(edited(pets(), drop_name), tmp_path / "head.yaml")
    junit = tmp_path / "api.xml"
    result = run_lockstep("diff-api", base, head, "--format", "github", "--report", f"junit={junit}")
    assert result.code == 1
    suites = ET.parse(junit).getroot()
    assert (suites.get("name"), suites.get("failures")) == ("lockstep diff-api", "4")
    titles = [line.split("title=", 1)[1].split("::", 1)[0] for line in result.out.splitlines()]
    assert len(titles) == len(set(titles)) == 4  # one Pet change, four operations, four distinct annotations
    assert "api.response-property-removed (GET /pets)" in titles


@pytest.mark.parametrize(
    ("environ", "terminal", "painted"),
    [
        ({}, True, True),
        ({}, False, False),
        ({"TERM": "dumb"}, True, False),
        ({"NO_COLOR": "1"}, True, False),
        ({"NO_COLOR": ""}, True, True),  # set but empty: no-color.org says it does nothing
        ({"FORCE_COLOR": "1"}, False, True),
        ({"FORCE_COLOR": "1", "NO_COLOR": "1"}, False, True),
    ],
)
def test_colour_follows_the_terminal_no_color_and_force_color(
    environ: dict[str, str], terminal: bool, painted: bool, tmp_path: Path
) -> None:
    leader, follower = os.openpty()  # a real terminal (a pseudo-terminal), or a real file
    try:
        with os.fdopen(os.dup(follower), "w") if terminal else (tmp_path / "file").open("w") as stream:
            assert output.colour(stream, environ) is painted
    finally:
        os.close(leader)
        os.close(follower)


def test_force_color_paints_the_text_report_but_never_a_report_file(
    default_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    edit(default_repo, *BROKEN)
    monkeypatch.setenv("FORCE_COLOR", "1")
    result = validate(default_repo, "--report", f"text={tmp_path}/plain.txt")
    assert "\x1b[1;31merror\x1b[0m" in result.out
    assert "\x1b" not in (tmp_path / "plain.txt").read_text()
    assert "\x1b" not in validate(default_repo, "--format", "json").out
    monkeypatch.setenv("FORCE_COLOR", "")
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b" not in validate(default_repo).out


def test_links_come_from_link_base_or_from_github_and_the_commit_checked(
    default_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    edit(default_repo, *BROKEN)
    line = validate(default_repo, "--format", "json").out.split('"line": ', 1)[1].split(",", 1)[0]
    given = validate(default_repo, "--format", "markdown", "--link-base", "https://example.com/t/")
    assert f"[`platform.yaml:{line}`](https://example.com/t/platform.yaml#L{line})" in given.out
    monkeypatch.setenv("GITHUB_SERVER_URL", "https://github.com")
    monkeypatch.setenv("GITHUB_REPOSITORY", "acme/platform")
    monkeypatch.setenv("GITHUB_SHA", "0" * 40)  # the merge commit in a pull request; the checked commit wins
    sha = git(default_repo, "rev-parse", "HEAD").strip()
    actions = validate(default_repo, "--format", "markdown")
    assert f"(https://github.com/acme/platform/blob/{sha}/platform.yaml#L{line})" in actions.out
    assert "](" not in validate(default_repo, "--format", "github").out


def test_a_link_base_that_is_no_http_url_is_refused(default_repo: Path) -> None:
    result = validate(default_repo, "--format", "markdown", "--link-base", "javascript:alert(1)")
    assert result.code == 2 and "--link-base" in result.err and result.out == ""


def test_github_link_base_without_git_uses_github_sha_and_outside_actions_is_none() -> None:
    environ = {"GITHUB_SERVER_URL": "https://ghe.example/", "GITHUB_REPOSITORY": "o/r", "GITHUB_SHA": "abc"}
    assert output.github_link_base(environ, lambda: None) == "https://ghe.example/o/r/blob/abc"
    assert output.github_link_base(environ, lambda: ("def", "sub/dir/")) == "https://ghe.example/o/r/blob/def/sub/dir"
    assert output.github_link_base({}, lambda: ("def", "")) is None


def test_a_changelog_report_has_the_changelog_layout_of_its_format(tmp_path: Path) -> None:
    def add_operation(doc: Doc) -> None:
        doc["paths"]["/health"] = {"get": {"responses": {"200": {"description": "up"}}}}

    base, head = write(pets(), tmp_path / "base.yaml"), write(edited(pets(), add_operation), tmp_path / "head.yaml")
    notes, sarif = tmp_path / "notes.md", tmp_path / "notes.sarif"
    options = ("--changelog", "--report", f"markdown={notes}", "--report", f"sarif={sarif}")
    result = run_lockstep("diff-api", base, head, "--format", "github", *options)
    assert result.code == 0 and result.out.startswith("::notice ")
    assert notes.read_text() == run_lockstep("diff-api", base, head, "--changelog", "--format", "markdown").out
    [run] = json.loads(sarif.read_text())["runs"]
    described = {rule["id"] for rule in run["tool"]["driver"]["rules"]}
    assert run["results"] and {r["ruleId"] for r in run["results"]} <= described  # the notes' rules are listed
