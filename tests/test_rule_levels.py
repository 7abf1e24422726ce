"""generator/rule_levels.py: the rule levels of .lockstep/config.yaml, as `validate`, `diff-api`, the writers and
pull-request mode use them (precedence, "off", unknown ids, invalid levels, the base's levels in a pull request).
"""

from __future__ import annotations

import json
from pathlib import Path

from generator import rule_levels, validators
from generator.findings import Finding, Level
from generator.rule_levels import Entry, RuleLevels
from tests.conftest import commit, edit, git, line_of, run_lockstep, validate

CONFIG = ".lockstep/config.yaml"
MAKEFILE = "services/service-a/Makefile"
CONTRACT = "services/service-a/openapi.yaml"


def _finding(rule: str, level: Level = "error") -> Finding:
    return Finding(rule, level, "f", 1, 1, "m")


def _config(repo: Path, *lines: str) -> None:
    text = "apiVersion: lockstep/v1\nkind: Config\nrules:\n" + "".join(f"  {line}\n" for line in lines)
    (repo / CONFIG).write_text(text)


def _wrong_port(repo: Path) -> None:
    edit(repo, MAKEFILE, "PORT ?= 8080", "PORT ?= 9090")


# -- the pure function --------------------------------------------------------------------------------------------


def test_a_level_replaces_the_rules_own_and_off_drops_it() -> None:
    levels = RuleLevels(
        CONFIG,
        (
            Entry("consistency.default-port", "warning", 4, 3),
            Entry("dockerfile.root-user", "off", 5, 3),
        ),
    )
    found = [_finding("consistency.default-port"), _finding("dockerfile.root-user"), _finding("promotion.out-of-order")]
    result = rule_levels.apply(found, levels, validators.defaults())
    assert [(f.rule, f.level) for f in result] == [
        ("consistency.default-port", "warning"),
        ("promotion.out-of-order", "error"),
    ]
    assert rule_levels.apply(found, None, validators.defaults()) == found


def test_the_longest_matching_entry_wins_whatever_the_order() -> None:
    for order in (1, -1):
        entries = (Entry("dockerfile.hadolint", "off", 4, 3), Entry("dockerfile.hadolint.DL3008", "info", 5, 3))
        levels = RuleLevels(CONFIG, entries[::order])
        found = [_finding("dockerfile.hadolint.DL3008", "warning"), _finding("dockerfile.hadolint.DL3015", "info")]
        result = rule_levels.apply(found, levels, validators.defaults())
        assert [(f.rule, f.level) for f in result] == [("dockerfile.hadolint.DL3008", "info")]
    # a prefix counts only up to a dot: dockerfile.hadolint is not dockerfile.hadolint-missing
    assert RuleLevels(CONFIG, entries).setting("dockerfile.hadolint-missing") is None


def test_a_level_lockstep_gave_for_a_reason_is_kept() -> None:
    """An accepted API change is info whatever the rule's level: raising the rule does not undo the acceptance."""
    levels = RuleLevels(CONFIG, (Entry("api.operation-removed", "warning", 4, 3),))
    accepted, plain = _finding("api.operation-removed", "info"), _finding("api.operation-removed", "error")
    result = rule_levels.apply([accepted, plain], levels, validators.defaults())
    assert [f.level for f in result] == ["info", "warning"]


def test_unknown_ids_are_findings_at_their_key_with_the_nearest_rule() -> None:
    levels = RuleLevels(
        CONFIG,
        (
            Entry("consistency.default-prot", "warning", 4, 3),
            Entry("dockerfile.hadolint.DL3008", "off", 5, 3),  # every hadolint code is a rule id
            Entry("dockerfile.hadolint.DL30", "off", 6, 3),
            Entry("x", "off", 7, 3),
        ),
    )
    found = rule_levels.unknown_rules(levels, validators.defaults())
    assert [(f.rule, f.line, f.column) for f in found] == [("config.unknown-rule", line, 3) for line in (4, 6, 7)]
    assert found[0].message == "no rule `consistency.default-prot`; did you mean `consistency.default-port`?"
    assert found[2].message == "no rule `x` (lockstep validate --list-rules lists them)"


