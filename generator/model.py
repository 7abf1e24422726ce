"""Typed, immutable records of a platform repository, built from schema-valid data."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from types import MappingProxyType
from typing import Any, Literal, NamedTuple

Strategy = Literal["independent", "monolith", "combined"]
KUBERNETES_VERSION = "1.34"  # what the charts render for when platform.yaml names no kubernetesVersion
Mode = Literal["independent", "platform"]
Engine = Literal["argocd", "flux", "none"]
LOOPBACK = ("127.0.0.1", "localhost", "[::1]")  # registries spoken to in plain HTTP (as docker and helm 3 do)


def _frozen(mapping: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(mapping))


class FreezeWindow(NamedTuple):
    """When nothing moves into an environment (platform.yaml `gates.freeze[]`): a weekly window or a date range."""

    weekly: str | None = None  # "Fri 15:00-Mon 08:00" (local wall clock; start inclusive, end exclusive)
    start: str | None = None  # `from`: YYYY-MM-DD (00:00) or YYYY-MM-DDTHH:MM, local
    end: str | None = None  # `to`: YYYY-MM-DD (inclusive: until 00:00 the day after) or YYYY-MM-DDTHH:MM (exclusive)
    tz: str = "UTC"  # IANA zone name
    reason: str | None = None

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> FreezeWindow:
        return cls(data.get("weekly"), data.get("from"), data.get("to"), data.get("tz", "UTC"), data.get("reason"))


GATES = ("one-environment", "soak", "checks", "freeze", "max-services")  # what `--override` names
Gate = Literal["one-environment", "soak", "checks", "freeze", "max-services"]


class Gates(NamedTuple):
    """What a change must pass to move versions into an environment (platform.yaml `environments[].gates`)."""

    one_environment: bool = False  # the change moves versions into no other environment (default after the first)
    soak: str | None = None  # how long it ran upstream first: "24h" (generator/freeze.py parses it)
    checks: tuple[str, ...] = ()  # checks whose latest record upstream, for exactly what moves, passed
    freeze: tuple[FreezeWindow, ...] = ()
    max_services: int | None = None  # independent mode: at most this many services in one change

    @classmethod
    def from_data(cls, data: Mapping[str, Any], index: int) -> Gates:
        return cls(
            data.get("oneEnvironmentPerChange", index > 0),
            data.get("soak"),
            tuple(data.get("checks", ())),
            tuple(FreezeWindow.from_data(w) for w in data.get("freeze", ())),
            data.get("maxServicesPerPromotion"),
        )


NO_GATES = Gates()


@dataclass(frozen=True)
class Environment:
    name: str
    mode: Mode
    prerelease: bool = True  # may it run pre-release versions (the last environment may not, by default)
    namespace: str = ""  # where it deploys (default: `<platform name>-<environment>`)
    cluster: str | None = None  # the kube context of its cluster; None: the current context
    gates: Gates = NO_GATES


RolloutStrategy = Literal["rolling", "blue-green", "canary"]
INGRESS_NAMESPACE = "ingress-nginx"  # where `public` services accept traffic from, when platform.yaml names none


class CanaryStep(NamedTuple):  # NamedTuples here: cheaper to define than frozen dataclasses (every run imports them)
    weight: int  # the percentage of requests the new version receives
    pause: str | None = None  # how long to hold it (30s, 5m, 1h); None: until promoted by hand

    def as_data(self) -> dict[str, Any]:
        return {"weight": self.weight} if self.pause is None else {"weight": self.weight, "pause": self.pause}


DEFAULT_CANARY_STEPS = (CanaryStep(25, "30s"), CanaryStep(50, "30s"), CanaryStep(100))


class Rollout(NamedTuple):
    """How a new version of a service replaces the old one (platform.yaml `rollout`, either form)."""

    strategy: RolloutStrategy = "rolling"
    steps: tuple[CanaryStep, ...] = ()  # canary only
    auto_promotion: bool = True  # blue-green only

    @classmethod
    def from_data(cls, data: str | Mapping[str, Any] | None) -> Rollout:
        """`canary`, `{strategy: canary, steps: [...]}` or `{strategy: blue-green, autoPromotion: false}`."""
        spec: Mapping[str, Any] = {"strategy": data or "rolling"} if not isinstance(data, Mapping) else data
        strategy = spec["strategy"]
        steps = tuple(CanaryStep(s["weight"], s.get("pause")) for s in spec.get("steps", ()))
        if strategy == "canary" and not steps:
            steps = DEFAULT_CANARY_STEPS
        return Rollout(strategy, steps, spec.get("autoPromotion", True))

    def as_values(self) -> dict[str, Any]:
        """The chart's `rollout` values: the strategy, with its steps (canary) or auto-promotion (blue-green)."""
        values: dict[str, Any] = {"strategy": self.strategy}
        if self.strategy == "canary":
            values["steps"] = [step.as_data() for step in self.steps]
        if self.strategy == "blue-green":
            values["autoPromotion"] = self.auto_promotion
        return values


