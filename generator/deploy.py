"""The files lockstep derives from platform.yaml and the locks for what deploys the repository, and owns: the
platform values of every service in every environment (`deploy/values/<env>/<service>.yaml`: replicas,
resources, rollout, network policy), which helmfile and the GitOps engines read because none of them can compute
them from platform.yaml; and with the Flux engine, each environment's `environments/<env>/kustomization.yaml`
(generator/engines.py), which kustomize builds with the lock beside it.

Pure: the platform and locks in, file texts out. Every writer lays them over its change (`Changeset`), so an
edit to platform.yaml through lockstep, a promotion or `lockstep generate` leaves them current; `validate`
reports a file that is not what platform.yaml says."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from functools import cache

from generator import engines, layout, yamlio
from generator.model import Lock, Platform, platform_values
from generator.tree import Tree, files_under

HEADER = "# Written by lockstep from platform.yaml (`lockstep generate` rewrites it): edit platform.yaml instead.\n"


def owned(relative: str) -> bool:
    """True for a file lockstep derives (and so may rewrite or remove)."""
    parts = relative.split("/")
    if len(parts) == 3 and parts[0] == layout.ENVIRONMENTS_DIR and parts[2] == "kustomization.yaml":
        return True  # the Flux companion of the lock
    return len(parts) == 4 and parts[:2] == [layout.DEPLOY_DIR, "values"] and parts[3].endswith(".yaml")


def existing(tree: Tree, platform: Platform) -> set[str]:
    """The derived files `tree` has (the companions only with the Flux engine: elsewhere a kustomization.yaml
    beside a lock is the team's)."""
    found = {path for path in files_under(tree, layout.DEPLOY_DIR) if owned(path)}
    if platform.engine != "flux":
        return found
    return found | {engines.companion(env) for env in platform.path if tree.read(engines.companion(env)) is not None}


def files(platform: Platform, locks: Mapping[str, Lock], wanted: Callable[[str], bool] | None = None) -> dict[str, str]:
    """Every derived file, by path (with `wanted`, only the paths it accepts: the others are not computed)."""
    derived = {}
    for env in platform.path:
        for service in platform.services:
            path = layout.platform_values(env, service)
            if wanted is None or wanted(path):
                derived[path] = _text(json.dumps(platform_values(platform, env, service)))
    if platform.engine == "flux":  # the companions follow the locks' sets of services, never their versions
        derived |= {
            engines.companion(env): engines.companion_text(platform, lock)
            for env, lock in locks.items()
            if platform.environment(env) is not None and (wanted is None or wanted(engines.companion(env)))
        }
    return derived


@cache
def _text(values: str) -> str:
    """A platform values file's text (by its values as JSON: most services and environments share theirs, and
    YAML's emitter is the cost of deriving)."""
    return HEADER + yamlio.dumps(json.loads(values))


def refresh(platform: Platform, locks: Mapping[str, Lock], present: Iterable[str]) -> dict[str, str | None]:
    """The derived files, and None for each present derived file that no longer belongs (a removed service)."""
    wanted: dict[str, str | None] = dict(files(platform, locks))
    return wanted | {path: None for path in present if owned(path) and path not in wanted}
