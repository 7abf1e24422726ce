"""Rule family `engine`: the objects the GitOps engine reads (deploy/argocd/ or deploy/flux/, and Flux's
companions of the locks) deploy what the locks say, where platform.yaml says, and nothing else.

lockstep writes the engine objects when they are missing; then the team may extend them (annotations, sync
options), so these rules check what the objects mean, never their bytes: each object against its CRD's schema,
one ApplicationSet (Argo CD) or sync and base (Flux) for every environment and service, references that resolve,
an AppProject that confines, nothing for what platform.yaml lacks, versions that come from the lock (a literal
version would need a change on every promotion) and no object of the other engine. The files lockstep derives
(deploy/values/, the Flux companions) must be exactly what it derives: `lockstep generate` rewrites them.

Pure: the engine documents are parsed on first use (`Repo.engine_documents`), only when this family runs."""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterator
from typing import Any

from generator import deploy, engines, layout
from generator.findings import Finding, Rule
from generator.model import Platform
from generator.repository import Repo
from generator.tree import read_text
from generator.yamlio import Document

SCHEMA = Rule("engine.schema", "error", "An engine object is valid against its CRD's schema (Argo CD v3.5.1, Flux).")
COVERAGE = Rule(
    "engine.coverage",
    "error",
    "Every environment has its engine objects (Argo CD: an ApplicationSet reading its lock; Flux: its sync), "
    "every service a lock pins its Flux base, and Argo CD its AppProject.",
)
REFERENCES = Rule(
    "engine.references",
    "error",
    "An engine object's values files exist, its charts and git repository are platform.yaml's, and it deploys "
    "into its environment's namespace and cluster.",
)
PROJECT = Rule(
    "engine.project",
    "error",
    "The AppProject confines the platform: no `*` or glob in sourceRepos or destinations, no cluster resources, "
    "and the ApplicationSets name it literally.",
)
FOREIGN = Rule("engine.foreign", "error", "No engine object for an environment or service platform.yaml lacks.")
FROM_THE_LOCK = Rule(
    "engine.from-the-lock",
    "error",
    "Versions come from the lock (Argo CD `targetRevision: '{{ .version }}'`, Flux `tag: from-the-lock` replaced "
    "from the lock): a literal one would need a change on every promotion.",
)
MISMATCH = Rule("engine.engine-mismatch", "error", "No objects of an engine other than platform.yaml's `engine`.")
STALE = Rule(
    "engine.stale-file",
    "error",
    "Each file lockstep derives (deploy/values/, the Flux companions) is what it derives from platform.yaml and "
    "the locks; `lockstep generate` rewrites it.",
)
RENDER_DIFFERS = Rule(
    "engine.render-differs",
    "error",
    "With --render: what the engine would deploy (Flux: real kustomize; Argo CD: the ApplicationSet expanded for "
    "the lock), rendered by real helm, equals what `lockstep render` renders.",
)
RENDER_UNAVAILABLE = Rule(
    "engine.render-unavailable", "info", "With --render: kubectl is not on PATH, so Flux's side is not rendered."
)
RULES: tuple[Rule, ...] = (
    SCHEMA,
    COVERAGE,
    REFERENCES,
    PROJECT,
    FOREIGN,
    FROM_THE_LOCK,
    MISMATCH,
    STALE,
    RENDER_DIFFERS,
    RENDER_UNAVAILABLE,
)
INPUTS: tuple[str, ...] = (layout.PLATFORM, f"{layout.DEPLOY_DIR}/*", f"{layout.ENVIRONMENTS_DIR}/*")

ARGO_KINDS = {engines.APPLICATION, engines.APPLICATION_SET, engines.APP_PROJECT}
FLUX_KINDS = {engines.GIT_REPOSITORY, engines.OCI_REPOSITORY, engines.HELM_RELEASE, engines.FLUX_KUSTOMIZATION}
GLOB = set("*?[")
LITERAL = "a literal version would need a change on every promotion"