ROLLING = Rollout()  # the default: a Deployment's rolling update

Resources = Mapping[str, Mapping[str, "str | int | float"]]  # {requests: {cpu: 100m}, limits: {memory: 256Mi}}


class Override(NamedTuple):
    """What one environment changes for one service (platform.yaml `services.<name>.environments.<env>`)."""

    replicas: int | None = None
    resources: Resources = MappingProxyType({})


def merged_resources(base: Resources, over: Resources) -> dict[str, dict[str, str | int | float]]:
    """`over` merged into `base`, quantity by quantity (an environment's override wins)."""
    return {kind: {**base.get(kind, {}), **over.get(kind, {})} for kind in sorted({*base, *over})}


@dataclass(frozen=True)
class Service:
    name: str
    language: str
    port: int
    api: str
    requires: Mapping[str, str] = field(default_factory=dict)  # service -> version range
    operations: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # service -> operationIds it calls
    retired: bool = False  # being removed along the promotion path (lockstep remove-service)
    rollout: Rollout = ROLLING
    replicas: int = 1
    public: bool = False  # reachable from the ingress namespace
    resources: Resources = field(default_factory=dict)  # empty: the chart's
    overrides: Mapping[str, Override] = field(default_factory=dict)  # environment -> what it changes

    def replicas_in(self, environment: str) -> int:
        override = self.overrides.get(environment)
        return override.replicas if override is not None and override.replicas is not None else self.replicas

    def resources_in(self, environment: str) -> dict[str, dict[str, str | int | float]]:
        """The service's resources with the environment's merged over them (empty: the chart's defaults)."""
        override = self.overrides.get(environment)
        return merged_resources(self.resources, override.resources if override is not None else {})


def _overrides(data: Mapping[str, Any]) -> Mapping[str, Override]:
    return _frozen(
        {env: Override(spec.get("replicas"), _frozen(spec.get("resources", {}))) for env, spec in data.items()}
    )


def _requirements(data: Mapping[str, Any]) -> tuple[Mapping[str, str], Mapping[str, tuple[str, ...]]]:
    """`{fleet: "^2.1"}` or `{fleet: {range: "^2.1", operations: [getVehicle]}}`."""
    ranges = {name: value if isinstance(value, str) else value["range"] for name, value in data.items()}
    operations = {name: tuple(value.get("operations", ())) for name, value in data.items() if isinstance(value, dict)}
    return _frozen(ranges), _frozen(operations)


