"""Where a generated platform installs lockstep from: `.lockstep/requirements.txt`, set by `--lockstep-source`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from generator import __version__
from tests.conftest import run_lockstep

SHA = "0123456789abcdef0123456789abcdef01234567"


def _requirement(repo: Path) -> str:
    lines = (repo / ".lockstep/requirements.txt").read_text().splitlines()
    return "\n".join(line for line in lines if not line.startswith("#"))


def _new(tmp_path: Path, *options: str | Path) -> Path:
    result = run_lockstep("new", "--no-input", *options, tmp_path / "p")
    assert result.code == 0, result.err
    return tmp_path / "p"


def test_by_default_this_lockstep_from_the_public_index(tmp_path: Path) -> None:
    repo = _new(tmp_path)
    assert _requirement(repo) == f"lockstep-gitops=={__version__}"
    workflow = (repo / ".github/workflows/lockstep.yaml").read_text()
    assert "pip install -r .lockstep/requirements.txt" in workflow and "lockstep==" not in workflow


@pytest.mark.parametrize(
    ("source", "line"),
    [
        ("0.3.1", "lockstep-gitops==0.3.1"),
        (
            f"git+https://git.example.com/lockstep@{SHA}",
            f"lockstep-gitops @ git+https://git.example.com/lockstep@{SHA}",
        ),
    ],
)
def test_a_version_or_a_commit(tmp_path: Path, source: str, line: str) -> None:
    repo = _new(tmp_path, "--lockstep-source", source)
    assert _requirement(repo) == line
    answers = yaml.safe_load((repo / ".lockstep/answers.yaml").read_text())["answers"]
    assert answers["lockstepSource"] == line
    # the recorded answers make the same repository again
    again = run_lockstep("new", "--no-input", "--config", repo / ".lockstep/answers.yaml", tmp_path / "q")
    assert again.code == 0, again.err
    assert _requirement(tmp_path / "q") == line


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("git+https://git.example.com/lockstep@main", "names no commit"),
        ("latest", "is not a version, a git+ URL at a commit, or a .whl file"),
        ("missing/lockstep_gitops-0.1.0-py3-none-any.whl", "No such file or directory"),
        ("other-0.1.0-py3-none-any.whl", "not a wheel of lockstep-gitops"),
    ],
)
def test_a_source_that_cannot_be_installed_reproducibly_is_refused(tmp_path: Path, source: str, message: str) -> None:
    result = run_lockstep("new", "--no-input", "--lockstep-source", source, tmp_path / "p")
    assert result.code == 2
    assert result.err.startswith("lockstep: error: --lockstep-source: ") and message in result.err
    assert not (tmp_path / "p").exists()


def test_a_wheel_is_pinned_by_its_hash_and_pip_checks_it(tmp_path: Path, lockstep_wheel: Path) -> None:
    repo = _new(tmp_path, "--lockstep-source", lockstep_wheel)
    line = _requirement(repo)
    assert line.startswith(f"lockstep-gitops @ {lockstep_wheel.as_uri()}#sha256=")
    download = [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(tmp_path / "d")]
    ok = subprocess.run([*download, "-r", repo / ".lockstep/requirements.txt"], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    tampered = tmp_path / "tampered.txt"
    tampered.write_text(line[:-8] + "00000000\n")
    refused = subprocess.run([*download, "-r", tampered], capture_output=True, text=True)
    assert refused.returncode != 0 and "HASH" in refused.stderr.upper()