def _kind(data: Any) -> tuple[str, str] | None:
    if isinstance(data, dict) and isinstance(data.get("apiVersion"), str) and isinstance(data.get("kind"), str):
        return data["apiVersion"], data["kind"]
    return None


def _get(data: Any, *path: str | int) -> Any:
    for step in path:
        if isinstance(step, int):
            data = data[step] if isinstance(data, list) and step < len(data) else None
        else:
            data = data.get(step) if isinstance(data, dict) else None
    return data


def _name(data: Any) -> str | None:
    name = _get(data, "metadata", "name")
    return name if isinstance(name, str) else None


def check(repo: Repo) -> Iterator[Finding]:
    platform = repo.platform
    if platform is None:
        return
    yield from _stale(repo, platform)
    yield from _renders(repo)
    changed = repo.focus.files
    if changed is not None and not any(path.startswith(f"{layout.DEPLOY_DIR}/") for path in changed):
        # a focused run (the pre-commit hook) that changed no engine object: what a lock alone can break
        if platform.engine == "flux":
            yield from _flux_bases(repo)
        return
    documents = {path: doc for path, doc in repo.engine_documents().items() if not deploy.owned(path)}
    for doc in documents.values():
        yield from doc.problems
    objects = {path: doc for path, doc in documents.items() if doc.ok}
    configurations = {
        posixpath.normpath(posixpath.join(posixpath.dirname(path), item))
        for path, doc in objects.items()
        if _kind(doc.data) == engines.KUSTOMIZE
        for item in doc.data.get("configurations") or ()
        if isinstance(item, str)
    }
    kinds: dict[str, tuple[str, str]] = {}
    for path, doc in sorted(objects.items()):
        kind = _kind(doc.data)
        if kind is None:
            if path not in configurations:
                yield SCHEMA.of(doc, "not a Kubernetes object (no `apiVersion` and `kind`)")
            continue
        kinds[path] = kind
        if kind == engines.KUSTOMIZE:
            continue
        problems = repo.engine_problems(path)
        if problems is None:
            yield SCHEMA.of(doc, f"unknown kind `{kind[1]}` ({kind[0]}): not an Argo CD or Flux object", ("kind",))
            continue
        for problem in problems[:5]:
            yield SCHEMA.of(doc, f"{kind[1]}: {problem.message}", problem.path)
    if platform.engine == "argocd":
        yield from _mismatch(objects, kinds, FLUX_KINDS, "flux")
        yield from _argocd(repo, platform, objects, kinds)
    elif platform.engine == "flux":
        yield from _mismatch(objects, kinds, ARGO_KINDS, "argocd")
        yield from _flux(repo, platform, objects, kinds)
    else:
        yield from _mismatch(objects, kinds, ARGO_KINDS | FLUX_KINDS, "an engine")


def _in_focus(repo: Repo) -> Callable[[str], bool] | None:
    """Which derived files a focused run (the pre-commit hook's staged files) checks: those it changed, the
    platform values of the services it covers and the companion of each lock it changed; None: every one."""
    focus = repo.focus
    if focus.files is None:
        return None
    changed, services = focus.files, focus.services or frozenset()

    def wanted(path: str) -> bool:
        parts = path.split("/")
        if path in changed:
            return True
        if parts[0] == layout.ENVIRONMENTS_DIR:
            return layout.lock(parts[1]) in changed
        return parts[-1].removesuffix(".yaml") in services

    return wanted


def _stale(repo: Repo, platform: Platform) -> Iterator[Finding]:
    if set(repo.locks) != set(platform.path):
        return  # a lock that does not load: its own finding says why
    focus = _in_focus(repo)
    wanted = deploy.files(platform, repo.locks, focus)
    fix = "not what lockstep derives from platform.yaml and the locks: run `lockstep generate`"
    for relative, text in sorted(wanted.items()):
        found = read_text(repo.tree, relative)
        if found is None:
            yield STALE.at(relative, 1, 1, f"missing: {fix}")
        elif found != text:
            yield STALE.at(relative, _first_difference(found, text), 1, fix)
    if focus is None:
        leftovers = deploy.existing(repo.tree, platform)
    else:  # a focused run: only the changed files (listing deploy/ reads every file under it)
        changed = repo.focus.files or frozenset()
        leftovers = {path for path in changed if deploy.owned(path) and repo.tree.read(path) is not None}
    for relative in sorted(path for path in leftovers if path not in wanted and (focus is None or focus(path))):
        yield STALE.at(relative, 1, 1, "lockstep derives no such file any more: run `lockstep generate`")


