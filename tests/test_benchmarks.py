"""The benchmark's own inputs and table: the synthetic platform is one lockstep validates clean (else the table
would time the error path), and the table's verdicts come from the measured numbers."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CHECKOUT, run_lockstep

BENCHMARKS = CHECKOUT / "benchmarks"


@pytest.mark.slow  # lockstep new, generate and validate, each a process
def test_synthetic_platform_has_its_ledger_committed_and_validates_clean(tmp_path: Path) -> None:
    repo = tmp_path / "platform"
    command = [sys.executable, str(BENCHMARKS / "synthetic.py"), str(repo), "--services", "6", "--releases", "12"]
    subprocess.run(command, check=True, capture_output=True)
    assert len(list((repo / "releases").glob("*.yaml"))) == 12
    assert "platform: 0.12.0" in (repo / "environments" / "prod" / "platform.lock.yaml").read_text()
    status = subprocess.run(["git", "-C", str(repo), "status", "--porcelain"], capture_output=True, text=True)
    assert status.stdout == ""
    result = run_lockstep("validate", "--repo", repo)
    assert (result.code, result.out) == (0, "no findings\n")


def test_table_has_a_row_per_measurement_with_a_computed_verdict() -> None:
    command = [sys.executable, str(BENCHMARKS / "run.py"), "--runs", "1", "--only", "version"]
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    lines = result.stdout.splitlines()
    header = [cell.strip() for cell in lines[1].split("|")[1:-1]]
    assert header == ["scenario", "median", "min", "peak memory", "target", "verdict"]
    row = [cell.strip() for cell in lines[3].split("|")[1:-1]]
    assert row[0] == "lockstep --version"
    assert row[4] == "<= 60 ms"
    median = float(row[1].removesuffix(" ms"))  # shown rounded to the millisecond
    assert row[5] == "met" or re.fullmatch(r"MISSED \([0-9.]+x the time\)", row[5])
    if median < 59 or median > 61:
        assert (row[5] == "met") is (median < 59)