@dataclass(frozen=True)
class Platform:
    name: str
    strategy: Strategy
    environments: tuple[Environment, ...]
    registry: str
    services: Mapping[str, Service]
    kubernetes_version: str = KUBERNETES_VERSION  # the minor version, such as "1.34"
    ingress_namespace: str = INGRESS_NAMESPACE  # where the ingress controller (or Gateway) runs
    engine: Engine = "none"  # what applies the repository: argocd, flux, or none (helmfile)
    repository: str | None = None  # the git URL the engine reads
    charts: str = ""  # the OCI repository of the built charts (`oci://host/path`; default oci://<registry>/charts)

    @property
    def charts_plain_http(self) -> bool:
        """True for a chart registry on the loopback address (spoken to in plain HTTP: helm 4 needs --plain-http)."""
        host = self.charts.removeprefix("oci://").split("/", 1)[0]
        return host.rsplit(":", 1)[0] in LOOPBACK or host in LOOPBACK

    def chart_ref(self, service: str) -> str:
        """Where the built charts of `service` are: `oci://host/path/<service>` (pulled with `--version`)."""
        return f"{self.charts}/{service}"

    @property
    def path(self) -> tuple[str, ...]:
        """The promotion path: environment names in order."""
        return tuple(env.name for env in self.environments)

    @property
    def versioned(self) -> bool:
        """True where platform versions exist (monolith and combined)."""
        return self.strategy != "independent"

    def leaving(self, service: str) -> bool:
        """True for a service being removed (retired), or already gone from the manifest."""
        found = self.services.get(service)
        return found is None or found.retired

    def environment(self, name: str) -> Environment | None:
        return next((env for env in self.environments if env.name == name), None)

    def upstream(self, name: str) -> Environment | None:
        """The environment before `name` on the path (None for the first)."""
        index = self.path.index(name)
        return self.environments[index - 1] if index > 0 else None

    def release_source(self) -> Environment:
        """Where `lockstep release` cuts platform versions: the environment just before the first
        platform-mode one, or the first environment when that one is platform-mode itself."""
        index = next((i for i, env in enumerate(self.environments) if env.mode == "platform"), 0)
        return self.environments[max(index - 1, 0)]

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Platform:
        return cls(
            name=data["name"],
            strategy=data["strategy"],
            environments=tuple(
                Environment(
                    e["name"],
                    e["mode"],
                    e.get("prerelease", index < len(data["environments"]) - 1),
                    e.get("namespace") or f"{data['name']}-{e['name']}",
                    e.get("cluster"),
                    Gates.from_data(e.get("gates", {}), index),
                )
                for index, e in enumerate(data["environments"])
            ),
            registry=data["registry"],
            services=_frozen(
                {
                    name: Service(
                        name,
                        spec["language"],
                        spec["port"],
                        spec["api"],
                        *_requirements(spec.get("requires", {})),
                        retired=spec.get("retired", False),
                        rollout=Rollout.from_data(spec.get("rollout")),
                        replicas=spec.get("replicas", 1),
                        public=spec.get("public", False),
                        resources=_frozen(spec.get("resources", {})),
                        overrides=_overrides(spec.get("environments", {})),
                    )
                    for name, spec in data["services"].items()
                }
            ),
            kubernetes_version=data.get("kubernetesVersion", KUBERNETES_VERSION),
            ingress_namespace=data.get("ingressNamespace", INGRESS_NAMESPACE),
            engine=data.get("engine", "none"),
            repository=data.get("repository"),
            charts=data.get("charts") or f"oci://{data['registry']}/charts",
        )

    def consumers(self, service: str) -> list[str]:
        """The services whose `requires` name `service`, sorted."""
        return list(self._consumers.get(service, ()))

    @cached_property
    def _consumers(self) -> Mapping[str, tuple[str, ...]]:
        """Every service's consumers, sorted: found in one pass over the services (asked once per service and
        environment, a scan each would grow with the square of the services)."""
        found: dict[str, list[str]] = {}
        for name, other in self.services.items():
            for required in other.requires:
                found.setdefault(required, []).append(name)
        return {required: tuple(sorted(names)) for required, names in found.items()}


@dataclass(frozen=True)
class Pin:
    """One service's version as an environment runs it or a release recorded it."""

    version: str
    image: str
    requires: Mapping[str, str] = field(default_factory=dict)
    chart: str | None = None  # the digest of the chart built for this version (None: not built yet)

    @property
    def digest(self) -> str | None:
        """The image's digest (`sha256:...`), when the image is pinned by one (`...:1.4.0@sha256:...`)."""
        return self.image.partition("@")[2] or None

    def as_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"version": self.version, "image": self.image}
        if self.chart is not None:
            data["chart"] = self.chart
        if self.requires:
            data["requires"] = dict(self.requires)
        return data


def _pins(data: Mapping[str, Any]) -> Mapping[str, Pin]:
    return MappingProxyType(
        {
            name: _pin(
                p["version"], p["image"], p.get("chart"), tuple(p["requires"].items()) if "requires" in p else ()
            )
            for name, p in data.items()
        }
    )


@lru_cache(maxsize=1 << 16)
def _pin(version: str, image: str, chart: str | None, requires: tuple[tuple[str, str], ...]) -> Pin:
    """One Pin per distinct pin: a ledger of 100 releases of 200 services holds 20,000 pins but few distinct ones
    (a release moves a service or two), and building a frozen record costs more than finding it."""
    return Pin(version, image, MappingProxyType(dict(requires)), chart)


