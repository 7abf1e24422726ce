"""`lockstep new` asks cookiecutter's prompts on a terminal: a real process, answered on stdin."""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.conftest import run_process


def test_interactive_prompts(tmp_path: Path) -> None:
    result = run_process("new", tmp_path / "p", stdin="shipping\n3\nship:go\ndev,prod\n\n3\n")
    assert result.code == 0, result.err
    manifest = yaml.safe_load((tmp_path / "p/platform.yaml").read_text())
    assert (manifest["name"], manifest["strategy"], manifest["registry"]) == (
        "shipping",
        "monolith",
        "registry.example.com/shipping",
    )
    assert list(manifest["services"]) == ["ship"]
    assert manifest["services"]["ship"]["rollout"] == "canary"  # the third choice of the rollout prompt


def test_stdin_that_ends_early_is_one_line_and_writes_nothing(tmp_path: Path) -> None:
    result = run_process("new", tmp_path / "p", stdin="")
    assert result.code == 2, result.err
    assert result.err.strip().splitlines()[-1] == (
        "lockstep: error: standard input ended before every question was answered: give the answers as options "
        "or use --no-input"
    )
    assert not (tmp_path / "p").exists()


def test_options_are_not_asked_again(tmp_path: Path) -> None:
    result = run_process(
        "new",
        "--name",
        "fleet",
        "--strategy",
        "independent",
        "--services",
        "a:go",
        "--environments",
        "dev",
        tmp_path / "p",
        stdin="\n\n",
    )
    assert result.code == 0, result.err
    assert "Platform name" not in result.out
    assert "registry.example.com/fleet" in (tmp_path / "p/platform.yaml").read_text()