# -- validate -----------------------------------------------------------------------------------------------------


def test_a_rule_lowered_to_warning_passes_under_fail_on_error(default_repo: Path) -> None:
    _wrong_port(default_repo)
    assert validate(default_repo).code == 1
    _config(default_repo, "consistency.default-port: warning")
    result = validate(default_repo)
    assert result.code == 0
    assert result.out.splitlines() == [
        f"{MAKEFILE}:{line_of(default_repo, MAKEFILE, 'PORT ?=')}:1: warning consistency.default-port: "
        "the default port is 9090, the manifest says 8080",
        "",
        "0 error(s), 1 warning(s), 0 info in 1 file(s)",
    ]
    assert validate(default_repo, "--fail-on", "warning").code == 1  # --fail-on judges the levels in force


def test_off_removes_the_rules_findings(default_repo: Path) -> None:
    _wrong_port(default_repo)
    _config(default_repo, 'consistency.default-port: "off"')
    result = validate(default_repo, "--fail-on", "info")
    assert (result.code, result.out) == (0, "no findings\n")


def test_an_unknown_rule_is_a_finding_at_its_key(default_repo: Path) -> None:
    _config(default_repo, "consistency.default-port: warning", "dockerfile.no-such-rule: info")
    result = validate(default_repo, "--format", "json")
    assert result.code == 1
    [finding] = json.loads(result.out)["findings"]
    assert finding == {
        "rule": "config.unknown-rule",
        "level": "error",
        "file": CONFIG,
        "line": 5,
        "column": 3,
        "message": finding["message"],
    }
    assert finding["message"].startswith("no rule `dockerfile.no-such-rule`")


def test_an_invalid_level_is_a_schema_finding_at_the_value_and_nothing_applies(default_repo: Path) -> None:
    _wrong_port(default_repo)
    _config(default_repo, "consistency.default-port: loud")
    findings = json.loads(validate(default_repo, "--format", "json").out)["findings"]
    assert [(f["rule"], f["file"], f["line"], f["column"], f.get("pointer")) for f in findings] == [
        ("schema.invalid-value", CONFIG, 4, 29, "/rules/consistency.default-port"),
        ("consistency.default-port", MAKEFILE, line_of(default_repo, MAKEFILE, "PORT ?="), 1, None),
    ]
    assert findings[0]["message"] == "`consistency.default-port` `loud` is not one of: error, warning, info, off"
    assert findings[1]["level"] == "error"


def test_a_bare_off_is_a_yaml_boolean_and_says_to_quote_it(default_repo: Path) -> None:
    _wrong_port(default_repo)
    _config(default_repo, "consistency.default-port: off")
    findings = json.loads(validate(default_repo, "--format", "json").out)["findings"]
    assert [(f["rule"], f["file"], f["line"]) for f in findings] == [
        ("yaml.ambiguous-boolean", CONFIG, 4),
        ("consistency.default-port", MAKEFILE, line_of(default_repo, MAKEFILE, "PORT ?=")),
    ]
    assert "quote it" in findings[0]["message"]


def test_list_rules_shows_the_levels_in_force(default_repo: Path) -> None:
    _config(
        default_repo,
        "consistency.default-port: warning",
        'dockerfile.root-user: "off"',
        "dockerfile.hadolint.DL3008: info",
    )
    lines = {
        line.split()[0]: line for line in run_lockstep("validate", "--list-rules", cwd=default_repo).out.splitlines()
    }
    assert lines["consistency.default-port"].split()[1] == "warning"
    assert lines["consistency.default-port"].endswith("[.lockstep/config.yaml: warning; default error]")
    assert lines["dockerfile.root-user"].endswith("[.lockstep/config.yaml: off]")
    assert lines["dockerfile.hadolint.DL3008"].endswith("[.lockstep/config.yaml: info; default hadolint's level]")
    assert lines["promotion.out-of-order"].endswith("Ledger promotions are in time order.")
    plain = run_lockstep("validate", "--list-rules", "--repo", default_repo.parent).out  # not a repository
    assert "[.lockstep/config.yaml" not in plain and "consistency.default-port" in plain


