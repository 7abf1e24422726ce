"""Rule family `manifests` (`validate --render`): what helm renders for every environment, checked as the cluster
and the platform would. helm lints each chart and renders each (environment, service) while the repository loads
(`Repo.rendered`); without `--render` there is nothing rendered and this family finds nothing.

A finding is placed where the user fixes it: the environment's values file when it sets the key in question, else
the platform.yaml node (rollout steps, requires), else the template line that writes the field, else line 1 of
the template helm names in `# Source:`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from generator import layout
from generator.findings import Finding, Rule, excerpt
from generator.model import Platform
from generator.repository import Repo
from generator.validators import consistency, networks
from generator.validators.placement import POD, Where, containers, dotted, mapping, named, pod_of

if TYPE_CHECKING:
    from generator import helm  # imported where it renders: the pre-commit hook never does

HELM_UNAVAILABLE = Rule(
    "manifests.helm-unavailable", "info", "helm is on PATH (without it `validate --render` checks no manifest)."
)
HELM_LINT = Rule("manifests.helm-lint", "error", "Every chart passes `helm lint --strict`.")
HELM_TEMPLATE = Rule(
    "manifests.helm-template",
    "error",
    "`helm template` renders every service for every environment, with that environment's values and lock.",
)
KUBERNETES_SCHEMA = Rule(
    "manifests.kubernetes-schema",
    "error",
    "Every built-in object passes the strict Kubernetes schema of `kubernetesVersion` (kubernetes-validate).",
)
ROLLOUT_SCHEMA = Rule(
    "manifests.rollout-schema",
    "error",
    "Every Rollout passes the Argo Rollouts CRD schema, strict where the CRD does not keep unknown fields.",
)
ROLLOUT_SCHEMA_MISSING = Rule(
    "manifests.rollout-schema-missing",
    "error",
    "The Argo Rollouts CRD schema that Rollouts are checked against is installed with lockstep.",
)
UNCHECKED_KIND = Rule(
    "manifests.unchecked-kind", "info", "Every rendered object is of a kind whose schema lockstep checks."
)
IMAGE = Rule("manifests.image", "error", "Every container runs the image the environment's lock pins.")
PROBES = Rule("manifests.probes", "error", "Every container has a readiness and a liveness probe.")
STARTUP_PROBE = Rule(
    "manifests.startup-probe", "error", "Every container has a startup probe (slow starts are not killed by liveness)."
)
RESOURCES = Rule("manifests.resources", "error", "Every container requests and limits CPU and memory.")
SECURITY_CONTEXT = Rule(
    "manifests.security-context",
    "error",
    "Every container runs as non-root, without privilege escalation, with ALL capabilities dropped and a "
    "read-only root filesystem.",
)
CANARY_STEPS = Rule("manifests.canary-steps", "error", "A canary Rollout's traffic weights increase and end at 100.")
ROLLOUT_SERVICES = Rule(
    "manifests.rollout-services",
    "error",
    "Every Service a Rollout names (active/preview, stable/canary) is rendered with it.",
)

CHART_DIGEST = Rule(
    "manifests.chart-digest",
    "error",
    "The chart the registry gives for a built pin's version is the one the lock pins (its `chart` digest).",
)
CHART_PULL = Rule(
    "manifests.chart-pull",
    "error",
    "Every built pin's chart can be pulled from the `charts` registry of platform.yaml, by its version.",
)

KUBERNETES_VALIDATE_MISSING = Rule(
    "manifests.kubernetes-validate-missing",
    "error",
    "kubernetes-validate, whose schemas the built-in objects are checked against, is installed (`lockstep[render]`).",
)

WORKLOADS = ("Deployment", "Rollout", "StatefulSet", "DaemonSet")
ROLLOUT = ("argoproj.io/v1alpha1", "Rollout")


def _helm_template(where: Where) -> Finding:
    """A failed render, at the values key helm names (`<.Values.a.b>`) when the values file sets it, else at the
    template line helm names, else at the values file."""
    error, release = where.release.error or "", where.release
    message = f"helm template failed: {excerpt(error.replace(chr(10), ' '), 300)}"  # the same in each environment
    given = re.search(r"<\.Values\.([\w.]+)", error)  # a template that could not use a value
    schema = re.search(r"at '([^']*)': (?:additional properties '([^']+)')?", error)  # the chart's values schema
    doc = where.repo.document(where.values)
    keys: tuple[str, ...] = ()
    if given:
        keys = tuple(given[1].split("."))
    elif schema:
        keys = (*(part for part in schema[1].split("/") if part), *((schema[2],) if schema[2] else ()))
    if keys and doc is not None:
        for length in range(len(keys), 0, -1):
            if keys[:length] in doc.keys:
                return HELM_TEMPLATE.of(doc, message, keys[:length], key=True)
    from generator import helm  # loaded already: it rendered what is judged here

    at = helm.TEMPLATE_AT.search(error)
    if at and release.pulled:
        return where.pin(HELM_TEMPLATE, message)  # a template of the built chart, not of ./charts
    if at:
        return HELM_TEMPLATE.at(f"charts/{release.service}/{at[1]}", int(at[2]), 1, message)
    return HELM_TEMPLATE.at(where.values, 1, 1, message)


def _lint(lint: helm.Lint) -> Iterator[Finding]:
    chart = f"charts/{lint.service}"
    for message in lint.messages:
        file = f"{chart}/{message.file}" if message.file else layout.chart(lint.service)
        yield HELM_LINT.at(file, max(message.line, 1), 1, f"helm lint --strict: {excerpt(message.text, 300)}")


def _schema(where: Where, manifest: helm.Manifest, version: str) -> Iterator[Finding]:
    from generator import kubeschema  # here: the pre-commit hook, which renders nothing, never loads it

    if (manifest.data.get("apiVersion"), manifest.kind) == ROLLOUT:
        try:
            problems = kubeschema.rollout(manifest.data)
        except FileNotFoundError:
            yield ROLLOUT_SCHEMA_MISSING.at(
                where.template(manifest),
                1,
                1,
                f"{named(manifest)} cannot be checked: schemas/{kubeschema.ROLLOUT} is not installed with lockstep "
                "(reinstall lockstep)",
            )
            return
        rule = ROLLOUT_SCHEMA
    else:
        try:
            found = kubeschema.kubernetes(manifest.data, version)
        except ImportError:
            yield KUBERNETES_VALIDATE_MISSING.at(
                layout.PLATFORM, 1, 1, "kubernetes-validate is not installed: pip install 'lockstep[render]'"
            )
            return
        if found is None:
            yield where.at(
                UNCHECKED_KIND,
                manifest,
                ("kind",),
                f"{named(manifest)} ({excerpt(manifest.data.get('apiVersion'))}) is not a built-in kind of "
                f"Kubernetes {version} nor a Rollout: its schema is not checked",
            )
            return
        problems, rule = found, KUBERNETES_SCHEMA
    for problem in problems:
        unexpected = re.search(r"\('([^']+)' was unexpected\)", problem.message)
        path = problem.path + ((unexpected[1],) if unexpected else ())
        yield where.at(rule, manifest, path, f"{named(manifest)}: {dotted(problem.path)}: {problem.message}")


def _image(where: Where, manifest: helm.Manifest, index: int, container: dict[str, Any]) -> Iterator[Finding]:
    lock = where.repo.locks.get(where.release.environment)
    pin = lock.services.get(where.release.service) if lock else None
    if pin is not None and container.get("image") != pin.image:
        yield where.at(
            IMAGE,
            manifest,
            (*POD, "containers", index, "image"),
            f"{named(manifest)} runs {excerpt(container.get('image'))}, but {layout.lock(where.release.environment)}"
            f" pins {excerpt(pin.image)}",
            values=("image",),
        )


def _probes(where: Where, manifest: helm.Manifest, index: int, container: dict[str, Any]) -> Iterator[Finding]:
    for probe in ("readinessProbe", "livenessProbe", "startupProbe"):
        if not isinstance(container.get(probe), dict):
            yield where.at(
                STARTUP_PROBE if probe == "startupProbe" else PROBES,
                manifest,
                (*POD, "containers", index, probe),
                f"{named(manifest)}: container {excerpt(container.get('name'))} has no {probe}",
                values=(probe,),
            )


def _resources(where: Where, manifest: helm.Manifest, index: int, container: dict[str, Any]) -> Iterator[Finding]:
    resources = mapping(container.get("resources"))
    missing = [
        f"{kind}.{name}"
        for kind in ("requests", "limits")
        for name in ("cpu", "memory")
        if mapping(resources.get(kind)).get(name) in (None, "")
    ]
    if missing:
        yield where.at(
            RESOURCES,
            manifest,
            (*POD, "containers", index, "resources"),
            f"{named(manifest)}: container {excerpt(container.get('name'))} sets no {', '.join(missing)}",
            values=("resources",),
        )


def _security(
    where: Where, manifest: helm.Manifest, pod: dict[str, Any], index: int, container: dict[str, Any]
) -> Iterator[Finding]:
    own, shared = mapping(container.get("securityContext")), mapping(pod.get("securityContext"))

    def effective(key: str) -> Any:
        return own[key] if key in own else shared.get(key)

    wrong: list[tuple[str, str]] = []
    if effective("runAsNonRoot") is not True:
        wrong.append(("runAsNonRoot", "may run as root (runAsNonRoot is not true)"))
    if effective("runAsUser") == 0:
        wrong.append(("runAsUser", "runs as root (runAsUser 0)"))
    if own.get("allowPrivilegeEscalation") is not False:
        wrong.append(("allowPrivilegeEscalation", "allows privilege escalation"))
    capabilities = mapping(own.get("capabilities"))
    if "ALL" not in (capabilities.get("drop") or ()):
        wrong.append(("capabilities", "does not drop ALL capabilities"))
    if own.get("readOnlyRootFilesystem") is not True:
        wrong.append(("readOnlyRootFilesystem", "has a writable root filesystem"))
    for key, what in wrong:
        in_container = key in own or key not in shared
        path = (*POD, "containers", index, "securityContext", key) if in_container else (*POD, "securityContext", key)
        yield where.at(
            SECURITY_CONTEXT,
            manifest,
            path,
            f"{named(manifest)}: container {excerpt(container.get('name'))} {what}",
            values=("securityContext",) if in_container else ("podSecurityContext",),
        )


def _canary(where: Where, manifest: helm.Manifest, canary: dict[str, Any]) -> Iterator[Finding]:
    """The weights the chart rendered, judged where they differ from platform.yaml's `rollout.steps` (those are
    judged as written, by consistency.canary-steps, also without --render): a chart that changed them is at fault."""
    steps = canary.get("steps") or []
    weights = [step["setWeight"] for step in steps if isinstance(step, dict) and "setWeight" in step]
    platform = where.repo.platform
    spec = platform.services.get(where.release.service) if platform is not None else None
    if spec is not None and spec.rollout.strategy == "canary" and weights == [s.weight for s in spec.rollout.steps]:
        return
    if (problem := consistency.canary_problem(weights)) is not None:
        yield where.at(
            CANARY_STEPS,
            manifest,
            ("spec", "strategy", "canary", "steps"),
            f"{named(manifest)}: the canary {problem}",
            values=("rollout", "steps"),
        )


def _rollout(where: Where, manifest: helm.Manifest) -> Iterator[Finding]:
    spec = manifest.data.get("spec")
    strategy = spec.get("strategy") if isinstance(spec, dict) else None
    if not isinstance(strategy, dict):
        return
    services = {m.name for m in where.release.manifests if m.kind == "Service"}
    for name, roles in (
        ("blueGreen", ("activeService", "previewService")),
        ("canary", ("stableService", "canaryService")),
    ):
        chosen = strategy.get(name)
        if not isinstance(chosen, dict):
            continue
        if name == "canary":
            yield from _canary(where, manifest, chosen)
        for role in roles:
            service = chosen.get(role)
            if service is None and name == "canary":
                continue  # a canary without Services splits by replicas
            if service not in services:
                yield where.at(
                    ROLLOUT_SERVICES,
                    manifest,
                    ("spec", "strategy", name, role),
                    f"{named(manifest)}: its {role} {excerpt(service)} is not among the Services rendered with it",
                )


def _workload(where: Where, manifest: helm.Manifest) -> Iterator[Finding]:
    pod = pod_of(manifest)
    if pod is None:
        return
    for index, container in containers(pod):
        yield from _image(where, manifest, index, container)
        yield from _probes(where, manifest, index, container)
        yield from _resources(where, manifest, index, container)
        yield from _security(where, manifest, pod, index, container)
    if manifest.kind == "Rollout":
        yield from _rollout(where, manifest)


def _pulls(repo: Repo, pulls: Mapping[tuple[str, str], helm.Pulled]) -> Iterator[Finding]:
    """The built pins whose chart could not be rendered: at the lock's `chart` when the registry lacks the version
    or gives another digest; once, at platform.yaml's `charts`, when the registry itself failed."""
    registries: set[str] = set()
    for (environment, service), pulled in sorted(pulls.items()):
        problem = pulled.problem(environment)
        if problem is None:
            continue
        if pulled.error and not pulled.missing:
            if pulled.pull.registry not in registries:
                registries.add(pulled.pull.registry)
                doc = repo.document(layout.PLATFORM)
                if doc is not None and ("charts",) in doc.keys:
                    yield CHART_PULL.of(doc, problem, ("charts",), key=True)
                else:
                    yield CHART_PULL.at(layout.PLATFORM, 1, 1, problem)
            continue
        rule = CHART_PULL if pulled.error else CHART_DIGEST
        lock = repo.document(layout.lock(environment))
        pointer = ("services", service, "chart")
        if lock is not None and pointer in lock.keys:
            yield rule.of(lock, problem, pointer)
        else:
            yield rule.at(layout.lock(environment), 1, 1, problem)


