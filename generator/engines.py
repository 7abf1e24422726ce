"""The objects a GitOps engine reads to deploy the repository: Argo CD's (an AppProject and one ApplicationSet per
environment, under deploy/argocd/) or Flux's (per environment a GitRepository and a Kustomization under
deploy/flux/<env>/, per service a kustomize base with an OCIRepository and a HelmRelease under
deploy/flux/services/<service>/), and Flux's companion of each lock, `environments/<env>/kustomization.yaml`.

The engine objects never name a version: Argo CD reads each environment's lock through the ApplicationSet's git
files generator, Flux through kustomize replacements from the lock (a local-config resource) into the
OCIRepository's tag and the HelmRelease's `image.ref`. So a promotion changes the lock alone. lockstep writes
the objects when they are missing (`new`, `add-service`, `lockstep generate`); then they belong to the team, and
the `engine` rules check what they mean, never their bytes. The companion is derived (generator/deploy.py owns
it): it changes only when the set of services of the lock does.

Pure: the platform (and a lock) in, documents out, one object per file (lockstep reads one YAML document a file).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from generator import layout, yamlio
from generator.model import Environment, Lock, Platform

ARGOCD_DIR = f"{layout.DEPLOY_DIR}/argocd"
FLUX_DIR = f"{layout.DEPLOY_DIR}/flux"
ARGOCD_NAMESPACE = "argocd"
FLUX_NAMESPACE = "flux-system"
IN_CLUSTER = "https://kubernetes.default.svc"
FROM_THE_LOCK = "from-the-lock"  # the OCIRepository tag kustomize replaces with the lock's version
BRANCH = "main"
HELM_LAYER = "application/vnd.cncf.helm.chart.content.v1.tar+gzip"
HEADER = "# Written by lockstep when missing; yours to extend (`lockstep validate` checks what it means).\n"
COMPANION_HEADER = (
    "# Written by lockstep from the lock beside it (`lockstep generate` rewrites it): kustomize (Flux) builds\n"
    "# this folder; the lock's versions and images reach the objects through the replacements below.\n"
)

# kinds, by (apiVersion, kind)
APPLICATION = ("argoproj.io/v1alpha1", "Application")
APPLICATION_SET = ("argoproj.io/v1alpha1", "ApplicationSet")
APP_PROJECT = ("argoproj.io/v1alpha1", "AppProject")
GIT_REPOSITORY = ("source.toolkit.fluxcd.io/v1", "GitRepository")
OCI_REPOSITORY = ("source.toolkit.fluxcd.io/v1", "OCIRepository")
HELM_RELEASE = ("helm.toolkit.fluxcd.io/v2", "HelmRelease")
FLUX_KUSTOMIZATION = ("kustomize.toolkit.fluxcd.io/v1", "Kustomization")
KUSTOMIZE = ("kustomize.config.k8s.io/v1beta1", "Kustomization")  # a kustomize file, not a Flux object


def project() -> str:
    return f"{ARGOCD_DIR}/project.yaml"


def application_set(environment: str) -> str:
    return f"{ARGOCD_DIR}/{environment}.yaml"


def flux_source(environment: str) -> str:
    return f"{FLUX_DIR}/{environment}/repository.yaml"


def flux_sync(environment: str) -> str:
    return f"{FLUX_DIR}/{environment}/sync.yaml"


def base_dir(service: str) -> str:
    return f"{FLUX_DIR}/services/{service}"


def base(service: str) -> dict[str, str]:
    """The files of a service's Flux base, by role."""
    folder = base_dir(service)
    return {
        "kustomization": f"{folder}/kustomization.yaml",
        "source": f"{folder}/source.yaml",
        "release": f"{folder}/release.yaml",
    }


def companion(environment: str) -> str:
    return f"{layout.ENVIRONMENTS_DIR}/{environment}/kustomization.yaml"


def chart_repository(platform: Platform) -> str:
    """The charts' OCI repository as Argo CD names a helm OCI repository: without `oci://`."""
    return platform.charts.removeprefix("oci://")


def destination(env: Environment) -> dict[str, str]:
    """Where an environment's releases go: its cluster by name, else the cluster the engine runs in."""
    where = {"name": env.cluster} if env.cluster else {"server": IN_CLUSTER}
    return where | {"namespace": env.namespace}


