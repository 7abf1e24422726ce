"""`lockstep validate`: formats, --fail-on, --only, --list-rules, and broken manifests as findings."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from generator import validators
from tests.conftest import edit, git, line_of, run_lockstep, validate


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
        "line": line_of(default_repo, "platform.yaml", "colour: blue"),
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


def _broken_in_three_places(repo: Path) -> None:
    edit(repo, "services/service-a/Dockerfile", "EXPOSE 8080", "EXPOSE 9090")
    edit(repo, "environments/prod/platform.lock.yaml", "service-b:0.1.0", "service-b:0.1.9")
    edit(repo, "environments/dev/values/service-b.yaml", "env: {}", "env: {}\n- not a mapping")


def _rules_and_files(result_out: str) -> set[tuple[str, str]]:
    return {(f["rule"], f["file"]) for f in json.loads(result_out)["findings"]}


def test_files_given_check_only_what_their_change_can_affect(default_repo: Path) -> None:
    _broken_in_three_places(default_repo)
    everything = _rules_and_files(validate(default_repo, "--format", "json").out)
    assert {file for _, file in everything} == {
        "services/service-a/Dockerfile",
        "environments/prod/platform.lock.yaml",
        "environments/dev/values/service-b.yaml",
    }
    given = ["services/service-a/Dockerfile", "environments/prod/platform.lock.yaml"]
    given.append("environments/dev/values/service-b.yaml")
    union: set[tuple[str, str]] = set()
    for path in given:
        result = validate(default_repo, "--format", "json", str(default_repo / path))
        assert result.code == 1
        found = _rules_and_files(result.out)
        assert {file for _, file in found} == {path}  # nothing else is reported, nothing is made up
        union |= found
    assert union == everything
    assert validate(default_repo, str(default_repo / "README.md")).out == "no findings\n"


def test_files_are_relative_to_the_current_folder(default_repo: Path) -> None:
    _broken_in_three_places(default_repo)
    result = run_lockstep("validate", "environments/prod/platform.lock.yaml", "../elsewhere.yaml", cwd=default_repo)
    assert result.code == 1 and "environments/prod/platform.lock.yaml:" in result.out
    assert "Dockerfile" not in result.out and "values" not in result.out


def test_a_staged_lock_is_judged_by_the_contract_its_version_ships(default_repo: Path) -> None:
    """The hook on a lock alone still reads the contract of the service whose pin moved."""
    assert run_lockstep("bump", "service-a", "major", "--repo", default_repo).code == 0
    lock = str(default_repo / "environments/dev/platform.lock.yaml")
    result = validate(default_repo, "--base", "HEAD", "--fail-on", "info", lock)
    assert "contracts.major-without-breaking" in result.out, result.out


def test_base_head_before_the_first_commit_compares_with_nothing(default_repo: Path) -> None:
    shutil.rmtree(default_repo / ".git")
    git(default_repo, "init", "--quiet")
    result = validate(default_repo, "--base", "HEAD", "platform.yaml")
    assert (result.code, result.out, result.err) == (0, "no findings\n", "")
