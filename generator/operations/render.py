"""What an environment deploys, as helm command lines: the same chart, values, namespace, Kubernetes version
and platform values that the generated helmfile gives helm for that environment (`helmfile -e ENV template`).

Pure: the loaded repository in, `helm template` arguments out; `commands/render.py` runs them."""

from __future__ import annotations

import json
import posixpath
from dataclasses import dataclass
from typing import Any

from generator import layout
from generator.errors import UsageError
from generator.model import Pin, Platform, platform_values
from generator.repository import Repo


@dataclass(frozen=True)
class HelmTemplate:
    """One service's release in one environment, as `helm template` renders it (run in the repository root)."""

    service: str
    environment: str
    namespace: str
    args: tuple[str, ...]  # after `helm`


def _json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), sort_keys=True)


def helm_template(platform: Platform, environment: str, service: str, pin: Pin) -> HelmTemplate:
    """The command helmfile runs for `service` in `environment`: the release is named after the service, in the
    environment's namespace, with the environment's values file and then the platform values (`--set-json`, one
    per top-level key): the image at the pinned version (with the lock's digest when it has one), replicas,
    resources, rollout and network policy from platform.yaml."""
    env = platform.environment(environment)
    assert env is not None, environment
    values = platform_values(platform, environment, service, pin)
    args = (
        "template",
        service,
        posixpath.dirname(layout.chart(service)),
        "--version",
        pin.version,
        "--kube-version",
        platform.kubernetes_version,
        "--namespace",
        env.namespace,
        "--values",
        layout.values(environment, service),
        *(option for key, value in values.items() for option in ("--set-json", f"{key}={_json(value)}")),
    )
    return HelmTemplate(service, environment, env.namespace, args)


def plan(repo: Repo, environment: str, service: str | None = None) -> tuple[HelmTemplate, ...]:
    """Every release `environment` deploys (or `service`'s alone), by service name."""
    platform = repo.platform
    if platform is None:
        raise UsageError(f"{layout.PLATFORM} is not valid: `lockstep validate` says why")
    if platform.environment(environment) is None:
        raise UsageError(f"unknown environment `{environment}` (environments: {', '.join(platform.path)})")
    lock = repo.locks.get(environment)
    if lock is None:
        raise UsageError(f"{layout.lock(environment)} does not exist")
    if service is not None and service not in lock.services:
        where = f"is not deployed in {environment}" if service in platform.services else f"is not in {layout.PLATFORM}"
        raise UsageError(f"--service: `{service}` {where}")
    names = sorted(lock.services) if service is None else [service]
    return tuple(helm_template(platform, environment, name, lock.services[name]) for name in names)
