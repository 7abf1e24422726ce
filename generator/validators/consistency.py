"""Rule family `consistency`: the files of the repository agree with the manifest and with each other."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator, Mapping

from generator import layout
from generator.findings import Finding, Rule, excerpt
from generator.model import Pin, Platform
from generator.repository import Repo
from generator.yamlio import Document

DUPLICATE_ENVIRONMENT = Rule(
    "consistency.duplicate-environment", "error", "Each environment appears once on the promotion path."
)
STRATEGY_MODES = Rule(
    "consistency.strategy-modes",
    "error",
    "Environment modes fit the strategy: independent = all independent, monolith = all "
    "platform, combined = independent environments first, then platform ones.",
)
MISSING_LOCK = Rule("consistency.missing-lock", "error", "Every environment on the path has a lock file.")
UNKNOWN_ENVIRONMENT = Rule(
    "consistency.unknown-environment", "error", "Every lock file belongs to an environment of the manifest."
)
LOCK_ENVIRONMENT = Rule(
    "consistency.lock-environment", "error", "The `environment` of a lock or rollback record is its directory's name."
)
LOCK_MISSING_SERVICE = Rule(
    "consistency.lock-missing-service",
    "error",
    "The first environment's lock pins every service of the manifest but the retired ones (later "
    "environments get a new service when it is promoted).",
)
LOCK_UNKNOWN_SERVICE = Rule(
    "consistency.lock-unknown-service",
    "error",
    "Locks pin only services of the manifest (released snapshots may name removed ones: they are history).",
)
IMAGE = Rule(
    "consistency.image",
    "error",
    "A pinned image is <registry>/<service>:<version>, optionally with its digest `@sha256:<64 hex>`.",
)
PLATFORM_VERSION = Rule(
    "consistency.platform-version",
    "error",
    "With platform versions (monolith, combined), platform-mode environments but the first name the one they "
    "run (the first may run a combination not stamped yet); with the independent strategy no lock does.",
)
RELEASE_FILE = Rule("consistency.release-file", "error", "A release file is named after its version.")
UNKNOWN_REQUIREMENT = Rule(
    "consistency.unknown-requirement",
    "error",
    "`requires` names only services of the manifest, never the service itself.",
)
MISSING_FILE = Rule(
    "consistency.missing-file",
    "error",
    "Every Dockerfile, chart, values file and contract the manifest implies exists.",
)
HELMFILE = Rule(
    "consistency.helmfile-environments", "error", "helmfile.yaml.gotmpl's environments are exactly the promotion path."
)
NAMESPACE = Rule(
    "consistency.environment-namespace",
    "error",
    "Each environment deploys to a namespace of its own: a DNS-1123 label (at most 63 characters, which the "
    "default `<name>-<environment>` may exceed) that no other environment uses on the same cluster.",
)
OVERRIDE_ENVIRONMENT = Rule(
    "consistency.override-environment",
    "error",
    "A service's per-environment overrides (`environments` under the service) name only environments of the "
    "promotion path.",
)

CANARY_STEPS = Rule(
    "consistency.canary-steps",
    "error",
    "A canary's traffic weights (`rollout.steps` in platform.yaml) increase and end at 100.",
)

CONTRACT_PROBES = Rule(
    "consistency.contract-probes",
    "error",
    "Every service's contract declares `GET /healthz` and `GET /readyz` (the probes the chart uses).",
)
DEFAULT_PORT = Rule(
    "consistency.default-port",
    "error",
    "A service's default port (`PORT ?= N` in its Makefile) is the port of the manifest.",
)

MAX_NAMESPACE = 63  # a namespace is a DNS-1123 label
DIGEST = re.compile(r"sha256:[0-9a-f]{64}")

INPUTS: tuple[str, ...] = ("*",)
RULES: tuple[Rule, ...] = (
    DUPLICATE_ENVIRONMENT,
    STRATEGY_MODES,
    MISSING_LOCK,
    UNKNOWN_ENVIRONMENT,
    LOCK_ENVIRONMENT,
    LOCK_MISSING_SERVICE,
    LOCK_UNKNOWN_SERVICE,
    IMAGE,
    PLATFORM_VERSION,
    RELEASE_FILE,
    UNKNOWN_REQUIREMENT,
    MISSING_FILE,
    HELMFILE,
    NAMESPACE,
    OVERRIDE_ENVIRONMENT,
    CANARY_STEPS,
    CONTRACT_PROBES,
    DEFAULT_PORT,
)


def _platform_checks(platform: Platform, doc: Document) -> Iterator[Finding]:
    seen: set[str] = set()
    for index, env in enumerate(platform.environments):
        if env.name in seen:
            yield DUPLICATE_ENVIRONMENT.of(
                doc, f"environment `{env.name}` appears twice", ("environments", index, "name")
            )
        seen.add(env.name)
    yield from _namespace_checks(platform, doc)
    modes = [env.mode for env in platform.environments]
    expected = {
        "independent": "every environment in mode independent",
        "monolith": "every environment in mode platform",
        "combined": "independent environments before platform environments",
    }[platform.strategy]
    fits = {
        "independent": all(m == "independent" for m in modes),
        "monolith": all(m == "platform" for m in modes),
        "combined": modes == sorted(modes),
    }[platform.strategy]  # "independent" < "platform"
    if not fits:
        yield STRATEGY_MODES.of(doc, f"strategy `{platform.strategy}` needs {expected}", ("strategy",))
    for name, service in platform.services.items():
        for needed in service.requires:
            if needed not in platform.services or needed == name:
                what = "itself" if needed == name else f"`{needed}`, which is not a service of the manifest"
                yield UNKNOWN_REQUIREMENT.of(
                    doc, f"service `{name}` requires {what}", ("services", name, "requires", needed), key=True
                )
        weights = [step.weight for step in service.rollout.steps]
        if service.rollout.strategy == "canary" and (problem := canary_problem(weights)) is not None:
            yield CANARY_STEPS.of(
                doc, f"service `{name}`: the canary {problem}", ("services", name, "rollout", "steps"), key=True
            )
        for environment in service.overrides:
            if environment not in platform.path:
                yield OVERRIDE_ENVIRONMENT.of(
                    doc,
                    f"service `{name}` overrides environment `{environment}`, which is not on the promotion path "
                    f"({', '.join(platform.path)})",
                    ("services", name, "environments", environment),
                    key=True,
                )


def canary_problem(weights: list[int]) -> str | None:
    """What is wrong with a canary's traffic weights, in order (None: they increase and end at 100)."""
    if not weights:
        return "sets no traffic weight"
    if any(later <= earlier for earlier, later in itertools.pairwise(weights)):
        return f"weights {weights} do not increase"
    if weights[-1] != 100:
        return f"weights {weights} end at {weights[-1]}, not 100"
    return None


