"""What `lockstep new` generates passes the tools people run on such a repository: yamllint, hadolint,
check-jsonschema's GitHub workflow schema, and pre-commit with lockstep's own hooks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import BIN, CHECKOUT

LANGUAGES = "orders:go,billing:python,web:node,ledger:java"


def tool(name: str) -> str:
    return str(BIN / name)


@pytest.fixture(scope="module")
def all_languages(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.conftest import run_lockstep

    target = tmp_path_factory.mktemp("langs") / "platform"
    result = run_lockstep("new", "--no-input", "--services", LANGUAGES, "--strategy", "monolith", target)
    assert result.code == 0, result.err
    return target


def test_yamllint_passes_on_every_yaml_file(all_languages: Path) -> None:
    result = subprocess.run([tool("yamllint"), "--strict", "."], cwd=all_languages, capture_output=True, text=True)
    assert (result.returncode, result.stdout) == (0, "")
    linted = subprocess.run(
        [tool("yamllint"), "--list-files", "."], cwd=all_languages, capture_output=True, text=True
    ).stdout.split()
    assert "platform.yaml" in {Path(p).as_posix().removeprefix("./") for p in linted}
    assert len(linted) >= 20


@pytest.mark.parametrize("service", ["orders", "billing", "web", "ledger"])
def test_hadolint_has_nothing_to_say(all_languages: Path, service: str) -> None:
    result = subprocess.run(
        [tool("hadolint"), f"services/{service}/Dockerfile"], cwd=all_languages, capture_output=True, text=True
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_hadolint_does_lint(all_languages: Path, tmp_path: Path) -> None:
    """The check above can fail: the same binary on a bad Dockerfile speaks."""
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM python:latest\nRUN cd /tmp && pip install flask\n")
    result = subprocess.run([tool("hadolint"), str(bad)], capture_output=True, text=True)
    assert result.returncode == 1 and "DL3007" in result.stdout


def test_workflow_matches_github_schema(all_languages: Path) -> None:
    result = subprocess.run(
        [
            tool("check-jsonschema"),
            "--builtin-schema",
            "vendor.github-workflows",
            ".github/workflows/lockstep.yaml",
            ".github/workflows/lockstep-trunk.yaml",
        ],
        cwd=all_languages,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_lockstep_files_match_the_shipped_schemas(all_languages: Path) -> None:
    """check-jsonschema agrees with lockstep on the files lockstep wrote (the schemas are standard)."""
    schemas = CHECKOUT / "schemas"
    pairs = [
        ("platform", ["platform.yaml"]),
        ("lock", ["environments/dev/platform.lock.yaml"]),
        ("release", ["releases/0.1.0.yaml"]),
        ("answers", [".lockstep/answers.yaml"]),
    ]
    for kind, files in pairs:
        result = subprocess.run(
            [
                tool("check-jsonschema"),
                "--base-uri",
                schemas.as_uri() + "/",
                "--schemafile",
                str(schemas / f"{kind}.schema.json"),
                *files,
            ],
            cwd=all_languages,
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stdout + result.stderr


def _hook_repo_commit() -> str:
    """This checkout as pre-commit will clone it: HEAD, plus any uncommitted change as a snapshot commit."""
    env = {**os.environ, "GIT_INDEX_FILE": str(Path(os.environ["HOME"]) / "snapshot-index")}
    subprocess.run(["git", "read-tree", "HEAD"], cwd=CHECKOUT, env=env, check=True)
    subprocess.run(["git", "add", "-A"], cwd=CHECKOUT, env=env, check=True)
    tree = subprocess.run(
        ["git", "write-tree"], cwd=CHECKOUT, env=env, check=True, capture_output=True, text=True
    ).stdout.strip()
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", "commit-tree", tree, "-p", "HEAD", "-m", "snapshot"],
        cwd=CHECKOUT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def _pre_commit(repo: Path, *args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args], cwd=repo, env=env, capture_output=True, text=True, timeout=900
    )


def _git_commit(repo: Path, home: Path) -> subprocess.CompletedProcess[str]:
    """`git commit` as a developer runs it: the pre-commit hook that `pre-commit install` wrote runs first."""
    env = {**os.environ, "PRE_COMMIT_HOME": str(home)}
    command = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "change"]
    return subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True, timeout=900)


def _hooks_guard_commits(repo: Path, home: Path) -> None:
    """All files pass; a staged breaking API change without a major bump and a rewritten released snapshot are
    refused at `git commit` with their findings; a good change commits."""
    result = _pre_commit(repo, "run", "--all-files", home=home)
    assert result.returncode == 0, result.stdout + result.stderr
    for hook in ("lockstep validate", "lockstep contracts", "lockstep dockerfile"):
        assert hook in result.stdout
    assert _pre_commit(repo, "install", home=home).returncode == 0

    contract = repo / "services/orders/openapi.yaml"
    before = contract.read_text()
    contract.write_text(before.replace("  /version:", "  /build:"))  # GET /version is gone
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    refused = _git_commit(repo, home)
    said = refused.stdout + refused.stderr  # git shows what the hook printed
    assert refused.returncode == 1, said
    assert "contracts.breaking-without-major" in said and "services/orders/openapi.yaml" in said
    contract.write_text(before)

    snapshot = repo / "releases/0.1.0.yaml"
    text = snapshot.read_text()
    snapshot.write_text(text.replace("orders:0.1.0", "orders:0.1.0@sha256:" + "0" * 64, 1))
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    refused = _git_commit(repo, home)
    said = refused.stdout + refused.stderr
    assert refused.returncode == 1 and "releases/0.1.0.yaml" in said and "promotion." in said, said
    snapshot.write_text(text)

    readme = repo / "README.md"
    readme.write_text(readme.read_text() + "\nA line.\n")
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    assert _git_commit(repo, home).returncode == 0


@pytest.mark.slow  # several real pre-commit and git processes
def test_local_hooks_work_offline_at_once(tmp_path: Path) -> None:
    from tests.conftest import run_lockstep

    repo = tmp_path / "platform"
    options = ("--services", LANGUAGES, "--strategy", "monolith", "--hooks", "local")
    assert run_lockstep("new", "--no-input", *options, repo).code == 0
    _hooks_guard_commits(repo, tmp_path / "pre-commit-home")


@pytest.mark.slow  # pre-commit installs the hook environment (a virtualenv with lockstep in it)
def test_remote_hooks_from_this_repository_at_a_commit(tmp_path: Path) -> None:
    from tests.conftest import run_lockstep

    repo = tmp_path / "platform"
    remote = ("--hooks-repo", str(CHECKOUT), "--hooks-rev", _hook_repo_commit())
    assert run_lockstep("new", "--no-input", "--services", LANGUAGES, "--strategy", "monolith", *remote, repo).code == 0
    _hooks_guard_commits(repo, tmp_path / "pre-commit-home")


def test_renovate_config_matches_renovates_schema_and_has_work_for_every_manager(tmp_path: Path) -> None:
    """renovate.json passes Renovate's schema (check-jsonschema's vendored copy), and every manager it enables
    has the files it reads in a platform with both CIs: the services' Dockerfiles, the workflows' pinned actions,
    the GitLab jobs' image, the lockstep requirement, the pre-commit config and the binaries the build workflows
    install (the custom regex manager, whose pattern must find them)."""
    import json

    from tests.conftest import run_lockstep

    target = tmp_path / "platform"
    assert run_lockstep("new", "--no-input", "--ci", "both", target).code == 0
    config = target / "renovate.json"
    result = subprocess.run(
        [tool("check-jsonschema"), "--builtin-schema", "vendor.renovate", str(config)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    found = {
        "custom.regex": [p for p in target.glob(".github/workflows/build-*.yaml") if "# renovate:" in p.read_text()],
        "dockerfile": sorted(target.glob("services/*/Dockerfile")),
        "github-actions": [p for p in target.glob(".github/workflows/*.yaml") if "@" in p.read_text()],
        "gitlabci": [p for p in [target / ".gitlab-ci.yml"] if "image:" in p.read_text()],
        "pip_requirements": [p for p in [target / ".lockstep/requirements.txt"] if "lockstep-gitops" in p.read_text()],
        "pre-commit": [target / ".pre-commit-config.yaml"],
    }
    assert sorted(json.loads(config.read_text())["enabledManagers"]) == sorted(found)
    assert all(files and all(f.is_file() for f in files) for files in found.values()), found
    broken = tmp_path / "renovate.json"
    broken.write_text(config.read_text().replace('"enabledManagers": [', '"enabledManagers": "dockerfile", "x": ['))
    result = subprocess.run(
        [tool("check-jsonschema"), "--builtin-schema", "vendor.renovate", str(broken)], capture_output=True, text=True
    )
    assert result.returncode == 1  # the check above can fail
