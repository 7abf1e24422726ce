"""The helm command lines of `lockstep render`: planned from the loaded repository alone (no helm needed)."""

from __future__ import annotations

from pathlib import Path

from generator.operations.render import plan
from generator.repository import load_repo
from tests.conftest import edit

DIGEST = "sha256:" + "ab" * 32


def test_each_release_renders_in_its_environment_with_the_lock_and_the_kubernetes_version(default_repo: Path) -> None:
    edit(default_repo, "platform.yaml", 'kubernetesVersion: "1.34"', 'kubernetesVersion: "1.33"')
    edit(default_repo, "platform.yaml", "# cluster: prod-cluster", "cluster: prod-context")  # helm template needs none
    image = "registry.example.com/logistics/service-c:0.1.0"
    edit(default_repo, "environments/prod/platform.lock.yaml", f"{image}\n", f"{image}@{DIGEST}\n")
    releases = plan(load_repo(default_repo), "prod")
    assert [r.service for r in releases] == ["service-a", "service-b", "service-c"]
    assert releases[2].args == (
        "template",
        "service-c",
        "charts/service-c",
        "--version",
        "0.1.0",
        "--kube-version",
        "1.33",
        "--namespace",
        "logistics-prod",
        "--values",
        "environments/prod/values/service-c.yaml",
        "--values",
        "deploy/values/prod/service-c.yaml",
        "--set-json",
        f'image={{"ref":"{image}@{DIGEST}"}}',
    )
    assert releases[2].pull is None  # not built yet: the working tree's chart
    assert [r.namespace for r in plan(load_repo(default_repo), "dev", "service-a")] == ["logistics-dev"]


def test_without_kubernetes_version_or_namespace_the_defaults_apply(default_repo: Path) -> None:
    edit(default_repo, "platform.yaml", 'kubernetesVersion: "1.34"\n', "")
    edit(default_repo, "platform.yaml", "    namespace: logistics-stage\n", "")
    [release] = plan(load_repo(default_repo), "stage", "service-b")
    assert release.namespace == "logistics-stage" and release.args[5:7] == ("--kube-version", "1.34")


def test_a_built_pin_renders_the_registry_s_chart_by_version(default_repo: Path) -> None:
    chart = "sha256:" + "12" * 32
    edit(
        default_repo,
        "platform.yaml",
        "charts: oci://registry.example.com/logistics/charts",
        "charts: oci://127.0.0.1:5000/c",
    )
    edit(
        default_repo,
        "environments/stage/platform.lock.yaml",
        "service-b:0.1.0\n",
        f"service-b:0.1.0\n    chart: {chart}\n",
    )
    [release] = plan(load_repo(default_repo), "stage", "service-b")
    assert release.args[:5] == ("template", "service-b", "oci://127.0.0.1:5000/c/service-b", "--version", "0.1.0")
    assert release.pull is not None and release.pull.digest == chart
    assert release.pull.args("/tmp/x") == (
        "pull",
        "oci://127.0.0.1:5000/c/service-b",
        "--version",
        "0.1.0",
        "--plain-http",
        "-d",
        "/tmp/x",
    )
    assert release.pulled("/tmp/x/service-b-0.1.0.tgz").args[2] == "/tmp/x/service-b-0.1.0.tgz"
