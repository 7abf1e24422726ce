"""Rule family `engine`: each tampered repository (Argo CD: the default platform; Flux: `new --engine flux`) gives
exactly one finding, the rule's, at the file and line that is wrong."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import commit, edit, findings, line_of, run_lockstep
from tests.validators.cases import PLATFORM, Case

APPSET = "deploy/argocd/dev.yaml"
PROJECT = "deploy/argocd/project.yaml"
RELEASE = "deploy/flux/services/service-a/release.yaml"
SOURCE = "deploy/flux/services/service-a/source.yaml"


@pytest.fixture(scope="session")
def flux_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("flux") / "platform"
    result = run_lockstep("new", "--no-input", "--engine", "flux", target)
    assert result.code == 0, result.err
    return target


@pytest.fixture
def flux_repo(flux_template: Path, tmp_path: Path) -> Path:
    target = tmp_path / "flux"
    shutil.copytree(flux_template, target, symlinks=True)
    return target


def _delete(relative: str) -> Callable[[Path], None]:
    return lambda repo: (repo / relative).unlink()


def _ghost_release(repo: Path) -> None:
    text = (repo / RELEASE).read_text().replace("service-a", "ghost")
    (repo / "deploy/flux/services/service-a/ghost.yaml").write_text(text)


def _flux_object_in_argocd(repo: Path) -> None:
    (repo / "deploy/argocd/source.yaml").write_text(
        "apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata: {name: x, namespace: flux-system}\n"
        "spec: {interval: 1m, url: 'https://github.com/example/logistics.git', ref: {branch: main}}\n"
    )


ARGOCD = [
    Case(
        "engine.references",  # an Application whose values file is missing
        APPSET,
        "$platform/environments/dev/value/",
        lambda r: edit(r, APPSET, "$platform/environments/dev/values/", "$platform/environments/dev/value/"),
    ),
    Case(
        "engine.project",  # sourceRepos ['*']
        PROJECT,
        "- '*'",
        lambda r: edit(r, PROJECT, "- https://github.com/example/logistics.git", "- '*'"),
    ),
    Case("engine.coverage", PLATFORM, "- name: prod", _delete("deploy/argocd/prod.yaml")),  # an env without its apps
    Case(
        "engine.from-the-lock",
        APPSET,
        "targetRevision: 0.1.0",
        lambda r: edit(r, APPSET, "targetRevision: '{{ .version }}'", "targetRevision: 0.1.0"),
    ),
    Case("engine.schema", APPSET, "goTemplat:", lambda r: edit(r, APPSET, "goTemplate:", "goTemplat:")),
    Case("engine.engine-mismatch", "deploy/argocd/source.yaml", "kind: GitRepository", _flux_object_in_argocd),
    Case(
        "engine.stale-file",
        "deploy/values/dev/service-a.yaml",
        "replicaCount: 2",
        lambda r: edit(r, "deploy/values/dev/service-a.yaml", "replicaCount: 1", "replicaCount: 2"),
    ),
]

FLUX = [
    Case("engine.foreign", "deploy/flux/services/service-a/ghost.yaml", "name: ghost", _ghost_release),
    Case("engine.coverage", PLATFORM, "- name: stage", _delete("deploy/flux/stage/sync.yaml")),
    Case(
        "engine.from-the-lock",
        SOURCE,
        "tag: 0.1.0",
        lambda r: edit(r, SOURCE, "tag: from-the-lock", "tag: 0.1.0"),
    ),
    Case(
        "engine.references",
        SOURCE,
        "url: oci://elsewhere",
        lambda r: edit(r, SOURCE, "url: oci://registry.example.com", "url: oci://elsewhere"),
    ),
    Case(
        "engine.stale-file",
        "environments/dev/kustomization.yaml",
        "namespace: elsewhere",
        lambda r: edit(r, "environments/dev/kustomization.yaml", "namespace: logistics-dev", "namespace: elsewhere"),
    ),
]
CASES = ARGOCD + FLUX  # for the catalogue


def _one_finding(case: Case, repo: Path) -> None:
    case.tamper(repo)
    line = line_of(repo, case.file, case.needle) if case.needle else 1
    found = [(f.rule, f.file, f.line) for f in findings(repo)]
    assert found == [(case.rule, case.file, line)]


def test_generated_repositories_are_clean(default_repo: Path, flux_repo: Path) -> None:
    assert findings(default_repo) == []
    assert findings(flux_repo) == []


@pytest.mark.parametrize("case", ARGOCD, ids=str)
def test_argocd_tampered(case: Case, default_repo: Path) -> None:
    _one_finding(case, default_repo)


@pytest.mark.parametrize("case", FLUX, ids=str)
def test_flux_tampered(case: Case, flux_repo: Path) -> None:
    _one_finding(case, flux_repo)


def test_platform_edited_by_hand_then_generate(default_repo: Path) -> None:
    """platform.yaml edited without lockstep: the derived files are stale until `lockstep generate`."""
    edit(default_repo, PLATFORM, "replicas: 1", "replicas: 3")
    stale = [(f.rule, f.file) for f in findings(default_repo)]
    assert stale == [("engine.stale-file", "deploy/values/dev/service-a.yaml")]
    result = run_lockstep("generate", "--repo", default_repo)
    assert result.code == 0, result.err
    assert "wrote deploy/values/dev/service-a.yaml" in result.out
    assert findings(default_repo) == []
    again = run_lockstep("generate", "--repo", default_repo)
    assert again.out.splitlines() == ["every generated file is current"]


def test_generate_writes_a_missing_engine_object_and_keeps_the_teams(default_repo: Path) -> None:
    edit(default_repo, APPSET, "  namespace: argocd\n", "  namespace: argocd\n  annotations: {team: ours}\n")
    (default_repo / "deploy/argocd/prod.yaml").unlink()
    result = run_lockstep("generate", "--repo", default_repo)
    assert result.code == 0, result.err
    assert "wrote deploy/argocd/prod.yaml" in result.out
    assert "team: ours" in (default_repo / APPSET).read_text()
    assert findings(default_repo) == []


def test_engine_none_has_no_engine_objects(new_repo: Callable[..., Path]) -> None:
    repo = new_repo("--engine", "none")
    assert not (repo / "deploy/argocd").exists()
    assert not (repo / "deploy/flux").exists()
    assert not (repo / "environments/dev/kustomization.yaml").exists()


def test_flux_add_and_remove_service_keep_the_bases_and_companions(flux_repo: Path) -> None:
    result = run_lockstep("add-service", "service-d", "--language", "go", "--repo", flux_repo)
    assert result.code == 0, result.err
    assert (flux_repo / "deploy/flux/services/service-d/release.yaml").is_file()
    assert "../../deploy/flux/services/service-d" in (flux_repo / "environments/dev/kustomization.yaml").read_text()
    assert "service-d" not in (flux_repo / "environments/stage/kustomization.yaml").read_text()
    assert findings(flux_repo) == []
    commit(flux_repo)
    result = run_lockstep("remove-service", "service-d", "--repo", flux_repo)
    assert result.code == 0, result.err
    assert not (flux_repo / "deploy/flux/services/service-d").exists()
    assert "service-d" not in (flux_repo / "environments/dev/kustomization.yaml").read_text()
    assert findings(flux_repo) == []


@pytest.mark.slow
def test_kustomize_builds_the_lock_into_the_flux_objects(flux_repo: Path, k8s_tools: object) -> None:
    """What kustomize-controller runs: the lock's version becomes the OCIRepository's tag, its image the
    HelmRelease's image.ref, the values ConfigMaps are generated and the lock itself is not emitted."""
    import yaml

    built = subprocess.run(
        ["kubectl", "kustomize", "--load-restrictor", "LoadRestrictionsNone", "environments/dev"],
        cwd=flux_repo,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    objects = {(d["kind"], d["metadata"]["name"]): d for d in yaml.safe_load_all(built)}
    assert ("Lock", "dev") not in objects
    assert objects[("OCIRepository", "service-a")]["spec"]["ref"] == {"tag": "0.1.0"}
    release = objects[("HelmRelease", "service-a")]
    assert release["metadata"]["namespace"] == "logistics-dev"
    assert release["spec"]["values"] == {"image": {"ref": "registry.example.com/logistics/service-a:0.1.0"}}
    names = [ref["name"] for ref in release["spec"]["valuesFrom"]]
    assert [name.rsplit("-", 1)[0] for name in names] == ["service-a-values", "service-a-platform"]
    assert all(("ConfigMap", name) in objects for name in names)  # the hash-suffixed names followed