def _object(kind: tuple[str, str], name: str, namespace: str | None, spec: dict[str, Any]) -> dict[str, Any]:
    metadata = {"name": name} | ({"namespace": namespace} if namespace else {})
    return {"apiVersion": kind[0], "kind": kind[1], "metadata": metadata, "spec": spec}


def argocd_project(platform: Platform) -> dict[str, Any]:
    assert platform.repository is not None
    return _object(
        APP_PROJECT,
        platform.name,
        ARGOCD_NAMESPACE,
        {
            "description": f"The {platform.name} platform, as lockstep generated it.",
            "sourceRepos": [platform.repository, chart_repository(platform)],
            "destinations": [destination(env) for env in platform.environments],
            "clusterResourceWhitelist": [],
        },
    )


ELEMENTS = (
    "{{- range $service, $pin := .services }}\n"
    "- service: {{ $service | quote }}\n"
    "  version: {{ $pin.version | quote }}\n"
    "  image: {{ $pin.image | quote }}\n"
    "{{- end }}\n"
)


def argocd_application_set(platform: Platform, env: Environment) -> dict[str, Any]:
    """The ApplicationSet of one environment: one Application per service of its lock, at the lock's version."""
    assert platform.repository is not None
    values = f"$platform/{layout.ENVIRONMENTS_DIR}/{env.name}/values/{{{{ .service }}}}.yaml"
    derived = f"$platform/{layout.DEPLOY_DIR}/values/{env.name}/{{{{ .service }}}}.yaml"
    files = [{"path": layout.lock(env.name)}]
    git = {"repoURL": platform.repository, "revision": BRANCH, "files": files}
    return _object(
        APPLICATION_SET,
        f"{platform.name}-{env.name}",
        ARGOCD_NAMESPACE,
        {
            "goTemplate": True,
            "goTemplateOptions": ["missingkey=error"],
            "generators": [{"matrix": {"generators": [{"git": git}, {"list": {"elementsYaml": ELEMENTS}}]}}],
            "template": {
                "metadata": {
                    "name": f"{platform.name}-{env.name}-{{{{ .service }}}}",
                    "labels": {"app.kubernetes.io/part-of": platform.name, "lockstep.io/environment": env.name},
                },
                "spec": {
                    "project": platform.name,
                    "sources": [
                        {
                            "repoURL": chart_repository(platform),
                            "chart": "{{ .service }}",
                            "targetRevision": "{{ .version }}",
                            "helm": {
                                "releaseName": "{{ .service }}",
                                "kubeVersion": platform.kubernetes_version,
                                "valueFiles": [values, derived],
                                "valuesObject": {"image": {"ref": "{{ .image }}"}},
                            },
                        },
                        {"repoURL": platform.repository, "targetRevision": BRANCH, "ref": "platform"},
                    ],
                    "destination": destination(env),
                    "syncPolicy": {"automated": {"prune": True, "selfHeal": True}},
                },
            },
        },
    )


def flux_git_repository(platform: Platform) -> dict[str, Any]:
    assert platform.repository is not None
    spec = {"interval": "1m", "url": platform.repository, "ref": {"branch": BRANCH}}
    return _object(GIT_REPOSITORY, platform.name, FLUX_NAMESPACE, spec)


def flux_kustomization(platform: Platform, env: Environment) -> dict[str, Any]:
    spec = {
        "interval": "10m",
        "sourceRef": {"kind": GIT_REPOSITORY[1], "name": platform.name},
        "path": f"./{layout.ENVIRONMENTS_DIR}/{env.name}",
        "prune": True,
        "wait": True,
    }
    return _object(FLUX_KUSTOMIZATION, f"{platform.name}-{env.name}", FLUX_NAMESPACE, spec)


def flux_oci_repository(platform: Platform, service: str) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "interval": "5m",
        "url": platform.chart_ref(service),
        "ref": {"tag": FROM_THE_LOCK},
        "layerSelector": {"mediaType": HELM_LAYER, "operation": "copy"},
    }
    if platform.charts_plain_http:
        spec["insecure"] = True
    return _object(OCI_REPOSITORY, service, None, spec)


