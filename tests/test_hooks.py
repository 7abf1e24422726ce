"""The hooks lockstep offers: `.pre-commit-hooks.yaml` (a hook repository) and the `.pre-commit-config.yaml` a
platform gets, local or remote."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from generator import hooks
from tests.conftest import CHECKOUT, run_lockstep

SHA = "0123456789abcdef0123456789abcdef01234567"


def test_pre_commit_hooks_file_is_rendered_from_the_catalogue() -> None:
    assert (CHECKOUT / ".pre-commit-hooks.yaml").read_text() == hooks.render()


def test_one_hook_per_concern_each_on_its_own_files() -> None:
    defined = {hook["id"]: hook for hook in yaml.safe_load((CHECKOUT / ".pre-commit-hooks.yaml").read_text())}
    assert list(defined) == ["lockstep-validate", "lockstep-contracts", "lockstep-dockerfile"]
    for hook in defined.values():  # the staged files, compared with the last commit, in one run
        assert (hook["entry"], hook["language"], hook["pass_filenames"], hook["require_serial"]) == (
            "lockstep validate --base HEAD",
            "python",
            True,
            True,
        )
    owner = {
        "platform.yaml": "lockstep-validate",
        "environments/prod/platform.lock.yaml": "lockstep-validate",
        "environments/dev/values/service-a.yaml": "lockstep-validate",
        "releases/0.2.0.yaml": "lockstep-validate",
        ".lockstep/config.yaml": "lockstep-validate",
        "charts/service-a/Chart.yaml": "lockstep-validate",
        "services/service-a/openapi.yaml": "lockstep-contracts",
        "services/service-a/Dockerfile": "lockstep-dockerfile",
        "services/service-a/Makefile": "lockstep-dockerfile",
    }
    for path, hook_id in owner.items():
        matching = [name for name, hook in defined.items() if re.search(hook["files"], path)]
        assert matching == [hook_id], path
    assert not [name for name, hook in defined.items() if re.search(hook["files"], "README.md")]


def test_local_hooks_by_default(tmp_path: Path) -> None:
    result = run_lockstep("new", "--no-input", tmp_path / "p")
    assert "the pre-commit hooks are local (language: system)" in result.out
    config = yaml.safe_load((tmp_path / "p" / ".pre-commit-config.yaml").read_text())
    [repo] = config["repos"]
    assert repo["repo"] == "local"
    assert [hook["language"] for hook in repo["hooks"]] == ["system"] * 3


def test_remote_hooks_at_the_commit_the_team_chose(tmp_path: Path) -> None:
    result = run_lockstep(
        "new", "--no-input", "--hooks-repo", "https://git.example.com/lockstep", "--hooks-rev", SHA,
        "--hooks-tag", "v0.1.0", tmp_path / "p",
    )  # fmt: skip
    assert result.code == 0, result.err
    text = (tmp_path / "p" / ".pre-commit-config.yaml").read_text()
    assert f"    rev: {SHA}  # frozen: v0.1.0\n" in text
    [repo] = yaml.safe_load(text)["repos"]
    assert repo["repo"] == "https://git.example.com/lockstep"
    assert [hook["id"] for hook in repo["hooks"]] == [hook["id"] for hook in hooks.HOOKS]
    recorded = yaml.safe_load((tmp_path / "p" / ".lockstep/answers.yaml").read_text())["answers"]
    assert (recorded["hooks"], recorded["hooksRev"]) == ("remote", SHA)


def test_no_url_nobody_gave(tmp_path: Path) -> None:
    result = run_lockstep("new", "--no-input", "--hooks", "remote", tmp_path / "p")
    assert result.code == 0, result.err
    assert "no hook repository given (--hooks-repo): the pre-commit hooks are local" in result.out
    assert "repo: local" in (tmp_path / "p" / ".pre-commit-config.yaml").read_text()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (("--hooks-repo", "https://git.example.com/l"), "--hooks-rev: remote hooks need the full commit SHA"),
        (
            ("--hooks-repo", "https://git.example.com/l", "--hooks-rev", "v0.1.0"),
            "--hooks-rev: `hooksRev` `v0.1.0` must be a full 40-hex commit SHA",
        ),
        (("--hooks", "local", "--hooks-rev", SHA), "--hooks-repo/--hooks-rev/--hooks-tag: only with remote hooks"),
    ],
)
def test_remote_hooks_need_a_repository_and_a_commit(tmp_path: Path, options: tuple[str, ...], message: str) -> None:
    result = run_lockstep("new", "--no-input", *options, tmp_path / "p")
    assert result.code == 2
    assert result.err.startswith(f"lockstep: error: {message}"), result.err
    assert not (tmp_path / "p").exists()