def test_a_writer_judges_its_change_at_the_configured_levels(default_repo: Path) -> None:
    edit(
        default_repo,
        "platform.yaml",
        "    api: services/service-a/openapi.yaml\n",
        '    api: services/service-a/openapi.yaml\n    requires: {service-b: ">=2.0.0"}\n',
    )
    refused = run_lockstep("bump", "service-a", "--repo", default_repo)
    assert refused.code == 1 and "compatibility.unsatisfied" in refused.err
    _config(default_repo, "compatibility.unsatisfied: warning")
    assert run_lockstep("bump", "service-a", "--repo", default_repo).code == 0
    assert "warning compatibility.unsatisfied" in validate(default_repo).out


# -- pull-request mode: the base's levels judge the pull request --------------------------------------------------


def test_a_pull_request_cannot_switch_off_the_rule_it_breaks(default_repo: Path) -> None:
    git(default_repo, "checkout", "--quiet", "-b", "change")
    _wrong_port(default_repo)
    _config(default_repo, 'consistency.default-port: "off"')
    commit(default_repo, "turn the rule off and break it")
    assert validate(default_repo).code == 0  # the working tree alone: its own config
    result = validate(default_repo, "--base", "main", "--format", "json")
    assert result.code == 1
    findings = [(f["rule"], f["level"], f["file"], f["line"]) for f in json.loads(result.out)["findings"]]
    assert findings == [
        ("config.pending", "info", CONFIG, 4),
        ("consistency.default-port", "error", MAKEFILE, line_of(default_repo, MAKEFILE, "PORT ?=")),
    ]
    assert "`off` takes effect once merged; this pull request is judged with the rule's own level" in result.out


def test_once_merged_the_config_judges_the_next_pull_request(default_repo: Path) -> None:
    _config(default_repo, "consistency.default-port: warning")
    commit(default_repo, "config")
    git(default_repo, "checkout", "--quiet", "-b", "change")
    _wrong_port(default_repo)
    _config(default_repo, "consistency.default-port: error")  # a pull request cannot raise it for itself either
    commit(default_repo, "break it")
    result = validate(default_repo, "--base", "main")
    assert result.code == 0
    assert "warning consistency.default-port" in result.out
    assert "consistency.default-port: `error` takes effect once merged; this pull request is judged with `warning`" in (
        result.out
    )


# -- the hooks: `validate --base HEAD FILE...` loads little, and still reads the config -------------------------


def test_the_hook_on_one_file_applies_the_committed_levels(default_repo: Path) -> None:
    _config(default_repo, "consistency.default-port: warning")
    commit(default_repo, "config")
    _wrong_port(default_repo)
    makefile = str(default_repo / MAKEFILE)
    result = validate(default_repo, "--base", "HEAD", makefile)
    assert result.code == 0
    assert "warning consistency.default-port" in result.out
    _config(default_repo, "consistency.default-port: error")  # staged beside the change: takes effect once committed
    assert validate(default_repo, "--base", "HEAD", makefile).code == 0


def test_the_hook_cannot_be_silenced_by_the_config_it_commits(default_repo: Path) -> None:
    _wrong_port(default_repo)
    _config(default_repo, 'consistency.default-port: "off"')
    result = validate(default_repo, "--base", "HEAD", str(default_repo / MAKEFILE), str(default_repo / CONFIG))
    assert result.code == 1
    assert "error consistency.default-port" in result.out
    assert "info config.pending" in result.out