def _namespace_checks(platform: Platform, doc: Document) -> Iterator[Finding]:
    places: dict[tuple[str | None, str], str] = {}  # (cluster, namespace) -> the environment deploying there
    for index, env in enumerate(platform.environments):
        if len(env.namespace) > MAX_NAMESPACE:
            yield NAMESPACE.of(
                doc,
                f"environment `{env.name}` deploys to namespace `{excerpt(env.namespace)}`, longer than "
                f"{MAX_NAMESPACE} characters: set a shorter `namespace`",
                ("environments", index),
            )
        other = places.setdefault((env.cluster, env.namespace), env.name)
        if other != env.name:
            where = f"cluster `{env.cluster}`" if env.cluster else "the current kube context"
            yield NAMESPACE.of(
                doc,
                f"environments `{other}` and `{env.name}` both deploy to namespace `{env.namespace}` on {where}",
                ("environments", index),
            )


def _lock_checks(repo: Repo, platform: Platform) -> Iterator[Finding]:
    manifest = repo.documents[layout.PLATFORM]
    for index, env in enumerate(platform.environments):
        if layout.lock(env.name) not in repo.documents:
            yield MISSING_LOCK.of(
                manifest, f"environment `{env.name}` has no {layout.lock(env.name)}", ("environments", index), key=False
            )
    ledgers = [path for path in repo.documents if path.endswith(("/platform.lock.yaml", "/rollbacks.yaml"))]
    for relative in ledgers:
        doc = repo.documents[relative]
        directory = relative.split("/")[1]
        if directory not in platform.path:
            yield UNKNOWN_ENVIRONMENT.of(doc, f"`{directory}` is not an environment of {layout.PLATFORM}")
            continue
        named = doc.data.get("environment") if doc.ok else None
        if named is not None and named != directory:
            yield LOCK_ENVIRONMENT.of(
                doc, f"environment is `{named}` but the file is in environments/{directory}/", ("environment",)
            )
        if relative != layout.lock(directory):
            continue
        lock = repo.locks.get(directory)
        if lock is None:
            continue  # unparseable: the schema family said why
        first = directory == platform.path[0]
        mode = platform.environment(directory).mode  # type: ignore[union-attr]
        if platform.versioned and lock.platform is None and mode == "platform" and not first:
            yield PLATFORM_VERSION.of(
                doc,
                f"{directory} is a platform-mode environment: it needs the `platform` version it runs",
                ("services",),
                key=True,
            )
        if not platform.versioned and lock.platform is not None:
            yield PLATFORM_VERSION.of(
                doc, "strategy `independent` has no platform versions; remove `platform`", ("platform",), key=True
            )
        yield from _pin_checks(doc, lock.services, platform, missing_rule=LOCK_MISSING_SERVICE if first else None)