LOCAL_CONFIG = {"config.kubernetes.io/local-config": "true"}  # kustomize reads such a resource and never emits it


@dataclass(frozen=True)
class Lock:
    environment: str
    platform: str | None
    services: Mapping[str, Pin]

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Lock:
        return cls(data["environment"], data.get("platform"), _pins(data["services"]))

    def with_services(self, services: Mapping[str, Pin], platform: str | None) -> Lock:
        return Lock(self.environment, platform, _frozen(services))

    def as_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"apiVersion": "lockstep/v1", "kind": "Lock", "environment": self.environment}
        if self.platform is not None:
            data["platform"] = self.platform
        data["services"] = {name: pin.as_data() for name, pin in self.services.items()}
        data["metadata"] = {"name": self.environment, "annotations": dict(LOCAL_CONFIG)}  # for kustomize (Flux)
        return data


@dataclass(frozen=True)
class Promotion:
    environment: str
    at: str


@dataclass(frozen=True)
class Release:
    version: str
    services: Mapping[str, Pin]
    promotions: tuple[Promotion, ...]

    def promoted(self, environment: str, at: str) -> Release:
        """The same snapshot with one more promotion record appended."""
        return Release(self.version, self.services, (*self.promotions, Promotion(environment, at)))

    def environments(self) -> list[str]:
        return [p.environment for p in self.promotions]

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Release:
        return cls(
            data["version"],
            _pins(data["services"]),
            tuple(Promotion(p["environment"], p["at"]) for p in data["promotions"]),
        )

    def as_data(self) -> dict[str, Any]:
        return {
            "apiVersion": "lockstep/v1",
            "kind": "Release",
            "version": self.version,
            "services": {name: pin.as_data() for name, pin in self.services.items()},
            "promotions": [{"environment": p.environment, "at": p.at} for p in self.promotions],
        }


@dataclass(frozen=True)
class Move:
    """One version change of a rollback, and why it was needed."""

    before: str
    after: str
    reason: str

    def as_data(self) -> dict[str, str]:
        return {"from": self.before, "to": self.after, "reason": self.reason}


@dataclass(frozen=True)
class RollbackRecord:
    at: str
    platform: Move | None
    services: Mapping[str, Move]

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> RollbackRecord:
        def move(m: Mapping[str, str]) -> Move:
            return Move(m["from"], m["to"], m["reason"])

        return cls(
            data["at"],
            move(data["platform"]) if "platform" in data else None,
            _frozen({name: move(m) for name, m in data.get("services", {}).items()}),
        )

    def as_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"at": self.at}
        if self.platform is not None:
            data["platform"] = self.platform.as_data()
        if self.services:
            data["services"] = {name: move.as_data() for name, move in self.services.items()}
        return data


@dataclass(frozen=True)
class Rollbacks:
    """The append-only rollback record of one environment."""

    environment: str
    records: tuple[RollbackRecord, ...]

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Rollbacks:
        return cls(data["environment"], tuple(RollbackRecord.from_data(r) for r in data["rollbacks"]))

    def appended(self, record: RollbackRecord) -> Rollbacks:
        return Rollbacks(self.environment, (*self.records, record))

    def as_data(self) -> dict[str, Any]:
        return {
            "apiVersion": "lockstep/v1",
            "kind": "Rollbacks",
            "environment": self.environment,
            "rollbacks": [record.as_data() for record in self.records],
        }


def image_values(platform: Platform, service: str, pin: Pin) -> dict[str, str]:
    """The chart's `image` values for a pin: `ref`, the lock's image verbatim (`repository:version@sha256:...`),
    which wins over the chart's repository, tag and digest. Every deployer sets it last, from the lock."""
    del platform, service  # the lock's image says it all (kept: every deployer calls it alike)
    return {"ref": pin.image}


def platform_values(platform: Platform, environment: str, service: str) -> dict[str, Any]:
    """The Helm values platform.yaml gives `service` in `environment` (replicas, resources, rollout, network
    policy): lockstep writes them to deploy/values/<env>/<service>.yaml (generator/deploy.py), which helmfile, the
    engines and `lockstep render` read after the environment's values file, so they always win."""
    spec = platform.services[service]
    values: dict[str, Any] = {"replicaCount": spec.replicas_in(environment)}
    resources = spec.resources_in(environment)
    if resources:
        values["resources"] = resources
    values["rollout"] = spec.rollout.as_values()
    values["networkPolicy"] = {
        "ingressFrom": platform.consumers(service),
        "ingressNamespaces": [platform.ingress_namespace] if spec.public else [],
        "egressTo": [
            {"name": name, "port": platform.services[name].port}
            for name in sorted(spec.requires)
            if name in platform.services
        ],
    }
    return values


