"""The files lockstep derives from platform.yaml and the locks for what deploys the repository, and owns: the
platform values of every service in every environment (`deploy/values/<env>/<service>.yaml`: replicas,
resources, rollout, network policy), which helmfile and the GitOps engines read because none of them can compute
them from platform.yaml.

Pure: the platform and locks in, file texts out. Every writer lays them over its change (`Changeset`), so an
edit to platform.yaml through lockstep, a promotion or `lockstep generate` leaves them current; `validate`
reports a file that is not what platform.yaml says."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from generator import layout, yamlio
from generator.model import Lock, Platform, platform_values

HEADER = "# Written by lockstep from platform.yaml (`lockstep generate` rewrites it): edit platform.yaml instead.\n"


def owned(relative: str) -> bool:
    """True for a file lockstep derives (and so may rewrite or remove)."""
    parts = relative.split("/")
    return len(parts) == 4 and parts[:2] == [layout.DEPLOY_DIR, "values"] and parts[3].endswith(".yaml")


def files(platform: Platform, locks: Mapping[str, Lock]) -> dict[str, str]:
    """Every derived file, by path."""
    del locks  # the platform values depend on platform.yaml alone (the image comes from the lock, set apart)
    return {
        layout.platform_values(env, service): HEADER + yamlio.dumps(platform_values(platform, env, service))
        for env in platform.path
        for service in platform.services
    }


def refresh(platform: Platform, locks: Mapping[str, Lock], existing: Iterable[str]) -> dict[str, str | None]:
    """The derived files, and None for each existing derived file that no longer belongs (a removed service)."""
    wanted: dict[str, str | None] = dict(files(platform, locks))
    return wanted | {path: None for path in existing if owned(path) and path not in wanted}
