"""End to end in real processes, as a shell, pre-commit or a CI job runs lockstep: the exit status, stdout and
stderr they see. (Every other command test runs `cli.main` in-process; these prove the process agrees.)"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import edit, run_process


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("smoke") / "platform"
    result = run_process("new", "--no-input", target)
    assert result.code == 0, result.err
    assert result.out == (
        f"created {target} (101 files, one commit); next: cd {target} && lockstep validate\n"
        "the pre-commit hooks are local (language: system): install lockstep with "
        "`pip install -r .lockstep/requirements.txt`, then `pre-commit install`\n"
    )
    return target


@pytest.fixture
def repo(made: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "platform"
    shutil.copytree(made, copy, symlinks=True)
    return copy


def test_a_new_platform_validates_clean(repo: Path) -> None:
    result = run_process("validate", cwd=repo)
    assert (result.code, result.out, result.err) == (0, "no findings\n", "")


def test_findings_are_exit_1_on_stdout(repo: Path) -> None:
    edit(repo, "services/service-a/Dockerfile", "EXPOSE 8080", "EXPOSE 9090")
    result = run_process("validate", "--format", "github", "--repo", repo)
    assert result.code == 1 and result.err == ""
    assert result.out.startswith("::error file=services/service-a/Dockerfile,line=12,")


def test_bad_usage_is_exit_2_with_usage_on_stderr() -> None:
    result = run_process("validate", "--format", "xml")
    assert result.code == 2 and result.out == ""
    assert "invalid choice: 'xml'" in result.err


def test_a_write_and_its_refusal(repo: Path) -> None:
    written = run_process("bump", "service-a", "--repo", repo)
    assert written.code == 0, written.err
    assert written.out.splitlines() == ["service-a 0.1.0 -> 0.2.0 in dev", "wrote environments/dev/platform.lock.yaml"]
    refused = run_process("bump", "service-a", "--version", "0.0.1", "--repo", repo)
    assert refused.code == 1
    assert refused.err == "lockstep: refused, nothing written: service-a 0.0.1 is not newer than 0.2.0 in dev\n"


def test_status_and_diff_api(repo: Path) -> None:
    assert run_process("status", "--format", "json", "--repo", repo).code == 0
    contract = repo / "services/service-a/openapi.yaml"
    edit(repo, "services/service-a/openapi.yaml", "operationId: listItems", "operationId: listAllItems")
    result = run_process("diff-api", "HEAD:services/service-a/openapi.yaml", contract, cwd=repo)
    assert result.code == 0 and "warning api.operation-id-changed" in result.out
