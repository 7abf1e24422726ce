"""Loading a repository: everything a rule looks at is read once, every load problem is a finding at its file,
and the rule families then read nothing (they work on a repository whose folder is gone)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from generator import validators
from generator.findings import Finding
from generator.repository import load_for_validation, load_repo
from tests.conftest import K8sTools, commit, drop_generated_requires, edit, run_lockstep, validate

CONTRACT = "services/service-a/openapi.yaml"
ACCEPT_LIST = ".lockstep/api-exceptions.yaml"


def _every_family_has_something_to_say(repo: Path) -> None:
    """One finding or more per family, on files of every kind (the base is the commit before)."""
    edit(repo, CONTRACT, "operationId: getItem", "operationId: fetchItem")  # an api.* warning
    edit(repo, CONTRACT, "      required: [id, name]\n", "      required: [id]\n")  # breaking, no major bump
    assert run_lockstep("bump", "service-a", "--repo", repo).code == 0
    edit(repo, "helmfile.yaml.gotmpl", "environments:\n", "environments:\n  dev: {}\n", 1)  # schema: duplicate
    (repo / "environments/prod/values/service-b.yaml").write_text("- not\n- a mapping\n")  # schema
    edit(repo, "services/service-c/Makefile", "PORT ?= 8080", "PORT ?= 9999")  # consistency.default-port
    edit(repo, "environments/stage/platform.lock.yaml", "version: 0.1.0", "version: 0.1.9")  # promotion
    drop_generated_requires(repo)
    edit(repo, "platform.yaml", "    language: python\n", "    language: python\n    requires: {service-c: '^2'}\n")
    assert run_lockstep("bump", "service-b", "--repo", repo).code == 1  # refused: compatibility
    lock = repo / "environments/dev/platform.lock.yaml"
    lock.write_text(lock.read_text().replace("  service-b:\n", "  service-b:\n    requires: {service-c: '^2'}\n", 1))
    edit(repo, "services/service-b/Dockerfile", "EXPOSE 8080", "EXPOSE 9090")  # dockerfile
    edit(repo, "charts/service-c/values.yaml", "replicaCount:", "# unversioned\nreplicaCount:")  # delivery
    edit(repo, ".github/workflows/build-service-a.yaml", "in-progress: false", "in-progress: true")  # pipeline
    edit(
        repo, "platform.yaml", "namespace: logistics-dev\n", "namespace: logistics-dev\n    gates: {soak: 1h}\n"
    )  # gates
    record = repo / "environments/stage/verifications/platform/0.1.0/smoke.20261128T100000Z.yaml"
    record.parent.mkdir(parents=True)
    record.write_text("kind: Verification\n")  # records: read on demand, then kept


def test_rule_families_read_no_file(default_repo: Path, tmp_path: Path, k8s_tools: K8sTools) -> None:
    _every_family_has_something_to_say(default_repo)
    repo = load_for_validation(default_repo, base="HEAD", render=True)  # manifests: what helm rendered, kept
    before = {name: validators.check(repo, [name]) for name in validators.FAMILIES}
    assert all(before.values()), {name: len(found) for name, found in before.items()}
    shutil.rmtree(default_repo)  # the working tree, its .git and the base ref's export are gone
    assert not default_repo.exists()
    assert {name: validators.check(repo, [name]) for name in validators.FAMILIES} == before


def test_only_schema_shows_every_load_problem(default_repo: Path) -> None:
    broken = [
        "platform.yaml",
        "helmfile.yaml.gotmpl",
        ACCEPT_LIST,
        "environments/dev/values/service-a.yaml",
        "charts/service-b/Chart.yaml",
        "releases/0.1.0.yaml",
        CONTRACT,
        "services/service-c/Dockerfile",
    ]
    edit(default_repo, "platform.yaml", "services:\n", "x: 1\nx: 2\nservices:\n")
    edit(default_repo, "helmfile.yaml.gotmpl", "environments:\n", "environments:\n  dev: {}\n", 1)
    (default_repo / ACCEPT_LIST).write_text("apiVersion: lockstep/v1\nkind: ApiExceptions\nexceptions: [\n")
    edit(default_repo, "environments/dev/values/service-a.yaml", "env: {}", "env: {}\nenv: {a: b}")
    edit(default_repo, "charts/service-b/Chart.yaml", "apiVersion: v2", "apiVersion: v2\napiVersion: v3")
    edit(default_repo, "releases/0.1.0.yaml", "kind: Release", "kind: Release\nkind: Release")
    (default_repo / CONTRACT).write_text("openapi: 3.1.0\ninfo: x: y\n")
    (default_repo / "services/service-c/Dockerfile").write_bytes(b"FROM node:22\n\xff\n")
    result = validate(default_repo, "--only", "schema")
    assert result.code == 1
    files = {line.split(":", 1)[0] for line in result.out.splitlines()[:-1] if line}  # blank: between files
    assert files == set(broken), result.out  # the broken manifest hides no other file's problems
    assert "services/service-c/Dockerfile:1:1: error file.unreadable: not UTF-8 text (byte 13)" in result.out


def test_a_malformed_accept_list_is_the_same_finding_with_and_without_base(default_repo: Path) -> None:
    (default_repo / ACCEPT_LIST).write_text("apiVersion: lockstep/v1\nkind: ApiExceptions\nexceptions:\n  - rule: x\n")
    plain, with_base = validate(default_repo), validate(default_repo, "--base", "HEAD")
    assert plain.code == with_base.code == 1
    assert plain.out == with_base.out
    assert plain.out.startswith(f"{ACCEPT_LIST}:4:5: error schema.missing-key: missing required key `operation`")


def test_a_change_laid_over_the_repository_parses_only_the_changed_files(default_repo: Path) -> None:
    repo = load_repo(default_repo)
    lock = "environments/dev/platform.lock.yaml"
    text = (default_repo / lock).read_text().replace("version: 0.1.0", "version: 0.1.1", 1)
    changed = repo.with_files({lock: text})
    assert changed.locks["dev"].services["service-a"].version == "0.1.1"
    assert repo.locks["dev"].services["service-a"].version == "0.1.0"  # the loaded repository is unchanged
    assert changed.documents["platform.yaml"] is repo.documents["platform.yaml"]  # reused, not parsed again
    assert changed.contracts[CONTRACT] is repo.contracts[CONTRACT]
    assert changed.documents[lock] is not repo.documents[lock]
    assert (default_repo / lock).read_text() != text  # nothing written


def test_a_new_file_in_a_change_is_seen(default_repo: Path) -> None:
    repo = load_repo(default_repo)
    release = (default_repo / "releases/0.1.0.yaml").read_text().replace("0.1.0", "0.1.1")
    changed = repo.with_files({"releases/0.1.1.yaml": release})
    assert set(changed.releases) == {"0.1.0", "0.1.1"}
    assert set(repo.releases) == {"0.1.0"}


def test_every_file_the_manifest_implies_is_read_once(default_repo: Path) -> None:
    repo = load_repo(default_repo)
    assert set(repo.dockerfiles) == set(repo.default_ports) == {"service-a", "service-b", "service-c"}
    assert set(repo.contracts) == {f"services/{s}/openapi.yaml" for s in ("service-a", "service-b", "service-c")}
    for service in ("service-a", "service-b", "service-c"):
        assert f"charts/{service}/Chart.yaml" in repo.documents
        assert {f"environments/{env}/values/{service}.yaml" for env in ("dev", "stage", "prod")} <= set(repo.documents)
    assert repo.helmfile is not None and repo.helmfile.environments == ("dev", "stage", "prod")
    assert repo.problems == []


def test_a_working_tree_without_platform_yaml_is_exit_2(tmp_path: Path) -> None:
    result = validate(tmp_path)
    assert result.code == 2
    assert result.err == f"lockstep: error: {tmp_path}: not a lockstep repository (platform.yaml not found)\n"


@pytest.mark.parametrize("ref", ["--output=/tmp/x", "no-such-ref"])
def test_a_bad_base_ref_is_exit_2_with_one_line(ref: str, default_repo: Path) -> None:
    result = validate(default_repo, f"--base={ref}")
    assert result.code == 2 and len(result.err.splitlines()) == 1 and ref in result.err


def test_the_head_ref_is_validated_instead_of_the_working_tree(
    default_repo: Path, strategy_repo: Callable[..., Path]
) -> None:
    edit(default_repo, "services/service-a/Dockerfile", "EXPOSE 8080", "EXPOSE 9090")
    commit(default_repo, "wrong port")
    edit(default_repo, "services/service-a/Dockerfile", "EXPOSE 9090", "EXPOSE 8080")  # fixed, not committed
    assert validate(default_repo).code == 0
    result = validate(default_repo, "--base", "HEAD~1", "--head", "HEAD")
    assert result.code == 1 and "dockerfile.expose-port" in result.out


def test_commands_find_the_repository_from_a_subdirectory(default_repo: Path) -> None:
    inside = default_repo / "services/service-a"
    checked = run_lockstep("validate", cwd=inside)
    assert (checked.code, checked.out) == (0, "no findings\n")
    assert run_lockstep("bump", "service-a", cwd=inside).code == 0
    assert "service-a │ 0.2.0" in run_lockstep("status", cwd=inside).out.replace("  ", " ").replace("  ", " ")
    outside = run_lockstep("validate", cwd=default_repo.parent)
    assert outside.code == 2 and "platform.yaml not found here or in any folder above" in outside.err


def test_what_a_change_of_some_files_can_affect(default_repo: Path) -> None:
    from generator.repository import EVERYTHING, Focus, focus_of, load_repo

    platform = load_repo(default_repo).platform
    assert focus_of(["platform.yaml", "README.md"], platform) == EVERYTHING
    assert focus_of([".hadolint.yaml"], platform) == EVERYTHING  # every Dockerfile is linted with it
    lock, values = "environments/prod/platform.lock.yaml", "environments/dev/values/service-b.yaml"
    assert focus_of([lock], platform) == Focus(True, frozenset(), frozenset([lock]))
    assert focus_of(["releases/0.1.0.yaml"], platform).state
    found = focus_of([values, "services/service-a/Dockerfile"], platform)
    assert (found.state, found.services) == (False, frozenset({"service-a", "service-b"}))
    chart = focus_of(["charts/service-c/Chart.yaml"], platform)  # the locks say where it is deployed from the tree
    assert (chart.state, chart.services) == (True, frozenset({"service-c"}))
    assert focus_of(["README.md"], platform) == Focus(False, frozenset(), frozenset(["README.md"]))
    assert not found.reads("helmfile.yaml.gotmpl") and EVERYTHING.reads("helmfile.yaml.gotmpl")


def test_a_contract_kept_elsewhere_belongs_to_its_service(default_repo: Path) -> None:
    from generator.repository import focus_of, load_repo

    edit(default_repo, "platform.yaml", "api: services/service-a/openapi.yaml", "api: apis/a/openapi.yaml")
    platform = load_repo(default_repo).platform
    found = focus_of(["apis/a/schemas/pet.yaml"], platform)
    assert found.services == frozenset({"service-a"})
    assert found.state  # a contract change is judged against the versions the locks pin


# -- pull-request mode: what the change can affect ----------------------------------------------------------------

DOCKERFILE = "services/service-a/Dockerfile"


def _merged_with_a_problem(repo: Path) -> None:
    """A problem already on the base branch (judged, or let through, when it merged)."""
    edit(repo, DOCKERFILE, "EXPOSE 8080", "EXPOSE 9090")
    commit(repo, "merged earlier")


def _rules_at(found: list[Finding], relative: str) -> set[str]:
    return {f.rule for f in found if f.file == relative}


def test_pull_request_mode_checks_what_the_change_can_affect(default_repo: Path) -> None:
    from generator import validation

    _merged_with_a_problem(default_repo)
    assert run_lockstep("bump", "service-b", "--repo", default_repo).code == 0  # the change: one lock
    repo, found = validation.checked(default_repo, base="HEAD")
    assert repo.focus.files == frozenset({"environments/dev/platform.lock.yaml"})
    assert _rules_at(found, DOCKERFILE) == set()  # not touched: not judged again
    # exactly what the pre-commit hook finds with the same files staged
    assert found == validation.checked(default_repo, base="HEAD", paths=["environments/dev/platform.lock.yaml"])[1]
    assert "dockerfile.expose-port" in _rules_at(validation.checked(default_repo)[1], DOCKERFILE)  # the full check
    with (default_repo / DOCKERFILE).open("a") as touched:
        touched.write("# touched\n")
    assert "dockerfile.expose-port" in _rules_at(validation.checked(default_repo, base="HEAD")[1], DOCKERFILE)


@pytest.mark.parametrize("changed", [".lockstep/config.yaml", ".lockstep/requirements.txt"])
def test_a_change_of_the_rules_or_of_lockstep_checks_everything(default_repo: Path, changed: str) -> None:
    from generator import validation
    from generator.repository import EVERYTHING, focus_of

    assert focus_of([changed], load_repo(default_repo).platform) == EVERYTHING
    _merged_with_a_problem(default_repo)
    path = default_repo / changed
    config = "apiVersion: lockstep/v1\nkind: Config\nrules:\n  consistency.default-port: warning\n"
    path.write_text(path.read_text() + "\n" if path.exists() else config)
    assert "dockerfile.expose-port" in _rules_at(validation.checked(default_repo, base="HEAD")[1], DOCKERFILE)
