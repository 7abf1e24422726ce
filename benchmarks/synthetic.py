"""Make the synthetic platforms the benchmarks time, through lockstep itself: `lockstep new` with N services
(languages in turn) on the path dev,test,qa,stage,prod (strategy combined), then a ledger of RELEASES platform
versions written with lockstep's model: release k moves one service (in turn) to its next patch version and is
promoted through the whole path, an hour an environment, in the past (as `lockstep new` records its first one).
Every lock runs the newest release; `lockstep generate` derives the engine and deploy files again from the locks,
and the result is committed (one commit on top of `lockstep new`'s). `lockstep validate` finds no error in it.

Run: python benchmarks/synthetic.py DIR [--services N] [--releases N]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

from generator import layout, yamlio
from generator.freeze import format_instant
from generator.model import Lock, Pin, Platform, Promotion, Release

LANGUAGES = ("go", "python", "node", "java")
ENVIRONMENTS = "dev,test,qa,stage,prod"
LOCKSTEP = [sys.executable, "-m", "generator"]


def services(count: int) -> str:
    """`svc-000:go,svc-001:python,...`, the `--services` of `lockstep new`."""
    return ",".join(f"svc-{i:03d}:{LANGUAGES[i % len(LANGUAGES)]}" for i in range(count))


def new_command(count: int, target: Path, environments: str = ENVIRONMENTS) -> list[str]:
    return [*LOCKSTEP, "new", "--no-input", "--services", services(count), "--environments", environments, str(target)]


def _ledger(repo: Path, releases: int) -> None:
    """Write `releases` platform versions and point every lock at the newest, through lockstep's model."""
    platform = Platform.from_data(yamlio.load_named(repo / layout.PLATFORM).data)  # type: ignore[union-attr]
    path = [env.name for env in platform.environments]
    first = Lock.from_data(yamlio.load_named(repo / layout.lock(path[0])).data)  # type: ignore[union-attr]
    pins = dict(first.services)
    names = sorted(pins)
    patch = dict.fromkeys(names, 0)
    start = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(hours=3 * releases + 24)
    for old in (repo / layout.RELEASES_DIR).glob("*.yaml"):
        old.unlink()
    version = ""
    for k in range(1, releases + 1):
        if k > 1:  # release k moves one service to its next patch version
            name = names[(k - 2) % len(names)]
            patch[name] += 1
            moved = f"0.1.{patch[name]}"
            pins[name] = Pin(moved, layout.image(platform.registry, name, moved))
        version = f"0.{k}.0"
        at = start + timedelta(hours=3 * k)
        promotions = tuple(Promotion(env, format_instant(at + timedelta(hours=i))) for i, env in enumerate(path))
        release = Release(version, dict(pins), promotions)
        yamlio.write_atomic(repo / layout.release(version), yamlio.dumps(release.as_data()))
    for env in path:
        lock = Lock(env, version, dict(pins))
        yamlio.write_atomic(repo / layout.lock(env), yamlio.dumps(lock.as_data()))


def make(target: Path, count: int, releases: int = 100) -> Path:
    """A committed platform of `count` services x 5 environments with `releases` releases, at `target`."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run(new_command(count, target), check=True, capture_output=True, env=env)
    _ledger(target, releases)
    subprocess.run([*LOCKSTEP, "generate", "--repo", str(target)], check=True, capture_output=True, env=env)
    git = ["git", "-C", str(target)]
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run(
        [*git, "-c", "user.name=bench", "-c", "user.email=bench@example.com", "commit", "-qm", f"{releases} releases"],
        check=True,
    )
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path, help="where to make the platform (must not exist or be empty)")
    parser.add_argument("--services", type=int, default=200)
    parser.add_argument("--releases", type=int, default=100)
    args = parser.parse_args()
    print(make(args.directory, args.services, args.releases))


if __name__ == "__main__":
    main()
