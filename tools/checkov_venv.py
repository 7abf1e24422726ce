#!/usr/bin/env python3
"""Install checkov (PyPI) into a virtual environment of its own, once, and print its bin directory.

    python tools/checkov_venv.py [--cache DIR]     # prints the directory to put on PATH

checkov pins versions the test extras cannot share (packaging 23.2, python-dateutil 2.x), so it does not go
into the test environment: .ci/run puts this directory on PATH, and the tests find `checkov` there (or run this
script themselves when it has not run, so they never skip). The environment is `--cache DIR`, else
$LOCKSTEP_CHECKOV, else `<temp dir>/lockstep-checkov` (never the home directory). A second run finds checkov
at its version and installs nothing. Standard library only.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

REQUIREMENT = "checkov==3.3.30"
VERSION = REQUIREMENT.split("==")[1]


def installed(bin_dir: Path) -> bool:
    checkov = bin_dir / "checkov"
    if not os.access(checkov, os.X_OK):
        return False
    result = subprocess.run([checkov, "--version"], capture_output=True, text=True, check=False)
    return result.returncode == 0 and result.stdout.strip() == VERSION


def install(cache: Path) -> Path:
    bin_dir = cache / "bin"
    if not installed(bin_dir):
        venv.EnvBuilder(clear=True, with_pip=True).create(cache)
        subprocess.run(
            [bin_dir / "python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check", REQUIREMENT],
            check=True,
            stdout=sys.stderr,
        )
        if not installed(bin_dir):
            raise SystemExit(f"checkov_venv: {REQUIREMENT} installed in {cache} but `checkov --version` disagrees")
    return bin_dir


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = os.environ.get("LOCKSTEP_CHECKOV") or str(Path(tempfile.gettempdir()) / "lockstep-checkov")
    parser.add_argument("--cache", type=Path, default=Path(default))
    print(install(parser.parse_args(argv).cache.resolve()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