def _first_difference(found: str, wanted: str) -> int:
    found_lines, wanted_lines = found.splitlines(), wanted.splitlines()
    pairs = zip(found_lines, wanted_lines, strict=False)
    same = min(len(found_lines), len(wanted_lines))
    return next((number for number, (a, b) in enumerate(pairs, 1) if a != b), max(1, min(same + 1, len(found_lines))))


def _mismatch(
    objects: dict[str, Document], kinds: dict[str, tuple[str, str]], other: set[tuple[str, str]], engine: str
) -> Iterator[Finding]:
    for path, kind in sorted(kinds.items()):
        if kind in other:
            yield MISMATCH.of(
                objects[path], f"a {kind[1]} of {engine}, but platform.yaml's `engine` is another", ("kind",)
            )


def _argocd(
    repo: Repo, platform: Platform, objects: dict[str, Document], kinds: dict[str, tuple[str, str]]
) -> Iterator[Finding]:
    by_kind = {kind: [path for path, k in sorted(kinds.items()) if k == kind] for kind in ARGO_KINDS}
    if not by_kind[engines.APP_PROJECT]:
        yield COVERAGE.at(layout.PLATFORM, 1, 1, f"no AppProject (lockstep writes {engines.project()})")
    for path in by_kind[engines.APP_PROJECT]:
        yield from _project(objects[path], platform)
    read: dict[str, str] = {}  # environment -> the ApplicationSet that reads its lock
    for path in by_kind[engines.APPLICATION_SET]:
        doc = objects[path]
        environment = yield from _application_set(repo, platform, doc)
        if environment is not None:
            read.setdefault(environment, path)
    for path in by_kind[engines.APPLICATION]:
        yield FROM_THE_LOCK.of(
            objects[path], "an Application names its version itself: deploy through the ApplicationSet", ("kind",)
        )
    yield from _uncovered(
        repo,
        set(read),
        lambda env: (
            f"has no ApplicationSet reading {layout.lock(env)}"
            f" (lockstep writes {engines.application_set(env)}: `lockstep generate`)"
        ),
    )


def _uncovered(repo: Repo, covered: set[str], lacks: Callable[[str], str]) -> Iterator[Finding]:
    """A finding at each environment of platform.yaml that `covered` lacks."""
    platform_doc = repo.document(layout.PLATFORM)
    assert repo.platform is not None
    for index, env in enumerate(repo.platform.environments):
        if env.name not in covered:
            message = f"environment `{env.name}` {lacks(env.name)}"
            yield (
                COVERAGE.of(platform_doc, message, ("environments", index, "name"))
                if platform_doc is not None
                else COVERAGE.at(layout.PLATFORM, 1, 1, message)
            )


def _project(doc: Document, platform: Platform) -> Iterator[Finding]:
    spec = doc.data.get("spec") or {}
    allowed = {platform.repository, engines.chart_repository(platform)}
    for index, source in enumerate(spec.get("sourceRepos") or ()):
        if GLOB & set(str(source)):
            yield PROJECT.of(
                doc, f"sourceRepos `{source}` lets any repository deploy: name them", ("spec", "sourceRepos", index)
            )
        elif source not in allowed:
            yield REFERENCES.of(
                doc,
                f"sourceRepos `{source}` is neither platform.yaml's repository nor its charts",
                ("spec", "sourceRepos", index),
            )
    wanted = [engines.destination(env) for env in platform.environments]
    for index, target in enumerate(spec.get("destinations") or ()):
        values = [str(value) for value in (target or {}).values()]
        if any(GLOB & set(value) for value in values):
            yield PROJECT.of(
                doc, "a destination with `*` lets the platform deploy anywhere", ("spec", "destinations", index)
            )
        elif {k: v for k, v in (target or {}).items() if k in ("server", "name", "namespace")} not in wanted:
            yield REFERENCES.of(
                doc, "a destination that is no environment's namespace and cluster", ("spec", "destinations", index)
            )
    for key in ("clusterResourceWhitelist",):
        if spec.get(key):
            yield PROJECT.of(
                doc, "the charts create namespaced objects only: allow no cluster resources", ("spec", key)
            )


