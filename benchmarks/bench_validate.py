"""Time the commands a user waits for: startup, `lockstep new`, `lockstep validate`, the write commands
(`bump`, `promote`, their `--dry-run`) on platforms of growing size, and the pre-commit hook on one changed lock
(with the parse cache in .git/lockstep as the runs before left it, and without it).

Run: python benchmarks/bench_validate.py [--runs N] [--hook-only | --render]. `--render`: only `validate
--render` (helm must be on PATH), on 3 and 30 services x 3 environments. Prints one line per measurement (median
and min of N runs, wall clock, each run a fresh `lockstep` process as pre-commit starts it). A real write changes
the repository, so each of its runs gets a fresh copy of the platform (the copy is not timed).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

LANGUAGES = ("go", "python", "node", "java")
SIZES = ((3, "dev,stage,prod"), (30, "dev,stage,prod"), (100, "dev,test,qa,uat,stage,prod"))
LOCKSTEP = [sys.executable, "-m", "generator"]
# As an installed lockstep runs: Python may write and reuse its bytecode caches (some CI images forbid it).
ENV = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}


def timed(
    command: list[str], runs: int, prepare: Callable[[], None] | None = None, *, check: bool = True
) -> tuple[float, float]:
    samples = []
    for run in range(runs + 1):  # the first run warms the bytecode and disk caches and is not counted
        if prepare is not None:
            prepare()
        started = time.perf_counter()
        subprocess.run(command, check=check, capture_output=True, env=ENV)
        if run:
            samples.append(time.perf_counter() - started)
    return statistics.median(samples), min(samples)


def services(count: int) -> str:
    return ",".join(f"svc-{i:03d}:{LANGUAGES[i % 4]}" for i in range(count))


def report(label: str, count: int, envs: int, median: float, low: float) -> None:
    print(f"lockstep {label:24} {count:3d} services x {envs} envs {median * 1000:7.0f} ms / {low * 1000:5.0f} ms")


def hook(scratch: Path, runs: int, count: int = 200, environments: str = "dev,test,qa,stage,prod") -> None:
    """The pre-commit hook as pre-commit runs it: `lockstep validate --base HEAD FILE...` with the staged files
    of one bump (the first environment's lock and its ledger), in a committed platform."""
    repo = scratch / f"hook{count}"
    subprocess.run(
        [*LOCKSTEP, "new", "--no-input", "--services", services(count), "--environments", environments, repo],
        check=True,
        capture_output=True,
        env=ENV,
    )
    git = ["git", "-C", str(repo)]  # `lockstep new` made the first commit
    subprocess.run([*LOCKSTEP, "bump", "svc-000", "--repo", repo], check=True, capture_output=True, env=ENV)
    subprocess.run([*git, "add", "-A"], check=True)
    staged = subprocess.run([*git, "diff", "--cached", "--name-only"], check=True, capture_output=True, text=True)
    files = [str(repo / name) for name in staged.stdout.split()]
    envs = len(environments.split(","))
    command = [*LOCKSTEP, "validate", "--repo", str(repo), "--base", "HEAD", *files]
    report(f"hook, {len(files)} staged files", count, envs, *timed(command, runs))
    parsed = repo / ".git" / "lockstep"  # the parse cache: each run below starts without it
    report("hook, no parse cache", count, envs, *timed(command, runs, lambda: shutil.rmtree(parsed, True)))


def rendered(scratch: Path, runs: int) -> None:
    """`validate --render` (helm lints every chart and renders every service in every environment) and, for
    comparison, `validate` alone."""
    for count in (3, 30):
        repo = scratch / f"r{count}"
        command = [*LOCKSTEP, "new", "--no-input", "--services", services(count), "--environments", "dev,stage,prod"]
        subprocess.run([*command, repo], check=True, capture_output=True, env=ENV)
        for label, extra in (("validate", []), ("validate --render", ["--render"])):
            report(label, count, 3, *timed([*LOCKSTEP, "validate", "--repo", str(repo), *extra], runs, check=False))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--hook-only", action="store_true", help="only the pre-commit hook scenario")
    parser.add_argument("--render", action="store_true", help="only `validate --render` (helm on PATH)")
    options = parser.parse_args()
    runs = options.runs
    print(f"python {sys.version.split()[0]}, {runs} runs each, median / min")
    median, low = timed([*LOCKSTEP, "--version"], runs)
    print(f"lockstep --version                                   {median * 1000:7.0f} ms / {low * 1000:5.0f} ms")
    with tempfile.TemporaryDirectory() as scratch:
        if options.render:
            rendered(Path(scratch), runs)
            return
        hook(Path(scratch), runs)
        if options.hook_only:
            return
        for count, environments in SIZES:
            repo = Path(scratch) / f"p{count}"
            envs = len(environments.split(","))
            started = time.perf_counter()
            subprocess.run(
                [*LOCKSTEP, "new", "--no-input", "--services", services(count), "--environments", environments, repo],
                check=True,
                capture_output=True,
                env=ENV,
            )
            made = time.perf_counter() - started
            print(f"lockstep new                     {count:3d} services x {envs} envs {made * 1000:7.0f} ms (one run)")
            for label, extra in (
                ("validate", ["validate"]),
                ("validate --only schema", ["validate", "--only", "schema"]),
                ("validate --base HEAD", ["validate", "--base", "HEAD"]),
                ("bump --dry-run", ["bump", "svc-000", "--dry-run"]),
            ):
                report(label, count, envs, *timed([*LOCKSTEP, *extra, "--repo", str(repo)], runs))

            # Real writes, each on a fresh copy: bump in the first environment, then promote it one step.
            bumped = Path(scratch) / f"p{count}-bumped"
            shutil.copytree(repo, bumped, symlinks=True)
            subprocess.run([*LOCKSTEP, "bump", "svc-000", "--repo", bumped], check=True, capture_output=True)
            second = environments.split(",")[1]
            work = Path(scratch) / f"p{count}-work"

            def fresh(source: Path, target: Path = work) -> Callable[[], None]:
                def copy() -> None:
                    shutil.rmtree(target, ignore_errors=True)
                    shutil.copytree(source, target, symlinks=True)

                return copy

            promote = ["promote", second] + (["--service", "svc-000"] if second != "stage" else [])
            if second == "stage":  # combined with three environments: stage takes platform versions, cut one first
                subprocess.run([*LOCKSTEP, "release", "--repo", bumped], check=True, capture_output=True)
            for label, command, source in (
                ("bump (real write)", ["bump", "svc-000"], repo),
                (f"promote {second} --dry-run", [*promote, "--dry-run"], bumped),
                (f"promote {second} (real)", promote, bumped),
            ):
                report(label, count, envs, *timed([*LOCKSTEP, *command, "--repo", str(work)], runs, fresh(source)))


if __name__ == "__main__":
    main()