def test_the_hook_on_the_config_alone_finds_an_unknown_rule(default_repo: Path) -> None:
    _config(default_repo, "consistency.default-prot: warning")
    result = validate(default_repo, "--base", "HEAD", "--format", "json", str(default_repo / CONFIG))
    assert result.code == 1
    assert [(f["rule"], f["file"], f["line"]) for f in json.loads(result.out)["findings"]] == [
        ("config.pending", CONFIG, 4),
        ("config.unknown-rule", CONFIG, 4),
    ]


# -- diff-api -----------------------------------------------------------------------------------------------------


def _removed_property(repo: Path) -> tuple[str, str]:
    edit(repo, CONTRACT, "        name:", "        title:", count=2)
    return f"HEAD:{CONTRACT}", CONTRACT


def test_diff_api_honours_config(default_repo: Path, tmp_path: Path) -> None:
    base, head = _removed_property(default_repo)
    assert run_lockstep("diff-api", base, head, cwd=default_repo).code == 1
    named = tmp_path / "levels.yaml"
    named.write_text("apiVersion: lockstep/v1\nkind: Config\nrules:\n  api.response-property-removed: warning\n")
    result = run_lockstep("diff-api", "--config", named, base, head, cwd=default_repo)
    assert result.code == 0
    assert result.out.splitlines()[-1] == "0 error(s), 3 warning(s), 0 info in 1 file(s)"
    listed = run_lockstep("diff-api", "--list-rules", "--config", named).out
    assert (
        f"api.response-property-removed                 warning  A required response property was removed. [{named}:"
        in listed
    )


def test_diff_api_reads_the_config_of_the_repository_it_runs_in(default_repo: Path) -> None:
    base, _ = _removed_property(default_repo)
    _config(default_repo, 'api.response-property-removed: "off"', "api.no-such-rule: info")
    result = run_lockstep("diff-api", base, "service-a/openapi.yaml", cwd=default_repo / "services")
    assert result.code == 1
    assert result.out.splitlines() == [
        "../.lockstep/config.yaml:5:3: error config.unknown-rule: no rule `api.no-such-rule` "
        "(lockstep validate --list-rules lists them)",
        "",
        "1 error(s), 0 warning(s), 0 info in 1 file(s)",
    ]


def test_diff_api_refuses_a_config_it_cannot_read(default_repo: Path, tmp_path: Path) -> None:
    base, head = _removed_property(default_repo)
    named = tmp_path / "levels.yaml"
    named.write_text("apiVersion: lockstep/v1\nkind: Config\nrules:\n  api.response-property-removed: loud\n")
    result = run_lockstep("diff-api", "--config", named, base, head, cwd=default_repo)
    assert (result.code, result.out) == (2, "")
    assert result.err == (
        f"lockstep: error: {named}:4:34: `api.response-property-removed` `loud` is not one of: "
        "error, warning, info, off\n"
    )
    missing = run_lockstep("diff-api", "--config", tmp_path / "none.yaml", base, head, cwd=default_repo)
    assert (missing.code, missing.err) == (2, f"lockstep: error: --config: {tmp_path / 'none.yaml'}: no such file\n")


def test_the_changelog_notes_are_rules_one_config_can_set(default_repo: Path, tmp_path: Path) -> None:
    """One config serves validate and diff-api: validate knows the notes of `diff-api --changelog` too."""
    from tests.commands.test_diff_api_changelog import additions, pair

    _config(default_repo, 'api.operation-added: "off"', "api.response-property-added: warning")
    assert validate(default_repo).out == "no findings\n"  # no config.unknown-rule
    base, head = pair(tmp_path, additions)
    result = run_lockstep("diff-api", base, head, "--changelog", "--format", "json", cwd=default_repo)
    changes = json.loads(result.out)["changes"]
    assert {(c["id"], c["level"]) for c in changes} == {
        ("api.request-parameter-added", "info"),
        ("api.response-property-added", "warning"),
    }
    assert result.code == 0
