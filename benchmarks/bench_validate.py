"""Time the commands a user waits for: startup, `lockstep new`, and `lockstep validate` on platforms of
growing size. Run: python benchmarks/bench_validate.py [--runs N]. Prints one line per measurement
(median and min of N runs, wall clock, each run a fresh `lockstep` process as pre-commit starts it)."""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LANGUAGES = ("go", "python", "node", "java")


def timed(command: list[str], runs: int) -> tuple[float, float]:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples), min(samples)


def services(count: int) -> str:
    return ",".join(f"svc-{i:03d}:{LANGUAGES[i % 4]}" for i in range(count))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    lockstep = [sys.executable, "-m", "generator"]
    print(f"python {sys.version.split()[0]}, {runs} runs each, median / min")
    median, low = timed([*lockstep, "--version"], runs)
    print(f"lockstep --version                          {median * 1000:7.0f} ms / {low * 1000:5.0f} ms")
    with tempfile.TemporaryDirectory() as scratch:
        for count, environments in ((3, "dev,stage,prod"), (30, "dev,stage,prod"), (100, "dev,test,qa,uat,stage,prod")):
            repo = Path(scratch) / f"p{count}"
            started = time.perf_counter()
            subprocess.run(
                [
                    *lockstep,
                    "new",
                    "--no-input",
                    "--services",
                    services(count),
                    "--environments",
                    environments,
                    str(repo),
                ],
                check=True,
                capture_output=True,
            )
            made = time.perf_counter() - started
            envs = len(environments.split(","))
            print(f"lockstep new        {count:3d} services x {envs} envs {made * 1000:7.0f} ms (one run)")
            for label, extra in (
                ("validate", ["validate"]),
                ("validate --only schema", ["validate", "--only", "schema"]),
                ("validate --base HEAD", ["validate", "--base", "HEAD"]),
                ("bump --dry-run", ["bump", "svc-000", "--dry-run"]),
            ):
                median, low = timed([*lockstep, *extra, "--repo", str(repo)], runs)
                print(
                    f"lockstep {label:22} {count:3d} services x {envs} envs"
                    f" {median * 1000:7.0f} ms / {low * 1000:5.0f} ms"
                )


if __name__ == "__main__":
    main()
