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


@pytest.mark.slow  # pre-commit installs the hook environment (a virtualenv with lockstep in it)
def test_pre_commit_runs_lockstep_hooks(all_languages: Path, tmp_path: Path) -> None:
    config = all_languages / ".pre-commit-config.yaml"
    text = config.read_text()
    assert "id: lockstep-validate" in text
    lines = [
        f"  - repo: {CHECKOUT}"
        if line.startswith("  - repo:")
        else f"    rev: {_hook_repo_commit()}"
        if line.startswith("    rev:")
        else line
        for line in text.splitlines()
    ]
    config.write_text("\n".join(lines) + "\n")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}
    pre_commit = [sys.executable, "-m", "pre_commit"]
    result = subprocess.run(
        [*pre_commit, "run", "--all-files"], cwd=all_languages, env=env, capture_output=True, text=True, timeout=900
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "lockstep validate" in result.stdout and "Passed" in result.stdout

    # the hook refuses a broken repository
    lock = all_languages / "environments/dev/platform.lock.yaml"
    lock.write_text(lock.read_text().replace("version: 0.1.0", "version: 1.10", 1))
    result = subprocess.run(
        [*pre_commit, "run", "--all-files"], cwd=all_languages, env=env, capture_output=True, text=True, timeout=900
    )
    assert result.returncode == 1
    assert "schema.unquoted-number" in result.stdout and "environments/dev/platform.lock.yaml:" in result.stdout
