"""The network rules of the `manifests` family: every workload is behind a NetworkPolicy, and the policies allow
exactly the `requires` graph of platform.yaml (a service accepts traffic from the services that require it, and
from the ingress namespace when it is `public`; it reaches the services it requires, and DNS), nothing more.
An Ingress or HTTPRoute only for a `public` service."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, NamedTuple

from generator.findings import Finding, Rule, excerpt
from generator.model import Platform
from generator.validators.placement import Where, named

if TYPE_CHECKING:
    from generator import helm

NETWORK_POLICY_MISSING = Rule(
    "manifests.network-policy-missing",
    "error",
    "Every service's release has a NetworkPolicy (without one its pods accept traffic from anywhere).",
)
NETWORK_POLICY = Rule(
    "manifests.network-policy",
    "error",
    "NetworkPolicies allow exactly the `requires` edges of platform.yaml: each edge is allowed (ingress and "
    "egress), and nothing else is (DNS, and the ingress namespace for a public service, aside).",
)
NOT_PUBLIC = Rule("manifests.not-public", "error", "Only a `public` service has an Ingress or HTTPRoute.")
RULES: tuple[Rule, ...] = (NETWORK_POLICY_MISSING, NETWORK_POLICY, NOT_PUBLIC)

NAME = "app.kubernetes.io/name"
NAMESPACE = "kubernetes.io/metadata.name"
DNS_PORT = 53


class Wide(NamedTuple):
    """A policy's rule that allows more than named services and namespaces: the field that does it, and what."""

    policy: helm.Manifest
    path: tuple[str, ...]
    what: str


class Allowed(NamedTuple):
    """What one direction (ingress or egress) of a service's NetworkPolicies lets through."""

    services: set[str]
    namespaces: set[str]
    wide: list[Wide]  # what is allowed beyond named services and namespaces


def _selected(selector: Any, key: str) -> set[str] | None:
    """The values of label `key` a selector admits (`matchLabels`, or `In` expressions); None when it admits more
    than named values (an empty selector, or other labels)."""
    if not isinstance(selector, dict) or not selector:
        return None
    found: set[str] | None = None
    labels = selector.get("matchLabels") or {}
    for label, value in labels.items():
        if label != key:
            return None
        found = {str(value)}
    for expression in selector.get("matchExpressions") or ():
        if not isinstance(expression, dict) or expression.get("key") != key or expression.get("operator") != "In":
            return None
        values = {str(v) for v in expression.get("values") or ()}
        found = values if found is None else found & values
    return found


def _dns(rule: dict[str, Any]) -> bool:
    ports = rule.get("ports") or ()
    return bool(ports) and all(isinstance(p, dict) and p.get("port") == DNS_PORT for p in ports)


def _allowed(policies: list[helm.Manifest], direction: str) -> Allowed:
    """What `policies` allow in `direction` (`ingress`, peers under `from`; `egress`, under `to`)."""
    allowed, kind = Allowed(set(), set(), []), direction.capitalize()
    peers_key = "from" if direction == "ingress" else "to"
    for policy in policies:
        spec = policy.data.get("spec") or {}
        types = spec.get("policyTypes") or (["Ingress", "Egress"] if spec.get("egress") else ["Ingress"])
        if kind not in types:
            allowed.wide.append(Wide(policy, ("spec", "policyTypes"), f"{named(policy)} does not restrict {direction}"))
            continue
        for rule in spec.get(direction) or ():
            if not isinstance(rule, dict):
                continue
            if direction == "egress" and _dns(rule):
                continue
            peers = rule.get(peers_key) or ()
            if not peers:
                allowed.wide.append(
                    Wide(policy, ("spec", direction), f"{named(policy)} allows {direction} {peers_key} anywhere")
                )
            for peer in peers:
                pods = _selected(peer.get("podSelector"), NAME) if "podSelector" in peer else set()
                spaces = _selected(peer.get("namespaceSelector"), NAMESPACE) if "namespaceSelector" in peer else set()
                if pods is None or spaces is None or "ipBlock" in peer:
                    allowed.wide.append(
                        Wide(
                            policy,
                            ("spec", direction),
                            f"{named(policy)} allows {direction} beyond named services: {excerpt(peer)}",
                        )
                    )
                    continue
                if "namespaceSelector" in peer and "podSelector" not in peer:
                    allowed.namespaces.update(spaces)
                else:
                    allowed.services.update(pods)
    return allowed


