"""`lockstep validate`: formats, --fail-on, --only, --list-rules, and broken manifests as findings."""

from __future__ import annotations

import json
from pathlib import Path

from generator import validators
from tests.conftest import edit, run_lockstep, validate


def test_validate_json_is_one_object(default_repo: Path) -> None:
    edit(default_repo, "platform.yaml", "    language: go\n", "    language: go\n    colour: blue\n")
    result = validate(default_repo, "--format", "json")
    assert result.code == 1
    report = json.loads(result.out)
    assert set(report) == {"findings", "summary"}
    [finding] = report["findings"]
    assert finding == {
        "rule": "schema.unknown-key",
        "level": "error",
        "file": "platform.yaml",
        "line": 21,
        "column": 5,
        "pointer": "/services/service-a/colour",
        "message": finding["message"],
    }
    assert report["summary"] == {"error": 1, "warning": 0, "info": 0, "total": 1, "files": 1}


def test_validate_clean_json(default_repo: Path) -> None:
    result = validate(default_repo, "--format", "json")
    assert result.code == 0
    assert json.loads(result.out)["findings"] == []


def test_text_format_is_file_line_column(default_repo: Path) -> None:
    edit(default_repo, "services/service-a/Dockerfile", "EXPOSE 8080", "EXPOSE 9090")
    result = validate(default_repo)
    assert result.code == 1
    lines = result.out.splitlines()
    assert lines[0] == (
        "services/service-a/Dockerfile:12:1: error dockerfile.expose-port: "
        "EXPOSE 9090 does not match the manifest port 8080"
    )
    assert lines[-1] == "1 error(s), 0 warning(s), 0 info in 1 file(s)"


def test_github_format_annotates(default_repo: Path) -> None:
    edit(default_repo, "services/service-a/Dockerfile", "EXPOSE 8080", "EXPOSE 9090")
    result = validate(default_repo, "--format", "github")
    assert result.out == (
        "::error file=services/service-a/Dockerfile,line=12,col=1,"
        "title=dockerfile.expose-port::EXPOSE 9090 does not match the manifest port 8080\n"
    )


def test_fail_on_warning(default_repo: Path) -> None:
    dockerfile = default_repo / "services/service-b/Dockerfile"
    dockerfile.write_text(dockerfile.read_text().replace("WORKDIR /app\n", "WORKDIR /app\nRUN cd /tmp\n"))
    assert validate(default_repo).code == 0  # hadolint DL3003 is a warning
    result = validate(default_repo, "--fail-on", "warning")
    assert result.code == 1 and "dockerfile.hadolint.DL3003" in result.out


def test_only_one_family(default_repo: Path) -> None:
    edit(default_repo, "services/service-a/Dockerfile", "EXPOSE 8080", "EXPOSE 9090")
    assert validate(default_repo, "--only", "schema").code == 0
    assert validate(default_repo, "--only", "dockerfile").code == 1


def test_list_rules_prints_the_catalogue() -> None:
    result = run_lockstep("validate", "--list-rules")
    assert result.code == 0
    assert [line.split()[0] for line in result.out.splitlines()] == [r.id for r in validators.catalogue()]


def test_unparseable_manifest_is_a_finding_not_a_traceback(default_repo: Path) -> None:
    (default_repo / "platform.yaml").write_text("name: [unclosed\n")
    result = validate(default_repo)
    assert result.code == 1
    assert result.out.startswith("platform.yaml:2:1: error yaml.syntax: invalid YAML")
    assert "Traceback" not in result.err


def test_manifest_of_the_wrong_shape_is_findings_only(default_repo: Path) -> None:
    (default_repo / "platform.yaml").write_text("- just\n- a list\n")
    result = validate(default_repo)
    assert result.code == 1 and "Traceback" not in result.out + result.err
    assert "schema.invalid-value" in result.out


PROMOTION_COMMENT = Path(__file__).parent.parent / "data" / "validate_promotion_pr.md"


def test_the_pull_request_comment_of_a_real_promotion(default_repo: Path) -> None:
    """A promotion as a team makes it: service-a bumped, stamped and released on trunk, then the pull request
    that promotes platform 0.2.0 to stage, checked as the pull-request workflow checks it. Nothing in it varies
    from run to run (no time, no commit: without a link base there are no links)."""
    for step in (["bump", "service-a"], ["stamp"], ["release"], ["promote", "stage"]):
        assert run_lockstep(*step, "--commit", "--repo", default_repo).code == 0, step
    result = validate(default_repo, "--base", "HEAD~1", "--format", "markdown")
    assert result.code == 0, result.out
    assert result.out == PROMOTION_COMMENT.read_text(encoding="utf-8")
