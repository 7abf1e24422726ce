"""`lockstep new`, run as a user runs it, then checked with validate."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml

from tests.conftest import run_lockstep, validate

ALL_LANGUAGES = "orders:go,billing:python,web:node,ledger:java:9090"
SIX = "dev,test,qa,uat,stage,prod"


@pytest.mark.parametrize("strategy", ["independent", "monolith", "combined"])
@pytest.mark.parametrize("environments", ["prod", "dev,stage,prod", SIX])
def test_new_then_validate_is_clean(strategy: str, environments: str, new_repo) -> None:
    repo = new_repo("--strategy", strategy, "--environments", environments, "--services", ALL_LANGUAGES)
    result = validate(repo)
    assert (result.code, result.out) == (0, "no findings\n"), result.out + result.err
    manifest = yaml.safe_load((repo / "platform.yaml").read_text())
    assert [e["name"] for e in manifest["environments"]] == environments.split(",")
    assert {s: v["language"] for s, v in manifest["services"].items()} == {
        "orders": "go",
        "billing": "python",
        "web": "node",
        "ledger": "java",
    }
    assert manifest["services"]["ledger"]["port"] == 9090
    assert "EXPOSE 9090" in (repo / "services/ledger/Dockerfile").read_text()
    has_releases = strategy != "independent"
    assert (repo / "releases/0.1.0.yaml").is_file() == has_releases
    for env in environments.split(","):
        lock = yaml.safe_load((repo / f"environments/{env}/platform.lock.yaml").read_text())
        assert ("platform" in lock) == has_releases
        assert set(lock["services"]) == {"orders", "billing", "web", "ledger"}
        assert (repo / f"environments/{env}/values/ledger.yaml").is_file()


def test_modes_follow_the_strategy(new_repo) -> None:
    repo = new_repo("--environments", SIX)
    modes = [e["mode"] for e in yaml.safe_load((repo / "platform.yaml").read_text())["environments"]]
    assert modes == ["independent"] * 4 + ["platform"] * 2


def test_default_platform(default_repo: Path) -> None:
    manifest = yaml.safe_load((default_repo / "platform.yaml").read_text())
    assert manifest["name"] == "logistics" and manifest["strategy"] == "combined"
    assert {s: v["language"] for s, v in manifest["services"].items()} == {
        "service-a": "go",
        "service-b": "python",
        "service-c": "node",
    }
    assert (default_repo / "services/service-a/main.go").is_file()
    assert not (default_repo / "services/service-a/main.py").exists()  # one language's sources only
    assert "{{" in (default_repo / "charts/service-a/templates/deployment.yaml").read_text()  # Helm's, kept
    answers = yaml.safe_load((default_repo / ".lockstep/answers.yaml").read_text())
    assert answers["answers"]["environments"] == ["dev", "stage", "prod"]
    assert answers["answers"]["rollout"] == "rolling"
    # service-b calls service-a's list operation (the service template's contract), so compatibility, rollback
    # planning and network policy have an edge to work on; every service runs two replicas, one in dev
    services = manifest["services"]
    assert services["service-b"]["requires"] == {"service-a": {"range": ">=0.1.0 <1.0.0", "operations": ["listItems"]}}
    assert [name for name, spec in services.items() if "requires" in spec] == ["service-b"]
    assert "operationId: listItems" in (default_repo / "services/service-a/openapi.yaml").read_text()
    for spec in services.values():
        assert (spec["rollout"], spec["replicas"], spec["environments"]) == ("rolling", 2, {"dev": {"replicas": 1}})


@pytest.mark.parametrize("rollout", ["rolling", "blue-green", "canary"])
def test_new_with_a_rollout_gives_it_to_every_service(rollout: str, new_repo) -> None:
    repo = new_repo("--rollout", rollout, "--services", ALL_LANGUAGES, "--environments", "dev,prod")
    result = validate(repo)
    assert (result.code, result.out) == (0, "no findings\n"), result.out + result.err
    manifest = yaml.safe_load((repo / "platform.yaml").read_text())
    assert {name: spec["rollout"] for name, spec in manifest["services"].items()} == dict.fromkeys(
        ("orders", "billing", "web", "ledger"), rollout
    )
    assert manifest["services"]["billing"]["requires"] == {
        "orders": {"range": ">=0.1.0 <1.0.0", "operations": ["listItems"]}
    }
    answers = yaml.safe_load((repo / ".lockstep/answers.yaml").read_text())
    assert answers["answers"]["rollout"] == rollout


def test_generated_repo_is_one_commit_with_a_clean_tree(default_repo: Path) -> None:
    log = subprocess.run(["git", "log", "--format=%s"], cwd=default_repo, capture_output=True, text=True).stdout
    assert log == "lockstep new: the logistics platform\n"
    status = subprocess.run(["git", "status", "--porcelain"], cwd=default_repo, capture_output=True, text=True)
    assert status.stdout == ""


def test_config_file_answers(tmp_path: Path) -> None:
    config = tmp_path / "answers.yaml"
    config.write_text(
        "name: fleet\nstrategy: monolith\nenvironments: [dev, prod]\n"
        "services:\n  api:\n    language: java\n    port: 8081\n"
    )
    result = run_lockstep("new", "--no-input", "--config", config, "--name", "trucks", tmp_path / "p")
    assert result.code == 0, result.err
    manifest = yaml.safe_load((tmp_path / "p/platform.yaml").read_text())
    assert manifest["name"] == "trucks"  # the option wins over the file
    assert manifest["strategy"] == "monolith" and list(manifest["services"]) == ["api"]
    assert validate(tmp_path / "p").code == 0


def test_answers_file_of_one_repo_makes_the_same_platform(default_repo: Path, tmp_path: Path) -> None:
    result = run_lockstep("new", "--no-input", "--config", default_repo / ".lockstep/answers.yaml", tmp_path / "again")
    assert result.code == 0, result.err
    assert (tmp_path / "again/platform.yaml").read_text() == (default_repo / "platform.yaml").read_text()


def test_force_writes_into_a_non_empty_directory(tmp_path: Path) -> None:
    target = tmp_path / "p"
    target.mkdir()
    (target / "notes.txt").write_text("mine\n")
    assert run_lockstep("new", "--no-input", target).code == 2
    result = run_lockstep("new", "--no-input", "--force", target)
    assert result.code == 0, result.err
    assert (target / "notes.txt").read_text() == "mine\n"
    assert validate(target).code == 0


def test_empty_existing_directory_is_fine(tmp_path: Path) -> None:
    (tmp_path / "p").mkdir()
    assert run_lockstep("new", "--no-input", tmp_path / "p").code == 0


BAD_ANSWERS = [
    (["--services", "../x:go"], "../x"),
    (["--services", "Service_A:go"], "Service_A"),
    (["--services", "a" * 64 + ":go"], "a" * 64),
    (["--services", "a:go,a:python"], "duplicate service `a`"),
    (["--services", "a:rust"], "rust"),
    (["--services", "a"], "`a` is not NAME:LANGUAGE"),
    (["--services", "a:go:99999"], "99999"),
    (["--environments", ""], "at least one environment"),
    (["--environments", ","], "at least one environment"),
    (["--environments", "dev,dev"], "duplicate environment `dev`"),
    (["--environments", "Prod"], "Prod"),
    (["--strategy", "yolo"], "yolo"),
    (["--name", "{{ 7*7 }}"], "{{ 7*7 }}"),
    (["--registry", "{{ 7*7 }}"], "{{ 7*7 }}"),
    (["--name", ""], "``"),
    (["--rollout", "recreate"], "`recreate` is not a rollout strategy: rolling, blue-green or canary"),
]


@pytest.mark.parametrize(("options", "named"), BAD_ANSWERS, ids=lambda v: str(v)[:30])
def test_bad_answers_exit_2_with_one_line_and_write_nothing(options: list[str], named: str, tmp_path: Path) -> None:
    target = tmp_path / "p"
    result = run_lockstep("new", "--no-input", *options, target)
    assert result.code == 2
    assert result.out == ""
    [line] = result.err.strip().splitlines()
    assert named in line and "Traceback" not in line
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


def test_bad_config_file_names_file_and_line(tmp_path: Path) -> None:
    config = tmp_path / "answers.yaml"
    config.write_text(
        "name: fleet\nstrategy: monolith\nenvironments: [dev, prod]\nservices:\n"
        "  api:\n    language: cobol\n    port: 8081\n"
    )
    result = run_lockstep("new", "--no-input", "--config", config, tmp_path / "p")
    assert result.code == 2
    assert result.err.strip() == (
        f"lockstep: error: {config}:6:15: `language` `cobol` is not one of: go, python, node, java"
    )
    assert not (tmp_path / "p").exists()


def test_existing_non_empty_directory_is_refused(default_repo: Path) -> None:
    before = sorted(p.name for p in default_repo.iterdir())
    result = run_lockstep("new", "--no-input", default_repo)
    assert result.code == 2 and "not empty" in result.err and str(default_repo) in result.err
    assert sorted(p.name for p in default_repo.iterdir()) == before


def test_target_under_a_file_is_exit_2(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    result = run_lockstep("new", "--no-input", tmp_path / "file" / "p")
    assert result.code == 2
    assert result.err == f"lockstep: error: {tmp_path}/file/p: {tmp_path}/file is not a directory\n"


def test_codeowners_gives_each_environment_its_owners_after_the_catch_all(new_repo) -> None:
    """CODEOWNERS is last-match-wins: one line per environment folder after `*`; the first environment belongs to
    the developers (the teams' bumps), those between to the release managers, the last to the platform team."""
    repo = new_repo("--environments", "dev,qa,stage,preprod,prod", "--name", "acme")
    lines = [line.split() for line in (repo / "CODEOWNERS").read_text().splitlines() if not line.startswith("#")]
    owners = {line[0]: line[1:] for line in lines}
    environments = [line[0] for line in lines if line[0].startswith("/environments/")]
    assert environments == [f"/environments/{env}/" for env in ("dev", "qa", "stage", "preprod", "prod")]
    assert [owners[env] for env in environments] == [
        ["@acme/developers"],
        *[["@acme/release-managers"]] * 3,
        ["@acme/platform"],
    ]
    assert [line[0] for line in lines].index("*") < [line[0] for line in lines].index("/environments/dev/")
    assert "/environments/" not in owners  # nothing broader after the environment lines overrides them
