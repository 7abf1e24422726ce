"""`validate --render`: what the GitOps engine would deploy, rendered by real helm, equals what `lockstep render`
renders (and so what helmfile deploys), environment by environment.

What is real and what is re-implemented, by engine:
- Flux: **real** kustomize (`kubectl kustomize --load-restrictor LoadRestrictionsNone environments/<env>`, the
  build and option kustomize-controller runs) turns the lock into the OCIRepository's tag and the HelmRelease's
  `image.ref`; then **re-implemented** (as helm-controller does it): the chart is the OCIRepository's url at its
  tag, the values are each `valuesFrom` ConfigMap's `values.yaml` in order then `spec.values`, the release name
  `spec.releaseName`, the namespace the HelmRelease's, the Kubernetes version platform.yaml's (helm-controller
  would ask the cluster).
- Argo CD: **re-implemented**: the ApplicationSet's matrix over the git files generator (the lock, read from the
  working tree) and its list of the lock's services, and the template's `{{ .name }}` parameters; then, as Argo CD's
  repo-server runs helm: the chart source's chart at targetRevision, releaseName, namespace = destination's,
  kubeVersion, each valueFiles entry (`$<ref>/` = the repository's root), then valuesObject as the last values.
- Both: **real** helm renders it (a pin not built yet: ./charts/<service> of the working tree, as `lockstep
  render` does; Argo CD itself cannot deploy such a pin before the pipeline builds it).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

from generator import engines, helm, layout, scratch
from generator.model import Lock, Pin, Platform
from generator.tree import Tree
from generator.yamlio import Document

KUBECTL = (
    "kubectl is not on PATH: `validate --render` builds Flux's kustomizations with it (install kubectl, or run "
    "`python tools/k8s_tools.py` from lockstep's source and put the directory it prints on PATH)"
)
PARAMETER = re.compile(r"\{\{\s*\.(\w+)\s*\}\}")


class Difference(NamedTuple):
    """Where the engine would deploy something else than `lockstep render` renders."""

    environment: str
    service: str
    file: str  # the engine object that says so
    pointer: tuple[str | int, ...]  # in it
    message: str


class EngineRenders(NamedTuple):
    differences: tuple[Difference, ...] = ()
    missing: str | None = None  # why the engine's side could not be rendered at all


class _Release(NamedTuple):
    """One release as the engine would ask helm for it."""

    service: str
    file: str
    pointer: tuple[str | int, ...]
    args: tuple[str, ...]  # after `helm`, run in the scratch folder
    values: tuple[tuple[str, Any], ...]  # (file name, data) written into the scratch folder first


def _chart(platform: Platform, service: str, pin: Pin, reference: str, version: str) -> tuple[str, ...]:
    """The chart arguments: the built chart by version, or (not built yet) the working tree's."""
    if pin.chart is None:
        return (f"charts/{service}",)
    http = ("--plain-http",) if platform.charts_plain_http else ()
    return (reference, "--version", version, *http)


def _substitute(value: Any, parameters: Mapping[str, str]) -> Any:
    if isinstance(value, str):
        return PARAMETER.sub(lambda match: parameters[match[1]], value)
    if isinstance(value, list):
        return [_substitute(item, parameters) for item in value]
    if isinstance(value, dict):
        return {key: _substitute(item, parameters) for key, item in value.items()}
    return value


def _argocd(platform: Platform, lock: Lock, documents: Mapping[str, Document]) -> list[_Release]:
    wanted = layout.lock(lock.environment)
    found = next(
        (
            (path, doc.data)
            for path, doc in sorted(documents.items())
            if doc.ok
            and isinstance(doc.data, dict)
            and (doc.data.get("apiVersion"), doc.data.get("kind")) == engines.APPLICATION_SET
            and wanted in json.dumps(doc.data.get("spec", {}).get("generators"))
        ),
        None,
    )
    if found is None:
        return []  # engine.coverage says so
    path, data = found
    template = data["spec"]["template"]["spec"]
    releases = []
    for service, pin in sorted(lock.services.items()):
        spec = _substitute(template, {"service": service, "version": pin.version, "image": pin.image})
        sources = spec.get("sources") or [spec.get("source") or {}]
        refs = {source["ref"]: "" for source in sources if "ref" in source}
        index, chart = next((i, s) for i, s in enumerate(sources) if "ref" not in s)
        options = chart.get("helm") or {}
        files = []
        for value_file in options.get("valueFiles") or ():
            ref, _, rest = str(value_file).partition("/")
            files.append(rest if ref.startswith("$") and ref[1:] in refs else str(value_file))
        args = (
            "template",
            str(options.get("releaseName") or service),
            *_chart(
                platform,
                service,
                pin,
                f"oci://{chart.get('repoURL')}/{chart.get('chart')}",
                chart.get("targetRevision", ""),
            ),
            "--namespace",
            str((spec.get("destination") or {}).get("namespace", "")),
            "--kube-version",
            str(options.get("kubeVersion") or platform.kubernetes_version),
            *(option for file in files for option in ("--values", file)),
            *(("--values", "values-object.yaml") if options.get("valuesObject") else ()),
        )
        values = (("values-object.yaml", options["valuesObject"]),) if options.get("valuesObject") else ()
        releases.append(_Release(service, path, ("spec", "template", "spec", "sources", index), args, values))
    return releases