def _pin_checks(
    doc: Document,
    pins: Mapping[str, Pin],
    platform: Platform,
    *,
    missing_rule: Rule | None,
    history: bool = False,
    sound: set[tuple[str, str, str]] | None = None,
) -> Iterator[Finding]:
    """`sound`: (service, version, image) already found right, not judged again (the ledger repeats most pins)."""
    for name, pin in pins.items():
        if name not in platform.services:
            if not history:  # a released snapshot may name a service removed since
                yield LOCK_UNKNOWN_SERVICE.of(
                    doc, f"`{name}` is not a service of {layout.PLATFORM}", ("services", name), key=True
                )
            continue
        if sound is not None and (name, pin.version, pin.image) in sound:
            continue
        expected = layout.image(platform.registry, name, pin.version)
        digest = pin.digest
        if pin.image.partition("@")[0] == expected and (digest is None or DIGEST.fullmatch(digest)):
            if sound is not None:
                sound.add((name, pin.version, pin.image))
        else:
            yield IMAGE.of(
                doc,
                f"image of `{name}` is `{excerpt(pin.image)}`, expected `{expected}` or `{expected}@sha256:<64 hex>`",
                ("services", name, "image"),
            )
    if missing_rule is not None:
        for name, service in platform.services.items():
            if name not in pins and not service.retired:
                yield missing_rule.of(
                    doc, f"service `{name}` of {layout.PLATFORM} is not pinned here", ("services",), key=True
                )


def _release_checks(repo: Repo, platform: Platform) -> Iterator[Finding]:
    sound: set[tuple[str, str, str]] = set()
    for relative, release in repo.release_files.items():  # unparseable ones: the schema family said why
        doc = repo.documents[relative]
        if relative != layout.release(release.version):
            yield RELEASE_FILE.of(
                doc, f"release {release.version} must be in {layout.release(release.version)}", ("version",)
            )
        yield from _pin_checks(doc, release.services, platform, missing_rule=None, history=True, sound=sound)


def _file_checks(repo: Repo, platform: Platform) -> Iterator[Finding]:
    manifest = repo.documents[layout.PLATFORM]
    for name, service in platform.services.items():
        if not repo.focus.covers(name):
            continue  # its files were not read: the change cannot affect them
        expected = [layout.dockerfile(name), layout.makefile(name), layout.chart(name), service.api]
        expected += [layout.values(env, name) for env in platform.path]
        for relative in expected:
            if relative not in repo.present:
                yield MISSING_FILE.of(
                    manifest, f"service `{name}` needs {relative}, which does not exist", ("services", name), key=True
                )


def _service_checks(repo: Repo, platform: Platform) -> Iterator[Finding]:
    """What a running service promises: the probes in its contract, its default port in its Makefile."""
    for name, service in platform.services.items():
        spec = repo.contracts.get(service.api)
        if spec is not None:
            paths = spec.root.data.get("paths") or {}
            for probe in ("/healthz", "/readyz"):
                if not isinstance(paths.get(probe), dict) or "get" not in paths[probe]:
                    where = ("paths",) if "paths" in spec.root.data else ()
                    yield CONTRACT_PROBES.at(
                        service.api, spec.root.line(where), 1, f"{name}'s contract has no GET {probe}"
                    )
        port = repo.default_ports.get(name)
        if port is not None and port.value != str(service.port):
            yield DEFAULT_PORT.at(
                layout.makefile(name),
                port.line,
                1,
                f"the default port is {excerpt(port.value)}, the manifest says {service.port}",
            )


def _helmfile_checks(repo: Repo, platform: Platform) -> Iterator[Finding]:
    manifest = repo.documents[layout.PLATFORM]
    if repo.helmfile is None:
        yield MISSING_FILE.of(manifest, f"{layout.HELMFILE} does not exist", ("environments",), key=True)
        return
    doc, names = repo.helmfile.document, repo.helmfile.environments
    for env in platform.path:
        if env not in names:
            yield HELMFILE.of(
                doc, f"environment `{env}` of the promotion path is missing here", ("environments",), key=True
            )
    for env in names:
        if env not in platform.path:
            yield HELMFILE.of(
                doc,
                f"environment `{env}` is not on the promotion path of {layout.PLATFORM}",
                ("environments", env),
                key=True,
            )


def check(repo: Repo) -> Iterable[Finding]:
    platform = repo.platform
    if platform is None:
        return []  # the manifest itself is broken: the schema family says why
    manifest = repo.documents[layout.PLATFORM]
    state = repo.focus.state  # the locks and the ledger were read
    return [
        *_platform_checks(platform, manifest),
        *(_lock_checks(repo, platform) if state else ()),
        *(_release_checks(repo, platform) if state else ()),
        *_file_checks(repo, platform),
        *(_helmfile_checks(repo, platform) if repo.focus.reads(layout.HELMFILE) else ()),
        *_service_checks(repo, platform),
    ]