Result = Literal["passed", "failed"]


class Verification(NamedTuple):
    """One check's result for one version in one environment (`lockstep verify`): one file, never changed.
    `service` None: `version` is a platform version."""

    environment: str
    check: str
    version: str
    result: Result
    at: str
    by: str  # who recorded it (the git author identity)
    service: str | None = None
    url: str | None = None

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Verification:
        return cls(
            data["environment"],
            data["check"],
            data["version"],
            data["result"],
            data["at"],
            data["by"],
            data.get("service"),
            data.get("url"),
        )

    def as_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"apiVersion": "lockstep/v1", "kind": "Verification", "environment": self.environment}
        data["check"] = self.check
        if self.service is not None:
            data["service"] = self.service
        data |= {"version": self.version, "result": self.result, "at": self.at, "by": self.by}
        if self.url is not None:
            data["url"] = self.url
        return data


class GateOverride(NamedTuple):
    """One gate passed by hand (`promote --override GATE --reason TEXT`), for exactly the moves it names."""

    at: str
    gate: Gate
    reason: str
    by: str  # the git author identity
    platform: str | None = None  # the platform version it moves, or
    services: Mapping[str, str] = MappingProxyType({})  # the service versions it moves

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> GateOverride:
        return cls(
            data["at"],
            data["gate"],
            data["reason"],
            data["by"],
            data.get("platform"),
            _frozen(data.get("services", {})),
        )

    def as_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"at": self.at, "gate": self.gate, "reason": self.reason, "by": self.by}
        if self.platform is not None:
            data["platform"] = self.platform
        if self.services:
            data["services"] = dict(self.services)
        return data


@dataclass(frozen=True)
class Overrides:
    """The append-only record of the gates passed by hand in one environment (environments/<env>/overrides.yaml)."""

    environment: str
    records: tuple[GateOverride, ...]

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Overrides:
        return cls(data["environment"], tuple(GateOverride.from_data(r) for r in data["overrides"]))

    def appended(self, record: GateOverride) -> Overrides:
        return Overrides(self.environment, (*self.records, record))

    def as_data(self) -> dict[str, Any]:
        return {
            "apiVersion": "lockstep/v1",
            "kind": "Overrides",
            "environment": self.environment,
            "overrides": [record.as_data() for record in self.records],
        }


class Arrival(NamedTuple):
    """When a version started running in an environment on the main branch (`lockstep stamp`, after the merge).
    `service` None: `version` is a platform version."""

    at: str
    version: str
    service: str | None = None

    def as_data(self) -> dict[str, str]:
        if self.service is None:
            return {"at": self.at, "platform": self.version}
        return {"at": self.at, "service": self.service, "version": self.version}


def latest_arrivals(months: Iterable[Arrivals]) -> dict[str | None, Arrival]:
    """The last arrival of each subject (a service; None: the platform version) over an environment's files,
    oldest month first."""
    return {record.service: record for month in months for record in month.records}


@dataclass(frozen=True)
class Arrivals:
    """One month's append-only arrival record of an environment (environments/<env>/arrivals/<YYYY-MM>.yaml)."""

    environment: str
    month: str  # 2026-11
    records: tuple[Arrival, ...]

    @classmethod
    def from_data(cls, data: Mapping[str, Any], month: str) -> Arrivals:
        return cls(
            data["environment"],
            month,
            tuple(
                Arrival(a["at"], a["platform"]) if "platform" in a else Arrival(a["at"], a["version"], a["service"])
                for a in data["arrivals"]
            ),
        )

    def appended(self, records: Iterable[Arrival]) -> Arrivals:
        return Arrivals(self.environment, self.month, (*self.records, *records))

    def as_data(self) -> dict[str, Any]:
        return {
            "apiVersion": "lockstep/v1",
            "kind": "Arrivals",
            "environment": self.environment,
            "arrivals": [record.as_data() for record in self.records],
        }
