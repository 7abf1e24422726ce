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
        "--set-json",
        f'image={{"digest":"{DIGEST}","repository":"registry.example.com/logistics/service-c","tag":"0.1.0"}}',
        "--set-json",
        "replicaCount=2",
        "--set-json",
        'rollout={"strategy":"rolling"}',
        "--set-json",
        'networkPolicy={"egressTo":[],"ingressFrom":[],"ingressNamespaces":[]}',
    )
    assert [r.namespace for r in plan(load_repo(default_repo), "dev", "service-a")] == ["logistics-dev"]


def test_without_kubernetes_version_or_namespace_the_defaults_apply(default_repo: Path) -> None:
    edit(default_repo, "platform.yaml", 'kubernetesVersion: "1.34"\n', "")
    edit(default_repo, "platform.yaml", "    namespace: logistics-stage\n", "")
    [release] = plan(load_repo(default_repo), "stage", "service-b")
    assert release.namespace == "logistics-stage" and release.args[5:7] == ("--kube-version", "1.34")
