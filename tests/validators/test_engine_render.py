"""`validate --render`, rule `engine.render-differs`: what Argo CD (the ApplicationSet expanded for each lock) and
Flux (real kustomize) would deploy, rendered by real helm, equals what `lockstep render` renders; a team's change
that makes them differ is a finding at the engine object."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from generator import validation
from tests.conftest import K8sTools, edit, run_lockstep

pytestmark = pytest.mark.slow
FIRING = ("engine.render-differs", "engine.render-unavailable")  # the rules these tests make fire


def _engine_findings(repo: Path) -> list[tuple[str, str]]:
    found = validation.checked(repo, render=True)[1]
    return [(f.rule, f.file) for f in found if f.rule.startswith("engine.")]


def _flux(tmp_path: Path) -> Path:
    repo = tmp_path / "flux"
    result = run_lockstep("new", "--no-input", "--engine", "flux", repo)
    assert result.code == 0, result.err
    return repo


def test_argocd_renders_what_lockstep_renders(default_repo: Path, k8s_tools: K8sTools) -> None:
    assert validation.checked(default_repo, render=True)[1] == []
    edit(
        default_repo, "deploy/argocd/dev.yaml", "              - $platform/deploy/values/dev/{{ .service }}.yaml\n", ""
    )
    found = _engine_findings(default_repo)
    assert found and set(found) == {("engine.render-differs", "deploy/argocd/dev.yaml")}


def test_flux_renders_what_lockstep_renders(tmp_path: Path, k8s_tools: K8sTools) -> None:
    repo = _flux(tmp_path)
    assert validation.checked(repo, render=True)[1] == []
    release = "deploy/flux/services/service-a/release.yaml"
    edit(repo, release, "  interval: 10m\n", "  interval: 10m\n  values:\n    replicaCount: 4\n")
    assert _engine_findings(repo) == [("engine.render-differs", release)] * 3  # dev, stage and prod


def test_without_kubectl_flux_is_not_rendered(
    tmp_path: Path, k8s_tools: K8sTools, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = _flux(tmp_path)
    only_helm = tmp_path / "bin"
    only_helm.mkdir()
    helm = shutil.which("helm")
    assert helm is not None
    os.symlink(helm, only_helm / "helm")
    monkeypatch.setenv("PATH", str(only_helm))
    assert _engine_findings(repo) == [("engine.render-unavailable", "platform.yaml")]