def _release(where: Where, platform: Platform) -> Iterator[Finding]:
    if where.release.error is not None:
        yield _helm_template(where)
        return
    for manifest in where.release.manifests:
        yield from _schema(where, manifest, platform.kubernetes_version)
        if manifest.kind in WORKLOADS:
            yield from _workload(where, manifest)
    yield from networks.check_release(where, platform)


RULES: tuple[Rule, ...] = (
    HELM_UNAVAILABLE,
    HELM_LINT,
    HELM_TEMPLATE,
    KUBERNETES_SCHEMA,
    ROLLOUT_SCHEMA,
    ROLLOUT_SCHEMA_MISSING,
    UNCHECKED_KIND,
    IMAGE,
    PROBES,
    STARTUP_PROBE,
    RESOURCES,
    SECURITY_CONTEXT,
    CANARY_STEPS,
    ROLLOUT_SERVICES,
    KUBERNETES_VALIDATE_MISSING,
    CHART_DIGEST,
    CHART_PULL,
    *networks.RULES,
)
# What helm renders from: the manifest, the charts, the environments' values and locks.
INPUTS: tuple[str, ...] = ("platform.yaml", "charts/*", "environments/*")


def check(repo: Repo) -> Iterable[Finding]:
    rendered, platform = repo.rendered, repo.platform
    if rendered is None or platform is None:
        return []  # not asked (`--render`), or nothing to render with
    if rendered.missing is not None:
        return [HELM_UNAVAILABLE.at(layout.PLATFORM, 1, 1, rendered.missing)]
    findings: list[Finding] = list(_pulls(repo, rendered.pulls))
    for lint in rendered.lints:
        findings.extend(_lint(lint))
    for release in rendered.releases:
        findings.extend(_release(Where(repo, release, rendered.templates), platform))
    return findings