def _ingress(where: Where, platform: Platform, release: helm.Release) -> Iterator[Finding]:
    for manifest in release.manifests:
        service = platform.services.get(release.service)
        if manifest.kind in ("Ingress", "HTTPRoute") and not (service is not None and service.public):
            yield where.at(
                NOT_PUBLIC,
                manifest,
                ("spec",),
                f"{named(manifest)} exposes {release.service}, which platform.yaml does not make `public`",
                values=("ingress" if manifest.kind == "Ingress" else "httpRoute",),
            )


def check_release(where: Where, platform: Platform) -> Iterator[Finding]:
    release, name = where.release, where.release.service
    yield from _ingress(where, platform, release)
    workloads = [m for m in release.manifests if m.kind in ("Deployment", "Rollout", "StatefulSet", "DaemonSet")]
    if not workloads or name not in platform.services:
        return
    policies = [m for m in release.manifests if m.kind == "NetworkPolicy"]
    if not policies:
        yield where.at(
            NETWORK_POLICY_MISSING,
            workloads[0],
            ("kind",),
            f"{name} has no NetworkPolicy: its pods accept traffic from anywhere",
            values=("networkPolicy",),
        )
        return
    first = policies[0]
    consumers = set(platform.consumers(name))
    providers = set(platform.services[name].requires)
    gateway = {platform.ingress_namespace} if platform.services[name].public else set()
    ingress, egress = _allowed(policies, "ingress"), _allowed(policies, "egress")
    missing = [  # (direction, message, the platform.yaml node that asks for it)
        *(
            (
                "ingress",
                f"{other} requires {name}, but {name}'s NetworkPolicy does not accept traffic from {other}",
                ("services", other, "requires", name),
            )
            for other in sorted(consumers - ingress.services)
        ),
        *(
            (
                "egress",
                f"{name} requires {other}, but {name}'s NetworkPolicy does not let it reach {other}",
                ("services", name, "requires", other),
            )
            for other in sorted(providers - egress.services)
        ),
        *(
            (
                "ingress",
                f"{name} is public, but its NetworkPolicy does not accept traffic from namespace {space}",
                ("services", name, "public"),
            )
            for space in sorted(gateway - ingress.namespaces)
        ),
    ]
    for direction, message, node in missing:
        yield where.at(NETWORK_POLICY, first, ("spec", direction), message, platform=node)
    wider = [
        *(
            f"accepts traffic from {other}, which does not require {name}"
            for other in sorted(ingress.services - consumers)
        ),
        *(f"accepts traffic from namespace {space}" for space in sorted(ingress.namespaces - gateway)),
        *(f"reaches {other}, which {name} does not require" for other in sorted(egress.services - providers)),
        *(f"reaches namespace {space}" for space in sorted(egress.namespaces)),
    ]
    for what in wider:
        direction = "egress" if what.startswith("reaches") else "ingress"
        yield where.at(
            NETWORK_POLICY,
            first,
            ("spec", direction),
            f"{name}'s NetworkPolicy {what} (platform.yaml `requires` says nothing of it)",
            values=("networkPolicy",),
        )
    for wide in (*ingress.wide, *egress.wide):
        yield where.at(
            NETWORK_POLICY, wide.policy, wide.path, f"{wide.what} (wider than `requires`)", values=("networkPolicy",)
        )
