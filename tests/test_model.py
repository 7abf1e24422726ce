"""generator/model.py: the typed records of a platform repository. They cannot be changed in place (a change
is a new record), they turn back into the data they were read from, and the platform answers the questions
the commands ask of it: the environment upstream of another, and where `release` cuts platform versions.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import yaml

from generator.answers import modes
from generator.model import (
    DEFAULT_CANARY_STEPS,
    CanaryStep,
    Lock,
    Move,
    Pin,
    Platform,
    Promotion,
    Release,
    RollbackRecord,
    Rollbacks,
    Rollout,
    _requirements,
    image_values,
    platform_values,
)

PIN_A = {"version": "1.2.0", "image": "registry.example.com/p/a:1.2.0"}
PIN_B = {"version": "0.3.0", "image": "registry.example.com/p/b:0.3.0", "requires": {"a": "^1.2"}}
RELEASE = {
    "apiVersion": "lockstep/v1",
    "kind": "Release",
    "version": "0.4.0",
    "services": {"a": PIN_A, "b": PIN_B},
    "promotions": [{"environment": "dev", "at": "2026-01-02T03:04:05Z"}],
}
ROLLBACKS = {
    "apiVersion": "lockstep/v1",
    "kind": "Rollbacks",
    "environment": "prod",
    "rollbacks": [
        {"at": "2026-01-02T03:04:05Z", "platform": {"from": "0.4.0", "to": "0.3.0", "reason": "requested"}},
        {
            "at": "2026-01-03T03:04:05Z",
            "services": {"b": {"from": "0.3.0", "to": "0.2.0", "reason": "needs a 1.1"}},
        },
    ],
}


def _platform(strategy: str, names: list[str]) -> Platform:
    return Platform(
        name="p",
        strategy=strategy,  # type: ignore[arg-type]
        environments=modes(strategy, names),
        registry="registry.example.com/p",
        services={},
    )


# immutability


def test_records_cannot_be_changed_in_place() -> None:
    release = Release.from_data(RELEASE)
    with pytest.raises(dataclasses.FrozenInstanceError):
        release.version = "9.9.9"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        release.services["a"].version = "9.9.9"  # type: ignore[misc]
    with pytest.raises(TypeError):
        release.services["c"] = release.services["a"]  # type: ignore[index]
    with pytest.raises(TypeError):
        release.services["b"].requires["a"] = "*"  # type: ignore[index]


def test_platform_services_and_requirements_cannot_be_changed_in_place(default_repo: Path) -> None:
    data = yaml.safe_load((default_repo / "platform.yaml").read_text())
    platform = Platform.from_data(data)
    with pytest.raises(TypeError):
        platform.services["x"] = platform.services["service-a"]  # type: ignore[index]
    with pytest.raises(dataclasses.FrozenInstanceError):
        platform.environments[0].mode = "platform"  # type: ignore[misc]
    data["services"]["service-a"]["port"] = 1  # the data it was read from is not shared
    data["services"].pop("service-b")
    assert platform.services["service-a"].port == 8080 and "service-b" in platform.services


def test_promoted_is_a_new_release_and_leaves_the_old_one_alone() -> None:
    release = Release.from_data(RELEASE)
    promoted = release.promoted("stage", "2026-02-01T00:00:00Z")
    assert promoted.environments() == ["dev", "stage"]
    assert promoted.promotions[-1] == Promotion("stage", "2026-02-01T00:00:00Z")
    assert (promoted.version, promoted.services) == (release.version, release.services)
    assert release.environments() == ["dev"]
    assert release == Release.from_data(RELEASE)


def test_appended_is_a_new_record_and_leaves_the_old_one_alone() -> None:
    rollbacks = Rollbacks.from_data(ROLLBACKS)
    record = RollbackRecord("2026-02-01T00:00:00Z", Move("0.3.0", "0.2.0", "again"), {})
    appended = rollbacks.appended(record)
    assert appended.records == (*rollbacks.records, record)
    assert len(rollbacks.records) == 2
    assert appended.as_data()["rollbacks"][-1] == {
        "at": "2026-02-01T00:00:00Z",
        "platform": {"from": "0.3.0", "to": "0.2.0", "reason": "again"},
    }


def test_with_services_is_a_new_lock() -> None:
    lock = Lock.from_data({"environment": "dev", "platform": "0.1.0", "services": {"a": PIN_A}})
    changed = lock.with_services({"a": Pin("1.3.0", "registry.example.com/p/a:1.3.0")}, None)
    assert changed.as_data()["services"] == {"a": {"version": "1.3.0", "image": "registry.example.com/p/a:1.3.0"}}
    assert "platform" not in changed.as_data()
    assert lock.services["a"].version == "1.2.0" and lock.platform == "0.1.0"


# round trips


def test_lock_round_trips_through_data(default_repo: Path) -> None:
    for environment in ("dev", "stage", "prod"):
        data = yaml.safe_load((default_repo / f"environments/{environment}/platform.lock.yaml").read_text())
        lock = Lock.from_data(data)
        assert lock.as_data() == data
        assert list(lock.as_data()) == list(data)  # the key order lockstep writes
        assert Lock.from_data(lock.as_data()) == lock


def test_lock_without_platform_and_with_frozen_requirements_round_trips() -> None:
    data = {"apiVersion": "lockstep/v1", "kind": "Lock", "environment": "dev", "services": {"a": PIN_A, "b": PIN_B}}
    lock = Lock.from_data(data)
    assert lock.platform is None
    assert lock.services["b"].requires == {"a": "^1.2"}
    metadata = {"name": "dev", "annotations": {"config.kubernetes.io/local-config": "true"}}
    assert lock.as_data() == data | {"metadata": metadata}  # written for kustomize (Flux) to read the lock
    assert "requires" not in lock.as_data()["services"]["a"]


def test_release_round_trips_through_data(default_repo: Path) -> None:
    assert Release.from_data(RELEASE).as_data() == RELEASE
    data = yaml.safe_load((default_repo / "releases/0.1.0.yaml").read_text())
    release = Release.from_data(data)
    assert release.as_data() == data
    assert release.environments() == ["dev", "stage", "prod"]


def test_rollbacks_round_trip_through_data() -> None:
    rollbacks = Rollbacks.from_data(ROLLBACKS)
    first, second = rollbacks.records
    assert (first.platform, first.services) == (Move("0.4.0", "0.3.0", "requested"), {})
    assert (second.platform, dict(second.services)) == (None, {"b": Move("0.3.0", "0.2.0", "needs a 1.1")})
    assert rollbacks.as_data() == ROLLBACKS
    assert Rollbacks.from_data(rollbacks.as_data()) == rollbacks


# the platform


def test_platform_from_the_generated_manifest(default_repo: Path) -> None:
    platform = Platform.from_data(yaml.safe_load((default_repo / "platform.yaml").read_text()))
    assert platform.path == ("dev", "stage", "prod")
    assert platform.versioned
    assert platform.services["service-b"].language == "python"
    assert platform.environment("stage") is not None and platform.environment("qa") is None


def test_upstream_is_the_environment_before() -> None:
    platform = _platform("combined", ["dev", "stage", "prod"])
    assert platform.upstream("dev") is None
    assert platform.upstream("stage") == platform.environments[0]
    assert platform.upstream("prod") == platform.environments[1]


def test_independent_platforms_are_not_versioned() -> None:
    assert not _platform("independent", ["dev", "prod"]).versioned
    assert _platform("monolith", ["dev", "prod"]).versioned


NAMES = ["e1", "e2", "e3", "e4", "e5", "e6"]


@pytest.mark.parametrize("count", range(1, 7))
def test_release_source_of_the_combined_strategy(count: int) -> None:
    """Platform versions move into the last two environments: they are cut from the one before those."""
    platform = _platform("combined", NAMES[:count])
    expected = NAMES[max(count - 3, 0)]
    assert platform.release_source().name == expected
    first_platform = next((e for e in platform.environments if e.mode == "platform"), None)
    if first_platform is not None:
        assert platform.upstream(first_platform.name) == platform.release_source()


@pytest.mark.parametrize("count", range(1, 7))
def test_release_source_of_the_monolith_strategy_is_the_first_environment(count: int) -> None:
    platform = _platform("monolith", NAMES[:count])
    assert [e.mode for e in platform.environments] == ["platform"] * count
    assert platform.release_source().name == "e1"


def test_modes_of_each_strategy() -> None:
    assert [e.mode for e in modes("independent", NAMES[:3])] == ["independent"] * 3
    assert [e.mode for e in modes("monolith", NAMES[:3])] == ["platform"] * 3
    assert [e.mode for e in modes("combined", NAMES[:4])] == ["independent", "independent", "platform", "platform"]
    assert [e.mode for e in modes("combined", NAMES[:2])] == ["independent", "platform"]


# requirements


def test_requirements_as_a_range() -> None:
    ranges, operations = _requirements({"fleet": "^2.1"})
    assert dict(ranges) == {"fleet": "^2.1"}
    assert dict(operations) == {}


def test_requirements_as_a_range_and_operations() -> None:
    ranges, operations = _requirements(
        {"fleet": {"range": "^2.1", "operations": ["getVehicle", "listVehicles"]}, "billing": {"range": ">=1"}}
    )
    assert dict(ranges) == {"fleet": "^2.1", "billing": ">=1"}
    assert dict(operations) == {"fleet": ("getVehicle", "listVehicles"), "billing": ()}


def test_requirements_of_both_shapes_in_a_manifest() -> None:
    service = {"language": "go", "port": 8080, "api": "services/x/openapi.yaml"}
    data = {
        "name": "p",
        "strategy": "independent",
        "environments": [{"name": "dev", "mode": "independent"}],
        "registry": "registry.example.com/p",
        "services": {
            "fleet": service,
            "tracking": {**service, "requires": {"fleet": {"range": "^2.1", "operations": ["getVehicle"]}}},
            "billing": {**service, "requires": {"fleet": "^2", "tracking": "*"}},
        },
    }
    services = Platform.from_data(data).services
    assert (dict(services["fleet"].requires), dict(services["fleet"].operations)) == ({}, {})
    assert dict(services["tracking"].requires) == {"fleet": "^2.1"}
    assert dict(services["tracking"].operations) == {"fleet": ("getVehicle",)}
    assert dict(services["billing"].requires) == {"fleet": "^2", "tracking": "*"}
    assert dict(services["billing"].operations) == {}


SHOP = {
    "name": "shop",
    "strategy": "independent",
    "environments": [{"name": "dev", "mode": "independent"}, {"name": "prod", "mode": "independent"}],
    "registry": "registry.example.com/shop",
    "services": {
        "web": {
            "language": "node",
            "port": 3000,
            "api": "w.yaml",
            "requires": {"orders": "^1.0", "stock": {"range": "^2.0", "operations": ["listItems"]}},
            "public": True,
            "rollout": {"strategy": "canary", "steps": [{"weight": 10, "pause": "5m"}, {"weight": 100}]},
        },
        "orders": {
            "language": "go",
            "port": 8080,
            "api": "o.yaml",
            "requires": {"stock": "^2.0"},
            "rollout": "blue-green",
            "replicas": 3,
            "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"memory": "256Mi"}},
            "environments": {"dev": {"replicas": 1, "resources": {"requests": {"cpu": "50m"}, "limits": {"cpu": 1}}}},
        },
        "stock": {"language": "python", "port": 9000, "api": "s.yaml", "rollout": "canary"},
    },
}


def _values(service: str, environment: str = "prod", image: str = "") -> dict[str, object]:
    platform = Platform.from_data(SHOP)
    version = "1.4.0"
    pin = Pin(version, image or f"registry.example.com/shop/{service}:{version}")
    return {"image": image_values(platform, service, pin), **platform_values(platform, environment, service)}


def test_rollout_forms() -> None:
    assert Rollout.from_data(None) == Rollout("rolling", (), True)
    assert Rollout.from_data("canary").steps == DEFAULT_CANARY_STEPS
    assert [s.as_data() for s in DEFAULT_CANARY_STEPS] == [
        {"weight": 25, "pause": "30s"},
        {"weight": 50, "pause": "30s"},
        {"weight": 100},
    ]
    assert Rollout.from_data({"strategy": "blue-green", "autoPromotion": False}) == Rollout("blue-green", (), False)
    assert Rollout.from_data({"strategy": "canary", "steps": [{"weight": 100}]}).steps == (CanaryStep(100, None),)


def test_platform_values_of_a_canary_service_that_is_public_and_requires_two() -> None:
    assert _values("web") == {
        "image": {"ref": "registry.example.com/shop/web:1.4.0"},
        "replicaCount": 1,  # the default
        "rollout": {"strategy": "canary", "steps": [{"weight": 10, "pause": "5m"}, {"weight": 100}]},
        "networkPolicy": {
            "ingressFrom": [],  # nothing requires web: only the ingress controller reaches it
            "ingressNamespaces": ["ingress-nginx"],
            "egressTo": [{"name": "orders", "port": 8080}, {"name": "stock", "port": 9000}],
        },
    }


def test_platform_values_with_overrides_per_environment() -> None:
    prod, dev = _values("orders", "prod"), _values("orders", "dev")
    assert (prod["replicaCount"], dev["replicaCount"]) == (3, 1)
    assert prod["resources"] == {"limits": {"memory": "256Mi"}, "requests": {"cpu": "100m", "memory": "128Mi"}}
    assert dev["resources"] == {"limits": {"cpu": 1, "memory": "256Mi"}, "requests": {"cpu": "50m", "memory": "128Mi"}}
    assert prod["rollout"] == {"strategy": "blue-green", "autoPromotion": True}
    assert prod["networkPolicy"] == {
        "ingressFrom": ["web"],
        "ingressNamespaces": [],  # not public
        "egressTo": [{"name": "stock", "port": 9000}],
    }


def test_platform_values_of_a_service_everyone_requires_with_the_lock_digest() -> None:
    digest = "sha256:" + "ab" * 32
    values = _values("stock", image=f"registry.example.com/shop/stock:1.4.0@{digest}")
    assert values["image"] == {"ref": f"registry.example.com/shop/stock:1.4.0@{digest}"}  # the lock's, verbatim
    assert "resources" not in values  # platform.yaml sets none: the chart's stay
    assert values["rollout"] == {"strategy": "canary", "steps": [s.as_data() for s in DEFAULT_CANARY_STEPS]}
    assert values["networkPolicy"] == {"ingressFrom": ["orders", "web"], "ingressNamespaces": [], "egressTo": []}


def test_the_ingress_namespace_is_platform_yaml_s() -> None:
    platform = Platform.from_data({**SHOP, "ingressNamespace": "gateways"})
    assert platform.ingress_namespace == "gateways"
    assert platform_values(platform, "dev", "web")["networkPolicy"]["ingressNamespaces"] == ["gateways"]


def test_every_form_of_the_example_is_schema_valid() -> None:
    from generator import schemas, yamlio

    manifest = {"apiVersion": "lockstep/v1", "kind": "Platform", **SHOP}
    assert schemas.validate(yamlio.Document("platform.yaml", manifest), "platform") == []