def flux_helm_release(service: str) -> dict[str, Any]:
    spec = {
        "interval": "10m",
        "releaseName": service,
        "chartRef": {"kind": OCI_REPOSITORY[1], "name": service},
        "valuesFrom": [
            {"kind": "ConfigMap", "name": values_map(service)},
            {"kind": "ConfigMap", "name": platform_map(service)},
        ],
    }
    return _object(HELM_RELEASE, service, None, spec)


def values_map(service: str) -> str:
    return f"{service}-values"


def platform_map(service: str) -> str:
    return f"{service}-platform"


NAME_REFERENCE = "kustomizeconfig.yaml"  # beside each base: HelmRelease valuesFrom names follow the ConfigMaps'


def flux_name_reference() -> dict[str, Any]:
    """kustomize's configuration that renames a HelmRelease's `valuesFrom` ConfigMaps with their hash suffix."""
    return {
        "nameReference": [
            {
                "kind": "ConfigMap",
                "version": "v1",
                "fieldSpecs": [{"kind": HELM_RELEASE[1], "path": "spec/valuesFrom/name"}],
            }
        ]
    }


def flux_base(platform: Platform, service: str) -> dict[str, dict[str, Any]]:
    """A service's Flux base: its OCIRepository and HelmRelease, by path."""
    paths = base(service)
    kustomization = {
        "apiVersion": KUSTOMIZE[0],
        "kind": KUSTOMIZE[1],
        "resources": ["source.yaml", "release.yaml"],
        "configurations": [NAME_REFERENCE],
    }
    return {
        paths["kustomization"]: kustomization,
        f"{base_dir(service)}/{NAME_REFERENCE}": flux_name_reference(),
        paths["source"]: flux_oci_repository(platform, service),
        paths["release"]: flux_helm_release(service),
    }


def flux_companion(platform: Platform, lock: Lock) -> dict[str, Any]:
    """`environments/<env>/kustomization.yaml`: what Flux's Kustomization of the environment builds."""
    env = platform.environment(lock.environment)
    assert env is not None, lock.environment
    services = sorted(lock.services)
    source = {"kind": "Lock", "name": lock.environment}
    return {
        "apiVersion": KUSTOMIZE[0],
        "kind": KUSTOMIZE[1],
        "namespace": env.namespace,
        "resources": ["platform.lock.yaml", *(f"../../{base_dir(s)}" for s in services)],
        "configMapGenerator": [
            generated
            for s in services
            for generated in (
                {"name": values_map(s), "files": [f"values.yaml=values/{s}.yaml"]},
                {"name": platform_map(s), "files": [f"values.yaml=../../{layout.platform_values(env.name, s)}"]},
            )
        ],
        "replacements": [
            replacement
            for s in services
            for replacement in (
                {
                    "source": source | {"fieldPath": f"services.{s}.version"},
                    "targets": [{"select": {"kind": OCI_REPOSITORY[1], "name": s}, "fieldPaths": ["spec.ref.tag"]}],
                },
                {
                    "source": source | {"fieldPath": f"services.{s}.image"},
                    "targets": [
                        {
                            "select": {"kind": HELM_RELEASE[1], "name": s},
                            "fieldPaths": ["spec.values.image.ref"],
                            "options": {"create": True},
                        }
                    ],
                },
            )
        ],
    }


def objects(platform: Platform, services: Iterable[str] | None = None) -> dict[str, dict[str, Any]]:
    """Every engine object lockstep writes for `platform` (its engine's), by path; with `services`, a Flux base
    for those alone (the services of the locks: a retired service stays until no lock pins it)."""
    if platform.engine == "argocd":
        found = {project(): argocd_project(platform)}
        return found | {application_set(e.name): argocd_application_set(platform, e) for e in platform.environments}
    if platform.engine != "flux":
        return {}
    found = {}
    for env in platform.environments:
        found[flux_source(env.name)] = flux_git_repository(platform)
        found[flux_sync(env.name)] = flux_kustomization(platform, env)
    for service in sorted(platform.services if services is None else services):
        found |= flux_base(platform, service)
    return found


def texts(found: dict[str, dict[str, Any]]) -> dict[str, str]:
    """The files of `found` engine objects."""
    return {path: HEADER + yamlio.dumps(data, literal=True) for path, data in found.items()}


def companion_text(platform: Platform, lock: Lock) -> str:
    return COMPANION_HEADER + yamlio.dumps(flux_companion(platform, lock))