def _flux(platform: Platform, lock: Lock, folder: Path, kubectl: str) -> list[_Release] | str:
    import yaml

    result = subprocess.run(
        [
            kubectl,
            "kustomize",
            "--load-restrictor",
            "LoadRestrictionsNone",
            f"{layout.ENVIRONMENTS_DIR}/{lock.environment}",
        ],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        return f"kustomize cannot build {engines.companion(lock.environment)}: {result.stderr.strip()[:300]}"
    built = [d for d in yaml.safe_load_all(result.stdout) if isinstance(d, dict)]
    by_kind = {(d.get("kind"), d.get("metadata", {}).get("name")): d for d in built}
    releases = []
    for release in (d for d in built if (d.get("apiVersion"), d.get("kind")) == engines.HELM_RELEASE):
        name = release["metadata"]["name"]
        spec = release.get("spec") or {}
        pin = lock.services.get(name)
        if pin is None:
            continue  # engine.foreign says so
        source = by_kind.get(("OCIRepository", (spec.get("chartRef") or {}).get("name"))) or {}
        reference = (source.get("spec") or {}).get("url", "")
        tag = ((source.get("spec") or {}).get("ref") or {}).get("tag", "")
        values = []
        for number, item in enumerate(spec.get("valuesFrom") or ()):
            config = by_kind.get((item.get("kind"), item.get("name"))) or {}
            text = (config.get("data") or {}).get(item.get("valuesKey") or "values.yaml", "")
            values.append((f"values-{name}-{number}.yaml", yaml.safe_load(text) or {}))
        if spec.get("values"):
            values.append((f"values-{name}-spec.yaml", spec["values"]))
        namespace = spec.get("targetNamespace") or release["metadata"].get("namespace", "")
        args = (
            "template",
            str(spec.get("releaseName") or name),
            *_chart(platform, name, pin, reference, tag),
            "--namespace",
            namespace,
            "--kube-version",
            platform.kubernetes_version,
            *(option for file, _ in values for option in ("--values", file)),
        )
        releases.append(_Release(name, engines.base(name)["release"], ("spec",), args, tuple(values)))
    return releases


def _objects(text: str) -> list[str]:
    return sorted(json.dumps(manifest.data, sort_keys=True) for manifest in helm.parse(text))


def _describe(expected: list[str], got: list[str]) -> str:
    def name(item: str) -> str:
        data = json.loads(item)
        return f"{data.get('kind')} {data.get('metadata', {}).get('name')}"

    extra = sorted(set(got) - set(expected))
    lacking = sorted(set(expected) - set(got))
    if extra:
        return f"{name(extra[0])} differs from `lockstep render`'s" if lacking else f"{name(extra[0])} is extra"
    return f"{name(lacking[0])} is missing"


def compare(
    tree: Tree,
    platform: Platform,
    locks: Mapping[str, Lock],
    documents: Mapping[str, Document],
    rendered: helm.Rendered,
) -> EngineRenders:
    """The differences between the engine's renders and `rendered` (lockstep render's), per environment."""
    import yaml

    if platform.engine not in ("argocd", "flux"):
        return EngineRenders()
    program = helm.binary()
    if program is None:
        return EngineRenders(missing=helm.INSTALL)
    kubectl = shutil.which("kubectl")
    if platform.engine == "flux" and kubectl is None:
        return EngineRenders(missing=KUBECTL)
    expected = {(r.environment, r.service): r for r in rendered.releases if r.error is None}
    differences: list[Difference] = []
    with scratch.folder("engine-render") as folder:
        for relative in ("charts", layout.ENVIRONMENTS_DIR, layout.DEPLOY_DIR):
            helm.copy(tree, relative, folder, {})  # what cannot be read, loading reports
        for environment in platform.path:
            lock = locks.get(environment)
            if lock is None:
                continue
            if platform.engine == "argocd":
                releases: list[_Release] | str = _argocd(platform, lock, documents)
            else:
                assert kubectl is not None
                releases = _flux(platform, lock, folder, kubectl)
            if isinstance(releases, str):
                differences.append(Difference(environment, "", engines.companion(environment), (), releases))
                continue
            for release in releases:
                want = expected.get((environment, release.service))
                if want is None:
                    continue  # lockstep render could not render it: the manifests family says why
                for name, data in release.values:
                    (folder / name).write_text(yaml.safe_dump(data), encoding="utf-8")
                result = subprocess.run(
                    [program, *release.args], cwd=folder, capture_output=True, text=True, check=False
                )
                if result.returncode != 0:
                    reason = " ".join(line.strip() for line in result.stderr.splitlines()[:3] if line.strip())
                    reason = reason.removeprefix("Error: ") or "helm failed"
                    message = (
                        f"{release.service} in {environment}: helm cannot render what the engine asks: {reason[:300]}"
                    )
                else:
                    got = _objects(result.stdout)
                    wanted = sorted(json.dumps(m.data, sort_keys=True) for m in want.manifests)
                    if got == wanted:
                        continue
                    message = (
                        f"{release.service} in {environment}: the engine would deploy other objects than "
                        f"`lockstep render` ({_describe(wanted, got)})"
                    )
                differences.append(Difference(environment, release.service, release.file, release.pointer, message))
    return EngineRenders(tuple(differences))