def _application_set(repo: Repo, platform: Platform, doc: Document) -> Any:
    """Findings on one ApplicationSet; returns the environment whose lock it reads (None: none)."""
    spec = doc.data.get("spec") or {}
    children = _get(spec, "generators", 0, "matrix", "generators") or []
    git = next((child["git"] for child in children if isinstance(child, dict) and "git" in child), None)
    files = [item.get("path") for item in (_get(git, "files") or []) if isinstance(item, dict)]
    environments = {posixpath.dirname(layout.lock(env)): env for env in platform.path}
    reads = [f for f in files if isinstance(f, str) and posixpath.basename(f) == "platform.lock.yaml"]
    env_name = environments.get(posixpath.dirname(reads[0])) if reads else None
    if not reads:
        yield COVERAGE.of(
            doc,
            "this ApplicationSet reads no lock (a git files generator on environments/<env>/platform.lock.yaml)",
            ("spec", "generators"),
        )
        return None
    if env_name is None:
        yield FOREIGN.of(
            doc, f"reads `{reads[0]}`, the lock of no environment of platform.yaml", ("spec", "generators", 0)
        )
        return None
    env = platform.environment(env_name)
    assert env is not None
    if _get(git, "repoURL") != platform.repository:
        yield REFERENCES.of(
            doc,
            "the git generator reads another repository than platform.yaml's `repository`",
            ("spec", "generators", 0),
        )
    template = _get(spec, "template", "spec") or {}
    where = ("spec", "template", "spec")
    project = template.get("project")
    if project != platform.name:
        yield PROJECT.of(doc, f"the Applications' project must be `{platform.name}`, literally", (*where, "project"))
    if template.get("destination") != engines.destination(env):
        yield REFERENCES.of(
            doc, f"deploys elsewhere than {env.name}'s namespace `{env.namespace}`", (*where, "destination")
        )
    lock = repo.locks.get(env_name)
    for index, source in enumerate(template.get("sources") or ()):
        at = (*where, "sources", index)
        if not isinstance(source, dict):
            continue
        if "ref" in source:
            if source.get("repoURL") != platform.repository:
                yield REFERENCES.of(doc, "the `$platform` source is not platform.yaml's `repository`", (*at, "repoURL"))
            continue
        if source.get("repoURL") != engines.chart_repository(platform):
            yield REFERENCES.of(
                doc,
                f"charts come from `{engines.chart_repository(platform)}` (platform.yaml `charts`)",
                (*at, "repoURL"),
            )
        if source.get("chart") != "{{ .service }}":
            yield REFERENCES.of(doc, "the chart is the service's: `chart: '{{ .service }}'`", (*at, "chart"))
        if source.get("targetRevision") != "{{ .version }}":
            yield FROM_THE_LOCK.of(
                doc,
                f"targetRevision must be the lock's version (`{{{{ .version }}}}`): {LITERAL}",
                (*at, "targetRevision"),
            )
        for number, value in enumerate(_get(source, "helm", "valueFiles") or ()):
            if not isinstance(value, str) or not value.startswith("$platform/"):
                yield REFERENCES.of(
                    doc,
                    f"`{value}` is not a file of the repository (`$platform/...`)",
                    (*at, "helm", "valueFiles", number),
                )
                continue
            for service in sorted(lock.services) if lock else ():
                relative = value.removeprefix("$platform/").replace("{{ .service }}", service)
                if repo.tree.read(relative) is None:
                    yield REFERENCES.of(
                        doc,
                        f"values file `{relative}` of {service} does not exist",
                        (*at, "helm", "valueFiles", number),
                    )
                    break
    return env_name


def _flux(
    repo: Repo, platform: Platform, objects: dict[str, Document], kinds: dict[str, tuple[str, str]]
) -> Iterator[Finding]:
    synced: set[str] = set()
    foreign: dict[str, tuple[Document, str]] = {}  # unknown service -> its first object, and that object's kind
    for path, kind in sorted(kinds.items()):
        doc = objects[path]
        spec = doc.data.get("spec") or {}
        name = _name(doc.data) or ""
        if kind == engines.GIT_REPOSITORY and spec.get("url") != platform.repository:
            yield REFERENCES.of(doc, "reads another repository than platform.yaml's `repository`", ("spec", "url"))
        elif kind == engines.FLUX_KUSTOMIZATION:
            target = posixpath.normpath(str(spec.get("path", ".")))
            environment = target.split("/")[1] if target.startswith(f"{layout.ENVIRONMENTS_DIR}/") else None
            if environment is None or platform.environment(environment) is None:
                yield FOREIGN.of(doc, f"builds `{spec.get('path')}`, no environment of platform.yaml", ("spec", "path"))
            else:
                synced.add(environment)
        elif kind in (engines.OCI_REPOSITORY, engines.HELM_RELEASE):
            if name not in platform.services:
                if name not in foreign or kind == engines.HELM_RELEASE:
                    foreign[str(name)] = (doc, kind[1])
            elif kind == engines.OCI_REPOSITORY:
                if spec.get("url") != platform.chart_ref(name):
                    yield REFERENCES.of(
                        doc, f"the chart is `{platform.chart_ref(name)}` (platform.yaml `charts`)", ("spec", "url")
                    )
                if spec.get("ref") != {"tag": engines.FROM_THE_LOCK}:
                    yield FROM_THE_LOCK.of(
                        doc,
                        f"ref must be `tag: {engines.FROM_THE_LOCK}` (kustomize sets the lock's version): {LITERAL}",
                        ("spec", "ref"),
                    )
            elif _get(spec, "chartRef") != {"kind": engines.OCI_REPOSITORY[1], "name": name}:
                yield REFERENCES.of(doc, f"the chart is OCIRepository `{name}`'s", ("spec", "chartRef"))
    for name, (doc, kind_name) in sorted(foreign.items()):
        yield FOREIGN.of(doc, f"a {kind_name} for `{name}`, which is no service of platform.yaml", ("metadata", "name"))
    yield from _uncovered(
        repo,
        synced,
        lambda env: (
            f"has no Flux Kustomization building ./{layout.ENVIRONMENTS_DIR}/{env}"
            f" (lockstep writes {engines.flux_sync(env)}: `lockstep generate`)"
        ),
    )
    yield from _flux_bases(repo)


def _flux_bases(repo: Repo) -> Iterator[Finding]:
    """A Flux base for every service a lock pins."""
    pinned = sorted({service for lock in repo.locks.values() for service in lock.services})
    for service in pinned:
        base = engines.base(service)["kustomization"]
        if repo.tree.read(base) is None:
            yield COVERAGE.at(
                layout.PLATFORM, 1, 1, f"{service} has no Flux base {base} (`lockstep generate` writes it)"
            )


def _renders(repo: Repo) -> Iterator[Finding]:
    compared = repo.engine_rendered
    if compared is None:
        return
    if compared.missing is not None:
        yield RENDER_UNAVAILABLE.at(layout.PLATFORM, 1, 1, compared.missing)
    documents = repo.engine_documents()
    for difference in compared.differences:
        doc = documents.get(difference.file)
        yield (
            RENDER_DIFFERS.of(doc, difference.message, difference.pointer)
            if doc is not None
            else RENDER_DIFFERS.at(difference.file, 1, 1, difference.message)
        )
